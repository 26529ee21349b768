"""The one-pass ``rows_frame`` and ``typed_frame`` equal the plain pandas path on real data.

The plain versions below are the straightforward definitions (an object frame from the
row dicts, missing values and ``""`` as None, each column parsed, the typed frame sorted
by pandas); the package's versions skip the intermediate frames. The real release's
imported tables, as row dicts in a shuffled order (a sample of each), must give equal
frames (values, dtypes, order).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest

from leadertravel._schema import read_table_schema
from leadertravel.pipeline.typed import (
    BadValueError,
    parse_column,
    rows_frame,
    to_frame,
    typed_frame,
)


def plain_typed_frame(frame: pd.DataFrame, schema: Mapping[str, Any]) -> pd.DataFrame:
    arrays = {}
    for spec in schema["fields"]:
        column = frame[spec["name"]]
        if column.dtype == object or pd.api.types.is_string_dtype(column.dtype):
            column = column.where(column != "", None)
        arrays[spec["name"]], bad = parse_column(column, spec)
        assert not bad.any()
    return to_frame(arrays, schema, index=frame.index)


def plain_rows_frame(rows: Sequence[Mapping[str, Any]], schema: Mapping[str, Any]) -> Any:
    names = [f["name"] for f in schema["fields"]]
    raw = pd.DataFrame.from_records(list(rows), columns=names).astype(object)
    frame = plain_typed_frame(raw.where(raw.notna(), None), schema)
    key = list(schema.get("primaryKey") or [])
    if key and len(frame):
        frame = frame.sort_values(key, kind="stable")
    return frame.reset_index(drop=True)


#: The tables the importers make with ``rows_frame`` (the panels are derived in pandas).
IMPORTED = ("border_crossings", "citations", "leaders", "legs", "places", "sources", "stops")
IMPORTED += ("trips",)
#: Rows per table, drawn at random (the suite's time); every table has rows of every kind.
SAMPLE = 4000


def _real_tables(releases: Path) -> dict[str, tuple[list[dict[str, Any]], dict[str, Any]]]:
    (version,) = [p for p in releases.iterdir() if p.is_dir() and p.name[0].isdigit()]
    schemas = Path(__file__).resolve().parents[2] / "datapackage" / "schemas"
    out = {}
    for name in IMPORTED:
        path = version / f"{name}.parquet"
        rows = pq.read_table(path).to_pylist()
        order = np.random.default_rng(7).permutation(len(rows))[:SAMPLE]
        out[name] = ([rows[i] for i in order], read_table_schema(schemas / f"{name}.schema.json"))
    return out


@pytest.fixture(scope="module")
def real_rows(shipped_release: Path) -> dict[str, tuple[list[dict[str, Any]], dict[str, Any]]]:
    return _real_tables(shipped_release)


def test_rows_frame_equals_the_plain_path_on_every_real_table(
    real_rows: dict[str, tuple[list[dict[str, Any]], dict[str, Any]]],
) -> None:
    for name, (rows, schema) in real_rows.items():
        fast, plain = rows_frame(rows, schema), plain_rows_frame(rows, schema)
        pd.testing.assert_frame_equal(fast, plain, check_exact=True, obj=name)
    # the citations key starts with an enum: sorted by its position in the enum, not its text
    rows, schema = real_rows["citations"]
    tables = list(dict.fromkeys(rows_frame(rows, schema)["table_name"]))
    enum = schema["fields"][0]["constraints"]["enum"]
    assert tables == [t for t in enum if t in tables] != sorted(tables)


def test_typed_frame_equals_the_plain_path_on_typed_and_object_frames(
    real_rows: dict[str, tuple[list[dict[str, Any]], dict[str, Any]]],
) -> None:
    for name, (rows, schema) in real_rows.items():
        typed = rows_frame(rows, schema)
        objects = typed.astype(object).where(typed.notna(), "")
        for frame in (typed.iloc[::-1], objects):
            fast, plain = typed_frame(frame, schema), plain_typed_frame(frame, schema)
            pd.testing.assert_frame_equal(fast, plain, check_exact=True, obj=name)


SCHEMA = {
    "fields": [
        {"name": "id", "type": "string"},
        {"name": "n", "type": "integer"},
        {"name": "x", "type": "number"},
        {"name": "kind", "type": "string", "constraints": {"enum": ["b", "a"]}},
        {"name": "on", "type": "date"},
    ],
    "primaryKey": ["kind", "id"],
}


def test_missing_values_blanks_and_absent_keys_become_nulls() -> None:
    rows = [
        {"id": "r1", "n": 2**53 + 1, "x": float("nan"), "kind": "a", "on": "2024-01-02"},
        {"id": "r2", "n": None, "x": 1.5, "kind": "b", "on": pd.NaT},
        {"id": "", "n": pd.NA, "kind": ""},
        {"id": "r0", "n": "7", "x": "", "kind": "a", "on": np.nan},
    ]
    fast, plain = rows_frame(rows, SCHEMA), plain_rows_frame(rows, SCHEMA)
    pd.testing.assert_frame_equal(fast, plain, check_exact=False)
    assert fast["id"].tolist()[:3] == ["r2", "r0", "r1"]  # enum order: b before a
    assert fast["n"].tolist()[1:3] == [7, 2**53 + 1]  # exact: no detour through floats
    assert fast["id"].isna().tolist() == [False, False, False, True]  # "" is missing, last
    assert fast["kind"].isna().tolist() == [False, False, False, True]


def test_text_fields_holding_other_values_are_parsed_like_any_column() -> None:
    """The Arrow-text shortcut takes only str/None columns; the rest are parsed as before."""
    schema = {
        "fields": [
            {"name": "id", "type": "string"},
            {"name": "note", "type": "string"},
            {"name": "link", "type": "string", "format": "uri"},
        ],
        "primaryKey": ["id"],
    }
    rows = [
        {"id": "b", "note": 12, "link": "https://example.org/b"},
        {"id": "a", "note": float("nan"), "link": ""},
        {"id": "c", "note": pd.NA, "link": None},
        {"id": "d", "note": "", "link": "urn:x"},
        {"id": "e", "note": True},
    ]
    fast, plain = rows_frame(rows, schema), plain_rows_frame(rows, schema)
    pd.testing.assert_frame_equal(fast, plain, check_exact=True)
    assert fast["note"].tolist()[:2] == [pd.NA, "12"] and fast["link"].isna().sum() == 3
    with pytest.raises(BadValueError, match=r"column 'link', row 1: value 'no uri'"):
        rows_frame([{"id": "a", "link": "urn:a"}, {"id": "b", "link": "no uri"}], schema)


def test_a_bad_value_names_its_row_column_and_value() -> None:
    rows = [{"id": "a", "n": "1"}, {"id": "b", "n": "one"}]
    with pytest.raises(BadValueError, match=r"column 'n', row 1: value 'one' is not an integer"):
        rows_frame(rows, SCHEMA)
    frame = pd.DataFrame({"id": ["a"], "n": ["x"], "x": [1.0], "kind": ["a"], "on": [None]})
    frame.index = pd.Index([41])
    with pytest.raises(BadValueError, match=r"row 41: value 'x'") as caught:
        typed_frame(frame, SCHEMA)
    assert (caught.value.column, caught.value.row, caught.value.value) == ("n", 41, "x")


def test_a_field_the_schema_lacks_is_refused() -> None:
    with pytest.raises(ValueError, match=r"fields \['zz'\] that the Table Schema"):
        rows_frame([{"id": "a", "zz": 1}], SCHEMA)
