"""The transport-mode rules and world regions: ``data/modes/*.csv`` read and checked."""

from __future__ import annotations

import csv
import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from leadertravel._dates import parse_iso_date
from leadertravel._errors import DataValidationError
from leadertravel._problems import Problem

RULES_FILE = "data/modes/rules.csv"
REGIONS_FILE = "data/modes/world_regions.csv"

_RULE_COLUMNS = [
    "rule",
    "mode",
    "legs",
    "stop_remarks",
    "stop_place_kind",
    "min_km",
    "crossing",
    "between_stops",
    "from_date",
    "to_date",
    "max_gap_days",
    "basis",
]
_REGION_COLUMNS = ["code", "region", "territory_regions", "remarks"]
_LEGS = ("arriving", "departing", "both", "previous-trip", "leg")
_REGION_BITS = {"americas": 1, "afro-eurasia": 2, "oceania": 4, "antarctica": 8}
NEVER_OCEAN = _REGION_BITS["antarctica"]
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


@dataclass(frozen=True)
class ModeRule:
    """One row of ``data/modes/rules.csv``; every condition given must hold.

    ``kind`` is ``remark`` (reads the source's remarks), ``place`` (reads the kind of a
    stop's place) or ``era`` (dates and geography only).
    """

    rule: str
    mode: str
    legs: str
    stop_remarks: re.Pattern[str] | None
    stop_place_kind: frozenset[str]
    min_km: float | None
    crossing: str | None
    between_stops: bool
    from_date: dt.date | None
    to_date: dt.date | None
    max_gap_days: int | None
    basis: str

    @property
    def kind(self) -> str:
        """``remark``, ``place`` or ``era``."""
        if self.stop_remarks is not None:
            return "remark"
        if self.stop_place_kind:
            return "place"
        return "era"


@dataclass(frozen=True)
class ModeRules:
    """The ordered rules and each country's world regions (as bit masks).

    Attributes
    ----------
    rules
        In file order; the first rule that matches a leg sets its mode.
    home_regions
        Country code → bit mask of the region the country itself lies in.
    all_regions
        Country code → bit mask of that region and those of its distant territories.
    """

    rules: tuple[ModeRule, ...]
    home_regions: dict[str, int]
    all_regions: dict[str, int]


def _read_csv(path: Path, columns: list[str], problems: list[Problem]) -> list[dict[str, str]]:
    file = path.as_posix()
    if not path.is_file():
        problems.append(
            Problem(file, None, None, "missing-file", None, "file not found; restore it from git")
        )
        return []
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        header = list(reader.fieldnames or [])
        if header != columns:
            problems.append(
                Problem(
                    file,
                    1,
                    None,
                    "header",
                    ",".join(header),
                    f"expected the columns {','.join(columns)}",
                )
            )
            return []
        return list(reader)


def _date(value: str, file: str, row: int, field: str, problems: list[Problem]) -> dt.date | None:
    if not value:
        return None
    try:
        return parse_iso_date(value)
    except ValueError:
        problems.append(
            Problem(file, row, field, "date", value, "expected an ISO date such as 1959-08-26")
        )
        return None


