"""One validation problem: where, which rule, which value."""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field as _field
from typing import Any

__all__ = ["Problem"]

# How far down the chain of causes a rule sits: a file that cannot be read comes before
# its rows, a value that does not parse before the constraints and keys it then breaks,
# and the Table Schema before the semantic rules (any rule not listed here).
_TIER = {
    "source-error": 0,
    "encoding-error": 0,
    "empty-file": 0,
    "blank-label": 0,
    "duplicate-label": 0,
    "missing-table": 0,
    "missing-label": 1,
    "extra-label": 1,
    "no-rows": 1,
    "blank-row": 2,
    "extra-cell": 2,
    "missing-cell": 2,
    "type-error": 3,
    "constraint-error": 4,
    "unique-error": 5,
    "primary-key": 5,
    "foreign-key": 6,
}
_SEMANTIC = 7


@dataclass(frozen=True)
class Problem:
    """A single broken rule at a single location.

    Problems sort by :meth:`sort_key`: by table (``rank``: tables others refer to come
    first, so a wrong trip date is listed before the stops it pushes outside the trip),
    file, row, then root causes before their consequences within a row.

    Parameters
    ----------
    file
        The file (or table, for data not read from a file) the problem is in.
    row
        Row number as a reader counts it: for CSV files the record number (the header is
        row 1, so the first record is row 2); ``None`` for problems of a whole table.
    field
        Field name (several joined by ", " for a composite key), or ``None`` for
        problems of a whole row or table.
    rule
        Short, stable name of the rule that failed (e.g. ``enum``, ``foreign-key``,
        ``trip-dates``); tests and tools match on it.
    value
        The offending value as text, or ``None``.
    message
        What is wrong and, where it helps, how to fix it.
    rank
        Position of the problem's table in the package's dependency order (set by
        :class:`leadertravel.pipeline.problems.Locator`; 0 otherwise).

    Examples
    --------
    >>> p = Problem("data/curated/trips.csv", 3, "end_date", "trip-dates", "2023-09-01",
    ...             "end_date is before start_date")
    >>> print(p)
    data/curated/trips.csv:3: end_date [trip-dates] '2023-09-01': end_date is before start_date
    >>> q = Problem("data/curated/trips.csv", 3, "end_date", "type-error", "x", "not a date")
    >>> [r.rule for r in sorted([p, q])]
    ['type-error', 'trip-dates']
    """

    file: str
    row: int | None
    field: str | None
    rule: str
    value: str | None
    message: str
    rank: int = _field(default=0, compare=False, repr=False)

    def sort_key(self) -> tuple[Any, ...]:
        """Return the one order of problems: table rank, file, row, cause before effect."""
        return (
            self.rank,
            self.file,
            -1 if self.row is None else self.row,
            _TIER.get(self.rule, _SEMANTIC),
            self.field or "",
            self.rule,
            self.value or "",
            self.message,
        )

    def __lt__(self, other: Problem) -> bool:
        return self.sort_key() < other.sort_key()

    def __str__(self) -> str:
        where = self.file if self.row is None else f"{self.file}:{self.row}"
        what = f" {self.field}" if self.field else ""
        val = f" {self.value!r}" if self.value is not None else ""
        return f"{where}:{what} [{self.rule}]{val}: {self.message}"
