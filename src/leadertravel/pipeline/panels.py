"""Derive the analysis tables of a release: state-system codes, coverage and panels.

:func:`add_panels` is the builder's last assembly step. From the assembled tables, the
pinned state-system lists (``state-system/`` beside the source snapshot: the COW states2016
and Gleditsch-Ward lists, ``data/pins/state-system.sha256``) and the curated crosswalk
``data/reference/state_system_crosswalk.csv`` it makes:

- ``system_membership``: the membership spells of both lists, values unchanged (the lists'
  ``9999-12-31`` becomes a null end);
- ``country_codes``: for every code of ``countries``, spells from 1816-01-01 on during which
  its COW and G&W codes (or none) stay the same;
- ``coverage``: the claims of ``data/reference/coverage.csv`` whose body of data the
  release holds records of (``trips.origin``), so no claim speaks for missing records;
- ``dyad_years`` and ``country_years``: computed by :mod:`leadertravel._panels`, the same
  code the loader helpers ``lt.dyad_years`` and ``lt.country_years`` run.

Without the state-system lists (a build from the curated tables alone) only ``coverage``
is filtered and the four derived tables are left out, with a warning.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd

from leadertravel._errors import DataValidationError, SourceInputError
from leadertravel._panels import build_panels
from leadertravel._panels._arrays import texts
from leadertravel._problems import Problem
from leadertravel._schema import read_table_schema
from leadertravel.pipeline.curated import read_csv
from leadertravel.pipeline.problems import Location
from leadertravel.pipeline.typed import BadValueError, typed_frame

__all__ = [
    "CROSSWALK",
    "DERIVED_TABLES",
    "PINS",
    "Panels",
    "add_panels",
    "country_code_spells",
    "find_state_system",
    "read_crosswalk",
    "read_membership",
]

log = logging.getLogger("leadertravel.pipeline")

#: The tables this step adds to a release (their schemas are in ``datapackage/schemas``).
DERIVED_TABLES = ("system_membership", "country_codes", "dyad_years", "country_years")
#: The curated crosswalk, relative to the project root.
CROSSWALK = "data/reference/state_system_crosswalk.csv"
#: The pins of the state-system lists, relative to the project root.
PINS = "data/pins/state-system.sha256"
_DIRECTORY = "state-system"
_LISTS = {"cow": ("cowstates.csv", "cowcode", "cowc"), "gw": ("gwstates.csv", "gwcode", "gwc")}
_FIRST_DAY = date(1816, 1, 1).toordinal()
_OPEN_DAY = date(9999, 12, 31).toordinal()


@dataclass(frozen=True)
class Panels:
    """The assembled tables with the derived ones added.

    Attributes
    ----------
    tables, schemas
        Every table of the release and its Table Schema.
    inputs
        The build's input hashes, with the state-system files added.
    locations
        Where the rows come from; derived tables are named by their primary key.
    """

    tables: dict[str, pd.DataFrame]
    schemas: dict[str, dict[str, Any]]
    inputs: dict[str, str]
    locations: dict[str, Location]


def find_state_system(sources: Path | None) -> Path | None:
    """Return the state-system directory for a source snapshot, or ``None``.

    It is looked for inside ``sources`` (a directory of all sources) and beside it (the
    Office of the Historian snapshot ``…/sources/history-state-travels``).

    Examples
    --------
    >>> find_state_system(None) is None
    True
    """
    if sources is None:
        return None
    for candidate in (sources / _DIRECTORY, sources.parent / _DIRECTORY):
        if candidate.is_dir():
            return candidate
    return None


def read_membership(directory: Path, schema: Mapping[str, Any]) -> pd.DataFrame:
    """Read both membership lists into the typed rows of the ``system_membership`` table.

    Parameters
    ----------
    directory
        The state-system directory (``cowstates.csv``, ``gwstates.csv``).
    schema
        Table Schema of ``system_membership``.

    Raises
    ------
    SourceInputError
        When a list is missing a column or holds a value that does not parse (naming the
        file, row and value).
    """
    frames = []
    for system, (name, code, abb) in _LISTS.items():
        path = directory / name
        raw = pd.read_csv(path, dtype=str, keep_default_na=False)
        wanted = [code, abb, "country_name", "start", "end", "microstate"]
        missing = [c for c in wanted if c not in raw.columns]
        if missing:
            msg = f"{path}: missing column(s) {missing}; expected {wanted} (see its SOURCE.md)"
            raise SourceInputError(msg)
        frame = pd.DataFrame(
            {
                "system": system,
                "state_code": raw[code],
                "abbreviation": raw[abb],
                "name": raw["country_name"],
                "start": raw["start"],
                "end": raw["end"].where(raw["end"] != "9999-12-31", ""),
                "microstate": raw["microstate"],
            }
        )
        frame.index = pd.RangeIndex(2, 2 + len(frame))  # file rows, for messages
        try:
            frames.append(typed_frame(frame, schema).reset_index(drop=True))
        except BadValueError as err:
            msg = f"{path}:{err.row}: {err}; the pinned list should not change (see its pins)"
            raise SourceInputError(msg) from err
    return pd.concat(frames, ignore_index=True)


def read_crosswalk(root: Path) -> pd.DataFrame:
    """Read and check ``data/reference/state_system_crosswalk.csv`` against its schema.

    Returns
    -------
    pandas.DataFrame
        Typed rows, indexed by CSV row number (header = row 1).

    Raises
    ------
    DataValidationError
        One problem per line (file, row, field, rule, value) for what the file's Table
        Schema refuses.
    """
    from leadertravel.pipeline.validate import validate_tables

    schema = read_table_schema(root / "data" / "reference" / "state_system_crosswalk.schema.json")
    text = read_csv(root / CROSSWALK, file=CROSSWALK, table="state_system_crosswalk")
    problems = list(text.problems)
    if text.table is not None and not problems:
        checked = validate_tables(
            {"state_system_crosswalk": text.table},
            {"state_system_crosswalk": schema},
            locations={"state_system_crosswalk": text.location},
            rules=False,
        )
        problems += checked.problems
    if problems:
        raise DataValidationError(problems, context=CROSSWALK)
    frame = checked.frames["state_system_crosswalk"]
    frame.index = pd.RangeIndex(2, 2 + len(frame))
    return frame


def _problem(row: int | None, field: str | None, rule: str, value: Any, message: str) -> Problem:
    return Problem(CROSSWALK, row, field, rule, None if value is None else str(value), message)


def _check_crosswalk(
    crosswalk: pd.DataFrame, countries: pd.DataFrame, membership: pd.DataFrame
) -> list[Problem]:
    """Codes known, state codes in their lists, periods of one code disjoint and ordered."""
    problems = []
    rows = [int(r) for r in crosswalk.index]  # CSV row numbers (read_csv_typed)
    codes = texts(crosswalk["code"])
    known = set(countries["code"].astype(str))
    for row, code in zip(rows, codes, strict=True):
        if code not in known:
            problems.append(_problem(row, "code", "foreign-key", code, "not a code of countries"))
    for system in _LISTS:
        listed = {int(v) for v in membership.loc[membership["system"] == system, "state_code"]}
        column = f"{system}_code"
        for row, value in zip(rows, texts(crosswalk[column]), strict=True):
            if value is not None and int(value) not in listed:
                problems.append(
                    _problem(
                        row,
                        column,
                        "state-code",
                        value,
                        f"no state with this code in the {system} list; use one of its codes",
                    )
                )
    starts = _ordinals(crosswalk["valid_from"], _FIRST_DAY)
    ends = _ordinals(crosswalk["valid_to"], _OPEN_DAY)
    seen: dict[str, list[tuple[int, int, int]]] = {}
    for row, code, start, end in zip(rows, codes, starts, ends, strict=True):
        if end < start:
            problems.append(
                _problem(row, "valid_to", "period", date.fromordinal(end), "ends before valid_from")
            )
        for _, other_start, other_end in seen.get(str(code), []):
            if start <= other_end and other_start <= end:
                problems.append(
                    _problem(
                        row,
                        "valid_from",
                        "period-overlap",
                        code,
                        "overlaps an earlier period of the same code; make the periods disjoint",
                    )
                )
        seen.setdefault(str(code), []).append((row, start, end))
    return problems


def _ordinals(values: pd.Series, missing: int) -> list[int]:
    """Dates as proleptic Gregorian ordinals (``missing`` for nulls)."""
    stamps: list[Any] = list(pd.to_datetime(values))
    return [missing if pd.isna(v) else int(v.toordinal()) for v in stamps]


def _member_days(membership: pd.DataFrame, system: str) -> dict[int, list[tuple[int, int]]]:
    spells: dict[int, list[tuple[int, int]]] = {}
    rows = membership[membership["system"] == system]
    starts = _ordinals(rows["start"], _FIRST_DAY)
    ends = _ordinals(rows["end"], _OPEN_DAY)
    for code, start, end in zip(rows["state_code"], starts, ends, strict=True):
        spells.setdefault(int(code), []).append((start, end))
    return spells


def _state_on(
    periods: list[tuple[int, int, dict[str, int | None]]],
    spells: Mapping[str, Mapping[int, list[tuple[int, int]]]],
    day: int,
    system: str,
) -> int | None:
    """Return the code's state in ``system`` on ``day``: the crosswalk's, if then a member."""
    for start, end, states in periods:
        state = states[system]
        if state is None or not start <= day <= end:
            continue
        if any(m_start <= day <= m_end for m_start, m_end in spells[system].get(state, [])):
            return state
    return None


def country_code_spells(
    countries: pd.DataFrame, crosswalk: pd.DataFrame, membership: pd.DataFrame
) -> pd.DataFrame:
    """Return the rows of ``country_codes``: per code, spells of constant COW and G&W codes.

    On a day, a code's state in a system is the crosswalk's state for that day when that
    state is a member on that day (per ``membership``), else none. Spells start on
    1816-01-01 and follow one another without gaps; the last one has no end.

    Parameters
    ----------
    countries, crosswalk, membership
        Typed ``countries``, crosswalk and ``system_membership`` frames.
    """
    spells = {system: _member_days(membership, system) for system in _LISTS}
    abbs = {
        system: dict(
            zip(
                membership.loc[membership["system"] == system, "state_code"].astype(int),
                membership.loc[membership["system"] == system, "abbreviation"].astype(str),
                strict=True,
            )
        )
        for system in _LISTS
    }
    periods_of: dict[str, list[tuple[int, int, dict[str, int | None]]]] = {}
    starts = _ordinals(crosswalk["valid_from"], _FIRST_DAY)
    ends = _ordinals(crosswalk["valid_to"], _OPEN_DAY)
    states_of = {
        system: [None if pd.isna(v) else int(v) for v in crosswalk[f"{system}_code"]]
        for system in _LISTS
    }
    for i, code in enumerate(crosswalk["code"].astype(str)):
        states = {system: states_of[system][i] for system in _LISTS}
        periods_of.setdefault(code, []).append((max(starts[i], _FIRST_DAY), ends[i], states))
    out = []
    for code in sorted(countries["code"].astype(str)):
        periods = periods_of.get(code, [])
        cuts = {_FIRST_DAY}
        for start, end, states in periods:
            cuts |= {start, end + 1}
            for system, state in states.items():
                for m_start, m_end in spells[system].get(-1 if state is None else state, []):
                    cuts |= {m_start, m_end + 1}
        days = sorted(d for d in cuts if _FIRST_DAY <= d <= _OPEN_DAY)
        current: list[list[Any]] = []
        for i, day in enumerate(days):
            value = (_state_on(periods, spells, day, "cow"), _state_on(periods, spells, day, "gw"))
            last = days[i + 1] - 1 if i + 1 < len(days) else _OPEN_DAY
            if current and current[-1][2] == value:
                current[-1][1] = last
            else:
                current.append([day, last, value])
        for start, end, (cow, gw) in current:
            out.append(
                {
                    "code": code,
                    "valid_from": date.fromordinal(start),
                    "valid_to": None if end >= _OPEN_DAY else date.fromordinal(end),
                    "cow_code": cow,
                    "cow_abb": None if cow is None else abbs["cow"][cow],
                    "gw_code": gw,
                    "gw_abb": None if gw is None else abbs["gw"][gw],
                }
            )
    return pd.DataFrame(out)


def _coverage_problems(coverage: pd.DataFrame, leaders: pd.DataFrame) -> list[Problem]:
    """Periods in order; a claim's leader belongs to its origin country."""
    file = "data/reference/coverage.csv"
    home = dict(
        zip(leaders["leader_id"].astype(str), leaders["country_code"].astype(str), strict=True)
    )
    problems = []
    starts = _ordinals(coverage["covered_from"], _FIRST_DAY)
    ends = _ordinals(coverage["covered_to"], _OPEN_DAY)
    leader_ids = texts(coverage["leader_id"])
    origins = texts(coverage["origin_country_code"])
    for position, (start, end, leader, origin) in enumerate(
        zip(starts, ends, leader_ids, origins, strict=True)
    ):
        row = position + 2  # assembled in CSV order
        if end < start:
            problems.append(
                Problem(
                    file,
                    row,
                    "covered_to",
                    "coverage-period",
                    date.fromordinal(end).isoformat(),
                    "is before covered_from",
                )
            )
        country = home.get(leader or "")
        if origin is not None and country is not None and country != origin:
            problems.append(
                Problem(
                    file,
                    row,
                    "origin_country_code",
                    "coverage-leader-country",
                    origin,
                    f"leader {leader} is of {country}; leave it empty or use {country}",
                )
            )
    return problems


