"""Dyad-year and country-year panels from the release's trips, stops and codes (pure pandas).

One implementation serves both the release builder (which writes the ``dyad_years`` and
``country_years`` tables) and the loader helpers :func:`dyad_years` and
:func:`country_years`, so the two agree by construction; the tests check it anyway.

The definitions (also in the Table Schemas of the two tables):

- **Presence.** A trip is present in a country on every day from each stop's arrival date
  to its departure date, both included. A missing arrival date is the last date known
  before it in the trip (the previous stop's departure or arrival, else the trip's start);
  a missing departure date is the next date known after it (else the trip's end).
- **States.** Each day is mapped to a state of the chosen system through
  ``country_codes`` (COW or G&W code valid on that day), for the country visited and for
  the traveller's country (``leaders.country_code``) alike. Days in a country that is not a
  member that day (a colony, Hong Kong, the Vatican …) and days at home do not count. With
  ``system="iso3"`` the project's own country codes are the units and every foreign stop
  counts.
- **Offices.** A trip counts under its ``trips.office``; a head of state and government
  (a U.S. president) counts under both ``head_of_state`` and ``head_of_government``, a
  president-elect under ``other``.
- **Counts.** ``trips``: distinct trips present at least one day of the year; ``leaders``:
  distinct travellers among them; ``days``: distinct calendar days with at least one of
  them present.
- **Honest zeros.** A zero is written only where complete coverage claims (``coverage``)
  cover every day of the year for that origin, destination and office, over the states
  that were members of the system in that year. Elsewhere a dyad-year has a row only when
  the release holds trips for it (``complete`` false: a lower bound); a dyad-year without
  a row is not covered and is missing, never zero.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from leadertravel._api import PathLike

__all__ = [
    "PANEL_OFFICES",
    "SYSTEMS",
    "build_panels",
    "country_years",
    "country_years_from",
    "dyad_years",
    "dyad_years_from",
]

System = Literal["cow", "gw", "iso3"]
#: Code systems the panels can be keyed by.
SYSTEMS: tuple[str, ...] = ("cow", "gw", "iso3")
#: Office categories of the panels, in order.
PANEL_OFFICES: tuple[str, ...] = (
    "head_of_state",
    "head_of_government",
    "foreign_minister",
    "other",
)
#: trips.office → the panel offices a trip counts under.
_OFFICE_MAP: dict[str, tuple[str, ...]] = {
    "head_of_state": ("head_of_state",),
    "head_of_government": ("head_of_government",),
    "head_of_state_and_government": ("head_of_state", "head_of_government"),
    "foreign_minister": ("foreign_minister",),
    "president_elect": ("other",),
    "other": ("other",),
}
#: Tables (and columns) the panels are computed from.
INPUT_COLUMNS: dict[str, list[str]] = {  # the panel tables first: older releases lack them
    "country_codes": ["code", "valid_from", "valid_to", "cow_code", "cow_abb", "gw_code", "gw_abb"],
    "system_membership": ["system", "state_code", "abbreviation", "start", "end"],
    "coverage": [
        "source",
        "leader_id",
        "origin_country_code",
        "destination_country_code",
        "offices",
        "covered_from",
        "covered_to",
        "complete",
    ],
    "trips": ["trip_id", "leader_id", "office", "start_date", "end_date", "origin"],
    "stops": ["trip_id", "seq", "country_code", "arrival_date", "departure_date"],
    "leaders": ["leader_id", "country_code"],
}
_NONE = -1  # "no state" in integer unit arrays
_MADE = ["trips_made", "leaders_travelling", "days_abroad", "complete_made"]
_RECEIVED = ["visits_received", "visiting_leaders", "days_hosting", "complete_received"]
_FIRST_DAY = int(np.datetime64("1816-01-01", "D").astype(np.int64))


# --- small helpers --------------------------------------------------------------------


def _days(values: pd.Series) -> np.ndarray:
    """Dates as int64 days since 1970-01-01; missing dates as ``_NONE_DAY``."""
    array = pd.to_datetime(values).to_numpy(dtype="datetime64[D]")
    out = array.astype(np.int64)
    out[np.isnat(array)] = _NONE_DAY
    return out


_NONE_DAY = np.iinfo(np.int64).min


def _ids(index: pd.Index, values: pd.Series) -> np.ndarray:
    """Positions of ``values`` in ``index`` (unique values); -1 where absent.

    One hash pass over both (``factorize``) is several times faster than
    ``Index.get_indexer`` on Arrow-backed strings.
    """
    n = len(index)
    both = pd.concat([pd.Series(index, dtype="string"), values.astype("string")], ignore_index=True)
    codes = np.asarray(pd.factorize(both)[0], dtype=np.int64)
    if not np.array_equal(codes[:n], np.arange(n)):  # repeated index values
        return np.asarray(index.get_indexer(pd.Index(values.astype("string"))), dtype=np.int64)
    found = codes[n:]
    return np.where(found < n, found, -1)


def _texts(values: pd.Series) -> list[str | None]:
    """Return a column as Python strings, ``None`` for missing values."""
    return [None if missing else str(v) for v, missing in zip(values, values.isna(), strict=True)]


def _year_of(days: np.ndarray) -> np.ndarray:
    return days.astype("datetime64[D]").astype("datetime64[Y]").astype(np.int64) + 1970


def _year_bounds(year: int) -> tuple[int, int]:
    first = int(np.datetime64(f"{year:04d}-01-01", "D").astype(np.int64))
    last = int(np.datetime64(f"{year:04d}-12-31", "D").astype(np.int64))
    return first, last


def _fill(values: np.ndarray, groups: np.ndarray, *, forward: bool) -> np.ndarray:
    """Fill ``_NONE_DAY`` gaps from the nearest known value of the same group."""
    n = len(values)
    if not forward:
        return _fill(values[::-1], groups[::-1], forward=True)[::-1]
    known = values != _NONE_DAY
    source = np.where(known, np.arange(n), -1)
    source = np.maximum.accumulate(source) if n else source
    ok = source >= 0
    filled = np.full(n, _NONE_DAY, dtype=np.int64)
    same = ok.copy()
    same[ok] = groups[source[ok]] == groups[ok]
    filled[same] = values[source[same]]
    return filled


@dataclass(frozen=True)
class _Units:
    """How the project's country codes map to the units of one system, by day."""

    system: str
    codes: pd.Index  # project country codes (position = integer id)
    spell_keys: np.ndarray  # code id * 2**20 + day offset of valid_from, sorted
    spell_end: np.ndarray  # last day of each spell
    spell_unit: np.ndarray  # unit of each spell, _NONE when none
    labels: dict[int, str]  # unit → abbreviation (cow, gw) or code (iso3)
    members: dict[int, np.ndarray]  # year → member units

    def lookup(self, code_ids: np.ndarray, days: np.ndarray) -> np.ndarray:
        """Return the unit of each (code id, day); ``_NONE`` where there is none."""
        if self.system == "iso3":
            return code_ids.astype(np.int64)
        keys = code_ids.astype(np.int64) * 2**20 + (days - _FIRST_DAY)
        at = np.searchsorted(self.spell_keys, keys, side="right") - 1
        ok = (code_ids >= 0) & (days >= _FIRST_DAY) & (at >= 0)
        at = np.where(ok, at, 0)
        ok &= (self.spell_keys[at] >> 20) == code_ids
        ok &= days <= self.spell_end[at]
        return np.where(ok, self.spell_unit[at], _NONE)

    def units_in_year(self, code_id: int, year: int) -> set[int]:
        """Units a project code maps to on some day of ``year``."""
        if code_id < 0:
            return set()
        if self.system == "iso3":
            return {code_id} if code_id in self.members.get(year, ()) else set()
        first, last = _year_bounds(year)
        lo = np.searchsorted(self.spell_keys, code_id * 2**20, side="left")
        hi = np.searchsorted(self.spell_keys, (code_id + 1) * 2**20, side="left")
        out = set()
        for i in range(lo, hi):
            start = int(self.spell_keys[i] - code_id * 2**20) + _FIRST_DAY
            if start <= last and self.spell_end[i] >= first and self.spell_unit[i] != _NONE:
                out.add(int(self.spell_unit[i]))
        return out


