"""Infer the transport mode of imported legs by documented rules kept in ``data/modes/``.

Importers derive legs from visit records that rarely say how the traveller moved, so their
legs start as ``transport_mode = 'unknown'``. :func:`infer_modes` sets the mode where one
rule of ``data/modes/rules.csv`` (tried in file order, first match wins) is reliable,
marks the leg ``mode_inferred = true`` and names the rule in ``mode_rule``; inferred border
crossings of such a leg take its mode. Curated legs and legs whose mode is already known
are never changed. The rules, their basis and their known failure cases are described in
``docs/transport-modes.md``.

A rule is a conjunction of conditions on one leg:

* ``stop_remarks`` — a regular expression (case-insensitive) found in the source's remarks
  of the stop at the leg's end (``legs = arriving``), start (``departing``) or either
  (``both``); the importer's own notes (after ``[importer]``) are not read. When
  consecutive stops of a trip carry the same remarks (one record split into several
  places), the remark is read as the record's: it applies to the leg into the first of
  them and the leg out of the last.
* ``stop_place_kind`` — the kind of that stop's place (``air_base airport`` …).
* ``min_km`` — the leg's geodesic distance is known and at least this.
* ``crossing = ocean`` — the leg's ends lie in different world regions
  (``data/modes/world_regions.csv``: the Americas, Afro-Eurasia, Oceania; Antarctica is
  never counted). An end with a place takes its place's country; an end without one takes
  its country and, unless it is the trip's home end, the regions of that country's distant
  territories too, so a stop filed under the United Kingdom without a place could lie in
  the Caribbean and does not count as across the ocean.
* ``between_stops`` — the leg runs from a stop to a stop (not from or to home).
* ``from_date`` / ``to_date`` — the trip started on or after / before the day.

A rule whose mode is ``unknown`` sets nothing; it stops later rules from claiming the leg
(a documented case where they would be wrong).

Examples
--------
>>> from pathlib import Path
>>> import leadertravel
>>> rules = read_mode_rules(Path(leadertravel.__file__).resolve().parents[2])
>>> [(r.rule, r.kind) for r in rules.rules][-1]
('air-ocean-jet-age', 'era')
>>> rules.home_regions["FRA"] == rules.all_regions["FRA"]  # France's territories lie farther
False
"""

from __future__ import annotations

import csv
import datetime as dt
import logging
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from leadertravel._errors import DataValidationError
from leadertravel._problems import Problem

__all__ = [
    "ModeRule",
    "ModeRules",
    "apply_mode_rules",
    "infer_modes",
    "match_rules",
    "mode_agreement",
    "read_mode_rules",
]

log = logging.getLogger("leadertravel.pipeline")

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
    "basis",
]
_REGION_COLUMNS = ["code", "region", "territory_regions", "remarks"]
_LEGS = ("arriving", "departing", "both", "leg")
_REGION_BITS = {"americas": 1, "afro-eurasia": 2, "oceania": 4, "antarctica": 8}
_NEVER_OCEAN = _REGION_BITS["antarctica"]
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_IMPORTER_NOTE = " [importer]"


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
        return dt.date.fromisoformat(value)
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
            "a rule on a stop's remarks or place names arriving, departing or both; "
            "a rule without one applies to the whole leg ('leg')",
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

    schemas = root / "datapackage" / "schemas"
    modes = _enum(read_table_schema(schemas / "legs.schema.json"), "transport_mode")
    kinds = _enum(read_table_schema(schemas / "places.schema.json"), "kind")
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


def _source_remarks(remarks: pd.Series) -> pd.Series:
    text = remarks.astype("string").fillna("")
    return text.str.split(_IMPORTER_NOTE, n=1, regex=False).str[0].str.strip()


