"""Loading over a real HTTP server on 127.0.0.1: first, warm, pinned, moving 'latest'."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd
import pyarrow as pa
import pytest

import leadertravel as lt
from leadertravel._schema import arrow_schema, pandas_dtype

if TYPE_CHECKING:
    from conftest import ReleaseServer

V1 = "0.1.0"


def _manifest(root: Path, version: str) -> dict:
    return json.loads((root / version / "datapackage.json").read_text(encoding="utf-8"))


def test_first_load_downloads_verifies_and_types_from_schema(
    server: ReleaseServer, cache_dir: Path
) -> None:
    trips = lt.load("trips", source=server.url)
    assert server.requests == ["index.json", f"{V1}/datapackage.json", f"{V1}/trips.parquet"]
    assert len(trips) == 6
    schema = next(r for r in _manifest(server.root, V1)["resources"] if r["name"] == "trips")[
        "schema"
    ]
    expected = {f["name"]: pandas_dtype(f) for f in schema["fields"]}
    assert list(trips.columns) == list(expected)
    assert {c: trips[c].dtype for c in trips.columns} == expected
    assert trips["trip_id"].iloc[0] == "alpha-a-2020-01-01"
    assert trips["start_date"].iloc[0] == pd.Timestamp("2020-01-01")
    assert trips["title"].isna().sum() == 2  # every 3rd optional value is null
    assert list(trips["office"].cat.categories)[:2] == ["head_of_state", "head_of_government"]
    # the cache holds the verified file and a stamp; no temp files are left behind
    cached = sorted(p.relative_to(cache_dir).parts[1:] for p in cache_dir.rglob("*.parquet"))
    assert cached == [(V1, "trips.parquet")]
    assert not list(cache_dir.rglob("*.part"))


def test_warm_load_makes_no_request(server: ReleaseServer) -> None:
    first = lt.load("trips", source=server.url)
    before = list(server.requests)
    second = lt.load("trips", source=server.url)
    pinned = lt.load("trips", version=V1, source=server.url)
    assert server.requests == before
    pd.testing.assert_frame_equal(first, second)
    pd.testing.assert_frame_equal(first, pinned)


def test_load_arrow_types_follow_the_schema_mapping(server: ReleaseServer) -> None:
    table = lt.load_arrow("stops", source=server.url)
    schema = next(r for r in _manifest(server.root, V1)["resources"] if r["name"] == "stops")
    assert table.schema.types == arrow_schema(schema["schema"]).types
    assert table.num_rows == schema["rows"] == 12


def test_pyarrow_backend(server: ReleaseServer) -> None:
    trips = lt.load("trips", source=server.url, dtype_backend="pyarrow")
    assert all(isinstance(t, pd.ArrowDtype) for t in trips.dtypes)
    assert trips["start_date"].dtype.pyarrow_dtype == pa.date32()


def test_columns_and_filters_are_pushed_down(server: ReleaseServer) -> None:
    stops = lt.load(
        "stops",
        source=server.url,
        columns=["stop_id", "trip_id"],
        filters=[("trip_id", ">=", "bravo-b"), ("trip_id", "<", "bravo-c")],
    )
    assert list(stops.columns) == ["stop_id", "trip_id"]
    assert stops["trip_id"].str.startswith("bravo-b-").all()
    assert len(stops) == 4
    # row groups of 4 rows, sorted by stop_id: the filter reads only the matching groups
    path = lt.path("stops", source=server.url)
    import pyarrow.parquet as pq

    meta = pq.ParquetFile(path).metadata
    groups = [
        i
        for i in range(meta.num_row_groups)
        if meta.row_group(i).column(1).statistics.min <= "bravo-c"
        and meta.row_group(i).column(1).statistics.max >= "bravo-b"
    ]
    assert len(groups) < meta.num_row_groups
    with pytest.raises(ValueError, match="no column"):
        lt.load("stops", source=server.url, columns=["nope"])


def test_filters_on_dates_and_enums(server: ReleaseServer) -> None:
    trips = lt.load("trips", source=server.url, filters=[("start_date", ">=", dt.date(2020, 1, 4))])
    assert len(trips) == 3
    curated = lt.load("trips", source=server.url, filters=[("origin", "==", "curated")])
    every = lt.load("trips", source=server.url)["origin"]  # the fixture cycles the enum
    assert 0 < len(curated) == (every == "curated").sum() < len(every)
    assert (curated["origin"] == "curated").all()


def test_filter_values_as_iso_strings_and_or_groups(server: ReleaseServer) -> None:
    by_date = lt.load(
        "trips", source=server.url, filters=[("start_date", ">=", dt.date(2020, 1, 4))]
    )
    as_text = lt.load("trips", source=server.url, filters=[("start_date", ">=", "2020-01-04")])
    assert as_text["trip_id"].tolist() == by_date["trip_id"].tolist()
    ids = by_date["trip_id"].tolist()
    either = lt.load(
        "trips",
        source=server.url,
        filters=[[("trip_id", "==", ids[0])], [("trip_id", "in", ids[1:2])]],
    )
    assert sorted(either["trip_id"]) == sorted(ids[:2])


def test_filter_on_an_unknown_column_names_the_columns(server: ReleaseServer) -> None:
    with pytest.raises(ValueError, match="no such column; it has \\['trip_id'"):
        lt.load("trips", source=server.url, filters=[("start", ">=", "2020-01-04")])
    with pytest.raises(ValueError, match="not an ISO date"):
        lt.load("trips", source=server.url, filters=[("start_date", ">=", "4 Jan 2020")])


def test_pinned_version_and_latest_moving(
    server: ReleaseServer, monkeypatch: pytest.MonkeyPatch, publish: Any
) -> None:
    assert len(lt.load("trips", source=server.url)) == 6
    publish(server.root, "0.2.0", n_trips=9, released="2026-11-23")
    # within the TTL 'latest' still means the cached answer: no request at all
    before = len(server.requests)
    assert len(lt.load("trips", source=server.url)) == 6
    assert len(server.requests) == before
    # refresh=True re-resolves 'latest'
    assert len(lt.load("trips", source=server.url, refresh=True)) == 9
    # pinned versions stay what they are, from the cache, without requests
    before = len(server.requests)
    assert len(lt.load("trips", version=V1, source=server.url)) == 6
    assert len(server.requests) == before
    # once the TTL has expired, 'latest' is asked again (index.json only)
    publish(server.root, "0.3.0", n_trips=12, released="2026-11-24")
    monkeypatch.setenv("LEADERTRAVEL_LATEST_TTL", "0")
    assert len(lt.load("trips", source=server.url)) == 12
    assert server.requests[before:] == [
        "index.json",
        "0.3.0/datapackage.json",
        "0.3.0/trips.parquet",
    ]
    # a pinned version newer than the cached index is found by asking again
    monkeypatch.delenv("LEADERTRAVEL_LATEST_TTL")
    publish(server.root, "0.4.0", n_trips=3, released="2026-11-25")
    assert len(lt.load("trips", version="0.4.0", source=server.url)) == 3


def test_versions_newest_first(server: ReleaseServer, publish: Any) -> None:
    publish(server.root, "0.10.0", n_trips=2, released="2026-11-23")
    publish(server.root, "0.9.0", n_trips=2, released="2026-11-20")
    v = lt.versions(source=server.url)
    assert v["version"].tolist() == ["0.10.0", "0.9.0", "0.1.0"]
    assert v["released"].tolist() == [
        pd.Timestamp("2026-11-23"),
        pd.Timestamp("2026-11-20"),
        pd.Timestamp("2026-11-01"),
    ]
    assert v["latest"].tolist() == [True, False, False]


def test_load_all_one_consistent_release(server: ReleaseServer) -> None:
    frames = lt.load_all(source=server.url)
    assert {k: len(v) for k, v in frames.items()} == {"leaders": 3, "stops": 12, "trips": 6}
    assert set(frames["stops"]["trip_id"]) <= set(frames["trips"]["trip_id"])


def test_describe_reads_only_the_manifest(server: ReleaseServer) -> None:
    d = lt.describe("stops", source=server.url)
    assert not any(r.endswith(".parquet") for r in server.requests)
    row = d.set_index("field").loc["date_precision"]
    assert (row["type"], row["dtype"], row["required"], row["enum"]) == (
        "string",
        "category",
        True,
        "day, visit",
    )
    assert d.set_index("field").loc["seq", "constraints"] == "minimum=1"
    assert d.attrs["primary_key"] == ["stop_id"] and d.attrs["rows"] == 12


def test_local_directory_and_file_url(release_root: Path, tmp_path: Path) -> None:
    a = lt.load("trips", source=release_root, cache_dir=tmp_path / "a")
    b = lt.load("trips", source=release_root.as_uri(), cache_dir=tmp_path / "b")
    pd.testing.assert_frame_equal(a, b)
    assert len(a) == 6


def test_source_from_environment(server: ReleaseServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LEADERTRAVEL_SOURCE", server.url)
    assert len(lt.load("leaders")) == 3
    assert server.requests[0] == "index.json"


def test_tampered_cache_file_is_refetched(server: ReleaseServer) -> None:
    path = lt.path("trips", source=server.url)
    path.write_bytes(path.read_bytes()[:-1] + b"\x00")
    assert len(lt.load("trips", source=server.url)) == 6
    assert server.count("trips.parquet") == 2


def test_cache_info_and_clear(server: ReleaseServer, cache_dir: Path, publish: Any) -> None:
    publish(server.root, "0.2.0", n_trips=2, released="2026-11-23")
    lt.load("trips", version=V1, source=server.url)
    lt.load("trips", version="0.2.0", source=server.url)
    info = lt.cache_info()
    assert info.attrs["cache_dir"] == str(cache_dir)
    assert info[info["file"] == "trips.parquet"]["version"].tolist() == [V1, "0.2.0"]
    assert info["source"].unique().tolist() == [server.url]
    assert info[info["file"] == "trips.parquet"]["verified_at"].notna().all()
    assert lt.clear_cache(V1) == 4  # manifest, table, and their stamps
    assert lt.cache_info()["version"].unique().tolist() == ["0.2.0"]
    assert lt.clear_cache() == 4
    assert lt.cache_info().empty


def test_progress_bar_with_and_without_rich(
    server: ReleaseServer, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import sys

    shown = lt.load("trips", source=server.url, progress=True, cache_dir=tmp_path / "a")
    monkeypatch.setitem(sys.modules, "rich.progress", None)  # as if rich were not installed
    plain = lt.load("trips", source=server.url, progress=True, cache_dir=tmp_path / "b")
    pd.testing.assert_frame_equal(shown, plain)
    assert server.count("trips.parquet") == 2


def test_cache_key_is_the_canonical_source(release_root: Path, tmp_path: Path) -> None:
    lt.load("trips", source=release_root)
    before = lt.cache_info()
    lt.load("trips", source=release_root.as_uri())
    lt.load("trips", source=f"{release_root}/")
    after = lt.cache_info()
    pd.testing.assert_frame_equal(before, after)
    assert after["source"].unique().tolist() == [str(release_root.resolve())]


def test_in_filter_needs_a_collection_not_a_string(server: ReleaseServer) -> None:
    # a bare string would be split into characters and silently select nothing
    for op in ("in", "not in"):
        with pytest.raises(ValueError, match=f"filter on 'origin': '{op}' needs a list"):
            lt.load("trips", source=server.url, filters=[("origin", op, "curated")])
    curated = lt.load("trips", source=server.url, filters=[("origin", "in", ("curated",))])
    every = lt.load("trips", source=server.url)["origin"]  # the fixture cycles the enum
    assert 0 < len(curated) == (every == "curated").sum() < len(every)
    assert len(lt.load("stops", source=server.url, filters=[("seq", "in", {1})])) == 6


@pytest.mark.parametrize(
    ("clause", "text"),
    [
        (
            ("seq", "==", "1"),
            r"'1' \(str\) cannot be compared with the column's Table Schema "
            r"type 'integer'; write the number itself",
        ),
        (("seq", "in", [1, "2"]), r"filter on 'seq': '2' \(str\)"),
        (("stop_id", "==", 5), r"filter on 'stop_id': 5 \(int\) .* type 'string'"),
        (("arrival_date", ">", 20200101), r"filter on 'arrival_date': 20200101 .* type 'date'"),
        (("seq", "==", None), r"None \(NoneType\) .*field\('seq'\)\.is_null\(\)"),
        (("seq", "=~", 1), r"unknown operator '=~'"),
    ],
)
def test_filter_values_must_fit_the_column_type(
    server: ReleaseServer, clause: tuple[str, str, Any], text: str
) -> None:
    with pytest.raises(ValueError, match=text):
        lt.load("stops", source=server.url, filters=[clause])
    assert not any(r.endswith("stops.parquet") for r in server.requests)  # checked first


def test_pinned_cold_load_does_not_ask_the_index(server: ReleaseServer) -> None:
    assert len(lt.load("trips", version=V1, source=server.url)) == 6
    assert server.requests == [f"{V1}/datapackage.json", f"{V1}/trips.parquet"]


def test_load_all_fetches_the_tables_concurrently(server: ReleaseServer) -> None:
    import time

    for table in ("leaders", "stops", "trips"):
        server.fault(f"{V1}/{table}.parquet", "slow", times=1, delay=0.5)
    start = time.monotonic()
    frames = lt.load_all(version=V1, source=server.url, progress=False)
    assert time.monotonic() - start < 1.2  # three 0.5 s answers at once, not one by one
    assert {k: len(v) for k, v in frames.items()} == {"leaders": 3, "stops": 12, "trips": 6}
