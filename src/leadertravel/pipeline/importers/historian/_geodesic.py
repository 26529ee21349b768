"""WGS 84 geodesic distances, computed in C by PROJ's geodesic routines (pyproj).

geopy's ``geodesic(a, b).km`` runs Karney's algorithm in pure Python (geographiclib) and
builds a new :class:`geographiclib.geodesic.Geodesic` for every distance: about 0.15 ms a
distance, over a second for the legs of one build. PROJ implements the same algorithm
(Karney, *Algorithms for geodesics*, 2013, written by the same author) in C, which
:class:`pyproj.Geod` calls in about 2 µs. The ellipsoid is geopy's
(``ELLIPSOIDS['WGS-84']``: major axis 6378.137 km, flattening 1 / 298.257223563), given in
kilometres as geopy gives it, so the distance comes out in km.

The two implementations agree to the last bit or two of a double (about 1e-12 km on these
distances); the legs publish the distance rounded to 0.1 km, and a test pins that every
rounded distance of the real release equals geopy's. Importing this module imports
neither geopy nor its ``requests`` dependency.
"""

from __future__ import annotations

import functools
from typing import Any

__all__ = ["WGS84", "Point", "distance_km"]

WGS84 = (6378.137, 1 / 298.257223563)
"""WGS 84 as geopy's ``ELLIPSOIDS['WGS-84']`` gives it: major axis (km), flattening."""

Point = tuple[float, float]
"""A (latitude, longitude) pair in degrees."""


@functools.cache
def _geod() -> Any:
    from pyproj import Geod

    return Geod(a=WGS84[0], f=WGS84[1])


def _checked(lat: float, lon: float) -> tuple[float, float]:
    lat, lon = float(lat), float(lon)
    if not (-90.0 <= lat <= 90.0 and -180.0 <= lon <= 180.0):
        msg = f"point ({lat}, {lon}) is outside -90..90 latitude, -180..180 longitude degrees"
        raise ValueError(msg)
    return lat, lon


def distance_km(a: Point, b: Point) -> float:
    """Return the WGS 84 geodesic distance in km between two (lat, lon) points in degrees.

    Examples
    --------
    >>> round(distance_km((51.5, -0.12), (50.85, 4.35)), 9)
    320.800746994
    >>> distance_km((91.0, 0.0), (0.0, 0.0))
    Traceback (most recent call last):
    ...
    ValueError: point (91.0, 0.0) is outside -90..90 latitude, -180..180 longitude degrees
    """
    lat1, lon1 = _checked(*a)
    lat2, lon2 = _checked(*b)
    return float(_geod().inv(lon1, lat1, lon2, lat2)[2])