def _stop_ends(tables: dict[str, pd.DataFrame], legs: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """For each leg, the stop it arrives at and the stop it departs from (NA at home)."""
    stops = tables["stops"]
    kinds = tables["places"].set_index("place_id")["kind"].astype("string")
    frame = pd.DataFrame(
        {
            "trip_id": stops["trip_id"].astype("string").to_numpy(),
            "seq": stops["seq"].astype("int64").to_numpy(),
            "remarks": _source_remarks(stops["remarks"]).to_numpy(),
            "kind": stops["place_id"].astype("string").map(kinds).to_numpy(),
        }
    ).sort_values(["trip_id", "seq"], kind="stable")
    # A run of consecutive stops with the same remarks is one record split into places:
    # its remarks speak of arriving at the first and leaving from the last.
    same_prev = (frame["trip_id"] == frame["trip_id"].shift()) & (
        frame["remarks"] == frame["remarks"].shift()
    )
    same_next = (frame["trip_id"] == frame["trip_id"].shift(-1)) & (
        frame["remarks"] == frame["remarks"].shift(-1)
    )
    frame["arrive_remarks"] = frame["remarks"].where(~same_prev, "")
    frame["depart_remarks"] = frame["remarks"].where(~same_next, "")
    key = pd.MultiIndex.from_arrays([frame["trip_id"], frame["seq"]])
    indexed = frame.set_index(key)
    trip = legs["trip_id"].astype("string").to_numpy()
    seq = legs["seq"].astype("int64").to_numpy()
    arriving = indexed.reindex(pd.MultiIndex.from_arrays([trip, seq]))
    departing = indexed.reindex(pd.MultiIndex.from_arrays([trip, seq - 1]))
    return {
        "arriving": arriving.reset_index(drop=True),
        "departing": departing.reset_index(drop=True),
    }


def _region_masks(
    tables: dict[str, pd.DataFrame], legs: pd.DataFrame, rules: ModeRules
) -> tuple[np.ndarray, np.ndarray]:
    places = tables["places"].set_index("place_id")["country_code"].astype("string")
    last = legs.groupby("trip_id", sort=False)["seq"].transform("max")
    masks = []
    for end, home in (("from", legs["seq"] == 1), ("to", legs["seq"] == last)):
        place_country = legs[f"{end}_place_id"].astype("string").map(places)
        by_place = place_country.map(rules.home_regions)
        country = legs[f"{end}_country_code"].astype("string")
        by_country = country.map(rules.home_regions).where(home, country.map(rules.all_regions))
        mask = by_place.where(place_country.notna(), by_country)
        masks.append(pd.to_numeric(mask).fillna(0).astype("int64").to_numpy())
    return masks[0], masks[1]


def match_rules(tables: dict[str, pd.DataFrame], rules: ModeRules) -> pd.DataFrame:
    """Return, for every leg, which rules' conditions hold (whatever its mode is now).

    Returns
    -------
    pandas.DataFrame
        One boolean column per rule (in rule order), one row per leg of
        ``tables["legs"]`` (same order, fresh index).
    """
    legs = tables["legs"].reset_index(drop=True)
    ends = _stop_ends(tables, legs)
    starts = (
        legs["trip_id"].astype("string").map(tables["trips"].set_index("trip_id")["start_date"])
    )
    start = pd.to_datetime(starts).to_numpy()
    distance = pd.to_numeric(legs["distance_km"]).to_numpy(dtype="float64", na_value=np.nan)
    a, b = _region_masks(tables, legs, rules)
    ocean = (a > 0) & (b > 0) & ((a & b) == 0) & (((a | b) & _NEVER_OCEAN) == 0)
    has_from_stop = ends["departing"]["seq"].notna().to_numpy()
    has_to_stop = ends["arriving"]["seq"].notna().to_numpy()
    out: dict[str, np.ndarray] = {}
    for rule in rules.rules:
        ok = np.ones(len(legs), dtype=bool)
        if rule.stop_remarks is not None or rule.stop_place_kind:
            at = np.zeros(len(legs), dtype=bool)
            sides = ("arriving", "departing") if rule.legs == "both" else (rule.legs,)
            for side in sides:
                stop = ends[side]
                hit = np.ones(len(legs), dtype=bool)
                if rule.stop_remarks is not None:
                    text = stop["arrive_remarks" if side == "arriving" else "depart_remarks"]
                    search = rule.stop_remarks.search
                    hit &= np.fromiter(
                        (bool(search(x)) for x in text.fillna("")), dtype=bool, count=len(legs)
                    )
                if rule.stop_place_kind:
                    hit &= stop["kind"].isin(rule.stop_place_kind).to_numpy()
                at |= hit
            ok &= at
        if rule.min_km is not None:
            ok &= np.nan_to_num(distance, nan=-1.0) >= rule.min_km
        if rule.crossing == "ocean":
            ok &= ocean
        if rule.between_stops:
            ok &= has_from_stop & has_to_stop
        if rule.from_date is not None:
            ok &= start >= np.datetime64(rule.from_date)
        if rule.to_date is not None:
            ok &= start < np.datetime64(rule.to_date)
        out[rule.rule] = ok
    return pd.DataFrame(out, index=legs.index, columns=[r.rule for r in rules.rules])


def _first_match(matches: pd.DataFrame, rules: list[ModeRule]) -> tuple[pd.Series, pd.Series]:
    """Return the first matching rule of ``rules`` for each leg and its mode (NA if none)."""
    rule_ids = pd.Series(pd.NA, index=matches.index, dtype="string")
    modes = pd.Series(pd.NA, index=matches.index, dtype="string")
    for rule in reversed(rules):
        hit = matches[rule.rule].to_numpy()
        rule_ids[hit] = rule.rule
        modes[hit] = rule.mode
    return rule_ids, modes


def infer_modes(tables: dict[str, pd.DataFrame], rules: ModeRules) -> dict[str, pd.DataFrame]:
    """Set the mode of every non-curated leg a rule covers; return the new legs and crossings.

    Only legs whose ``origin`` is not ``curated`` and whose ``transport_mode`` is
    ``unknown`` change: ``transport_mode`` takes the first matching rule's mode,
    ``mode_inferred`` becomes true and ``mode_rule`` names the rule. Every other leg keeps
    its values (``mode_rule`` stays null where it was). An inferred, non-curated border
    crossing whose mode is unknown takes its leg's new mode.

    Parameters
    ----------
    tables
        At least ``legs``, ``stops``, ``trips``, ``places`` and ``border_crossings``.
    rules
        From :func:`read_mode_rules`.

    Returns
    -------
    dict
        ``{"legs": …, "border_crossings": …}``, same rows, columns and dtypes as given.
    """
    legs = tables["legs"].reset_index(drop=True).copy()
    if "mode_rule" not in legs:
        legs["mode_rule"] = pd.Series(pd.NA, index=legs.index, dtype="string")
    rule_ids, modes = _first_match(match_rules(tables, rules), list(rules.rules))
    open_ = (legs["origin"].astype("string") != "curated") & (
        legs["transport_mode"].astype("string") == "unknown"
    )
    change = (open_ & modes.notna() & (modes != "unknown")).to_numpy()
    legs.loc[change, "transport_mode"] = modes[change].to_numpy()
    legs.loc[change, "mode_inferred"] = True
    legs.loc[change, "mode_rule"] = rule_ids[change].to_numpy()
    crossings = tables["border_crossings"].reset_index(drop=True).copy()
    leg_mode = legs.loc[change].set_index("leg_id")["transport_mode"].astype("string")
    new = crossings["leg_id"].astype("string").map(leg_mode)
    take = (
        new.notna()
        & crossings["inferred"].astype("boolean").fillna(False)
        & (crossings["origin"].astype("string") != "curated")
        & (crossings["transport_mode"].astype("string") == "unknown")
    ).to_numpy()
    crossings.loc[take, "transport_mode"] = new[take].to_numpy()
    return {"legs": legs, "border_crossings": crossings}


def apply_mode_rules(root: Path, tables: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """Read the rules under ``root`` and return :func:`infer_modes` of ``tables``.

    This is the one call the release builder makes once every importer's tables are merged
    with the curated ones.
    """
    out = infer_modes(tables, read_mode_rules(root))
    by_rule = out["legs"]["mode_rule"].value_counts()
    log.info(
        "transport modes inferred for %d imported legs (%s)",
        int(by_rule.sum()),
        ", ".join(f"{rule} {n}" for rule, n in by_rule.sort_index().items()),
    )
    return out


def _compare(
    truth: pd.Series, predicted: pd.Series, rule_ids: pd.Series, leg_ids: pd.Series
) -> dict[str, Any]:
    fired = predicted.notna() & (predicted != "unknown") & truth.notna()
    agree = fired & (predicted == truth)
    per_rule: dict[str, dict[str, int]] = {}
    for rule, n in rule_ids[fired].value_counts(sort=False).sort_index().items():
        ok = int((agree & (rule_ids == rule)).sum())
        per_rule[str(rule)] = {"fired": int(n), "agree": ok}
    wrong = fired & ~agree
    return {
        "legs": int(truth.notna().sum()),
        "fired": int(fired.sum()),
        "agree": int(agree.sum()),
        "by_rule": per_rule,
        "disagreements": [
            {"leg_id": str(leg), "rule": str(rule), "predicted": str(p), "attested": str(t)}
            for leg, rule, p, t in zip(
                leg_ids[wrong], rule_ids[wrong], predicted[wrong], truth[wrong], strict=True
            )
        ],
    }


def mode_agreement(tables: dict[str, pd.DataFrame], rules: ModeRules) -> dict[str, Any]:
    """Check the rules against legs whose mode is known another way.

    * ``curated`` — every curated leg with a known mode, against the first rule of all
      that matches it (as if its mode were unknown);
    * ``remark_attested`` — every leg a ``remark`` or ``place`` rule covers, its mode
      taken from that rule, against the first ``era`` rule (dates and geography only)
      that matches it.

    Returns
    -------
    dict
        For each check: legs checked, legs a rule fired on, agreements, per-rule counts
        and the list of disagreements (leg, rule, predicted, attested). JSON-serialisable.
    """
    legs = tables["legs"].reset_index(drop=True)
    matches = match_rules(tables, rules)
    every = list(rules.rules)
    era = [r for r in every if r.kind == "era"]
    attest = [r for r in every if r.kind != "era"]
    leg_ids = legs["leg_id"].astype("string")
    mode = legs["transport_mode"].astype("string")
    curated = (legs["origin"].astype("string") == "curated") & (mode != "unknown")
    rule_ids, predicted = _first_match(matches, every)
    report = {"curated": _compare(mode.where(curated), predicted.where(curated), rule_ids, leg_ids)}
    attest_ids, attested = _first_match(matches, attest)
    attested = attested.where(
        (legs["origin"].astype("string") != "curated") & (attested != "unknown")
    )
    era_ids, era_modes = _first_match(matches, era)
    report["remark_attested"] = _compare(
        attested, era_modes.where(attested.notna()), era_ids, leg_ids
    )
    report["remark_attested"]["by_attesting_rule"] = {
        str(k): int(v) for k, v in attest_ids[attested.notna()].value_counts().sort_index().items()
    }
    return report