def _field_names(root: Path, name: str) -> list[str]:
    return [f["name"] for f in _schema(root, name)["fields"]]


def _schema(root: Path, name: str) -> dict[str, Any]:
    return read_table_schema(root / "datapackage" / "schemas" / f"{name}.schema.json")


def add_panels(
    root: Path,
    tables: Mapping[str, pd.DataFrame],
    schemas: Mapping[str, dict[str, Any]],
    inputs: Mapping[str, str],
    locations: Mapping[str, Location],
    *,
    sources: Path | None,
) -> Panels:
    """Filter ``coverage`` and add the state-system codes and the panels to a release.

    Parameters
    ----------
    root
        Project checkout (schemas, crosswalk, pins).
    tables, schemas, inputs, locations
        The assembled release tables, their schemas, the input hashes and where the rows
        come from (for problem reports).
    sources
        The source snapshot directory given to the build (``None``: curated only).

    Raises
    ------
    DataValidationError
        A coverage claim or a crosswalk row is invalid (one problem per line).
    SourceInputError
        The state-system lists changed since they were pinned, or are malformed.
    """
    out = dict(tables)
    all_schemas = dict(schemas)
    hashes = dict(inputs)
    where = dict(locations)
    if "coverage" in tables:  # a package without claims (an old checkout) has no zeros
        coverage = tables["coverage"]
        problems = _coverage_problems(coverage, tables["leaders"])
        if problems:
            raise DataValidationError(problems, context="the coverage claims")
        present = set(tables["trips"]["origin"].astype(str))
        kept = coverage["source"].astype(str).isin(present)
        if not kept.all():  # a subset of the file's rows: named by coverage_id from now on
            out["coverage"] = coverage[kept].reset_index(drop=True)
            where.pop("coverage", None)
    directory = find_state_system(sources)
    if directory is None:
        log.warning(
            "no state-system lists beside the sources (%s): the release leaves out %s",
            sources,
            ", ".join(DERIVED_TABLES),
        )
        return Panels(out, all_schemas, hashes, where)
    from leadertravel.pipeline.importers.historian._pins import verify_sources

    log.info("deriving %s from %s", ", ".join(DERIVED_TABLES), directory)
    for name, digest in verify_sources(directory, root / PINS).items():
        hashes[f"{_DIRECTORY}/{name}"] = digest
    for name in DERIVED_TABLES:
        all_schemas[name] = _schema(root, name)
    membership = read_membership(directory, all_schemas["system_membership"])
    crosswalk = read_crosswalk(root)
    problems = _check_crosswalk(crosswalk, tables["countries"], membership)
    if problems:
        raise DataValidationError(problems, context="the state-system crosswalk")
    out["system_membership"] = membership
    out["country_codes"] = typed_frame(
        country_code_spells(tables["countries"], crosswalk, membership),
        all_schemas["country_codes"],
    )
    claims = out.get("coverage")
    if claims is None:
        claims = typed_frame(pd.DataFrame(columns=_field_names(root, "coverage")),
                             _schema(root, "coverage"))  # fmt: skip
    for name, frame in build_panels(out | {"coverage": claims}).items():
        out[name] = typed_frame(frame, all_schemas[name])
    for name in DERIVED_TABLES:
        log.info("derived %s: %d rows", name, len(out[name]))
    return Panels(out, all_schemas, hashes, where)
