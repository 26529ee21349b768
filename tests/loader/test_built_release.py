"""The loader against a release written by the project's own builder, over HTTP.

The release is the synthetic one of ``benchmarks/synthetic.py`` (every table of the data
package, 400 stops) written by ``leadertravel.pipeline.release.builder.write_release``.
"""

from __future__ import annotations

import itertools
import json
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb
import numpy as np
import pandas as pd
import polars as pl
import pooch
import pyarrow as pa
import pytest

import leadertravel as lt
from leadertravel._schema import pandas_dtype

if TYPE_CHECKING:
    from conftest import ReleaseServer


def _manifest(srv: ReleaseServer) -> dict:
    version = json.loads((srv.root / "index.json").read_text(encoding="utf-8"))["latest"]
    return json.loads((srv.root / version / "datapackage.json").read_text(encoding="utf-8"))


def test_load_all_matches_the_manifest(built_release: ReleaseServer) -> None:
    manifest = _manifest(built_release)
    frames = lt.load_all(source=built_release.url)
    assert list(frames) == [r["name"] for r in manifest["resources"]]
    for res in manifest["resources"]:
        frame = frames[res["name"]]
        assert len(frame) == res["rows"] > 0, res["name"]
        expected = {f["name"]: pandas_dtype(f) for f in res["schema"]["fields"]}
        assert {c: frame[c].dtype for c in frame.columns} == expected, res["name"]
    assert built_release.count(".parquet") == len(manifest["resources"])


def _arrow_views(frame: pd.DataFrame) -> list[tuple[np.ndarray, pa.Buffer]]:
    """The numpy arrays of ``frame`` that view Arrow memory, with the buffer they view."""
    found = []
    for column in frame.columns:
        array = frame[column].array
        for name in ("_data", "_mask", "_ndarray"):  # masked values, codes, datetimes
            values = getattr(array, name, None)
            base = values
            while base is not None and not isinstance(base, pa.Buffer):
                base = getattr(base, "base", None)
            if base is not None:
                found.append((values, base))
    return found


def test_frames_keep_alive_the_arrow_memory_they_view(built_release: ReleaseServer) -> None:
    # integers, enum codes and dates are taken over from Arrow's buffers without a copy
    # (leadertravel._schema._values): each view must hold its buffer, so that once the
    # table is gone and the allocator has handed every freed block out again, no value
    # of the frame has changed
    frames = lt.load_all(source=built_release.url)
    before = {name: frame.copy(deep=True) for name, frame in frames.items()}
    views = [view for frame in frames.values() for view in _arrow_views(frame)]
    assert len(views) > len(frames)  # the zero-copy path is taken (else this proves nothing)
    for values, buffer in views:
        assert values.flags.writeable and buffer.is_mutable
        assert buffer.address <= values.ctypes.data
        assert values.ctypes.data + values.nbytes <= buffer.address + buffer.size
    starts = sorted({(v.ctypes.data, v.nbytes) for v, _ in views})
    assert all(a + n <= b for (a, n), (b, _) in itertools.pairwise(starts))  # none shared
    for _, buffer in views:  # blocks of the sizes a freed view would have left behind
        for junk in [pa.allocate_buffer(buffer.size) for _ in range(8)]:
            np.frombuffer(junk, np.uint8)[:] = 0xFF
    for name, frame in frames.items():
        pd.testing.assert_frame_equal(frame, before[name], check_exact=True)


def test_duckdb_polars_and_pooch_agree(built_release: ReleaseServer, tmp_path: Path) -> None:
    manifest = _manifest(built_release)
    version = manifest["version"]
    sums = (built_release.root / version / "SHA256SUMS").read_text(encoding="utf-8")
    registry = {n: f"sha256:{d}" for d, n in (ln.split("  ") for ln in sums.splitlines())}
    fetcher = pooch.create(
        path=tmp_path / "pooch", base_url=f"{built_release.url}{version}/", registry=registry
    )
    con = duckdb.connect()
    for res in manifest["resources"]:
        name = res["name"]
        fetched = Path(fetcher.fetch(res["path"]))  # pooch checks SHA256SUMS' hash
        arrow = lt.load_arrow(name, source=built_release.url)
        assert fetched.read_bytes() == lt.path(name, source=built_release.url).read_bytes()
        rows = con.sql(f"select count(*) from read_parquet('{fetched}')").fetchall()[0][0]
        assert rows == arrow.num_rows == res["rows"]
        duck_file = con.sql(f"describe select * from read_parquet('{fetched}')").fetchall()
        duck_mine = con.sql("describe select * from arrow").fetchall()
        assert [r[:2] for r in duck_file] == [r[:2] for r in duck_mine], name
        remote = pl.read_parquet(f"{built_release.url}{version}/{res['path']}")
        mine = pl.from_arrow(arrow)
        assert isinstance(mine, pl.DataFrame)
        assert remote.schema == mine.schema and remote.equals(mine), name


def test_filtered_load_of_one_leader(built_release: ReleaseServer) -> None:
    trips = lt.load("trips", columns=["trip_id", "leader_id"], source=built_release.url)
    leader = str(trips["leader_id"].iloc[len(trips) // 2])
    mine = set(trips.loc[trips["leader_id"] == leader, "trip_id"])
    flt = [("trip_id", ">=", f"{leader}-"), ("trip_id", "<", f"{leader}-~")]
    stops = lt.load("stops", filters=flt, source=built_release.url)
    full = lt.load("stops", source=built_release.url)
    assert set(stops["trip_id"]) == mine
    assert len(stops) == full["trip_id"].isin(mine).sum() > 0


@pytest.mark.parametrize("table", ["trips", "legs"])
def test_describe_matches_the_schema_files(built_release: ReleaseServer, table: str) -> None:
    schema = json.loads(
        (
            Path(__file__).resolve().parents[2] / "datapackage" / "schemas" / f"{table}.schema.json"
        ).read_text(encoding="utf-8")
    )
    d = lt.describe(table, source=built_release.url)
    assert d["field"].tolist() == [f["name"] for f in schema["fields"]]
    assert d["description"].tolist() == [f["description"] for f in schema["fields"]]
