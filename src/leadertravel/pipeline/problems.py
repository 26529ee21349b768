"""Where a problem is: the one way rows of a table become ``file:row`` in a report.

Every check (:mod:`~leadertravel.pipeline.checks`, :mod:`~leadertravel.pipeline.rules`,
:mod:`~leadertravel.pipeline.curated`) reports through a :class:`Locator`, so rows are
numbered, values shown and problems ordered the same way everywhere. A table's rows may
come from several places (the curated CSV, then an importer): :class:`Location` records
which, and rows without a file row are named by their primary key.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from leadertravel._problems import Problem

__all__ = ["Location", "Locator", "Problem", "Segment", "show", "table_order"]


@dataclass(frozen=True)
class Segment:
    """Consecutive rows of a table that come from one place.

    Parameters
    ----------
    file
        The file they were read from (relative to the project root), or the table name
        for rows made by an importer.
    rows
        How many rows.
    first_row
        Row number of the first of them in ``file`` (2 for a CSV's first record), or
        ``None`` to name each row by its primary key instead.
    """

    file: str
    rows: int
    first_row: int | None


@dataclass(frozen=True)
class Location:
    """Where each row of one table comes from: segments in row order."""

    segments: tuple[Segment, ...]

    @classmethod
    def csv(cls, file: str, rows: int) -> Location:
        """Rows read from a CSV file with a header line."""
        return cls((Segment(file, rows, 2),))

    @classmethod
    def table(cls, name: str, rows: int) -> Location:
        """Rows made in memory (an importer, a benchmark): named by their primary key."""
        return cls((Segment(name, rows, None),))

    def then(self, other: Location) -> Location:
        """Return the rows of ``self`` followed by those of ``other`` (a concatenation)."""
        return Location(self.segments + other.segments)

    @property
    def rows(self) -> int:
        """Total number of rows."""
        return sum(s.rows for s in self.segments)


def show(value: Any) -> str:
    """Format a value for a problem report: dates as ISO dates, the rest as text.

    Examples
    --------
    >>> show(pd.Timestamp("2023-09-13")), show(dt.date(2023, 9, 13)), show(1.5)
    ('2023-09-13', '2023-09-13', '1.5')
    """
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat() if value == value.normalize() else value.isoformat()
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return str(value)


def table_order(schemas: Mapping[str, Mapping[str, Any]]) -> dict[str, int]:
    """Rank tables so that every table comes after the tables its foreign keys refer to.

    Ties keep the order of ``schemas`` (the descriptor's). Problems sort by this rank,
    so the root cause in a referenced table is listed before its consequences.

    Examples
    --------
    >>> table_order({"stops": {"foreignKeys": [{"reference": {"resource": "trips"}}]},
    ...              "trips": {}})
    {'trips': 0, 'stops': 1}
    """
    names = list(schemas)
    needs = {
        n: {fk["reference"].get("resource") or n for fk in schemas[n].get("foreignKeys") or []}
        & set(names) - {n}
        for n in names
    }
    order: list[str] = []
    while len(order) < len(names):
        ready = [n for n in names if n not in order and needs[n] <= set(order)]
        # a reference cycle: take the next table in descriptor order
        order.append(ready[0] if ready else next(n for n in names if n not in order))
    return {n: i for i, n in enumerate(order)}


class Locator:
    """Turn row positions of one table into located :class:`Problem` objects.

    Parameters
    ----------
    table
        Table name.
    location
        Where its rows come from; default: all rows named by primary key, the file
        being the table name.
    keys
        Primary key columns (name → values by row position), to name rows that have no
        file row number; ``None`` when there is no key.
    rank
        The table's position in :func:`table_order`.

    Examples
    --------
    >>> loc = Locator("trips", Location.csv("data/curated/trips.csv", 3))
    >>> print(loc.problems([1], field="end_date", rule="trip-dates", values=["2020-01-09"],
    ...                    message="end_date is before start_date")[0])
    data/curated/trips.csv:3: end_date [trip-dates] '2020-01-09': end_date is before start_date
    >>> loc = Locator("trips", None, keys={"trip_id": ["a", "b"]})
    >>> print(loc.problems([1], field=None, rule="seq", message="broken")[0])
    trips: [seq]: trip_id=b: broken
    """

    def __init__(
        self,
        table: str,
        location: Location | None,
        *,
        keys: Mapping[str, Sequence[Any]] | None = None,
        rank: int = 0,
    ) -> None:
        self.table = table
        self.location = location
        self.keys = dict(keys) if keys else {}
        self.rank = rank
        segments = location.segments if location else ()
        self._starts = np.cumsum([0] + [s.rows for s in segments])
        self._segments = segments

    @property
    def file(self) -> str:
        """The file of the table's first segment (the table name if none)."""
        return self._segments[0].file if self._segments else self.table

    def _where(self, position: int) -> tuple[str, int | None]:
        i = int(np.searchsorted(self._starts, position, side="right")) - 1
        if not self._segments or i >= len(self._segments):
            return self.table, None
        seg = self._segments[i]
        if seg.first_row is None:
            return seg.file, None
        return seg.file, seg.first_row + position - int(self._starts[i])

    def _key(self, position: int) -> str:
        parts = [f"{name}={show(_at(values, position))}" for name, values in self.keys.items()]
        return ", ".join(parts) + ": " if parts else ""

    def problems(
        self,
        positions: Iterable[int] | np.ndarray,
        *,
        field: str | None,
        rule: str,
        values: Sequence[Any] | None = None,
        message: str | Sequence[str],
    ) -> list[Problem]:
        """One problem per row position; ``values`` and ``message`` may be per row."""
        out = []
        for i, position in enumerate(np.asarray(positions, dtype=np.int64).tolist()):
            file, row = self._where(position)
            text = message if isinstance(message, str) else message[i]
            if row is None:
                text = self._key(position) + text
            value = None if values is None else values[i]
            shown = None if value is None or _missing(value) else show(value)
            out.append(Problem(file, row, field, rule, shown, text, self.rank))
        return out

    def whole(self, *, field: str | None, rule: str, value: Any = None, message: str) -> Problem:
        """Return a problem of the whole table (no row)."""
        shown = None if value is None else show(value)
        return Problem(self.file, None, field, rule, shown, message, self.rank)


def _at(values: Any, position: int) -> Any:
    if isinstance(values, pd.Series):
        return values.iloc[position]
    item = values[position]
    return item.as_py() if hasattr(item, "as_py") else item


def _missing(value: Any) -> bool:
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False
