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
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from leadertravel._errors import SourceInputError
from leadertravel.build.historian._parse import Record

__all__ = [
    "CountryMap",
    "CountryRule",
    "current_codes",
    "load_country_codes",
    "load_country_map",
    "load_current_codes",
]

_STATUS_RANK = {"iso-3166-1": 0, "user-assigned": 1}
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


def current_codes(rows: Iterable[dict[str, str]]) -> dict[str, str]:
    """Return ``{alpha_2: code}`` of the countries that exist today.

    An alpha-2 code can be shared by a current country and a former one (ISO 3166-3 keeps
    the alpha-2 of BYS = BY, CSK and SCG = CS, GEL = GE, SKM = SK, AFI = AI, ATB = BQ), so
    the map takes the ISO 3166-1 row, else a user-assigned row such as XKX; former (ISO
    3166-3) rows are left out. A place found in a gazetteer by its alpha-2 code lies in a
    country of today, never in a dissolved one.

    Raises
    ------
    SourceInputError
        When two rows of the same rank share an alpha-2 code.

    Examples
    --------
    >>> rows = [
    ...     {"code": "BLR", "alpha_2": "BY", "status": "iso-3166-1"},
    ...     {"code": "BYS", "alpha_2": "BY", "status": "iso-3166-3"},
    ...     {"code": "SUN", "alpha_2": "SU", "status": "iso-3166-3"},
    ... ]
    >>> current_codes(rows)
    {'BY': 'BLR'}
    """
    best: dict[str, tuple[int, str]] = {}
    for row in rows:
        a2, code = row["alpha_2"], row["code"]
        if not a2:
            continue
        rank = _STATUS_RANK.get(row["status"])
        if rank is None:
            continue
        held = best.get(a2)
        if held is not None and held[0] == rank:
            msg = (
                f"alpha-2 code {a2!r} belongs to both {held[1]} and {code} with status "
                f"{row['status']!r}; keep one current row per alpha-2 code"
            )
            raise SourceInputError(msg)
        if held is None or rank < held[0]:
            best[a2] = (rank, code)
    return {a2: code for a2, (_, code) in best.items()}


def load_current_codes(path: Path) -> dict[str, str]:
    """Return :func:`current_codes` of ``data/reference/countries.csv``."""
    with path.open(encoding="utf-8", newline="") as fh:
        return current_codes(csv.DictReader(fh))


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
