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

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from leadertravel._errors import SchemaViolation

__all__ = [
    "arrow_field",
    "arrow_schema",
    "check_values",
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


# Arrow types converted straight to their pandas dtype by the dtype's ``__from_arrow__`` (no
# detour through float64, which would round integers beyond 2**53 and turn NaN into NA).
_FROM_ARROW: dict[pa.DataType, Any] = {
    pa.int64(): pd.Int64Dtype(),
    pa.int16(): pd.Int16Dtype(),
    pa.float64(): pd.Float64Dtype(),
    pa.bool_(): pd.BooleanDtype(),
    pa.string(): pd.StringDtype(),
    pa.timestamp("us", tz="UTC"): pd.DatetimeTZDtype("us", "UTC"),
}
_SECONDS = pa.timestamp("s")


# Nullable integer dtypes whose values are taken over from Arrow's buffers without a copy.
_MASKED: dict[pa.DataType, tuple[Any, Any]] = {
    pa.int64(): (np.int64, pd.arrays.IntegerArray),
    pa.int16(): (np.int16, pd.arrays.IntegerArray),
}


class _Column:
    """How one field of a Table Schema becomes a pandas column (built once per schema)."""

    __slots__ = ("dtype", "lookup_type", "vocabulary")

    def __init__(self, spec: FieldSpec) -> None:
        self.dtype = pandas_dtype(spec)
        values = enum_of(spec) if spec.get("type", "string") == "string" else None
        self.vocabulary = None if values is None else pa.array(values, pa.string())
        # the smallest code type pandas keeps for this many categories (no recast)
        size = 0 if values is None else len(values)
        self.lookup_type = pa.int8() if size < 127 else pa.int16() if size < 32767 else pa.int32()

    def convert(self, column: pa.ChunkedArray, *, owned: bool) -> Any:
        """Return the pandas array of ``column``, of dtype ``self.dtype``."""
        if self.vocabulary is not None:
            codes = _codes(column, self.vocabulary, self.lookup_type)
            return pd.Categorical.from_codes(codes, dtype=self.dtype, validate=False)
        if pa.types.is_date32(column.type) and self.dtype == "datetime64[s]":
            seconds = column.cast(_SECONDS)  # new buffers, ours: viewed without a copy
            view = _values(seconds, np.dtype("datetime64[s]"))
            if view is not None:
                return view
            values = seconds.to_numpy()  # nulls become NaT in a copy Arrow writes
            return values if values.flags.writeable else values.copy()
        if owned and column.type in _MASKED and self.dtype == _FROM_ARROW[column.type]:
            numpy_type, array_type = _MASKED[column.type]
            data = _values(column, np.dtype(numpy_type))
            if data is not None:
                return array_type(data, _missing(column), copy=False)
        return _default(column, self.dtype)


def _values(column: pa.ChunkedArray, dtype: Any) -> Any:
    """Return a writable numpy view of the values of a one-chunk column, or None.

    Only where Arrow allocated the values for this table alone (a mutable buffer:
    decoded from Parquet, or computed just now); a column that is a view of other bytes
    (an immutable buffer, an offset into a larger one) is copied by the caller instead.
    Nulls keep whatever value Arrow left under them, masked as missing by the caller.
    """
    if column.num_chunks != 1:
        return None
    chunk = column.chunk(0)
    buffers = chunk.buffers()
    if chunk.offset or len(buffers) != 2 or buffers[1] is None or not buffers[1].is_mutable:
        return None
    view = np.frombuffer(buffers[1], dtype=dtype, count=len(chunk))
    if not view.flags.writeable or (chunk.null_count and dtype.kind == "M"):
        return None  # nulls of datetimes must read NaT: let Arrow write them
    return view


def _missing(column: pa.ChunkedArray) -> Any:
    """Return the boolean mask of the nulls of ``column`` (True is missing)."""
    if not column.null_count:
        return np.zeros(len(column), dtype=bool)
    return column.is_null().to_numpy(zero_copy_only=False)


def _codes(column: pa.ChunkedArray, vocabulary: pa.Array, lookup_type: pa.DataType) -> Any:
    """Positions of the values of a (dictionary) string column in ``vocabulary``; -1 is NA.

    A dictionary chunk is mapped through its (small) dictionary, so the work per row is
    one lookup, done by Arrow into a buffer of its own that becomes the codes without a
    copy; values outside the vocabulary become -1 (`check_values` refuses them).
    """
    parts = []
    for chunk in column.chunks:
        if not pa.types.is_dictionary(chunk.type):
            chunk = chunk.cast(pa.string()).dictionary_encode()
        dictionary = chunk.dictionary
        if dictionary.type != pa.string():  # e.g. large_string, or numbers written as an enum
            dictionary = dictionary.cast(pa.string())
        found = pc.index_in(dictionary, value_set=vocabulary).fill_null(-1)
        parts.append(found.cast(lookup_type).take(chunk.indices).fill_null(-1))
    codes = pa.chunked_array(parts, type=lookup_type)
    if codes.num_chunks > 1:
        codes = pa.chunked_array([codes.combine_chunks()])
    numpy_type = np.dtype(lookup_type.to_pandas_dtype())
    view = _values(codes, numpy_type) if codes.num_chunks else None
    return view if view is not None else codes.to_numpy().astype(numpy_type)


def _default(column: pa.ChunkedArray, dtype: Any = None) -> Any:
    """Return the nullable pandas array of ``column`` (else pandas' default), as ``dtype``."""
    target = _FROM_ARROW.get(column.type)
    array = target.__from_arrow__(column) if target is not None else column.to_pandas().array
    if dtype is not None and array.dtype != dtype:  # e.g. an int32 column of an integer field
        array = pd.Series(array, copy=False).astype(dtype).array
    return array


# Conversion plans by id of the schema they were built for; each entry keeps its schema
# alive, so the id cannot be reused while the entry is here.
_PLANS: dict[int, tuple[TableSchema, dict[str, _Column]]] = {}


def _plan(schema: TableSchema) -> dict[str, _Column]:
    hit = _PLANS.get(id(schema))
    if hit is not None and hit[0] is schema:
        return hit[1]
    plan = {f["name"]: _Column(f) for f in schema["fields"]}
    if len(_PLANS) >= 256:
        _PLANS.clear()
    _PLANS[id(schema)] = (schema, plan)
    return plan


def to_pandas(table: pa.Table, schema: TableSchema, *, owned: bool = False) -> pd.DataFrame:
    """Convert an Arrow table to a pandas DataFrame typed from the Table Schema.

    One pass, each column straight to its final dtype (the per-field conversions are
    worked out once per schema and reused): integers, numbers, booleans, strings and
    datetimes through the nullable pandas dtype's ``__from_arrow__``; enums as
    categoricals with the schema's vocabulary, in its order, made from the Arrow
    dictionary codes (check the values first with `check_values`: a value outside the
    vocabulary would become NA); dates as ``datetime64[s]``. Columns of ``table`` not in
    the schema get the nullable dtype of their Arrow type, or pandas' default; fields
    missing from ``table`` (a column selection) are skipped.

    Parameters
    ----------
    table
        Arrow table read from a release's Parquet file.
    schema
        The Table Schema of that table.
    owned
        ``True`` hands ``table`` over (the loader, which made it and drops it): integer
        columns then become the frame's without a copy, so ``table`` must not be used
        afterwards (editing the frame would change it).

    Returns
    -------
    pandas.DataFrame
        Nullable integer, boolean and string dtypes, categoricals for enums, dates as
        ``datetime64[s]`` and datetimes in UTC, with a default ``RangeIndex``.

    Examples
    --------
    >>> t = pa.table({"n": pa.array([2**53 + 1, None]),
    ...               "m": pa.array(["rail", None, "air"][:2]).dictionary_encode()})
    >>> fields = [{"name": "n", "type": "integer"},
    ...           {"name": "m", "type": "string", "constraints": {"enum": ["air", "rail"]}}]
    >>> frame = to_pandas(t, {"fields": fields})
    >>> frame["n"].tolist(), frame["m"].tolist(), list(frame["m"].cat.categories)
    ([9007199254740993, <NA>], ['rail', nan], ['air', 'rail'])
    """
    if not table.num_columns:
        empty: pd.DataFrame = table.to_pandas()  # columns=[]: the rows, without columns
        return empty
    plan = _plan(schema)
    arrays = {}
    for position, column in enumerate(table.columns):
        how = plan.get(table.field(position).name)
        arrays[position] = _default(column) if how is None else how.convert(column, owned=owned)
    index = pd.RangeIndex(table.num_rows)
    names = table.column_names
    if len(set(names)) == len(names):
        return pd.DataFrame(dict(zip(names, arrays.values(), strict=True)), index=index, copy=False)
    frame = pd.DataFrame(arrays, index=index, copy=False)  # not from a release: names repeat
    frame.columns = pd.Index(names)
    return frame


def _used_values(column: pa.ChunkedArray, allowed: set[str]) -> set[str]:
    """Return the distinct non-null values of a (dictionary) column not ``allowed``."""
    found: set[str] = set()
    for chunk in column.chunks:
        if pa.types.is_dictionary(chunk.type):
            dictionary = chunk.dictionary.to_pylist()
            if set(dictionary) <= allowed:
                continue  # every possible value is allowed: nothing to look at
            used = pc.unique(chunk.indices).drop_null().to_pylist()
            found.update(str(dictionary[i]) for i in used)
        else:
            found.update(str(v) for v in pc.unique(chunk).drop_null().to_pylist())
    return found - allowed


def _first(mask: pa.ChunkedArray | pa.Array) -> int:
    return int(pc.index(mask, pa.scalar(True)).as_py())


def check_values(table: pa.Table, schema: TableSchema, *, where: str) -> None:
    """Refuse values the Table Schema forbids, before a frame is made of them.

    Checked per field present in ``table``: a ``required`` field holds no null; an enum
    field holds only its vocabulary; a ``number`` field holds only finite numbers (no
    NaN, no infinity — they are no measurement).

    Raises
    ------
    SchemaViolation
        Naming ``where`` (the table), each column, the offending value, how many rows
        hold it and the first such row.

    Examples
    --------
    >>> spec = {"name": "mode", "type": "string", "constraints": {"enum": ["air", "rail"]}}
    >>> t = pa.table({"mode": pa.array(["air", "boat"]).dictionary_encode()})
    >>> check_values(t, {"fields": [spec]}, where="table 'legs'")
    Traceback (most recent call last):
    ...
    leadertravel._errors.SchemaViolation: table 'legs': column 'mode' holds 'boat' (1 row, ...
    """
    problems: list[str] = []
    for spec in schema["fields"]:
        name = spec["name"]
        if name not in table.column_names:
            continue
        column = table.column(name)
        if spec.get("constraints", {}).get("required", False) and column.null_count:
            first = _first(column.is_null())
            problems.append(
                f"column {name!r} is required but holds {column.null_count} null(s) "
                f"(first at row {first})"
            )
        if spec.get("type") == "number" and pa.types.is_floating(column.type):
            bad = pc.fill_null(pc.invert(pc.is_finite(column)), False)
            count = pc.sum(bad).as_py() or 0
            if count:
                first = _first(bad)
                problems.append(
                    f"column {name!r} holds {column[first].as_py()!r} ({count} row(s), first "
                    f"at row {first}), not a finite number"
                )
        vocabulary = enum_of(spec)
        if vocabulary is not None:
            for value in sorted(_used_values(column, set(vocabulary))):
                text = column.cast(pa.string()) if pa.types.is_dictionary(column.type) else column
                hits = pc.fill_null(pc.equal(text, pa.scalar(value)), False)
                count = pc.sum(hits).as_py() or 0
                problems.append(
                    f"column {name!r} holds {value!r} ({count} row{'s' if count != 1 else ''}, "
                    f"first at row {_first(hits)}), which is not in its enum {vocabulary}"
                )
    if problems:
        msg = (
            f"{where}: {'; '.join(problems)}. The file matches its manifest's sha256, so the "
            "release itself breaks its Table Schema; no frame is returned — report it to its "
            "publisher"
        )
        raise SchemaViolation(msg)
