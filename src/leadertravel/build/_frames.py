"""Typed pandas frames from Table Schemas: reading the curated CSVs and coercing tables.

The dtypes come from :func:`leadertravel._schema.pandas_dtype`, the one mapping, so a
frame built here converts to the release's Arrow schema without surprises.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

from leadertravel._errors import DataValidationError
from leadertravel._problems import Problem
from leadertravel._schema import pandas_dtype

__all__ = ["BadValueError", "coerce_frame", "empty_frame", "read_csv_typed"]

_TRUE = {"true", "True", "TRUE", "1", "yes"}
_FALSE = {"false", "False", "FALSE", "0", "no"}
_INTEGER = re.compile(r"[+-]?[0-9]+")  # Table Schema integer syntax, used with fullmatch


def _to_bool(value: Any) -> Any:
    if isinstance(value, bool):
        return value
    return True if value in _TRUE else False if value in _FALSE else pd.NA


def _textual(values: pd.Series) -> bool:
    return values.dtype == object or pd.api.types.is_string_dtype(values.dtype)


class BadValueError(ValueError):
    """A value that does not convert to its field's type (``errors="raise"``).

    Attributes
    ----------
    column, row, value
        Where the first such value is (``row`` is the frame's index label) and what it is.
    """

    def __init__(self, message: str, *, column: str, row: Any, value: Any) -> None:
        super().__init__(message)
        self.column, self.row, self.value = column, row, value


def _reject(
    values: pd.Series, bad: pd.Series, field: Mapping[str, Any], errors: Literal["raise", "coerce"]
) -> None:
    """With ``errors="raise"``, raise naming the first value of ``values`` marked ``bad``."""
    if errors == "raise" and bad.any():
        row, value = next(iter(values[bad].items()))
        ftype = field.get("type", "string")
        limits = f" in {_int_range(field)}" if ftype in ("integer", "year") else ""
        msg = (
            f"column {field['name']!r}, row {row}: value {value!r} is not a valid {ftype}"
            f"{limits} ({int(bad.sum())} such value(s)); correct the data"
        )
        raise BadValueError(msg, column=str(field["name"]), row=row, value=value)


def _int_bounds(field: Mapping[str, Any]) -> tuple[Any, int, int]:
    """Return the field's nullable integer dtype and its smallest and largest value."""
    dtype = pandas_dtype(field)
    info = np.iinfo(np.int16 if str(dtype) == "Int16" else np.int64)
    return dtype, int(info.min), int(info.max)


def _int_range(field: Mapping[str, Any]) -> str:
    _, low, high = _int_bounds(field)
    return f"{low}..{high}"


def _exact_integer(value: Any) -> int | None:
    """``value`` as a Python integer (arbitrary size), or ``None`` if it is not one."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return int(value) if np.isfinite(value) and float(value).is_integer() else None
    text = str(value).strip()
    return int(text) if _INTEGER.fullmatch(text) else None


def _exact_floats(numbers: pd.Series, values: pd.Series, low: int, high: int) -> bool:
    """Whether parsed floats hold every given value exactly as an in-range integer."""
    present = numbers.dropna()
    if len(present) != int(values.notna().sum()) or present.empty:
        return False  # something did not parse: the exact path reports it
    # Below 2**53 in magnitude a float holds an integer exactly, and text at or beyond it
    # never parses to a float below it, so these bounds keep rounded values out.
    return bool(
        (np.floor(present) == present).all()
        and present.min() > -(2**53)
        and present.max() < 2**53
        and present.min() >= low
        and present.max() <= high
    )


def _to_integers(
    values: pd.Series, field: Mapping[str, Any], errors: Literal["raise", "coerce"]
) -> pd.Series:
    """Convert to the field's nullable integer dtype, exactly; out-of-range values are bad.

    The fast path is :func:`pandas.to_numeric`; when it falls back to floats (a value
    that is not an integer, or one beyond int64) each value is parsed exactly instead,
    so nothing is rounded.
    """
    dtype, low, high = _int_bounds(field)
    numbers = pd.to_numeric(values, errors="coerce")
    if pd.api.types.is_integer_dtype(numbers.dtype) and (
        numbers.dropna().empty or low <= numbers.min() <= numbers.max() <= high
    ):
        return numbers.astype(dtype)
    if pd.api.types.is_float_dtype(numbers.dtype) and _exact_floats(numbers, values, low, high):
        return numbers.astype(dtype)  # integers below 2**53 with gaps: floats held them exactly
    if pd.api.types.is_float_dtype(values.dtype):  # floats already: nothing left to round
        floats = numbers.to_numpy(dtype="float64", na_value=np.nan)
        with np.errstate(invalid="ignore"):
            fits = (np.floor(floats) == floats) & (floats >= low) & (floats < -float(low))
        bad = values.notna() & ~fits
        _reject(values, bad, field, errors)
        return pd.Series(np.where(fits, floats, np.nan), index=values.index).astype(dtype)
    exact = [_exact_integer(v) for v in values.astype(object).where(values.notna(), None)]
    fits = np.array([v is not None and low <= v <= high for v in exact], dtype=bool)
    bad = values.notna() & ~fits
    _reject(values, bad, field, errors)
    kept = [v if ok else None for v, ok in zip(exact, fits, strict=True)]
    return pd.Series(kept, index=values.index, dtype=object).astype(dtype)


def _coerce_column(
    values: pd.Series, field: Mapping[str, Any], errors: Literal["raise", "coerce"]
) -> pd.Series:
    ftype = field.get("type", "string")
    dtype = pandas_dtype(field)
    if values.dtype == dtype and str(values.dtype) == str(dtype):  # "str" == "string" in pandas 3
        return values
    if ftype in ("date", "datetime"):
        utc = ftype == "datetime"
        parsed = pd.to_datetime(values, utc=utc, errors=errors, format="ISO8601")
        return parsed.astype(dtype)
    if ftype == "boolean" and _textual(values):
        mapped = values.map(_to_bool)
        return mapped.astype(dtype)
    if ftype in ("integer", "year") and (
        _textual(values) or pd.api.types.is_numeric_dtype(values.dtype)
    ):
        return _to_integers(values, field, errors)
    if ftype == "number" and _textual(values):
        numbers = pd.to_numeric(values, errors="coerce")
        nan = values.astype(str).str.fullmatch(r"(?i)[+-]?nan")  # valid, as for frictionless
        _reject(values, values.notna() & numbers.isna() & ~nan, field, errors)
        return numbers.astype(dtype)
    if errors == "coerce" and isinstance(dtype, pd.CategoricalDtype):
        return values.where(values.isin(dtype.categories)).astype(dtype)
    return values.astype(dtype)


def coerce_frame(
    frame: pd.DataFrame,
    schema: Mapping[str, Any],
    *,
    errors: Literal["raise", "coerce"] = "raise",
) -> pd.DataFrame:
    """Return ``frame`` with exactly the schema's columns, in order, typed from the schema.

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
    ValueError
        When a value cannot be converted to its field's type (an integer beyond the
        column's 64-bit range, or a year beyond 16 bits, included) and ``errors="raise"``,
        naming the column, the row label and the value;
        with ``errors="coerce"`` such values become missing (used by validation, which
        reports them through frictionless and still checks the rules on the rest).

    Examples
    --------
    >>> schema = {"fields": [{"name": "n", "type": "integer"},
    ...                      {"name": "d", "type": "date"}]}
    >>> out = coerce_frame(pd.DataFrame({"d": ["2023-09-13", None], "n": ["1", ""]}), schema)
    >>> list(out.columns), [str(t) for t in out.dtypes]
    (['n', 'd'], ['Int64', 'datetime64[s]'])
    """
    names = [f["name"] for f in schema["fields"]]
    missing = [n for n in names if n not in frame.columns]
    if missing:
        msg = f"table lacks the schema field(s) {missing}; it has {list(frame.columns)}"
        raise KeyError(msg)
    out = frame.loc[:, names].replace("", None)
    return pd.DataFrame(
        {f["name"]: _coerce_column(out[f["name"]], f, errors) for f in schema["fields"]},
        index=frame.index,
    )


def empty_frame(schema: Mapping[str, Any]) -> pd.DataFrame:
    """Return a typed frame with no rows and the schema's columns."""
    return pd.DataFrame({f["name"]: pd.Series([], dtype=pandas_dtype(f)) for f in schema["fields"]})


def read_csv_typed(
    path: Path,
    schema: Mapping[str, Any],
    *,
    errors: Literal["raise", "coerce"] = "raise",
) -> pd.DataFrame:
    """Read a curated CSV into a typed frame indexed by CSV row number (header = row 1).

    The caller is expected to have validated the file with frictionless first; this
    function raises on values it cannot convert rather than dropping them.

    Raises
    ------
    DataValidationError
        (a ``ValueError``) naming the file, row, field and value that does not convert,
        e.g. an integer beyond 64 bits, which frictionless itself accepts.
    """
    raw = pd.read_csv(path, dtype=str, keep_default_na=False, na_filter=False, encoding="utf-8")
    raw.index = pd.RangeIndex(2, 2 + len(raw))
    try:
        return coerce_frame(raw, schema, errors=errors)
    except BadValueError as err:
        problem = Problem(
            str(path), int(err.row), err.column, "type-error", str(err.value), str(err)
        )
        raise DataValidationError([problem], context=str(path)) from err
