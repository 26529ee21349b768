"""The one-pass Arrow → typed frame conversion (`leadertravel._schema.to_pandas`, issue 16).

Each case is checked against a plain two-step conversion (enums decoded to strings,
pyarrow's own ``to_pandas`` to nullable dtypes, then ``astype`` to the schema's dtypes):
same values, same dtypes, same index, and the frame is editable like any other. Enum
categories are always the schema's vocabulary in its order, whatever order the file's
dictionaries have (the loader's earlier ``astype`` kept the dictionary's order when it
held the same values).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pytest

from leadertravel._schema import pandas_dtype, to_pandas

ENUM = ["air", "rail", "sea"]
FIELDS: list[dict[str, Any]] = [
    {"name": "id", "type": "string", "constraints": {"required": True}},
    {"name": "mode", "type": "string", "constraints": {"enum": ENUM}},
    {"name": "n", "type": "integer"},
    {"name": "km", "type": "number"},
    {"name": "ok", "type": "boolean"},
    {"name": "day", "type": "date"},
    {"name": "at", "type": "datetime"},
    {"name": "year", "type": "year"},
]
SCHEMA = {"fields": FIELDS}


def _two_step(table: pa.Table) -> pd.DataFrame:
    """The reference: pyarrow's conversion, then each schema column cast to its dtype."""
    for i, column in enumerate(table.columns):
        if pa.types.is_dictionary(column.type):
            table = table.set_column(i, table.field(i).name, column.cast(pa.string()))
    nullable = {
        pa.int64(): pd.Int64Dtype(),
        pa.int16(): pd.Int16Dtype(),
        pa.float64(): pd.Float64Dtype(),
        pa.bool_(): pd.BooleanDtype(),
        pa.string(): pd.StringDtype(),
    }
    frame = table.to_pandas(date_as_object=False, types_mapper=nullable.get)
    dtypes = {f["name"]: pandas_dtype(f) for f in FIELDS if f["name"] in frame.columns}
    return frame.astype(dtypes)


def _table(*, chunks: int = 1) -> pa.Table:
    """Rows with every type, nulls, and each chunk's dictionary in a different order."""
    parts = []
    for k in range(chunks):
        modes = ["sea", None, "air", "sea", "rail"][k:] + ["rail"] * k
        parts.append(
            pa.table(
                {
                    "id": pa.array([f"r{k}-{i}" for i in range(5)]),
                    "mode": pa.array(modes).dictionary_encode(),
                    "n": pa.array([2**53 + 1, None, -(2**62), 0, 7], pa.int64()),
                    "km": pa.array([0.5, None, 1e300, -2.0, 0.0], pa.float64()),
                    "ok": pa.array([True, None, False, True, False]),
                    "day": pa.array([0, None, -719_162, 2_932_896, 19_000], pa.date32()),
                    "at": pa.array([0, None, 1, 2**50, -(2**50)], pa.timestamp("us", "UTC")),
                    "year": pa.array([1945, None, 2026, -1, 0], pa.int16()),
                }
            )
        )
    return pa.concat_tables(parts, promote_options="permissive")


@pytest.mark.parametrize("chunks", [1, 3])
def test_same_frame_as_the_two_step_conversion(chunks: int) -> None:
    table = _table(chunks=chunks)
    assert table.column("mode").num_chunks == chunks
    frame = to_pandas(table, SCHEMA)
    pd.testing.assert_frame_equal(frame, _two_step(table), check_exact=True)
    assert frame["n"].iloc[0] == 2**53 + 1  # exact, never through float64
    assert list(frame["mode"].cat.categories) == ENUM  # the vocabulary, in its order
    mode = frame["mode"]
    assert mode.iloc[0] == "sea" and pd.isna(mode.iloc[1]) and mode.iloc[2] == "air"
    assert {c: frame[c].dtype for c in frame.columns} == {
        f["name"]: pandas_dtype(f) for f in FIELDS
    }


def test_selections_empty_tables_and_slices() -> None:
    table = _table(chunks=2)
    for part in (
        table.select(["year", "mode", "id"]),
        table.slice(3, 4),
        table.slice(0, 0),
        table.select([]),
    ):
        frame = to_pandas(part, SCHEMA)
        pd.testing.assert_frame_equal(frame, _two_step(part), check_exact=True)
        assert len(frame) == part.num_rows


def test_an_enum_stored_as_plain_strings_and_values_outside_it() -> None:
    # `check_values` refuses values outside the vocabulary before any frame is made;
    # the conversion alone turns them into NA, as astype to the categorical does.
    table = pa.table({"mode": pa.array(["rail", "boat", None, "air"])})
    frame = to_pandas(table, SCHEMA)
    assert frame["mode"].dtype == pandas_dtype(FIELDS[1])
    assert frame["mode"].isna().tolist() == [False, True, True, False]
    assert frame["mode"].tolist()[0] == "rail" and frame["mode"].tolist()[3] == "air"


