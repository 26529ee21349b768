"""Typed pandas frames from Table Schemas: reading the curated CSVs and coercing tables.

The dtypes come from :func:`leadertravel._schema.pandas_dtype`, the one mapping, so a
frame built here converts to the release's Arrow schema without surprises.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

import pandas as pd

from leadertravel._schema import pandas_dtype

__all__ = ["coerce_frame", "empty_frame", "read_csv_typed"]

_TRUE = {"true", "True", "TRUE", "1", "yes"}
_FALSE = {"false", "False", "FALSE", "0", "no"}


def _to_bool(value: Any) -> Any:
    if isinstance(value, bool):
        return value
    return True if value in _TRUE else False if value in _FALSE else pd.NA


def _textual(values: pd.Series) -> bool:
    return values.dtype == object or pd.api.types.is_string_dtype(values.dtype)


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
    if ftype in ("integer", "number", "year") and _textual(values):
        return pd.to_numeric(values, errors=errors).astype(dtype)
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
        When a value cannot be converted to its field's type and ``errors="raise"``;
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
    """
    raw = pd.read_csv(path, dtype=str, keep_default_na=False, na_filter=False, encoding="utf-8")
    raw.index = pd.RangeIndex(2, 2 + len(raw))
    return coerce_frame(raw, schema, errors=errors)