def _codes(country_codes: pd.DataFrame) -> pd.Index:
    """Return the project's country codes, sorted (position = the id used internally)."""
    return pd.Index(sorted(set(country_codes["code"].astype(str))))


def _units(
    system: str, country_codes: pd.DataFrame, membership: pd.DataFrame, years: Sequence[int]
) -> _Units:
    cc = country_codes.sort_values(["code", "valid_from"], kind="stable")
    codes = _codes(cc)
    code_ids = _ids(codes, cc["code"])
    start = _days(cc["valid_from"])
    end = _days(cc["valid_to"])
    end = np.where(end == _NONE_DAY, np.iinfo(np.int64).max, end)
    keys = code_ids.astype(np.int64) * 2**20 + (start - _FIRST_DAY)
    order = np.argsort(keys, kind="stable")
    members: dict[int, np.ndarray] = {}
    labels: dict[int, str] = {}
    if system == "iso3":
        unit: np.ndarray = np.arange(len(cc), dtype=np.int64)  # unused for iso3
        any_code = cc["cow_code"].notna().to_numpy() | cc["gw_code"].notna().to_numpy()
        labels = dict(enumerate(codes))
        for year in years:
            first, last = _year_bounds(year)
            live = any_code & (start <= last) & (end >= first)
            members[year] = np.unique(code_ids[live])
    else:
        unit = cc[f"{system}_code"].astype("Int64").fillna(_NONE).to_numpy(dtype=np.int64)
        ms = membership[membership["system"].astype(str) == system]
        labels = dict(
            zip(ms["state_code"].astype(int), ms["abbreviation"].astype(str), strict=True)
        )
        m_start = _days(ms["start"])
        m_end = _days(ms["end"])
        m_end = np.where(m_end == _NONE_DAY, np.iinfo(np.int64).max, m_end)
        m_code = ms["state_code"].to_numpy(dtype=np.int64)
        for year in years:
            first, last = _year_bounds(year)
            members[year] = np.unique(m_code[(m_start <= last) & (m_end >= first)])
    return _Units(system, codes, keys[order], end[order], unit[order], labels, members)


