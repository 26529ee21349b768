"""One validation problem: where, which rule, which value."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Problem"]


@dataclass(frozen=True, order=True)
class Problem:
    """A single broken rule at a single location.

    Parameters
    ----------
    file
        The file (or table, for data not read from a file) the problem is in.
    row
        Row number as a reader counts it: for CSV files the line number (the header is
        line 1, so the first record is row 2); ``None`` for problems of a whole table.
    field
        Field name, or ``None`` for problems of a whole row or table.
    rule
        Short, stable name of the rule that failed (e.g. ``enum``, ``foreign-key``,
        ``trip-dates``); tests and tools match on it.
    value
        The offending value as text, or ``None``.
    message
        What is wrong and, where it helps, how to fix it.

    Examples
    --------
    >>> p = Problem("data/curated/trips.csv", 3, "end_date", "trip-dates", "2023-09-01",
    ...             "end_date is before start_date")
    >>> print(p)
    data/curated/trips.csv:3: end_date [trip-dates] '2023-09-01': end_date is before start_date
    """

    file: str
    row: int | None
    field: str | None
    rule: str
    value: str | None
    message: str

    def __str__(self) -> str:
        where = self.file if self.row is None else f"{self.file}:{self.row}"
        what = f" {self.field}" if self.field else ""
        val = f" {self.value!r}" if self.value is not None else ""
        return f"{where}:{what} [{self.rule}]{val}: {self.message}"