def _parse_rule(
    raw: dict[str, str],
    row: int,
    *,
    file: str,
    modes: set[str],
    kinds: set[str],
    problems: list[Problem],
) -> ModeRule | None:
    before = len(problems)

    def bad(field: str, rule: str, message: str) -> None:
        problems.append(Problem(file, row, field, rule, raw[field], message))

    if not _SLUG.match(raw["rule"]):
        bad("rule", "pattern", "expected a lower-case slug such as air-ocean-jet-age")
    if raw["mode"] not in modes:
        bad("mode", "enum", f"expected one of {', '.join(sorted(modes))}")
    if raw["legs"] not in _LEGS:
        bad("legs", "enum", f"expected one of {', '.join(_LEGS)}")
    pattern = None
    if raw["stop_remarks"]:
        try:
            pattern = re.compile(raw["stop_remarks"], re.IGNORECASE)
        except re.error as err:
            bad("stop_remarks", "regex", f"not a regular expression ({err})")
    place_kinds = frozenset(raw["stop_place_kind"].split())
    if place_kinds - kinds:
        bad("stop_place_kind", "enum", f"expected place kinds among {', '.join(sorted(kinds))}")
    stop_condition = bool(raw["stop_remarks"] or place_kinds)
    if stop_condition == (raw["legs"] == "leg"):
        bad(
            "legs",
            "legs-condition",
            "a rule on a stop's remarks or place names arriving, departing, both or "
            "previous-trip; a rule without one applies to the whole leg ('leg')",
        )
    max_gap = None
    if raw["max_gap_days"]:
        if not raw["max_gap_days"].isdigit():
            bad("max_gap_days", "integer", "expected a whole number of days such as 4")
        else:
            max_gap = int(raw["max_gap_days"])
    if (raw["legs"] == "previous-trip") != bool(raw["max_gap_days"]):
        bad(
            "max_gap_days",
            "gap-condition",
            "a rule on the previous trip's last stop (legs = previous-trip) says within how "
            "many days that trip ended; no other rule takes max_gap_days",
        )
    min_km = None
    if raw["min_km"]:
        try:
            min_km = float(raw["min_km"])
        except ValueError:
            bad("min_km", "number", "expected a distance in km such as 300")
    if raw["crossing"] not in ("", "ocean"):
        bad("crossing", "enum", "expected 'ocean' or nothing")
    if raw["between_stops"] not in ("", "true", "false"):
        bad("between_stops", "boolean", "expected true, false or nothing")
    start = _date(raw["from_date"], file, row, "from_date", problems)
    end = _date(raw["to_date"], file, row, "to_date", problems)
    if start is not None and end is not None and start >= end:
        bad("to_date", "date-range", "to_date must come after from_date")
    if not raw["basis"].strip():
        bad("basis", "required", "say why the rule holds and on what source")
    if len(problems) > before:
        return None
    return ModeRule(
        rule=raw["rule"],
        mode=raw["mode"],
        legs=raw["legs"],
        stop_remarks=pattern,
        stop_place_kind=place_kinds,
        min_km=min_km,
        crossing=raw["crossing"] or None,
        between_stops=raw["between_stops"] == "true",
        from_date=start,
        to_date=end,
        max_gap_days=max_gap,
        basis=raw["basis"],
    )


def _enum(schema: dict[str, Any], field: str) -> set[str]:
    for f in schema["fields"]:
        if f["name"] == field:
            return set(f["constraints"]["enum"])
    msg = f"the schema has no field {field!r}"
    raise KeyError(msg)


def read_mode_rules(root: Path) -> ModeRules:
    """Read and check ``data/modes/rules.csv`` and ``data/modes/world_regions.csv``.

    Modes and place kinds are checked against the legs and places Table Schemas, and
    every country of ``data/reference/countries.csv`` must have a region.

    Raises
    ------
    DataValidationError
        One problem per bad cell (file, row, field, rule, value), all in one run.
    """
    from leadertravel._schema import read_table_schema
    from leadertravel.pipeline.project import schema_path

    modes = _enum(read_table_schema(schema_path(root, "legs")), "transport_mode")
    kinds = _enum(read_table_schema(schema_path(root, "places")), "kind")
    problems: list[Problem] = []
    rules: list[ModeRule] = []
    seen: set[str] = set()
    for row, raw in enumerate(_read_csv(root / RULES_FILE, _RULE_COLUMNS, problems), start=2):
        rule = _parse_rule(raw, row, file=RULES_FILE, modes=modes, kinds=kinds, problems=problems)
        if raw["rule"] in seen:
            problems.append(
                Problem(RULES_FILE, row, "rule", "unique", raw["rule"], "rule ids must be unique")
            )
        seen.add(raw["rule"])
        if rule is not None:
            rules.append(rule)
    home: dict[str, int] = {}
    every: dict[str, int] = {}
    for row, raw in enumerate(_read_csv(root / REGIONS_FILE, _REGION_COLUMNS, problems), start=2):
        code = raw["code"]
        names = [raw["region"], *raw["territory_regions"].split()]
        unknown = [n for n in names if n not in _REGION_BITS]
        if unknown or not raw["region"]:
            problems.append(
                Problem(
                    REGIONS_FILE,
                    row,
                    "territory_regions" if raw["region"] in _REGION_BITS else "region",
                    "enum",
                    " ".join(unknown) or raw["region"],
                    f"expected regions among {', '.join(_REGION_BITS)}",
                )
            )
            continue
        if code in home:
            problems.append(Problem(REGIONS_FILE, row, "code", "unique", code, "one row a code"))
        home[code] = _REGION_BITS[raw["region"]]
        every[code] = int(np.bitwise_or.reduce([_REGION_BITS[n] for n in names]))
    countries = pd.read_csv(
        root / "data" / "reference" / "countries.csv", dtype=str, keep_default_na=False
    )
    for code in sorted(set(countries["code"]) - set(home)):
        problems.append(
            Problem(
                REGIONS_FILE,
                None,
                "code",
                "missing-region",
                code,
                "a country of data/reference/countries.csv has no world region; add a row",
            )
        )
    if problems:
        raise DataValidationError(problems, context="the transport-mode rules")
    return ModeRules(tuple(rules), home, every)
