"""Telling whether a table is typed already (``validate._is_typed``) as the plain way does."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pytest

from leadertravel._schema import enum_of, pandas_dtype, read_table_schema
from leadertravel.pipeline.validate import _dtype_text, _is_typed

SCHEMAS = {
    path.name: read_table_schema(path)
    for path in sorted(
        (Path(__file__).resolve().parents[2] / "datapackage" / "schemas").glob("*.json")
    )
}


def _plain_is_typed(frame: Any, schema: Mapping[str, Any]) -> bool:
    """``_is_typed`` before commit 64c6f91: every field's dtype text built from its dtype."""
    return isinstance(frame, pd.DataFrame) and all(
        f["name"] in frame.columns and str(frame[f["name"]].dtype) == str(pandas_dtype(f))
        for f in schema["fields"]
    )


def test_dtype_text_is_the_dtypes_text_on_every_real_field() -> None:
    fields = [f for schema in SCHEMAS.values() for f in schema["fields"]]
    assert len(SCHEMAS) > 10 and len(fields) > 150
    assert {_dtype_text(f) for f in fields if enum_of(f) is not None} == {"category"}
    odd = [
        {"name": "untyped", "constraints": {"enum": ["a"]}},  # type defaults to string
        {"name": "empty", "type": "string", "constraints": {"enum": []}},
        {"name": "count", "type": "integer", "constraints": {"enum": [1, 2]}},  # no category
        {"name": "year", "type": "year"},
    ]
    for field in fields + odd:
        assert _dtype_text(field) == str(pandas_dtype(field)), field


@pytest.mark.parametrize("name", sorted(SCHEMAS))
def test_is_typed_answers_as_the_plain_way(name: str) -> None:
    schema = SCHEMAS[name]
    fields = schema["fields"]
    typed = pd.DataFrame({f["name"]: pd.Series([], dtype=pandas_dtype(f)) for f in fields})
    first = fields[0]["name"]
    variants = [
        typed,
        typed.assign(extra=1),  # a column the schema lacks
        typed.drop(columns=first),  # a field missing
        typed.astype({first: object}),  # a field of another dtype
        typed.astype({fields[-1]["name"]: object}),
        pa.Table.from_pandas(typed),  # not a frame
    ]
    answers = [_is_typed(v, schema) for v in variants]
    assert answers == [_plain_is_typed(v, schema) for v in variants]
    assert answers == [True, True, False, False, False, False]
