"""Map the Historian's country slugs to country codes, by name and date.

The curated map is ``data/historian/country_map.csv`` (``slug, name_pattern, from_date,
to_date, code, remarks``): the first row whose slug matches, whose ``name_pattern`` (a
regular expression, empty for any) fully matches the display name, and whose half-open date
range ``[from_date, to_date)`` holds the visit's start date gives the code. A slug missing
from the map, or a record no row matches, stops the build.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

from leadertravel._errors import SourceInputError
from leadertravel.build.historian._parse import Record

__all__ = ["CountryMap", "CountryRule", "load_country_codes", "load_country_map"]

_MAP_COLUMNS = ["slug", "name_pattern", "from_date", "to_date", "code", "remarks"]


@dataclass(frozen=True)
class CountryRule:
    """One row of the country map."""

    slug: str
    name_pattern: re.Pattern[str] | None
    from_date: dt.date | None
    to_date: dt.date | None
    code: str
    remarks: str

    def matches(self, record: Record) -> bool:
        """Tell whether the rule applies to ``record`` (slug, name and start date)."""
        if record.slug != self.slug:
            return False
        if self.name_pattern is not None and not self.name_pattern.fullmatch(record.country_name):
            return False
        if self.from_date is not None and record.start < self.from_date:
            return False
        return self.to_date is None or record.start < self.to_date


@dataclass(frozen=True)
class CountryMap:
    """The slug → code rules, and the file they came from (for messages)."""

    rules: tuple[CountryRule, ...]
    path: Path

    def code_for(self, record: Record) -> str:
        """Return the country code of ``record``'s visit.

        Raises
        ------
        SourceInputError
            When the slug is unknown or no rule covers the record's name and date.
        """
        candidates = [r for r in self.rules if r.slug == record.slug]
        if not candidates:
            msg = (
                f"{record.where()}: unknown country slug {record.slug!r} "
                f"({record.country_name!r}); add it to {self.path}"
            )
            raise SourceInputError(msg)
        for rule in candidates:
            if rule.matches(record):
                return rule.code
        msg = (
            f"{record.where()}: no row of {self.path} for slug {record.slug!r} covers the name "
            f"{record.country_name!r} on {record.start}; add or widen a row"
        )
        raise SourceInputError(msg)


def _opt_date(value: str, path: Path, lineno: int, field: str) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError as err:
        msg = f"{path}:{lineno}: {field} {value!r} is not an ISO date YYYY-MM-DD"
        raise SourceInputError(msg) from err


def load_country_codes(path: Path) -> dict[str, str]:
    """Return ``{code: alpha_2}`` of ``data/reference/countries.csv``."""
    with path.open(encoding="utf-8", newline="") as fh:
        return {row["code"]: row["alpha_2"] for row in csv.DictReader(fh)}


def load_country_map(path: Path, *, known_codes: set[str]) -> CountryMap:
    """Read the curated country map, checking every code is in the countries table.

    Raises
    ------
    SourceInputError
        On unexpected columns, a bad date, a bad pattern or an unknown code.
    """
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        if reader.fieldnames != _MAP_COLUMNS:
            msg = f"{path}: columns {reader.fieldnames} differ from the expected {_MAP_COLUMNS}"
            raise SourceInputError(msg)
        rules = []
        for lineno, row in enumerate(reader, start=2):
            if row["code"] not in known_codes:
                msg = (
                    f"{path}:{lineno}: code {row['code']!r} for slug {row['slug']!r} is not in "
                    "data/reference/countries.csv; use an ISO code or add it to the addendum"
                )
                raise SourceInputError(msg)
            try:
                pattern = re.compile(row["name_pattern"]) if row["name_pattern"] else None
            except re.error as err:
                msg = f"{path}:{lineno}: name_pattern {row['name_pattern']!r} is invalid: {err}"
                raise SourceInputError(msg) from err
            rules.append(
                CountryRule(
                    slug=row["slug"],
                    name_pattern=pattern,
                    from_date=_opt_date(row["from_date"], path, lineno, "from_date"),
                    to_date=_opt_date(row["to_date"], path, lineno, "to_date"),
                    code=row["code"],
                    remarks=row["remarks"],
                )
            )
    return CountryMap(rules=tuple(rules), path=path)
