"""Derive Arrow and pandas types from a Frictionless Table Schema.

The Table Schema is the single source of truth; this module holds the one mapping from
its field types to storage and analysis types, used by the release builder (to write
Parquet) and by the loader (to hand out typed DataFrames):

============  =================================  ==========================
Table Schema  Arrow (Parquet)                    pandas
============  =================================  ==========================
string        string                             ``string``
string+enum   dictionary<int32, string>          ``category`` (the enum, in order)
integer       int64                              ``Int64`` (nullable)
number        float64                            ``Float64`` (nullable)
boolean       bool                               ``boolean`` (nullable)
date          date32                             ``datetime64[s]``
datetime      timestamp[us, UTC]                 ``datetime64[us, UTC]``
year          int16                              ``Int16``
============  =================================  ==========================

Field descriptions travel into the Arrow field metadata under ``description``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa

__all__ = [
    "arrow_field",
    "arrow_schema",
    "enum_of",
    "pandas_dtype",
    "read_table_schema",
    "to_pandas",
]

TableSchema = Mapping[str, Any]
FieldSpec = Mapping[str, Any]

_ARROW_SCALARS: dict[str, pa.DataType] = {
    "string": pa.string(),
    "integer": pa.int64(),
    "number": pa.float64(),
    "boolean": pa.bool_(),
    "date": pa.date32(),
    "datetime": pa.timestamp("us", tz="UTC"),
    "year": pa.int16(),
}

_PANDAS_SCALARS: dict[str, str] = {
    "string": "string",
    "integer": "Int64",
    "number": "Float64",
    "boolean": "boolean",
    "date": "datetime64[s]",
    "datetime": "datetime64[us, UTC]",
    "year": "Int16",
}


def read_table_schema(path: str | Path) -> dict[str, Any]:
    """Read a ``*.schema.json`` file.

    Parameters
    ----------
    path
        Path of the Table Schema JSON file.

    Returns
    -------
    dict
        The schema as a plain dictionary.
    """
    with Path(path).open(encoding="utf-8") as fh:
        schema: dict[str, Any] = json.load(fh)
    return schema


def enum_of(field: FieldSpec) -> list[str] | None:
    """Return the closed vocabulary of a field, or ``None`` if it has none.

    Examples
    --------
    >>> enum_of({"name": "mode", "type": "string", "constraints": {"enum": ["air", "rail"]}})
    ['air', 'rail']
    >>> enum_of({"name": "name", "type": "string"}) is None
    True
    """
    values = field.get("constraints", {}).get("enum")
    return None if values is None else [str(v) for v in values]


def _arrow_type(field: FieldSpec) -> pa.DataType:
    ftype = field.get("type", "string")
    if ftype not in _ARROW_SCALARS:
        msg = (
            f"field {field.get('name')!r} has Table Schema type {ftype!r}; leadertravel maps "
            f"only {sorted(_ARROW_SCALARS)} to Arrow. Use one of those in the schema."
        )
        raise ValueError(msg)
    if ftype == "string" and enum_of(field) is not None:
        return pa.dictionary(pa.int32(), pa.string())
    return _ARROW_SCALARS[ftype]


def arrow_field(field: FieldSpec) -> pa.Field:
    """Map one Table Schema field to an Arrow field.

    Examples
    --------
    >>> f = arrow_field({"name": "seq", "type": "integer", "description": "Order.",
    ...                  "constraints": {"required": True}})
    >>> f.type, f.nullable, f.metadata[b"description"]
    (DataType(int64), False, b'Order.')
    """
    required = bool(field.get("constraints", {}).get("required", False))
    metadata = {"description": field.get("description", "")}
    return pa.field(field["name"], _arrow_type(field), nullable=not required, metadata=metadata)


def arrow_schema(schema: TableSchema) -> pa.Schema:
    """Map a Table Schema to an Arrow schema, fields in schema order.

    Examples
    --------
    >>> s = arrow_schema({"fields": [{"name": "d", "type": "date"},
    ...                              {"name": "t", "type": "datetime"}]})
    >>> [str(t) for t in s.types]
    ['date32[day]', 'timestamp[us, tz=UTC]']
    """
    return pa.schema([arrow_field(f) for f in schema["fields"]])


def pandas_dtype(field: FieldSpec) -> Any:
    """Return the pandas dtype the loader gives a field.

    Examples
    --------
    >>> pandas_dtype({"name": "n", "type": "integer"})
    'Int64'
    >>> pandas_dtype({"name": "m", "type": "string", "constraints": {"enum": ["a", "b"]}})
    CategoricalDtype(categories=['a', 'b'], ordered=False, categories_dtype=str)
    """
    values = enum_of(field)
    if field.get("type", "string") == "string" and values is not None:
        return pd.CategoricalDtype(categories=values, ordered=False)
    return _PANDAS_SCALARS[field.get("type", "string")]


def to_pandas(table: pa.Table, schema: TableSchema) -> pd.DataFrame:
    """Convert an Arrow table to a pandas DataFrame typed from the Table Schema.

    Columns of ``table`` not in the schema keep pandas' default conversion; fields of the
    schema missing from ``table`` (a column selection) are skipped.

    Parameters
    ----------
    table
        Arrow table read from a release's Parquet file.
    schema
        The Table Schema of that table.

    Returns
    -------
    pandas.DataFrame
        Nullable integer, boolean and string dtypes, categoricals for enums, dates as
        ``datetime64[s]`` and datetimes in UTC.
    """
    frame: pd.DataFrame = table.to_pandas(date_as_object=False, self_destruct=False)
    by_name = {f["name"]: f for f in schema["fields"]}
    for column in frame.columns:
        spec = by_name.get(column)
        if spec is not None:
            frame[column] = frame[column].astype(pandas_dtype(spec))
    return frame
