"""Map the Office of the Historian's country ids (slugs) to country codes, by name and date.

One map serves the travels and the visits imports. Its curated layer is the alias table
``data/historian/country_map.csv`` (``slug, name_pattern, from_date, to_date, code,
remarks``): the first row whose slug matches, whose ``name_pattern`` (a regular expression,
empty for any) fully matches the display name, and whose half-open date range
``[from_date, to_date)`` holds the visit's start date gives the code. Ids no alias row
covers are mapped through the Office's gazetteer (``countries-old`` ``iso2``, checked against
the years of validity of ``territories``); see :class:`CountryMap`. An id nothing maps stops
the build.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from leadertravel._dates import parse_iso_date
from leadertravel._errors import SourceInputError
from leadertravel.pipeline.importers.historian._csv import read_rows
from leadertravel.pipeline.importers.historian._gsh import Gsh, GshTerritory

__all__ = [
    "ALIAS",
    "GSH",
    "GSH_SUCCESSION",
    "Coded",
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

    def matches(self, record: Dated) -> bool:
        """Tell whether the rule applies to ``record`` (slug, name and start date)."""
        if record.slug != self.slug:
            return False
        if self.name_pattern is not None and not self.name_pattern.fullmatch(record.country_name):
            return False
        if self.from_date is not None and record.start < self.from_date:
            return False
        return self.to_date is None or record.start < self.to_date


class Dated(Protocol):
    """What the map needs of a record: its country id and name, date and location."""

    @property
    def slug(self) -> str: ...
    @property
    def country_name(self) -> str: ...
    @property
    def start(self) -> dt.date: ...
    def where(self) -> str: ...


ALIAS = "alias"
GSH = "gsh"
GSH_SUCCESSION = "gsh-succession"


@dataclass(frozen=True)
class Coded:
    """A record's country code, which layer of the map gave it, and a note for the stop."""

    code: str
    rule: str
    note: str | None = None


@dataclass(frozen=True)
class CountryMap:
    """One map of the Office of the Historian's country ids, for the travels and visits.

    Layers, first match wins (see ``docs/historian-import.md``):

    1. the curated alias rows (``data/historian/country_map.csv``): ids the gazetteer lacks
       (``turkiye``, ``somoa``, dependencies), dissolved states by date (``russia`` before
       1991-12-26 → SUN) and decisions (Germany → DEU in every period);
    2. the gazetteer's ``countries-old`` ``iso2`` → the country holding that alpha-2 code
       today (``current``), when the id's ``territories`` entry is valid in the visit's year;
    3. the same code when the visit predates the territory's ``valid-since`` but its
       predecessors valid then form a one-to-one succession (a renamed state or a new
       constitution: Ceylon → Sri Lanka, the Kingdom of Egypt → Egypt).

    Anything else stops the build with the id, the record and the fix (add an alias row).
    """

    rules: tuple[CountryRule, ...]
    path: Path
    gsh: Gsh | None = None
    current: dict[str, str] = field(default_factory=dict)
    _by_slug: dict[str, list[CountryRule]] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        for rule in self.rules:
            self._by_slug.setdefault(rule.slug, []).append(rule)

    def code_for(self, record: Dated) -> str:
        """Return the country code of ``record``'s visit (see :meth:`coded`)."""
        return self.coded(record).code

    def coded(self, record: Dated) -> Coded:
        """Return the code of ``record``'s visit and the layer of the map that gave it.

        Raises
        ------
        SourceInputError
            When no alias row, no gazetteer entry and no one-to-one succession covers the
            id on the record's date.
        """
        candidates = self._by_slug.get(record.slug, [])
        for rule in candidates:
            if rule.matches(record):
                return Coded(rule.code, ALIAS)
        country = None if self.gsh is None else self.gsh.countries.get(record.slug)
        code = None if country is None else self.current.get(country.iso2)
        if code is None:
            if candidates:
                msg = (
                    f"{record.where()}: no row of {self.path} for slug {record.slug!r} covers "
                    f"the name {record.country_name!r} on {record.start}; add or widen a row"
                )
            else:
                msg = (
                    f"{record.where()}: unknown country slug {record.slug!r} "
                    f"({record.country_name!r}): the gazetteer gives it no current ISO code; "
                    f"add it to {self.path}"
                )
            raise SourceInputError(msg)
        assert self.gsh is not None
        territory = self.gsh.territories.get(record.slug)
        year = record.start.year
        if territory is None or territory.valid_in(year):
            return Coded(code, GSH)
        chain = self._succession(territory, year)
        if chain is None:
            msg = (
                f"{record.where()}: slug {record.slug!r} on {record.start}: the gazetteer's "
                f"territory {territory.territory_id!r} is valid {territory.valid_since}-"
                f"{territory.valid_until} and its predecessors are no one-to-one succession; "
                f"decide the code in an alias row of {self.path}"
            )
            raise SourceInputError(msg)
        note = (
            f"Coded {code}: in {year} the territory was {chain.name!r} "
            f"({chain.valid_since}-{chain.valid_until} in the Office's gazetteer), the sole "
            "predecessor of today's state."
        )
        return Coded(code, GSH_SUCCESSION, note)

    def present(self, slug: str) -> str:
        """Return the code ``slug`` maps to today (the last alias row, else the gazetteer)."""
        rows = [r for r in self._by_slug.get(slug, ()) if r.to_date is None]
        if rows:
            return rows[-1].code
        country = None if self.gsh is None else self.gsh.countries.get(slug)
        return (None if country is None else self.current.get(country.iso2)) or slug

    def _succession(self, territory: GshTerritory, year: int) -> GshTerritory | None:
        """Return the one predecessor of ``territory`` in existence in ``year``, if it is one.

        The gazetteer lists every earlier territory of a state as a predecessor. The
        predecessor counts when it is the only one existing in ``year`` (half-open years,
        ``[valid-since, valid-until)``) and every successor it has is ``territory`` or
        another of its predecessors: the same state under an earlier name or constitution,
        not a state that split or merged (Germany before 1990 has two predecessors, West and
        East Germany, and needs an alias row).
        """
        assert self.gsh is not None
        lineage = {territory.territory_id, *territory.predecessors}
        found = []
        for pid in territory.predecessors:
            before = self.gsh.territories.get(pid)
            if before is None:
                continue
            since = before.valid_since if before.valid_since is not None else year
            until = before.valid_until if before.valid_until is not None else year + 1
            if since <= year < until:
                found.append(before)
        if len(found) != 1 or not set(found[0].successors) <= lineage:
            return None
        return found[0]


def _opt_date(value: str, path: Path, lineno: int, field: str) -> dt.date | None:
    if not value:
        return None
    try:
        return parse_iso_date(value)
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


def load_country_map(
    path: Path,
    *,
    known_codes: set[str],
    gsh: Gsh | None = None,
    current: dict[str, str] | None = None,
) -> CountryMap:
    """Read the curated alias rows, checking every code is in the countries table.

    ``gsh`` and ``current`` (alpha-2 → today's code, :func:`current_codes`) add the
    gazetteer layers; without them only the alias rows map.

    Raises
    ------
    SourceInputError
        On unexpected columns, a bad date, a bad pattern or an unknown code.
    """
    rules = []
    for lineno, row in read_rows(path, _MAP_COLUMNS):
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
    return CountryMap(rules=tuple(rules), path=path, gsh=gsh, current=dict(current or {}))
