"""Presence: every day each trip spends in each country, then in each unit."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from leadertravel._panels._arrays import day_numbers, fill_gaps, pack, positions, year_of
from leadertravel._panels._defs import NO_DAY, NO_UNIT, OFFICE_MAP, PANEL_OFFICES
from leadertravel._panels._units import Units


@dataclass(frozen=True)
class TripDays:
    """Every day each trip spends in each country (project codes), before any mapping."""

    trip: np.ndarray  # trip position in the trips table
    dest: np.ndarray  # country code id (position in the codes index) of the stop
    origin: np.ndarray  # country code id of the traveller
    day: np.ndarray  # days since 1970-01-01
    leader: np.ndarray  # leader position per trip (indexed by trip position)
    office: tuple[np.ndarray, np.ndarray]  # first and second panel office per trip


def trip_days(tables: Mapping[str, pd.DataFrame], codes: pd.Index) -> TripDays:
    """Expand stops into days (missing dates filled as documented) for one release."""
    trips, stops, leaders = tables["trips"], tables["stops"], tables["leaders"]
    trip_index = pd.Index(trips["trip_id"])
    stops = stops.assign(_t=positions(trip_index, stops["trip_id"]))
    stops = stops[stops["_t"] >= 0].sort_values(["_t", "seq"], kind="stable")
    t = stops["_t"].to_numpy(dtype=np.int64)
    start = day_numbers(trips["start_date"])[t]
    end = day_numbers(trips["end_date"])[t]
    # Interleave arrival and departure dates per trip, fill gaps within the trip.
    both = np.empty(2 * len(t), dtype=np.int64)
    both[0::2] = day_numbers(stops["arrival_date"])
    both[1::2] = day_numbers(stops["departure_date"])
    groups = np.repeat(t, 2)
    arrival = fill_gaps(both, groups, forward=True)[0::2]
    departure = fill_gaps(both, groups, forward=False)[1::2]
    arrival = np.where(arrival == NO_DAY, start, arrival)
    departure = np.where(departure == NO_DAY, end, departure)
    arrival = np.clip(arrival, start, end)
    departure = np.maximum(np.clip(departure, start, end), arrival)
    length = departure - arrival + 1
    row = np.repeat(np.arange(len(t)), length)
    offset = np.arange(len(row)) - np.repeat(np.cumsum(length) - length, length)
    trip = t[row]
    leader_of_trip = positions(pd.Index(leaders["leader_id"]), trips["leader_id"])
    home = positions(codes, leaders["country_code"])
    origin = np.where(leader_of_trip >= 0, home[np.maximum(leader_of_trip, 0)], -1)
    office = trips["office"].astype(object).to_numpy()
    first = np.full(len(trips), PANEL_OFFICES.index("other"), dtype=np.int64)
    second = np.full(len(trips), NO_UNIT, dtype=np.int64)
    for value, panel in OFFICE_MAP.items():
        hit = office == value
        first[hit] = PANEL_OFFICES.index(panel[0])
        if len(panel) > 1:
            second[hit] = PANEL_OFFICES.index(panel[1])
    return TripDays(
        trip=trip,
        dest=positions(codes, stops["country_code"])[row],
        origin=origin[trip],
        day=arrival[row] + offset,
        leader=leader_of_trip,
        office=(first, second),
    )


def unit_presence(days: TripDays, units: Units) -> pd.DataFrame:
    """One row per (trip, panel office, origin unit, destination unit, day), distinct.

    Columns: ``trip`` and ``leader`` (integer ids), ``office`` (position in
    :data:`PANEL_OFFICES`), ``o`` and ``d`` (units), ``day`` (days since 1970) and ``year``.
    """
    d = units.lookup(days.dest, days.day)
    o = units.lookup(days.origin, days.day)
    keep = (d != NO_UNIT) & (o != NO_UNIT) & (o != d)
    columns = [days.trip[keep], o[keep], d[keep], days.day[keep]]
    if len(columns[0]):
        packed, _ = pack(columns)
        _, first = np.unique(packed, return_index=True)
        columns = [c[np.sort(first)] for c in columns]
    trip, o, d, day = columns
    first_office, second_office = days.office
    again = second_office[trip] != NO_UNIT
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
    out["year"] = year_of(out["day"].to_numpy())
    return out