def test_columns_outside_the_schema_and_repeated_names() -> None:
    extra = pa.table({"id": ["a", "b"], "other": pa.array([1, None], pa.int32())})
    frame = to_pandas(extra, SCHEMA)
    assert str(frame["id"].dtype) == "string"
    assert frame["other"].dtype == extra.column("other").to_pandas().dtype  # pandas' default
    assert frame["other"].iloc[0] == 1 and pd.isna(frame["other"].iloc[1])
    twice = pa.Table.from_arrays([pa.array(["x"]), pa.array(["y"])], names=["id", "id"])
    frame = to_pandas(twice, SCHEMA)
    assert list(frame.columns) == ["id", "id"] and frame.iloc[0].tolist() == ["x", "y"]


def test_frames_are_editable() -> None:
    frame = to_pandas(_table(), SCHEMA)
    frame.loc[0, "day"] = pd.Timestamp("2020-01-02")
    frame.loc[0, "mode"] = "rail"
    frame.loc[0, "n"] = 5
    frame.loc[0, "at"] = pd.Timestamp("2020-01-02", tz="UTC")
    assert frame.loc[0, ["mode", "n"]].tolist() == ["rail", 5]
    assert frame.loc[0, "day"] == pd.Timestamp("2020-01-02")
    assert str(frame["day"].dtype) == "datetime64[s]"


def test_the_plan_is_built_once_per_schema_object() -> None:
    from leadertravel import _schema

    schema = {"fields": [dict(f) for f in FIELDS]}
    to_pandas(_table(), schema)
    plan = _schema._PLANS[id(schema)]
    to_pandas(_table(), schema)
    assert _schema._PLANS[id(schema)] is plan and plan[0] is schema
    other = {"fields": [{"name": "n", "type": "string"}]}  # same names, another schema
    assert str(to_pandas(pa.table({"n": ["1"]}), other)["n"].dtype) == "string"


def test_without_owned_the_table_is_never_changed_by_editing_the_frame() -> None:
    table = _table(chunks=1)
    before = table.to_pydict()
    frame = to_pandas(table, SCHEMA)
    frame.loc[0, ["n", "year", "km"]] = [1, 2, 3.0]
    frame.loc[0, "day"] = pd.Timestamp("1999-01-01")
    frame.loc[0, "mode"] = "air"
    assert table.to_pydict() == before


def test_owned_takes_the_integers_over_and_gives_the_same_frame() -> None:
    import pyarrow.parquet as pq

    buffer = pa.BufferOutputStream()
    pq.write_table(_table(chunks=1), buffer)
    data = buffer.getvalue()

    def read() -> pa.Table:
        return pq.ParquetFile(pa.BufferReader(data)).read()

    owned = to_pandas(read(), SCHEMA, owned=True)
    pd.testing.assert_frame_equal(owned, to_pandas(read(), SCHEMA), check_exact=True)
    assert owned["n"].iloc[0] == 2**53 + 1 and pd.isna(owned["n"].iloc[1])
    owned.loc[1, "n"] = 3  # a null slot becomes a value: the mask is the frame's own
    assert owned["n"].iloc[1] == 3 and not owned["n"].isna().any()


def test_loaded_frames_are_editable_and_independent(tmp_path: Path) -> None:
    import leadertravel as lt
    from leadertravel._example import example_release

    root = example_release(tmp_path / "root")
    cache = tmp_path / "cache"
    first = lt.load("trips", source=root, cache_dir=cache)
    good = first.copy(deep=True)
    first.loc[0, "stops"] = 99
    first.loc[0, "start_date"] = pd.Timestamp("1900-01-01")
    first.loc[0, "visit_type"] = first["visit_type"].cat.categories[-1]
    again = lt.load("trips", source=root, cache_dir=cache)
    pd.testing.assert_frame_equal(again, good, check_exact=True)


def test_enum_dictionaries_of_other_value_types() -> None:
    large = pa.array(["sea", "air", None], pa.large_string()).dictionary_encode()
    numbers = pa.array([1, 2, 1]).dictionary_encode()
    schema = {
        "fields": [
            FIELDS[1],
            {"name": "k", "type": "string", "constraints": {"enum": ["1", "2"]}},
        ]
    }
    frame = to_pandas(pa.table({"mode": large, "k": numbers}), schema)
    assert frame["mode"].tolist()[:2] == ["sea", "air"] and pd.isna(frame["mode"].iloc[2])
    assert frame["k"].tolist() == ["1", "2", "1"]
    assert list(frame["k"].cat.categories) == ["1", "2"]