# --- presence -------------------------------------------------------------------------


@dataclass(frozen=True)
class _Days:
    """Every day each trip spends in each country (project codes), before any mapping."""

    trip: np.ndarray  # trip position in the trips table
    dest: np.ndarray  # country code id (position in the codes index) of the stop
    origin: np.ndarray  # country code id of the traveller
    day: np.ndarray  # days since 1970-01-01
    leader: np.ndarray  # leader position per trip (indexed by trip position)
    office: tuple[np.ndarray, np.ndarray]  # first and second panel office per trip


def _trip_days(tables: Mapping[str, pd.DataFrame], codes: pd.Index) -> _Days:
    """Expand stops into days (missing dates filled as documented) for one release."""
    trips, stops, leaders = tables["trips"], tables["stops"], tables["leaders"]
    trip_index = pd.Index(trips["trip_id"])
    stops = stops.assign(_t=_ids(trip_index, stops["trip_id"]))
    stops = stops[stops["_t"] >= 0].sort_values(["_t", "seq"], kind="stable")
    t = stops["_t"].to_numpy(dtype=np.int64)
    start = _days(trips["start_date"])[t]
    end = _days(trips["end_date"])[t]
    # Interleave arrival and departure dates per trip, fill gaps within the trip.
    both = np.empty(2 * len(t), dtype=np.int64)
    both[0::2] = _days(stops["arrival_date"])
    both[1::2] = _days(stops["departure_date"])
    groups = np.repeat(t, 2)
    arrival = _fill(both, groups, forward=True)[0::2]
    departure = _fill(both, groups, forward=False)[1::2]
    arrival = np.where(arrival == _NONE_DAY, start, arrival)
    departure = np.where(departure == _NONE_DAY, end, departure)
    arrival = np.clip(arrival, start, end)
    departure = np.maximum(np.clip(departure, start, end), arrival)
    length = departure - arrival + 1
    row = np.repeat(np.arange(len(t)), length)
    offset = np.arange(len(row)) - np.repeat(np.cumsum(length) - length, length)
    trip = t[row]
    leader_of_trip = _ids(pd.Index(leaders["leader_id"]), trips["leader_id"])
    home = _ids(codes, leaders["country_code"])
    origin = np.where(leader_of_trip >= 0, home[np.maximum(leader_of_trip, 0)], -1)
    office = trips["office"].astype(object).to_numpy()
    first = np.full(len(trips), PANEL_OFFICES.index("other"), dtype=np.int64)
    second = np.full(len(trips), _NONE, dtype=np.int64)
    for value, panel in _OFFICE_MAP.items():
        hit = office == value
        first[hit] = PANEL_OFFICES.index(panel[0])
        if len(panel) > 1:
            second[hit] = PANEL_OFFICES.index(panel[1])
    return _Days(
        trip=trip,
        dest=_ids(codes, stops["country_code"])[row],
        origin=origin[trip],
        day=arrival[row] + offset,
        leader=leader_of_trip,
        office=(first, second),
    )


