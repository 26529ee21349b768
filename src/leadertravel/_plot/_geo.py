"""Geometry for the maps: great-circle lines, extents across the antimeridian, the projection.

Maps use an equirectangular projection whose standard parallel is the middle of the map
(``x = lon · cos(lat0)``, ``y = lat``): distances are true along that parallel and the
meridians, which is enough for one journey's region and honest at world scale.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

import numpy as np

__all__ = ["Extent", "LonLat", "aspect", "extent_of", "fit_ratio", "great_circle", "unwrap"]

LonLat = tuple[float, float]
Extent = tuple[float, float, float, float]  # lon_min, lon_max, lat_min, lat_max


def unwrap(points: Sequence[LonLat]) -> list[LonLat]:
    """Shift longitudes by 360° where that brings the points closer together.

    A journey across the Pacific (Washington → Tokyo) gets longitudes past 180° instead of
    a line across the whole world.

    Examples
    --------
    >>> unwrap([(-77.0, 38.9), (139.7, 35.7)])
    [(283.0, 38.9), (139.7, 35.7)]
    >>> unwrap([(125.7, 39.0), (131.9, 43.1)])
    [(125.7, 39.0), (131.9, 43.1)]
    """
    if not points:
        return []
    lons = np.array([p[0] for p in points])
    if np.ptp(lons) <= 180:
        return list(points)
    shifted = np.where(lons < 0, lons + 360, lons)
    if np.ptp(shifted) < np.ptp(lons):
        return [(float(x), p[1]) for x, p in zip(shifted, points, strict=True)]
    return list(points)


def great_circle(a: LonLat, b: LonLat, *, step_km: float = 100.0) -> list[LonLat]:
    """Points along the great circle from ``a`` to ``b`` (every ``step_km``, ends included).

    Longitudes continue from ``a`` (no jump at ±180°).

    Examples
    --------
    >>> pts = great_circle((0.0, 0.0), (90.0, 0.0), step_km=5000)
    >>> [(round(x), round(y)) for x, y in pts]
    [(0, 0), (30, 0), (60, 0), (90, 0)]
    """
    lon1, lat1, lon2, lat2 = map(math.radians, (*a, *b))
    v1 = np.array(
        [math.cos(lat1) * math.cos(lon1), math.cos(lat1) * math.sin(lon1), math.sin(lat1)]
    )
    v2 = np.array(
        [math.cos(lat2) * math.cos(lon2), math.cos(lat2) * math.sin(lon2), math.sin(lat2)]
    )
    omega = math.acos(float(np.clip(v1 @ v2, -1.0, 1.0)))
    n = max(1, math.ceil(omega * 6371.0 / step_km))
    if omega < 1e-9:
        return [a, b]
    t = np.linspace(0.0, 1.0, n + 1)[:, None]
    v = (np.sin((1 - t) * omega) * v1 + np.sin(t * omega) * v2) / math.sin(omega)
    lats = np.degrees(np.arcsin(np.clip(v[:, 2], -1, 1)))
    lons = np.degrees(np.unwrap(np.arctan2(v[:, 1], v[:, 0])))
    lons += round((a[0] - lons[0]) / 360.0) * 360.0  # keep a's longitude range
    return [(float(x), float(y)) for x, y in zip(lons, lats, strict=True)]


def extent_of(points: Iterable[LonLat], *, pad: float = 0.12, min_span: float = 4.0) -> Extent:
    """Return a padded extent around ``points``, at least ``min_span`` degrees each way.

    Examples
    --------
    >>> extent_of([(125.0, 39.0), (137.0, 50.0)])
    (123.56, 138.44, 37.68, 51.32)
    """
    pts = np.array(list(points), dtype=float)
    (lo, la), (hi, lb) = pts.min(axis=0), pts.max(axis=0)
    cx, cy = (lo + hi) / 2, (la + lb) / 2
    wx = max(hi - lo, min_span) * (1 + 2 * pad) / 2
    wy = max(lb - la, min_span) * (1 + 2 * pad) / 2
    box = (cx - wx, cx + wx, max(cy - wy, -89.0), min(cy + wy, 89.0))
    lon_min, lon_max, lat_min, lat_max = (round(float(v), 6) for v in box)
    return lon_min, lon_max, lat_min, lat_max


def aspect(extent: Extent) -> float:
    """Return the y/x scale of the projection: ``1 / cos(middle latitude)``.

    Examples
    --------
    >>> round(aspect((0.0, 10.0, 50.0, 70.0)), 3)
    2.0
    """
    mid = (extent[2] + extent[3]) / 2
    return 1.0 / max(math.cos(math.radians(mid)), 0.2)


def fit_ratio(extent: Extent, ratio: float) -> Extent:
    """Widen or heighten ``extent`` (about its centre) so the projected map is ``ratio`` wide.

    Examples
    --------
    >>> fit_ratio((0.0, 10.0, -10.0, 10.0), 1.0)
    (-5.0, 15.0, -10.0, 10.0)
    >>> fit_ratio((0.0, 40.0, -5.0, 5.0), 2.0)
    (0.0, 40.0, -10.0, 10.0)
    """
    lon_min, lon_max, lat_min, lat_max = extent
    k = aspect(extent)
    wide, high = (lon_max - lon_min) / k, lat_max - lat_min
    if wide / high < ratio:
        cx, half = (lon_min + lon_max) / 2, ratio * high * k / 2
        return (cx - half, cx + half, lat_min, lat_max)
    cy, half = (lat_min + lat_max) / 2, wide / ratio / 2
    return (lon_min, lon_max, max(cy - half, -89.0), min(cy + half, 89.0))
