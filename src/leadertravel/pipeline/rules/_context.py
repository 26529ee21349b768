"""What a semantic rule sees (:class:`Context`) and the column helpers rules share."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from leadertravel.pipeline.problems import Locator, Problem, show
from leadertravel.pipeline.typed import to_arrow

Tables = Mapping[str, pd.DataFrame]
#: ``(table, column, target)`` → :meth:`Context.rows_of`
Lookups = dict[tuple[str, str, str], np.ndarray]


@dataclass(frozen=True)
class Context:
    """What a rule sees: the tables, their schemas and how to locate their rows.

    ``lookups`` keeps what :meth:`rows_of` found, so that every rule following the same
    column shares one look-up (the Table Schema checks hand theirs in, see
    :func:`leadertravel.pipeline.checks.check_tables`).
    """

    tables: Tables
    schemas: Mapping[str, Mapping[str, Any]]
    locators: Mapping[str, Locator]
    lookups: Lookups = field(default_factory=dict)

    def key(self, table: str) -> str:
        """Return the table's (first) primary-key field, from its schema."""
        return str((self.schemas[table].get("primaryKey") or [""])[0])

    def rows_of(self, table: str, column: str, target: str) -> np.ndarray:
        """Row position in ``target`` of the record each row of ``table`` names in ``column``.

        The record is the first row of ``target`` whose key (:meth:`key`) has the value (a
        repeated key is a primary-key problem already); -1 where there is none. A missing
        value finds a record whose key is missing too, as pandas' ``reindex`` would.

        Examples
        --------
        >>> trips = pd.DataFrame({"trip_id": pd.array(["a", "b", "a"], "string")})
        >>> stops = pd.DataFrame({"trip_id": pd.array(["a", "x", "b"], "string")})
        >>> c = Context({"trips": trips, "stops": stops}, {"trips": {"primaryKey": ["trip_id"]}},
        ...             {})
        >>> c.rows_of("stops", "trip_id", "trips").tolist()
        [0, -1, 1]
        """
        lookup = (table, column, target)
        if lookup not in self.lookups:
            keys = self.tables[target][self.key(target)]
            self.lookups[lookup] = rows_of(self.tables[table][column], keys)
        return self.lookups[lookup]

    def report(
        self,
        table: str,
        rows: pd.DataFrame,
        field: str | None,
        rule: str,
        message: Callable[[pd.Series], str],
    ) -> list[Problem]:
        """One problem per row of ``rows`` (a slice of ``table``, indexed by position)."""
        if rows.empty:
            return []
        values = None if field is None else rows[field].tolist()
        messages = [message(row) for _, row in rows.iterrows()]
        return self.locators[table].problems(
            rows.index.to_numpy(), field=field, rule=rule, values=values, message=messages
        )


def rows_of(values: Any, keys: Any) -> np.ndarray:
    """Position of each value's first occurrence among ``keys`` (-1: none), by Arrow hashing.

    Examples
    --------
    >>> rows_of(pd.Series(["b", None, "z"]), pd.Series(["a", "b", None])).tolist()
    [1, 2, -1]
    """
    found = pc.index_in(text(values), value_set=text(keys))
    return np.asarray(found.fill_null(-1).to_numpy(zero_copy_only=False), dtype=np.int64)


def take(values: pd.Series, at: np.ndarray) -> pd.Series:
    """``values`` at row positions ``at`` (-1: missing), indexed ``0 .. len(at) - 1``.

    Examples
    --------
    >>> take(pd.Series(["a", "b"], dtype="string"), np.array([1, -1, 0])).tolist()
    ['b', <NA>, 'a']
    """
    missing = at < 0
    if len(values) == 0:  # nothing to take: all missing, in the column's dtype
        return values.reset_index(drop=True).reindex(pd.RangeIndex(len(at)))
    taken = values.iloc[np.where(missing, 0, at)].reset_index(drop=True)
    return taken.mask(missing) if missing.any() else taken


def date_text(value: Any) -> str:
    """Show a date in a message, or ``unknown`` when it is missing."""
    return "unknown" if pd.isna(value) else show(value)


def text(values: Any) -> pa.Array:
    """Values as one Arrow string array (zero-copy for Arrow-backed text)."""
    array = to_arrow(values)
    if isinstance(array, pa.ChunkedArray):  # a pandas column of several Arrow chunks
        array = array.combine_chunks()
    return array if pa.types.is_string(array.type) else pc.cast(array, pa.string())


def isin(values: pd.Series, allowed: Any) -> pd.Series:
    """``values.isin(allowed)`` computed by Arrow (pandas builds a Python set for strings)."""
    found = pc.fill_null(pc.is_in(text(values), value_set=text(allowed)), False)
    return pd.Series(found.to_numpy(zero_copy_only=False), index=values.index)


def same(a: pd.Series, b: pd.Series) -> pd.Series:
    """Element-wise equality where two missing values count as equal."""
    return ((a == b) | (a.isna() & b.isna())).fillna(False).astype(bool)