def _presence(days: _Days, units: _Units) -> pd.DataFrame:
    """One row per (trip, panel office, origin unit, destination unit, day), distinct.

    Columns: ``trip`` and ``leader`` (integer ids), ``office`` (position in
    :data:`PANEL_OFFICES`), ``o`` and ``d`` (units), ``day`` (days since 1970) and ``year``.
    """
    d = units.lookup(days.dest, days.day)
    o = units.lookup(days.origin, days.day)
    keep = (d != _NONE) & (o != _NONE) & (o != d)
    columns = [days.trip[keep], o[keep], d[keep], days.day[keep]]
    if len(columns[0]):
        packed, _ = _pack(columns)
        _, first = np.unique(packed, return_index=True)
        columns = [c[np.sort(first)] for c in columns]
    trip, o, d, day = columns
    first_office, second_office = days.office
    again = second_office[trip] != _NONE
    out = pd.DataFrame(
        {
            "trip": np.concatenate([trip, trip[again]]),
            "o": np.concatenate([o, o[again]]),
            "d": np.concatenate([d, d[again]]),
            "day": np.concatenate([day, day[again]]),
            "office": np.concatenate([first_office[trip], second_office[trip[again]]]),
        }
    )
    out["leader"] = days.leader[out["trip"].to_numpy()]
    out["year"] = _year_of(out["day"].to_numpy())
    return out


# --- coverage -------------------------------------------------------------------------


