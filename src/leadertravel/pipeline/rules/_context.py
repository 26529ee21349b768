"""What a semantic rule sees (:class:`Context`) and the column helpers rules share."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from leadertravel.pipeline.problems import Locator, Problem, show
from leadertravel.pipeline.typed import to_arrow

Tables = Mapping[str, pd.DataFrame]


@dataclass(frozen=True)
class Context:
    """What a rule sees: the tables, their schemas and how to locate their rows."""

    tables: Tables
    schemas: Mapping[str, Mapping[str, Any]]
    locators: Mapping[str, Locator]

    def key(self, table: str) -> str:
        """Return the table's (first) primary-key field, from its schema."""
        return str((self.schemas[table].get("primaryKey") or [""])[0])

    def by_key(self, table: str, columns: list[str]) -> pd.DataFrame:
        """Return ``columns`` of ``table`` indexed by its key.

        A repeated key keeps its first row (the repeat is a primary-key problem already).
        """
        indexed = self.tables[table].set_index(self.key(table))[columns]
        if indexed.index.is_unique:  # cached: the lookups need it anyway
            return indexed
        return indexed[~indexed.index.duplicated()]

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


def date_text(value: Any) -> str:
    """Show a date in a message, or ``unknown`` when it is missing."""
    return "unknown" if pd.isna(value) else show(value)


def _text(values: Any) -> pa.Array:
    """Values as an Arrow string array (zero-copy for Arrow-backed text)."""
    array = to_arrow(values)
    return array if pa.types.is_string(array.type) else pc.cast(array, pa.string())


def isin(values: pd.Series, allowed: Any) -> pd.Series:
    """``values.isin(allowed)`` computed by Arrow (pandas builds a Python set for strings)."""
    found = pc.fill_null(pc.is_in(_text(values), value_set=_text(allowed)), False)
    return pd.Series(found.to_numpy(zero_copy_only=False), index=values.index)


def same(a: pd.Series, b: pd.Series) -> pd.Series:
    """Element-wise equality where two missing values count as equal."""
    return ((a == b) | (a.isna() & b.isna())).fillna(False).astype(bool)
