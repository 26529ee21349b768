"""Prefer the namesake next to the other places of a visit over the most populous one.

A visit listing several places ("Maastricht, Valkenburg, Margraten") names places near each
other. When the gazetteer knows several places of one name, the geocoder takes the most
populous (Valkenburg in South Holland, 170 km away), so the importer checks the choice: if at
least ``min_others`` other places of the visit lie within ``cluster_km`` of each other, the
chosen namesake lies more than ``far_km`` from all of them and another namesake lies within
``near_km`` of one of them, that namesake is used instead (Valkenburg aan de Geul), and the
stop's remarks say so. The thresholds are strict on purpose: on the 2026 snapshot, without the
curated pin for Valkenburg, the rule changes that one stop and no other.
"""

from __future__ import annotations

from collections.abc import Sequence

from leadertravel.pipeline.importers.historian._geodesic import Point, distance_km

__all__ = ["CLUSTER_KM", "FAR_KM", "MIN_OTHERS", "NEAR_KM", "nearest_namesake"]

MIN_OTHERS = 2
CLUSTER_KM = 50.0
NEAR_KM = 50.0
FAR_KM = 100.0


def nearest_namesake(
    candidates: Sequence[Point],
    others: Sequence[Point],
    *,
    min_others: int = MIN_OTHERS,
    cluster_km: float = CLUSTER_KM,
    near_km: float = NEAR_KM,
    far_km: float = FAR_KM,
) -> int | None:
    """Return the index of the namesake to use instead of ``candidates[0]``, or ``None``.

    Parameters
    ----------
    candidates
        (lat, lon) of the places bearing the name, the geocoder's choice first.
    others
        (lat, lon) of the other places of the same visit.

    Examples
    --------
    >>> maastricht, margraten = (50.848, 5.689), (50.821, 5.820)
    >>> south_holland, limburg = (52.180, 4.432), (50.865, 5.832)
    >>> nearest_namesake([south_holland, limburg], [maastricht, margraten])
    1
    >>> nearest_namesake([south_holland, limburg], [maastricht]) is None  # one neighbour
    True
    """
    if len(candidates) < 2 or len(others) < min_others:
        return None
    if any(distance_km(a, b) > cluster_km for i, a in enumerate(others) for b in others[i + 1 :]):
        return None

    def gap(point: Point) -> float:
        return min(distance_km(point, o) for o in others)

    if gap(candidates[0]) <= far_km:
        return None
    best = min(range(1, len(candidates)), key=lambda i: gap(candidates[i]))
    return best if gap(candidates[best]) <= near_km else None
