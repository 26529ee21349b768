"""The one path from text (or loosely typed values) to the types a Table Schema declares.

Everything the build reads goes through :func:`parse_column`: the curated CSVs, the
importers' rows (:func:`typed_frame`) and the tables handed to the release builder. It
accepts what the Table Schema specification's defaults accept, as frictionless does
(``true``/``false``/``1``/``0`` and their capitalised forms, or the field's own
``trueValues``/``falseValues``; ``yes``/``no`` only when a field lists them), with two
deliberate exceptions frictionless does not make: a number must be finite (``inf``,
``NaN`` and ``1e999`` are refused), and an integer must fit the column's storage type.

==========  ===================================================  =====================
type        accepted text                                        Arrow type
==========  ===================================================  =====================
string      anything (``format: uri``: ``scheme:rest``)          string
integer     ``[+-]digits``, within int64                         int64
number      a finite decimal number, optional exponent           float64
boolean     ``trueValues`` / ``falseValues``                     bool
date        ``YYYY-MM-DD``                                       date32
datetime    ``YYYY-MM-DDThh:mm:ss[.f][Z|±hh:mm]``                timestamp[us, UTC]
year        ``YYYY``                                             int16
==========  ===================================================  =====================
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from leadertravel._dates import DATE, DATETIME
from leadertravel._schema import arrow_schema, enum_of, to_pandas

__all__ = [
    "EXPECTED",
    "BadValueError",
    "expected",
    "mask",
    "parse_column",
    "rows_frame",
    "to_arrow",
    "to_frame",
    "typed_frame",
]

FieldSpec = Mapping[str, Any]

TRUE_VALUES = ["true", "True", "TRUE", "1"]
FALSE_VALUES = ["false", "False", "FALSE", "0"]
# What the Table Schema's default parsers accept, as full-match (RE2) regular expressions.
# Arrow's "$" matches only at the very end of the text, so "1\n" is not an integer.
_SYNTAX = {
    "integer": r"^[+-]?[0-9]+$",
    "number": r"^(?:[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?"
    r"|(?i:[+-]?nan|[+-]?inf(?:inity)?))$",
    "year": r"^[0-9]{4}$",
    "date": f"^{DATE}$",
    "datetime": f"^{DATETIME}$",
}
_URI = r"^[A-Za-z][A-Za-z0-9+.\-]*:\S*$"
_SCALAR = {
    t: arrow_schema({"fields": [{"name": t, "type": t}]}).field(0).type
    for t in (*_SYNTAX, "boolean", "string")
}
_INT64_MIN, _INT64_MAX = -(2**63), 2**63 - 1

#: What each type expects, for messages that name the format.
EXPECTED = {
    "integer": "an integer such as 42 (digits, optional sign, within 64 bits)",
    "year": "a four-digit year such as 1998",
    "number": "a finite decimal number such as 12.5 (not inf or NaN)",
    "boolean": "true or false",
    "date": "an ISO 8601 date YYYY-MM-DD",
    "datetime": "an ISO 8601 date and time YYYY-MM-DDThh:mm:ss with Z or an offset",
    "string": "text",
    "uri": "a URI such as https://example.org/page",
}


class BadValueError(ValueError):
    """A value that does not convert to its field's type (from :func:`typed_frame`).

    Attributes
    ----------
    column, row, value
        Where the first such value is (``row`` is the frame's index label) and what it is.
    """

    def __init__(self, message: str, *, column: str, row: Any, value: Any) -> None:
        super().__init__(message)
        self.column, self.row, self.value = column, row, value


def expected(field: FieldSpec) -> str:
    """Say what a field's values must look like (for type-error messages).

    Examples
    --------
    >>> expected({"name": "d", "type": "date"})
    'an ISO 8601 date YYYY-MM-DD'
    >>> expected({"name": "b", "type": "boolean", "trueValues": ["yes"], "falseValues": ["no"]})
    'one of yes, no'
    """
    ftype = field.get("type", "string")
    if ftype == "boolean" and ("trueValues" in field or "falseValues" in field):
        return "one of " + ", ".join(_truth(field)[0] + _truth(field)[1])
    if ftype == "string" and field.get("format") == "uri":
        return EXPECTED["uri"]
    return EXPECTED.get(ftype, str(ftype))


def _truth(field: FieldSpec) -> tuple[list[str], list[str]]:
    return (
        [str(v) for v in field.get("trueValues", TRUE_VALUES)],
        [str(v) for v in field.get("falseValues", FALSE_VALUES)],
    )


def mask(values: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """Arrow booleans (nulls count as false) as a numpy mask."""
    return np.asarray(pc.fill_null(values, False).to_numpy(zero_copy_only=False), dtype=bool)


def to_arrow(column: Any) -> pa.Array:
    """One column (pandas Series, list or Arrow array) as a flat Arrow array.

    Categoricals and dictionaries are decoded, large strings narrowed; a column Arrow
    cannot type on its own (mixed objects) becomes text, to be parsed.
    """
    if isinstance(column, pa.ChunkedArray):
        column = column.combine_chunks()
    if isinstance(column, pa.Array):
        array = column
    else:
        series = pd.Series(column)
        array = _text_categorical(series)
        if array is None:
            if isinstance(series.dtype, pd.CategoricalDtype):
                series = series.astype(object).where(series.notna(), None)
            try:
                array = pa.array(series, from_pandas=True)
            except (pa.ArrowInvalid, pa.ArrowTypeError):
                array = pa.array(series.astype("string"), from_pandas=True)
    if pa.types.is_dictionary(array.type):
        array = array.dictionary_decode()
    if pa.types.is_large_string(array.type):
        array = array.cast(pa.string())
    return array


def _text_categorical(series: pd.Series) -> pa.DictionaryArray | None:
    """Convert a categorical of text to an Arrow dictionary array; else ``None``.

    Made from the codes and the categories, without a Python object per row; decoded, it
    holds the values that converting the categorical's objects gives. ``None`` for any
    other column (the general path converts it).
    """
    if not isinstance(series.dtype, pd.CategoricalDtype):
        return None
    categories = series.cat.categories
    if categories.inferred_type != "string":
        return None
    return pa.DictionaryArray.from_arrays(
        pa.array(series.cat.codes.to_numpy(), mask=series.isna().to_numpy()),
        pa.array(categories.to_numpy(dtype=object), pa.string()),
    )


def _int64_or_none(text: str | None) -> int | None:
    if text is None:
        return None
    value = int(text)
    return value if _INT64_MIN <= value <= _INT64_MAX else None


def _float_or_none(text: str | None) -> float | None:
    return None if text is None else float(text)


def _parse_text(text: pa.Array, field: FieldSpec, target: pa.DataType) -> pa.Array:
    """Parse text already known to match the field's syntax; unparseable → null."""
    ftype = field.get("type", "string")
    if ftype == "date":
        return pc.strptime(text, format="%Y-%m-%d", unit="s", error_is_null=True).cast(target)
    if ftype == "datetime":
        parsed = pd.to_datetime(
            pd.Series(text.to_pandas()), format="ISO8601", utc=True, errors="coerce"
        )
        return pa.array(parsed, type=target, from_pandas=True)
    digits = pc.replace_substring_regex(text, r"^\+", "")
    if ftype in ("integer", "year"):
        try:
            return pc.cast(digits, target)
        except pa.ArrowInvalid:  # beyond the storage type (frictionless accepts it)
            values = [_int64_or_none(v) for v in digits.to_pylist()]
            if ftype == "year":
                values = [v if v is not None and -(2**15) <= v < 2**15 else None for v in values]
            return pa.array(values, target)
    if ftype == "number":
        try:
            return pc.cast(digits, target)
        except pa.ArrowInvalid:  # e.g. 1e999, which Arrow refuses and Python reads as inf
            return pa.array([_float_or_none(v) for v in digits.to_pylist()], target)
    return pc.cast(text, target)


def parse_column(raw: Any, field: FieldSpec) -> tuple[pa.Array, np.ndarray]:
    """Convert one column to its field's Arrow type; return it and a mask of bad values.

    Parameters
    ----------
    raw
        Text (as read from a CSV; empty cells already null) or values of any type.
    field
        The Table Schema field.

    Returns
    -------
    (pyarrow.Array, numpy.ndarray)
        The typed column (bad values null) and which rows held a bad value.

    Examples
    --------
    >>> typed, bad = parse_column(pa.array(["1.5", "inf", None, "x"]), {"name": "n",
    ...                           "type": "number"})
    >>> typed.to_pylist(), bad.tolist()
    ([1.5, None, None, None], [False, True, False, True])
    >>> parse_column(pa.array(["yes", "true"]), {"name": "b", "type": "boolean"})[1].tolist()
    [True, False]
    """
    ftype = field.get("type", "string")
    target = _SCALAR[ftype]
    raw = to_arrow(raw)
    none = np.zeros(len(raw), dtype=bool)
    if pa.types.is_null(raw.type):
        return pa.nulls(len(raw), target), none
    if ftype == "string":
        text = raw if raw.type == pa.string() else pc.cast(raw, pa.string())
        if field.get("format") == "uri":
            return text, mask(pc.invert(pc.match_substring_regex(text, _URI)))
        return text, none
    if raw.type != target and not pa.types.is_string(raw.type):
        try:
            raw = pc.cast(raw, target, safe=True)
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            raw = pc.cast(raw, pa.string())
    if raw.type == target:
        parsed = raw
    elif ftype == "boolean":
        trues, falses = _truth(field)
        truth = pc.is_in(raw, value_set=pa.array(trues, pa.string()))
        known = pc.or_(truth, pc.is_in(raw, value_set=pa.array(falses, pa.string())))
        parsed = pc.if_else(known, truth, pa.scalar(None, pa.bool_()))
    else:
        ok = pc.match_substring_regex(raw, _SYNTAX[ftype])
        parsed = _parse_text(pc.if_else(ok, raw, pa.scalar(None, pa.string())), field, target)
    if ftype == "number":  # non-finite numbers are refused everywhere a number is read
        parsed = pc.if_else(pc.is_finite(parsed), parsed, pa.scalar(None, target))
    bad = mask(pc.and_(pc.is_valid(raw), pc.is_null(parsed)))
    return parsed, bad


def _without_blanks(values: np.ndarray) -> np.ndarray:
    """Set every missing value (``None``, NaN, NaT, NA) and ``""`` of object values to None.

    Works in place on ``values`` (a copy the caller owns) and returns it.
    """
    values[pd.isna(values)] = None
    values[values == ""] = None
    return values


def _blank_text_to_null(array: pa.Array) -> pa.Array:
    """Turn ``""`` in a text column into null (:func:`_without_blanks` for Arrow text)."""
    if not pa.types.is_string(array.type) or not len(array):
        return array
    blank = pc.equal(array, "")
    if not pc.any(blank).as_py():
        return array
    return pc.if_else(blank, pa.scalar(None, pa.string()), array)


def _field_array(raw: Any, spec: FieldSpec, labels: Any) -> pa.Array:
    """Parse one column (blanks already null) to its field's type; refuse a bad value.

    ``labels`` are the row labels of ``raw`` (for the message).
    """
    typed, bad = parse_column(raw, spec)
    if bad.any():
        at = int(np.flatnonzero(bad)[0])
        value = raw[at].as_py() if isinstance(raw, pa.Array) else raw.iloc[at]
        row = labels[at]
        msg = (
            f"column {spec['name']!r}, row {row}: value {value!r} is not "
            f"{expected(spec)} ({int(bad.sum())} such value(s)); correct the data"
        )
        raise BadValueError(msg, column=str(spec["name"]), row=row, value=value)
    return typed


def _typed_column(column: pd.Series, spec: FieldSpec) -> pa.Array:
    """One column of a frame, ``""`` and missing values as null, typed by its field."""
    if column.dtype == object:
        values = _without_blanks(column.to_numpy(dtype=object, copy=True))
        raw: Any = pd.Series(values, index=column.index, dtype=object, copy=False)
    elif pd.api.types.is_string_dtype(column.dtype):
        raw = _blank_text_to_null(to_arrow(column))
    else:
        raw = column
    return _field_array(raw, spec, column.index)


def typed_frame(frame: pd.DataFrame, schema: Mapping[str, Any]) -> pd.DataFrame:
    """Return ``frame`` with exactly the schema's columns, in order, typed from the schema.

    The pandas dtypes are the loader's (:func:`leadertravel._schema.pandas_dtype`), so
    the frame converts to the release's Arrow schema without surprises.

    Parameters
    ----------
    frame
        Any frame holding (at least) the schema's fields; values may be Python objects,
        strings or already-typed columns. ``None``/``NaN``/``""`` become missing values.
    schema
        Table Schema of the table.

    Raises
    ------
    KeyError
        When a schema field is missing from ``frame``.
    BadValueError
        (a ``ValueError``) when a value does not convert to its field's type, naming the
        column, the row label, the value and the expected format.

    Examples
    --------
    >>> schema = {"fields": [{"name": "n", "type": "integer"},
    ...                      {"name": "d", "type": "date"}]}
    >>> out = typed_frame(pd.DataFrame({"d": ["2023-09-13", None], "n": ["1", ""]}), schema)
    >>> list(out.columns), [str(t) for t in out.dtypes]
    (['n', 'd'], ['Int64', 'datetime64[s]'])
    """
    names = [f["name"] for f in schema["fields"]]
    missing = [n for n in names if n not in frame.columns]
    if missing:
        msg = f"table lacks the schema field(s) {missing}; it has {list(frame.columns)}"
        raise KeyError(msg)
    arrays = {spec["name"]: _typed_column(frame[spec["name"]], spec) for spec in schema["fields"]}
    return to_frame(arrays, schema, index=frame.index)


def _sort_keys(table: pa.Table, key: Sequence[str], schema: Mapping[str, Any]) -> pa.Table:
    """Return the key columns so that Arrow sorts them as pandas sorts the typed frame.

    An enum sorts by its position in the enum (a categorical's codes), not by its text;
    NaN counts as missing, and missing values go last (Arrow: nulls at the end).
    """
    fields = {f["name"]: f for f in schema["fields"]}
    columns = {}
    for name in key:
        column = table[name]
        values = enum_of(fields[name]) if fields[name].get("type", "string") == "string" else None
        if values is not None:
            column = pc.index_in(column, value_set=pa.array(values, pa.string()))
        elif pa.types.is_floating(column.type):
            column = pc.if_else(pc.is_nan(column), pa.scalar(None, column.type), column)
        columns[name] = column
    return pa.table(columns)


def _raw_column(rows: Sequence[Mapping[str, Any]], name: str, spec: FieldSpec) -> Any:
    """One field's values of the row dicts, missing ones and ``""`` as null, to be parsed.

    The general path is an object array with the blanks set to None (:func:`_without_blanks`).
    A text field whose values are all ``str`` or None (what importers make) goes straight
    to Arrow text instead (``pa.array`` refuses anything else, which then takes the general
    path) and ``""`` becomes null there: the same array, without a pandas object column in
    between.
    """
    values = [row.get(name) for row in rows]
    if values and spec.get("type", "string") == "string":
        try:
            return _blank_text_to_null(pa.array(values, pa.string()))
        except (pa.ArrowInvalid, pa.ArrowTypeError):
            pass  # not all text: parsed like any other column
    array = np.fromiter(values, dtype=object, count=len(values))
    return pd.Series(_without_blanks(array), dtype=object, copy=False)


def rows_frame(rows: Sequence[Mapping[str, Any]], schema: Mapping[str, Any]) -> pd.DataFrame:
    """Return row dicts as a typed frame of the schema's fields, sorted by its primary key.

    Missing keys and ``None`` become nulls; a key the schema does not define is refused.
    This is how an importer's rows become a table.

    One pass from the rows to the typed frame: each field's values go from the row dicts
    into an object array, from there (missing values and ``""`` as null) through
    :func:`parse_column` to Arrow; the rows are sorted in Arrow (the order
    ``DataFrame.sort_values(key, kind="stable")`` gives the typed frame: enums by their
    position in the enum, missing values last, ties in row order) and converted to pandas
    once, by the loader's conversion. The result equals building an object frame with
    ``DataFrame.from_records`` and :func:`typed_frame` and sorting that; the tests pin it.

    Raises
    ------
    ValueError
        When a row carries a field the Table Schema does not define.

    Examples
    --------
    >>> schema = {"fields": [{"name": "id", "type": "string"}, {"name": "n", "type": "integer"}],
    ...           "primaryKey": ["id"]}
    >>> out = rows_frame([{"id": "b", "n": 2}, {"id": "a"}], schema)
    >>> out["id"].tolist(), out["n"].isna().tolist(), str(out["n"].dtype)
    (['a', 'b'], [True, False], 'Int64')
    """
    names = [f["name"] for f in schema["fields"]]
    extra = sorted(set().union(*rows) - set(names))
    if extra:
        msg = f"rows carry fields {extra} that the Table Schema does not define"
        raise ValueError(msg)
    labels = range(len(rows))
    arrays = {
        spec["name"]: _field_array(_raw_column(rows, spec["name"], spec), spec, labels)
        for spec in schema["fields"]
    }
    key = schema.get("primaryKey")
    if key and len(rows):
        keys = [key] if isinstance(key, str) else list(key)
        table = pa.Table.from_arrays([arrays[n] for n in names], names=names)
        order = pc.sort_indices(_sort_keys(table, keys, schema), [(k, "ascending") for k in keys])
        arrays = dict(zip(names, table.take(order).columns, strict=True))
    return to_frame(arrays, schema)


def to_frame(
    columns: Mapping[str, pa.Array], schema: Mapping[str, Any], *, index: Any = None
) -> pd.DataFrame:
    """Typed Arrow columns (from :func:`parse_column`) as a frame of the loader's dtypes.

    The loader's own conversion (:func:`leadertravel._schema.to_pandas`): integers stay
    exact (no detour through float64), enums become the schema's categoricals (a value
    outside the enum → NA) and dates ``datetime64[s]``. The columns are not handed over:
    the caller may still write them.
    """
    names = [spec["name"] for spec in schema["fields"]]
    table = pa.Table.from_arrays([columns[n] for n in names], names=names)
    frame = to_pandas(table, schema)
    if index is not None:
        frame.index = index
    return frame
