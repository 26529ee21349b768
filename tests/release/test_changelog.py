"""CHANGELOG.md lists added, removed and changed rows and schema changes."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pytest

import leadertravel.pipeline.release.stage as stage
from leadertravel.pipeline.release import changelog
from leadertravel.pipeline.release.builder import write_release
from leadertravel.pipeline.release.changelog import LISTED, TableDiff, diff_table
from leadertravel.pipeline.release.versioning import schema_changes


def test_changelog_lists_row_changes(tmp_path: Path, inputs: Callable[..., Any]) -> None:
    releases = tmp_path / "releases"
    write_release(inputs("0.1.0"), releases=releases)
    new = inputs("0.2.0")
    trips, sources, citations = new.tables["trips"], new.tables["sources"], new.tables["citations"]
    first, second = trips.loc[0, "trip_id"], trips.loc[1, "trip_id"]
    trips.loc[0, "title"] = "Corrected title"
    trips.loc[1, ["title", "confidence"]] = ["Another title", "high"]
    extra = sources.iloc[[0]].assign(source_id="another-synthetic-source")
    new.tables["sources"] = pd.concat([sources, extra], ignore_index=True)
    gone = citations.iloc[-1]
    new.tables["citations"] = citations.iloc[:-1]
    release = write_release(new, releases=releases)
    text = (release / "CHANGELOG.md").read_text()
    assert text.startswith(
        "# leadertravel 0.2.0 (2026-11-23)\n\nChanges since 0.1.0 (a minor release)."
    )
    assert "No schema changes." in text
    n_trips = len(trips)
    assert f"| trips | {n_trips} | 0 | 0 | 2 |" in text
    assert "| sources | 2 | 1 | 0 | 0 |" in text
    assert f"| citations | {len(citations) - 1} | 0 | 1 | 0 |" in text
    assert "| stops | 300 | 0 | 0 | 0 |" in text
    assert "Added:\n\n- `another-synthetic-source`" in text
    assert f"Removed:\n\n- `trips / {gone['record_id']} / {gone['source_id']}`" in text
    assert f"- `{first}`: title\n" in text
    assert f"- `{second}`: title, confidence\n" in text
    assert "Changed rows per field: confidence 1, title 2." in text


def test_diff_table_composite_key_and_nulls() -> None:
    old = pa.table({"a": ["x", "x", "y"], "b": ["1", "2", "1"], "v": [None, 2.0, 3.0]})
    new = pa.table({"a": ["x", "x", "z"], "b": ["1", "2", "1"], "v": [None, 2.5, 3.0]})
    diff = diff_table("t", old, new, ["a", "b"])
    assert diff.added == ["z / 1"]
    assert diff.removed == ["y / 1"]
    assert diff.changed == [("x / 2", ["v"])]
    assert diff.n_changed == 1 and not diff.empty


def test_schema_changes_classify_bumps(small: Any) -> None:
    old = small.schemas
    legs = old["legs"]
    fields = []
    for f in legs["fields"]:
        if f["name"] == "vehicle":
            continue  # removed: major
        if f["name"] == "transport_mode":
            enum = [*f["constraints"]["enum"], "bicycle"]
            f = {**f, "constraints": {**f["constraints"], "enum": enum}}  # minor
        if f["name"] == "distance_km":
            f = {**f, "constraints": {"minimum": 1}}  # tightened: major
        fields.append(f)
    fields.append({"name": "note", "type": "string"})  # minor
    new = {**old, "legs": {**legs, "fields": fields}, "extra": {"fields": []}}
    got = {(c.table, c.field, c.level) for c in schema_changes(old, new)}
    assert got == {
        ("extra", None, "minor"),
        ("legs", "vehicle", "major"),
        ("legs", "transport_mode", "minor"),
        ("legs", "distance_km", "major"),
        ("legs", "note", "minor"),
    }


def _field(**spec: Any) -> dict[str, Any]:
    return {"t": {"fields": [{"name": "x", **spec}]}}


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ({"type": "integer", "constraints": {"minimum": 1}}, {"type": "integer"}, "minor"),
        ({"type": "integer", "constraints": {"maximum": 9}}, {"type": "integer"}, "minor"),
        ({"constraints": {"minLength": 2}}, {}, "minor"),
        ({"constraints": {"maxLength": 8}}, {}, "minor"),
        ({}, {"constraints": {"maxLength": 8}}, "major"),
        ({"type": "integer"}, {"type": "integer", "constraints": {"minimum": 1}}, "major"),
        ({"constraints": {"minLength": 2}}, {"constraints": {"minLength": 1}}, "minor"),
        ({"constraints": {"minLength": 2}}, {"constraints": {"minLength": 3}}, "major"),
        ({}, {"type": "string"}, None),  # a left-out type is "string"
        ({"type": "string"}, {}, None),
        ({"format": "default"}, {}, None),
        ({}, {"type": "integer"}, "major"),
    ],
)
def test_bounds_and_default_types(
    old: dict[str, Any], new: dict[str, Any], expected: str | None
) -> None:
    levels = [c.level for c in schema_changes(_field(**old), _field(**new))]
    assert levels == ([] if expected is None else [expected])


# --- the Arrow diff against the former pandas diff ---------------------------------------
#
# ``_pandas_diff`` is the implementation the Arrow one replaced (release 0.1.0's), kept here
# as an oracle: for the same inputs both must give the same TableDiff, hence the same
# CHANGELOG.md.


def _pandas_frame(table: pa.Table, columns: list[str]) -> pd.DataFrame:
    arrays = {}
    for name in columns:
        column = table[name]
        if pa.types.is_dictionary(column.type):
            column = column.cast(pa.string())
        arrays[name] = column
    return pa.table(arrays).to_pandas()


def _pandas_key_text(frame: pd.DataFrame, key: list[str]) -> pd.Series:
    text = frame[key[0]].astype("string").fillna("∅")
    for name in key[1:]:
        text = text + " / " + frame[name].astype("string").fillna("∅")
    return text


def _pandas_diff(name: str, old: pa.Table, new: pa.Table, key: list[str]) -> TableDiff:
    common = [c for c in new.column_names if c in old.column_names]
    before, after = _pandas_frame(old, common), _pandas_frame(new, common)
    before.index, after.index = _pandas_key_text(before, key), _pandas_key_text(after, key)
    added = after.index.difference(before.index)
    removed = before.index.difference(after.index)
    both = after.index.intersection(before.index)
    a, b = before.loc[both], after.loc[both]
    changed = pd.DataFrame(index=both)
    for column in common:
        if column in key:
            continue
        x, y = a[column], b[column]
        if x.dtype != y.dtype:
            x, y = x.astype("string"), y.astype("string")
        same = (x == y).fillna(False).astype(bool) | (x.isna() & y.isna())
        changed[column] = ~same.to_numpy()
    rows = changed[changed.any(axis=1)] if len(changed.columns) else changed.iloc[0:0]
    listed = [
        (str(k), [c for c in rows.columns if flags[c]])
        for k, flags in rows.sort_index().head(LISTED).iterrows()
    ]
    counts = {c: int(rows[c].sum()) for c in rows.columns if rows[c].any()}
    return TableDiff(
        name, sorted(map(str, added)), sorted(map(str, removed)), listed, len(rows), counts
    )


def _edge_tables(seed: int) -> tuple[pa.Table, pa.Table]:
    """Two versions of a table with every kind of value and change the releases hold."""
    rng = np.random.default_rng(seed)
    n = 400
    ids = np.array([f"id-{i:04d}" for i in range(n)] + ["Ärger", "zebra", "Zebra", "éclair"])
    m = len(ids)
    old = {
        "a": ids,
        "b": rng.integers(0, 3, m),
        "f": np.where(rng.random(m) < 0.1, np.nan, rng.random(m).round(2)),
        "s": np.where(rng.random(m) < 0.2, None, rng.choice(["x", "y", "ü"], m)),
        "d": pd.to_datetime("2020-01-01") + pd.to_timedelta(rng.integers(0, 9, m), "D"),
        "e": pd.Categorical(rng.choice(["air", "rail"], m)),
        "n": rng.integers(0, 5, m),
        "t": rng.integers(0, 5, m),
    }
    new = {k: (v.copy() if hasattr(v, "copy") else v) for k, v in old.items()}
    flip = rng.random(m) < 0.3
    new["f"] = np.where(flip, np.round(new["f"] + 1, 2), new["f"])
    new["s"] = np.where(rng.random(m) < 0.1, "y", new["s"])
    new["d"] = new["d"] + pd.to_timedelta(np.where(rng.random(m) < 0.05, 1, 0), "D")
    new["e"] = pd.Categorical(np.where(rng.random(m) < 0.1, "sea", np.asarray(new["e"])))
    new["n"] = np.where(rng.random(m) < 0.1, new["n"] + 1, new["n"])
    new["t"] = np.asarray(new["t"]).astype(str)  # a retyped field, compared as text
    new["t"][::7] = "9"
    old_t = pa.table({k: pa.array(v) for k, v in old.items()})
    new_t = pa.table({k: pa.array(v) for k, v in new.items()})
    new_t = new_t.append_column("only_new", pa.array(np.zeros(m)))
    new_t = new_t.take(pa.array(rng.permutation(m)[: m - 60]))  # 60 removed, unordered
    extra = old_t.slice(0, 80).set_column(0, "a", pa.array([f"new-{i}" for i in range(80)]))
    extra = extra.set_column(
        old_t.column_names.index("t"), "t", extra["t"].cast(pa.string())
    ).append_column("only_new", pa.array(np.ones(80)))
    return old_t, pa.concat_tables([new_t, extra.cast(new_t.schema)])


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("key", [["a"], ["a", "b"]])
def test_arrow_diff_equals_the_pandas_diff(seed: int, key: list[str]) -> None:
    old, new = _edge_tables(seed)
    got = diff_table("t", old, new, key)
    assert got == _pandas_diff("t", old, new, key)
    assert got.added and got.removed and got.n_changed > LISTED  # every path taken


def test_arrow_diff_chunks_agree(monkeypatch: pytest.MonkeyPatch) -> None:
    old, new = _edge_tables(3)
    whole = diff_table("t", old, new, ["a"])
    monkeypatch.setattr(changelog, "_CHUNK", 7)
    assert diff_table("t", old, new, ["a"]) == whole


def test_integer_column_gaining_nulls_is_not_all_changed() -> None:
    # The pandas diff compared an integer column with nulls in only one release as text
    # ("5" against "5.0") and listed every row as changed; the Arrow diff compares values.
    old = pa.table({"id": ["a", "b", "c"], "n": pa.array([5, 6, 7], pa.int64())})
    new = pa.table({"id": ["a", "b", "c"], "n": pa.array([5, None, 7], pa.int64())})
    assert diff_table("t", old, new, ["id"]).changed == [("b", ["n"])]
    assert _pandas_diff("t", old, new, ["id"]).n_changed == 3


def test_follow_up_changelog_is_the_same_as_with_the_pandas_diff(
    tmp_path: Path, synthetic: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    base = synthetic.synthetic_inputs(3000)
    follow = synthetic.synthetic_inputs(3000, version="0.2.0", follow_up=True)
    read: list[tuple[str, list[str]]] = []
    texts = []

    def plain(name: str, old: pa.Table, new: pa.Table, key: list[str], *, same: Any) -> Any:
        assert not same  # every column read and compared, in pandas
        return _pandas_diff(name, old, new, key)

    def reading(self: stage.Previous, name: str, *, columns: list[str]) -> pa.Table:
        read.append((name, columns))
        return pa_read(self, name, columns=columns)

    pa_read = stage.Previous.table
    monkeypatch.setattr(stage.Previous, "table", reading)
    for label in ("arrow", "pandas"):
        if label == "pandas":  # the plain diff: no column skipped for its stored bytes
            monkeypatch.setattr(stage, "diff_table", plain)
            monkeypatch.setattr(stage, "same_columns", lambda old, new: set())
        releases = tmp_path / label
        write_release(base, releases=releases)
        texts.append((write_release(follow, releases=releases) / "CHANGELOG.md").read_bytes())
    assert texts[0] == texts[1]
    # the fast diff read only the columns the follow-up changed (and keys to join on)
    fast = dict(read[: len(read) // 2])
    assert fast["trips"] == ["title", "confidence"]
    assert fast["stops"] == ["remarks"] and fast["legs"] == ["vehicle"]
    assert fast["places"] == [] and fast["leaders"] == []
    assert set(fast["citations"]) == {"table_name", "record_id", "source_id", "supports"}
    text = texts[0].decode()
    assert "| sources | 2 | 1 | 0 | 0 |" in text
    assert "Changed rows per field: confidence " in text and "title " in text


def test_arrow_diff_on_the_same_keys_equals_the_pandas_diff() -> None:
    old, _ = _edge_tables(4)
    values = old["n"].to_numpy().copy()
    values[::9] += 1
    new = old.set_column(old.column_names.index("n"), "n", pa.array(values))
    new = new.set_column(new.column_names.index("f"), "f", pc.round(new["f"], 1))
    got = diff_table("t", old, new, ["a"])
    assert got == _pandas_diff("t", old, new, ["a"])
    assert not got.added and not got.removed and got.n_changed > LISTED


def test_same_columns_are_those_stored_byte_for_byte_alike(tmp_path: Path) -> None:
    from leadertravel.pipeline.release._parquet import same_columns, write_parquet

    n = 150_000  # three row groups
    schema = {"fields": [{"name": c, "type": "string"} for c in ("id", "a", "b", "c")]}
    base = pa.table({c: [f"{c}{i % 977}" for i in range(n)] for c in ("id", "a", "b")})
    base = base.append_column("c", pa.array(np.arange(n)))

    def stored(label: str, table: pa.Table) -> Path:
        path = tmp_path / f"{label}.parquet"
        write_parquet(table, path, name="t", schema=schema)
        return path

    old = stored("old", base)
    changed = base.set_column(1, "a", pc.if_else(pc.equal(base["a"], "a5"), "a5!", base["a"]))
    assert same_columns(old, stored("same", base)) == {"id", "a", "b", "c"}
    assert same_columns(old, stored("changed", changed)) == {"id", "b", "c"}
    # a column of another type is compared by value even where its bytes agree
    retyped = base.set_column(3, "c", pc.cast(base["c"], pa.uint64()))
    assert same_columns(old, stored("retyped", retyped)) == {"id", "a", "b"}
    # other row groups (one row fewer): nothing is known to be the same row by row
    assert same_columns(old, stored("shorter", base.slice(1))) == set()


def test_a_column_stored_alike_is_compared_when_records_moved(tmp_path: Path) -> None:
    """Rows added and removed: row n is another record, so equal bytes prove nothing.

    ``x`` is stored byte for byte alike in both files, but record ``b`` went from 2 to 1.
    """
    from leadertravel._format import table_file
    from leadertravel.pipeline.release._parquet import same_columns, write_parquet

    schema = {
        "fields": [{"name": "id", "type": "string"}, {"name": "x", "type": "integer"}],
        "primaryKey": ["id"],
    }
    old, new = pa.table({"id": ["a", "b"], "x": [1, 2]}), pa.table({"id": ["b", "c"], "x": [1, 2]})
    (tmp_path / "old").mkdir()
    (tmp_path / "new").mkdir()
    write_parquet(old, tmp_path / "old" / table_file("t"), name="t", schema=schema)
    write_parquet(new, tmp_path / "new" / table_file("t"), name="t", schema=schema)
    assert same_columns(tmp_path / "old" / table_file("t"), tmp_path / "new" / table_file("t")) == {
        "x"
    }
    previous = stage.Previous("0.1.0", {"t": schema}, {"t": tmp_path / "old" / table_file("t")})
    _, (diff,) = stage._compare(previous, {"t": schema}, {"t": new}, tmp_path / "new")
    assert (diff.added, diff.removed, diff.changed) == (["c"], ["a"], [("b", ["x"])])
    with pytest.raises(ValueError, match="must hold the key columns"):
        diff_table("t", old.select(["id"]), new, ["id"], same={"x"})