def _complete_keys(
    tables: Mapping[str, pd.DataFrame], units: _Units, years: Sequence[int]
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Complete (o, d, year, office) cells, and complete made and received country-years."""
    coverage = tables["coverage"]
    present = set(tables["trips"]["origin"].astype(str))
    claims = coverage[
        coverage["complete"].fillna(False).astype(bool)
        & coverage["source"].astype(str).isin(present)
    ]
    leaders = tables["leaders"]
    home = dict(
        zip(leaders["leader_id"].astype(str), leaders["country_code"].astype(str), strict=True)
    )
    intervals: dict[tuple[str | None, str | None, int], list[tuple[int, int]]] = {}
    columns = {
        c: _texts(claims[c])
        for c in ("leader_id", "origin_country_code", "destination_country_code", "offices")
    }
    firsts, lasts = _days(claims["covered_from"]), _days(claims["covered_to"])
    for i in range(len(claims)):
        leader = columns["leader_id"][i]
        origin = columns["origin_country_code"][i]
        if leader is not None:
            origin = home.get(leader, origin)
        dest = columns["destination_country_code"][i]
        listed = columns["offices"][i]
        offices = list(_OFFICE_MAP) if listed is None else listed.split()
        panel = {PANEL_OFFICES.index(p) for o in offices for p in _OFFICE_MAP.get(o, ())}
        for office in panel:
            intervals.setdefault((origin, dest, office), []).append((int(firsts[i]), int(lasts[i])))
    year_set = set(years)
    code_id = {code: i for i, code in enumerate(units.codes)}
    cells: list[list[np.ndarray]] = [[], [], [], []]
    made: list[list[np.ndarray]] = [[], [], []]
    received: list[list[np.ndarray]] = [[], [], []]
    for (origin, dest, office), spans in intervals.items():
        for year in _full_years(spans):
            if year not in year_set:
                continue
            members = units.members.get(year, np.array([], dtype=np.int64))
            os_ = members if origin is None else _specific(units, code_id, origin, year)
            ds = members if dest is None else _specific(units, code_id, dest, year)
            if len(os_) == 0 or len(ds) == 0:
                continue
            grid_o = np.repeat(os_, len(ds))
            grid_d = np.tile(ds, len(os_))
            ok = grid_o != grid_d
            n = int(ok.sum())
            for part, values in zip(cells, (grid_o[ok], grid_d[ok], year, office), strict=True):
                part.append(np.broadcast_to(np.asarray(values, dtype=np.int64), (n,)))
            for target, us in (
                (made, os_ if dest is None else None),
                (received, ds if origin is None else None),
            ):
                if us is not None:
                    for part, values in zip(target, (us, year, office), strict=True):
                        part.append(np.broadcast_to(np.asarray(values, dtype=np.int64), (len(us),)))

    def stack(parts: list[list[np.ndarray]], columns: list[str]) -> pd.DataFrame:
        data = {
            c: np.concatenate(p) if p else np.array([], dtype=np.int64)
            for c, p in zip(columns, parts, strict=True)
        }
        return pd.DataFrame(data).drop_duplicates()

    return (
        stack(cells, ["o", "d", "year", "office"]),
        stack(made, ["u", "year", "office"]),
        stack(received, ["u", "year", "office"]),
    )


def _specific(units: _Units, code_id: Mapping[str, int], code: str, year: int) -> np.ndarray:
    found = units.units_in_year(code_id.get(code, -1), year)
    return np.array(sorted(found), dtype=np.int64)


def _full_years(spans: list[tuple[int, int]]) -> list[int]:
    """Years whose every day lies in the union of the closed day intervals ``spans``."""
    merged: list[list[int]] = []
    for first, last in sorted(spans):
        if merged and first <= merged[-1][1] + 1:
            merged[-1][1] = max(merged[-1][1], last)
        else:
            merged.append([first, last])
    out = []
    for first, last in merged:
        for year in range(
            int(_year_of(np.array([first]))[0]), int(_year_of(np.array([last]))[0]) + 1
        ):
            y_first, y_last = _year_bounds(year)
            if first <= y_first and last >= y_last:
                out.append(year)
    return out


# --- panels ---------------------------------------------------------------------------


def _years(tables: Mapping[str, pd.DataFrame], years: Iterable[int] | None) -> list[int]:
    if years is not None:
        return sorted({int(y) for y in years})
    trips, coverage = tables["trips"], tables["coverage"]
    columns = [trips["start_date"], trips["end_date"]]
    columns += [coverage["covered_from"], coverage["covered_to"]]
    days = np.concatenate([_days(c) for c in columns])
    days = days[days != _NONE_DAY]
    if len(days) == 0:
        return []
    values = _year_of(days)
    return list(range(int(values.min()), int(values.max()) + 1))


def _office_filter(offices: Iterable[str] | None) -> list[int]:
    if offices is None:
        return list(range(len(PANEL_OFFICES)))
    chosen = [offices] if isinstance(offices, str) else list(offices)
    unknown = [o for o in chosen if o not in PANEL_OFFICES]
    if unknown:
        msg = f"unknown office(s) {unknown}; expected some of {list(PANEL_OFFICES)}"
        raise ValueError(msg)
    return [PANEL_OFFICES.index(o) for o in chosen]


def _combine_offices(frame: pd.DataFrame, chosen: list[int], keys: list[str]) -> pd.DataFrame:
    """Cells complete for every chosen office, as one office (-1)."""
    subset = frame[frame["office"].isin(chosen)]
    counts = subset.groupby(keys, sort=False).size()
    whole = counts[counts == len(chosen)].reset_index()[keys]
    return whole.assign(office=-1)


@dataclass(frozen=True)
class _Inputs:
    units: _Units
    presence: pd.DataFrame
    cells: pd.DataFrame
    made: pd.DataFrame
    received: pd.DataFrame
    years: list[int]


def _prepare(
    tables: Mapping[str, pd.DataFrame],
    system: str,
    offices: Iterable[str] | None,
    years: Iterable[int] | None,
    by_office: bool,
    days: _Days | None = None,
) -> _Inputs:
    if system not in SYSTEMS:
        msg = f"unknown system {system!r}; expected one of {list(SYSTEMS)}"
        raise ValueError(msg)
    missing = [name for name in INPUT_COLUMNS if name not in tables]
    if missing:
        msg = f"the panels need the tables {missing}; pass every table of one release"
        raise KeyError(msg)
    chosen = _office_filter(offices)
    year_list = _years(tables, years)
    units = _units(system, tables["country_codes"], tables["system_membership"], year_list)
    if days is None:
        days = _trip_days(tables, units.codes)
    presence = _presence(days, units)
    presence = presence[presence["office"].isin(chosen) & presence["year"].isin(year_list)]
    cells, made, received = _complete_keys(tables, units, year_list)
    if by_office:
        cells = cells[cells["office"].isin(chosen)]
        made = made[made["office"].isin(chosen)]
        received = received[received["office"].isin(chosen)]
    else:
        presence = presence.assign(office=-1)
        cells = _combine_offices(cells, chosen, ["o", "d", "year"])
        made = _combine_offices(made, chosen, ["u", "year"])
        received = _combine_offices(received, chosen, ["u", "year"])
    return _Inputs(units, presence, cells, made, received, year_list)


def _pack(columns: Sequence[np.ndarray]) -> tuple[np.ndarray, list[tuple[int, int]]]:
    """Pack integer columns into one int64 key per row; also (low, radix) to unpack."""
    key = np.zeros(len(columns[0]), dtype=np.int64)
    bounds = []
    for values in columns:
        low = int(values.min())
        radix = int(values.max()) - low + 1
        key = key * radix + (values - low)
        bounds.append((low, radix))
    return key, bounds


def _unpack(key: np.ndarray, bounds: list[tuple[int, int]]) -> list[np.ndarray]:
    out = []
    for low, radix in reversed(bounds):
        key, part = np.divmod(key, radix)
        out.append(part + low)
    return out[::-1]


def _count(presence: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Distinct trips, leaders and days per group of ``keys`` (integer columns)."""
    names = {"trip": "trips", "leader": "leaders", "day": "days"}
    if presence.empty:
        columns = [*keys, *names.values()]
        return pd.DataFrame({c: np.array([], dtype=np.int64) for c in columns})
    packed, bounds = _pack([presence[k].to_numpy(dtype=np.int64) for k in keys])
    group, uniques = pd.factorize(packed)
    out = dict(zip(keys, _unpack(np.asarray(uniques, dtype=np.int64), bounds), strict=True))
    for column, name in names.items():
        values = presence[column].to_numpy(dtype=np.int64)
        values = values - values.min()
        radix = int(values.max()) + 1
        pairs = pd.unique(group.astype(np.int64) * radix + values)
        out[name] = np.bincount(pairs // radix, minlength=len(uniques))
    return pd.DataFrame(out)


def _office_labels(codes: pd.Series) -> pd.Series:
    return pd.Series(
        pd.Categorical.from_codes(
            codes.to_numpy(dtype=np.int64), categories=pd.Index(list(PANEL_OFFICES))
        ),
        index=codes.index,
    )


def _dyads(inputs: _Inputs) -> pd.DataFrame:
    keys = ["o", "d", "year", "office"]
    observed = _count(inputs.presence, keys)
    cells = inputs.cells.assign(complete=True)
    out = observed.merge(cells, on=keys, how="outer")
    out["complete"] = out["complete"].fillna(False).astype(bool)
    for column in ("trips", "leaders", "days"):
        out[column] = out[column].fillna(0).astype(np.int64)
    return out.sort_values(keys, kind="stable").reset_index(drop=True)


def _countries(inputs: _Inputs) -> pd.DataFrame:
    keys = ["u", "year", "office"]
    made = _count(inputs.presence.rename(columns={"o": "u"}), keys)
    made = made.rename(
        columns={"trips": "trips_made", "leaders": "leaders_travelling", "days": "days_abroad"}
    )
    received = _count(inputs.presence.rename(columns={"d": "u"}), keys)
    received = received.rename(
        columns={"trips": "visits_received", "leaders": "visiting_leaders", "days": "days_hosting"}
    )
    out = made.merge(received, on=keys, how="outer")
    out = out.merge(inputs.made.assign(complete_made=True), on=keys, how="outer")
    out = out.merge(inputs.received.assign(complete_received=True), on=keys, how="outer")
    for flag, columns in (
        ("complete_made", ("trips_made", "leaders_travelling", "days_abroad")),
        ("complete_received", ("visits_received", "visiting_leaders", "days_hosting")),
    ):
        out[flag] = out[flag].fillna(False).astype(bool)
        for column in columns:
            values = out[column].astype("Int64")
            out[column] = values.mask(values.isna() & out[flag], 0)
    out = out[[*keys, *_MADE, *_RECEIVED]]
    return out.sort_values(keys, kind="stable").reset_index(drop=True)


def build_panels(tables: Mapping[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """Return the release tables ``dyad_years`` and ``country_years`` (COW and G&W).

    Parameters
    ----------
    tables
        At least ``trips``, ``stops``, ``leaders``, ``country_codes``,
        ``system_membership`` and ``coverage`` of one release.

    Returns
    -------
    dict of DataFrame
        ``dyad_years`` and ``country_years`` with the columns of their Table Schemas
        (untyped; the builder types them), rows in primary-key order.
    """
    dyads, countries = [], []
    days = _trip_days(tables, _codes(tables["country_codes"]))
    for system in ("cow", "gw"):
        inputs = _prepare(tables, system, None, None, by_office=True, days=days)
        labels = inputs.units.labels
        d = _dyads(inputs)
        dyads.append(
            pd.DataFrame(
                {
                    "system": system,
                    "code1": d["o"],
                    "abb1": d["o"].map(labels),
                    "code2": d["d"],
                    "abb2": d["d"].map(labels),
                    "year": d["year"],
                    "office": _office_labels(d["office"]).astype(str),
                    "trips": d["trips"],
                    "leaders": d["leaders"],
                    "days": d["days"],
                    "complete": d["complete"],
                }
            )
        )
        c = _countries(inputs)
        countries.append(
            pd.DataFrame(
                {
                    "system": system,
                    "code": c["u"],
                    "abb": c["u"].map(labels),
                    "year": c["year"],
                    "office": _office_labels(c["office"]).astype(str),
                    **{k: c[k] for k in (*_MADE, *_RECEIVED)},
                }
            )
        )
    return {
        "dyad_years": pd.concat(dyads, ignore_index=True),
        "country_years": pd.concat(countries, ignore_index=True),
    }


# --- user-facing helpers --------------------------------------------------------------

_CODE_NAMES = {"cow": ("ccode", "stateabb"), "gw": ("gwcode", "gwabb"), "iso3": ("iso3", None)}


def dyad_years_from(
    tables: Mapping[str, pd.DataFrame],
    system: System = "cow",
    *,
    directed: bool = True,
    offices: Iterable[str] | str | None = None,
    years: Iterable[int] | None = None,
    by_office: bool = True,
) -> pd.DataFrame:
    """Dyad-year counts from already loaded tables (see :func:`dyad_years`)."""
    inputs = _prepare(tables, system, offices, years, by_office)
    frame = _dyads(inputs)
    if not directed:
        frame = _undirected(frame)
    return _present(frame, inputs, system, by_office, dyad=True)


def _undirected(frame: pd.DataFrame) -> pd.DataFrame:
    keys = ["o", "d", "year", "office"]
    flipped = frame.rename(columns={"o": "d", "d": "o"})
    lo = frame[frame["o"] < frame["d"]]
    hi = flipped[flipped["o"] < flipped["d"]]
    both = lo.merge(hi, on=keys, how="outer", suffixes=("_a", "_b"))
    out = both[keys].copy()
    for column in ("trips", "leaders", "days"):
        out[column] = (both[f"{column}_a"].fillna(0) + both[f"{column}_b"].fillna(0)).astype(
            np.int64
        )
    out["complete"] = both["complete_a"].fillna(False).astype(bool) & both["complete_b"].fillna(
        False
    ).astype(bool)
    return out.sort_values(keys, kind="stable").reset_index(drop=True)


def _present(
    frame: pd.DataFrame, inputs: _Inputs, system: str, by_office: bool, *, dyad: bool
) -> pd.DataFrame:
    code, abb = _CODE_NAMES[system]
    labels = inputs.units.labels
    columns: dict[str, Any] = {}
    sides = (("o", "1"), ("d", "2")) if dyad else (("u", ""),)
    for key, suffix in sides:
        if system == "iso3":
            columns[f"{code}{'_' + suffix if suffix else ''}"] = (
                frame[key].map(labels).astype("string")
            )
        else:
            columns[f"{code}{suffix}"] = frame[key].astype("Int64")
            columns[f"{abb}{suffix}"] = frame[key].map(labels).astype("string")
    columns["year"] = frame["year"].astype("Int64")
    if by_office:
        columns["office"] = pd.Series(
            _office_labels(frame["office"]).to_numpy(), index=frame.index
        ).astype(pd.CategoricalDtype(list(PANEL_OFFICES)))
    rest = [c for c in frame.columns if c not in ("o", "d", "u", "year", "office")]
    for column in rest:
        if column.startswith("complete"):
            columns[column] = frame[column].astype("boolean")
        else:
            columns[column] = frame[column].astype("Int64")
    return pd.DataFrame(columns).reset_index(drop=True)


def country_years_from(
    tables: Mapping[str, pd.DataFrame],
    system: System = "cow",
    *,
    offices: Iterable[str] | str | None = None,
    years: Iterable[int] | None = None,
    by_office: bool = True,
) -> pd.DataFrame:
    """Country-year counts from already loaded tables (see :func:`country_years`)."""
    inputs = _prepare(tables, system, offices, years, by_office)
    return _present(_countries(inputs), inputs, system, by_office, dyad=False)


def _load_inputs(
    version: str,
    source: PathLike | None,
    cache_dir: PathLike | None,
    offline: bool | None,
) -> dict[str, pd.DataFrame]:
    from leadertravel._api import load, versions
    from leadertravel._errors import TableNotFound

    if version == "latest":
        listed = versions(source=source, cache_dir=cache_dir, offline=offline)
        version = str(listed.loc[listed["latest"], "version"].iloc[0])
    loaded = {}
    for name, columns in INPUT_COLUMNS.items():
        try:
            loaded[name] = load(
                name,
                version=version,
                columns=columns,
                source=source,
                cache_dir=cache_dir,
                offline=offline,
            )
        except TableNotFound as err:
            msg = (
                f"{err}. The panels need the table {name!r}, which releases built with the "
                "state-system lists carry; use a newer version (lt.versions()) or pass "
                "tables= yourself"
            )
            raise TableNotFound(msg) from err
    return loaded


def dyad_years(
    system: System = "cow",
    *,
    directed: bool = True,
    offices: Iterable[str] | str | None = None,
    years: Iterable[int] | None = None,
    by_office: bool = True,
    tables: Mapping[str, pd.DataFrame] | None = None,
    version: str = "latest",
    source: PathLike | None = None,
    cache_dir: PathLike | None = None,
    offline: bool | None = None,
) -> pd.DataFrame:
    """Directed (or undirected) dyad-year counts of leaders' trips, with honest zeros.

    Computed from the release's ``trips``, ``stops``, ``leaders``, ``country_codes``,
    ``system_membership`` and ``coverage`` with the definitions of the ``dyad_years``
    table (``lt.describe("dyad_years")``); asked the same question (COW or G&W, directed,
    every office) it returns the release table's rows.

    Parameters
    ----------
    system
        ``"cow"`` (columns ``ccode1``, ``stateabb1``, ``ccode2``, ``stateabb2`` as in
        peacesciencer), ``"gw"`` (``gwcode1``, ``gwabb1`` …) or ``"iso3"`` (the project's
        country codes, ``iso3_1``, ``iso3_2``: every foreign stop counts; zeros over the
        codes that were members of either system that year).
    directed
        ``False`` gives one row per unordered pair (code 1 < code 2) summing both
        directions; ``complete`` only when both directions are complete (a missing
        direction counts 0 and makes the sum a lower bound).
    offices
        Office categories to keep (``head_of_state``, ``head_of_government``,
        ``foreign_minister``, ``other``); default all.
    years
        Years to keep (e.g. ``range(1990, 2000)``); default every year of the trips and
        coverage claims.
    by_office
        ``True``: one row per office. ``False``: the chosen offices as one group, a trip
        counted once (a U.S. president's trip is not counted twice), complete only where
        every chosen office is.
    tables
        Already loaded tables (e.g. ``lt.load_all()``); default: load them.
    version, source, cache_dir, offline
        As for :func:`leadertravel.load`; ``"latest"`` is resolved once.

    Returns
    -------
    pandas.DataFrame
        Code columns, ``year``, ``office`` (when ``by_office``), ``trips``, ``leaders``,
        ``days``, ``complete``. A dyad-year without a row is not covered: after a join it
        is missing, never zero.

    Examples
    --------
    >>> import leadertravel as lt
    >>> panel = lt.dyad_years("cow", years=range(2018, 2020))  # doctest: +SKIP
    >>> panel[(panel.ccode1 == 731) & (panel.ccode2 == 710)]  # doctest: +SKIP
    """
    loaded = tables if tables is not None else _load_inputs(version, source, cache_dir, offline)
    return dyad_years_from(
        loaded, system, directed=directed, offices=offices, years=years, by_office=by_office
    )


def country_years(
    system: System = "cow",
    *,
    offices: Iterable[str] | str | None = None,
    years: Iterable[int] | None = None,
    by_office: bool = True,
    tables: Mapping[str, pd.DataFrame] | None = None,
    version: str = "latest",
    source: PathLike | None = None,
    cache_dir: PathLike | None = None,
    offline: bool | None = None,
) -> pd.DataFrame:
    """Country-year counts: trips abroad made and visits received, with honest zeros.

    The definitions of the ``country_years`` table (``lt.describe("country_years")``);
    parameters as for :func:`dyad_years` (code column ``ccode``, ``gwcode`` or ``iso3``).

    Returns
    -------
    pandas.DataFrame
        Code columns, ``year``, ``office`` (when ``by_office``), ``trips_made``,
        ``leaders_travelling``, ``days_abroad``, ``complete_made``, ``visits_received``,
        ``visiting_leaders``, ``days_hosting``, ``complete_received``; a count is missing
        where it is neither covered nor observed.

    Examples
    --------
    >>> import leadertravel as lt
    >>> usa = lt.country_years("cow", years=[2019])  # doctest: +SKIP
    >>> usa[usa.ccode == 2]  # doctest: +SKIP
    """
    loaded = tables if tables is not None else _load_inputs(version, source, cache_dir, offline)
    return country_years_from(loaded, system, offices=offices, years=years, by_office=by_office)
