"""Code a visit's kind from the source's words (``data/historian/visit_types.csv``).

The table is an ordered list of regular expressions (``pattern``, searched case-insensitively
in the text) and the ``visit_type`` each one gives. The first row, in file order, whose
pattern occurs anywhere in the text decides; nothing matching gives ``'unspecified'``, never
a guess. The same table codes the visits' descriptions and the travels' remarks.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from leadertravel._errors import SourceInputError
from leadertravel.pipeline.importers.historian._csv import read_rows

__all__ = ["UNSPECIFIED", "VisitTypeRule", "VisitTypes", "read_visit_types"]

UNSPECIFIED = "unspecified"
_COLUMNS = ["pattern", "visit_type", "remarks"]


@dataclass(frozen=True)
class VisitTypeRule:
    """One row of the table: a pattern and the type it gives."""

    line: int
    pattern: re.Pattern[str]
    visit_type: str


@dataclass(frozen=True)
class VisitTypes:
    r"""The ordered rules.

    Examples
    --------
    >>> rules = VisitTypes((
    ...     VisitTypeRule(2, re.compile(r"\bstate visit\b", re.I), "state_visit"),
    ...     VisitTypeRule(3, re.compile(r"\bsummit\b", re.I), "multilateral"),
    ... ))
    >>> rules.code(["Attended the Summit. State Visit."])
    ('state_visit', '\\bstate visit\\b')
    >>> rules.code(["Met with the President."])
    ('unspecified', None)
    """

    rules: tuple[VisitTypeRule, ...]
    _coded: dict[str, tuple[str, str | None]] = field(
        default_factory=dict, compare=False, repr=False
    )

    def code(self, texts: Iterable[str]) -> tuple[str, str | None]:
        """Return the visit type of ``texts`` and the pattern that gave it (None if none)."""
        joined = " / ".join(t for t in texts if t)
        if joined not in self._coded:
            self._coded[joined] = self._code(joined)
        return self._coded[joined]

    def _code(self, joined: str) -> tuple[str, str | None]:
        for rule in self.rules:
            if rule.pattern.search(joined):
                return rule.visit_type, rule.pattern.pattern
        return UNSPECIFIED, None


def read_visit_types(path: Path, *, allowed: Iterable[str]) -> VisitTypes:
    """Read the table, checking each type against the schema's ``visit_type`` enum.

    Raises
    ------
    SourceInputError
        On unexpected columns, an invalid pattern or a type the schema does not allow.
    """
    vocabulary = set(allowed)
    rules = []
    for lineno, row in read_rows(path, _COLUMNS):
        if row["visit_type"] not in vocabulary or row["visit_type"] == UNSPECIFIED:
            msg = (
                f"{path}:{lineno}: visit_type {row['visit_type']!r} is not one of the "
                f"schema's types {sorted(vocabulary - {UNSPECIFIED})}; extend the enum in "
                "trips.schema.json or fix the row"
            )
            raise SourceInputError(msg)
        try:
            pattern = re.compile(row["pattern"], re.IGNORECASE)
        except re.error as err:
            msg = f"{path}:{lineno}: pattern {row['pattern']!r} is invalid: {err}"
            raise SourceInputError(msg) from err
        rules.append(VisitTypeRule(lineno, pattern, row["visit_type"]))
    return VisitTypes(tuple(rules))
