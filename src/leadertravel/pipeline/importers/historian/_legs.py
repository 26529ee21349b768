"""Derive legs (home → stop 1 → … → stop n → home) and inferred border crossings."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache
from typing import Any

from leadertravel.pipeline.importers.historian._geodesic import rounded_km

__all__ = ["Node", "derive_legs", "geodesic_km"]


@dataclass(frozen=True)
class Node:
    """A point of the itinerary: a stop's place and country, with the dates known there.

    ``arrive``/``depart`` are set only when the source's dates pin them to this stop: the
    first part of a visit is reached on the visit's start date and the last part is left on
    its end date; parts in between are unknown.
    """

    place_id: str | None
    country_code: str
    arrive: dt.date | None
    depart: dt.date | None


@cache
def geodesic_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Return the WGS 84 geodesic distance in km, rounded to 0.1 (once per distinct pair).

    See :func:`~._geodesic.distance_km` (geopy's computation without its per-call set-up)
    and :func:`~._geodesic.rounded_km` (which computes it only where the rounding needs it).

    Examples
    --------
    >>> round(geodesic_km((51.5, -0.12), (50.85, 4.35)))
    321
    """
    return rounded_km(a, b)


def _distance(a: str | None, b: str | None, places: dict[str, dict[str, Any]]) -> float | None:
    if a is None or b is None:
        return None
    pa, pb = places[a], places[b]
    key = tuple(sorted([(pa["lat"], pa["lon"]), (pb["lat"], pb["lon"])]))
    return geodesic_km(key[0], key[1])


def derive_legs(
    trip_id: str,
    start: dt.date,
    end: dt.date,
    nodes: list[Node],
    places: dict[str, dict[str, Any]],
    *,
    home: Node,
    origin: str,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Return the legs and inferred crossings of one trip.

    Leg k runs from node k - 1 to node k, with ``home`` (the traveller's country, and its
    place where the importer knows one; its dates are ignored) before the first and after
    the last stop, so leg k ends where leg k + 1 starts. A leg leaves on
    its start node's ``depart`` date and arrives on its end node's ``arrive`` date; the day
    the traveller left or reached home is unknown, and so are both days when the two visits'
    dates overlap (the arrival would precede the departure). Transport is 'unknown' (the source does
    not say; :mod:`leadertravel.pipeline.modes` infers it at assembly where a rule is reliable),
    ``derived`` is true. Each leg between different countries
    carries one crossing, ``inferred`` true, dated only when the leg's departure and arrival
    fall on the same day.
    """
    path = [home, *nodes, home]
    legs: list[dict[str, Any]] = []
    crossings: list[dict[str, Any]] = []
    for k in range(1, len(path)):
        a, b = path[k - 1], path[k]
        depart = a.depart if k > 1 else None
        arrive = b.arrive if k < len(path) - 1 else None
        remarks = None
        if depart is not None and arrive is not None and arrive < depart:
            depart = arrive = None
            remarks = (
                "The source's dates of the two visits overlap (one lies inside the other), "
                "so the day of this move is unknown."
            )
        for day in (depart, arrive):
            if day is not None and not start <= day <= end:
                msg = f"{trip_id}: leg {k} date {day} outside the trip {start}..{end}"
                raise AssertionError(msg)
        leg_id = f"{trip_id}-l{k:02d}"
        legs.append(
            {
                "leg_id": leg_id,
                "trip_id": trip_id,
                "seq": k,
                "from_place_id": a.place_id,
                "to_place_id": b.place_id,
                "from_country_code": a.country_code,
                "to_country_code": b.country_code,
                "depart_date": depart,
                "arrive_date": arrive,
                "transport_mode": "unknown",
                "distance_km": _distance(a.place_id, b.place_id, places),
                "mode_inferred": False,
                "mode_rule": None,
                "derived": True,
                "origin": origin,
                "confidence": "medium",
                "remarks": remarks,
            }
        )
        if a.country_code != b.country_code:
            seq = len(crossings) + 1
            crossings.append(
                {
                    "crossing_id": f"{trip_id}-x{seq:02d}",
                    "trip_id": trip_id,
                    "leg_id": leg_id,
                    "seq": seq,
                    "from_country_code": a.country_code,
                    "to_country_code": b.country_code,
                    "crossing_place_id": None,
                    "crossed_on": depart if depart is not None and depart == arrive else None,
                    "transport_mode": "unknown",
                    "inferred": True,
                    "origin": origin,
                    "confidence": "medium",
                }
            )
    return legs, crossings
