"""Check ``filters=`` against a table's schema and give values the column's type.

pyarrow accepts filters as ``[(column, op, value), …]`` (AND) or a list of such lists
(OR of ANDs), and compares values with the column's Arrow type. Analysts naturally write
dates as ``"2023-09-13"``; pyarrow would refuse to compare a ``date32`` column with a
string, so date and datetime values given as ISO strings are converted here. Everything
else is checked, not converted: a column the table does not have, a value its type cannot
be compared with (``("seq", "==", "1")``) and a bare string given to ``in`` are reported
by name before anything is read, instead of silently selecting nothing.
"""

from __future__ import annotations

import datetime as dt
import numbers
import re
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from leadertravel._dates import DATE, DATETIME_LOOSE

__all__ = ["typed_filters"]

_SET_OPS = {"in", "not in"}
_OPS = {"==", "=", "!=", "<", "<=", ">", ">="} | _SET_OPS


_ISO_DATE = re.compile(DATE)
_ISO_DATETIME = re.compile(DATETIME_LOOSE)


def _convert(value: Any, ftype: str, column: str) -> Any:
    """Convert ISO strings (and datetimes for date columns) to the column's Python type.

    Datetime strings without an offset are taken as UTC, the zone every datetime column
    of a release is stored in.
    """
    if ftype == "date" and isinstance(value, dt.datetime):
        return value.date()
    if ftype == "date" and isinstance(value, str):
        try:
            if not _ISO_DATE.fullmatch(value):
                raise ValueError(value)
            return dt.date.fromisoformat(value)
        except ValueError as err:
            msg = f"filter on {column!r}: {value!r} is not an ISO date (YYYY-MM-DD)"
            raise ValueError(msg) from err
    if ftype == "datetime" and isinstance(value, str | dt.datetime):
        try:
            if isinstance(value, str) and not _ISO_DATETIME.fullmatch(value):
                raise ValueError(value)
            stamp = pd.Timestamp(value)
        except ValueError as err:
            msg = (
                f"filter on {column!r}: {value!r} is not an ISO 8601 date-time "
                "(YYYY-MM-DDTHH:MM[:SS][Z|±HH:MM]; no offset means UTC)"
            )
            raise ValueError(msg) from err
        stamp = stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp.tz_convert("UTC")
        return stamp.to_pydatetime()
    return value


def _comparable(value: Any, ftype: str) -> bool:
    """Whether a (converted) filter value can be compared with a column of ``ftype``."""
    if ftype in ("integer", "number", "year"):
        return isinstance(value, numbers.Real) and not isinstance(value, bool | np.bool_)
    if ftype == "boolean":
        return isinstance(value, bool | np.bool_)
    if ftype == "date":
        return isinstance(value, dt.date) and not isinstance(value, dt.datetime)
    if ftype == "datetime":
        return isinstance(value, dt.datetime)
    return isinstance(value, str)  # string, with or without an enum


def _typed(value: Any, ftype: str, column: str) -> Any:
    converted = _convert(value, ftype, column)
    if not _comparable(converted, ftype):
        hint = ""
        if value is None:
            hint = f"; select missing values with pyarrow.compute.field({column!r}).is_null()"
        elif isinstance(value, str) and ftype in ("integer", "number", "year"):
            hint = "; write the number itself, not a string"
        msg = (
            f"filter on {column!r}: {value!r} ({type(value).__name__}) cannot be compared with "
            f"the column's Table Schema type {ftype!r}{hint}"
        )
        raise ValueError(msg)
    return converted


def _clause(clause: Sequence[Any], types: Mapping[str, str], table: str) -> tuple[Any, ...]:
    if len(clause) != 3:
        msg = f"filter {clause!r}: expected (column, op, value), e.g. ('country_code', '==', 'RUS')"
        raise ValueError(msg)
    column, op, value = clause
    if column not in types:
        msg = f"filter on {column!r}: table {table!r} has no such column; it has {list(types)}"
        raise ValueError(msg)
    if op not in _OPS:
        msg = f"filter on {column!r}: unknown operator {op!r}; use one of {sorted(_OPS)}"
        raise ValueError(msg)
    ftype = types[column]
    if op in _SET_OPS:
        if not isinstance(value, list | tuple | set | frozenset):
            msg = (
                f"filter on {column!r}: {op!r} needs a list, tuple or set of values, got "
                f"{value!r}; write e.g. ({column!r}, {op!r}, [{value!r}])"
            )
            raise ValueError(msg)
        return (column, op, [_typed(v, ftype, column) for v in value])
    return (column, op, _typed(value, ftype, column))


def typed_filters(filters: Any, schema: Mapping[str, Any], *, table: str) -> Any:
    """Return ``filters`` with each value converted to its column's type.

    Parameters
    ----------
    filters
        ``None``, a list of ``(column, op, value)`` tuples, a list of such lists, or a
        ``pyarrow.compute.Expression`` (passed through unchanged).
    schema
        The table's Table Schema (from the release manifest).
    table
        Table name, for messages.

    Raises
    ------
    ValueError
        A filter names a column the table lacks or an unknown operator; a value cannot be
        compared with its column's type (e.g. the string ``"1"`` for an integer column) or a
        date value is not ISO formatted; ``in``/``not in`` get something else than a list,
        tuple or set (a string would be split into characters).

    Examples
    --------
    >>> schema = {"fields": [{"name": "start_date", "type": "date"},
    ...                      {"name": "leader_id", "type": "string"}]}
    >>> typed_filters([("start_date", ">=", "2023-09-01"), ("leader_id", "==", "kim-jong-un")],
    ...               schema, table="trips")
    [('start_date', '>=', datetime.date(2023, 9, 1)), ('leader_id', '==', 'kim-jong-un')]
    >>> typed_filters([("start", ">=", "2023-09-01")], schema, table="t")
    Traceback (most recent call last):
    ...
    ValueError: filter on 'start': table 't' has no such column; it has ['start_date', 'leader_id']
    >>> typed_filters([("leader_id", "in", "kim-jong-un")], schema, table="t")
    Traceback (most recent call last):
    ...
    ValueError: filter on 'leader_id': 'in' needs a list, tuple or set of values, got ...
    """
    if isinstance(filters, list | tuple) and not filters:
        return None  # no condition: read everything (pyarrow would call [] malformed)
    if filters is None or not isinstance(filters, list | tuple):
        return filters
    types = {f["name"]: f.get("type", "string") for f in schema["fields"]}
    if filters and all(isinstance(c, list | tuple) and c and isinstance(c[0], list | tuple)
                       for c in filters):  # fmt: skip
        return [[_clause(c, types, table) for c in group] for group in filters]
    return [_clause(c, types, table) for c in filters]
