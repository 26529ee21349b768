"""WGS 84 geodesic distances: geopy's ``geodesic`` computation, without its per-call set-up.

``geopy.distance.geodesic(a, b).km`` builds a new :class:`geographiclib.geodesic.Geodesic`
for every distance (the ellipsoid's series coefficients are computed again each time) and
wraps both points in :class:`geopy.point.Point`. This module makes the call geopy makes —
``Geodesic(6378.137, 1 / 298.257223563).Inverse(lat1, lon1, lat2, lon2,
Geodesic.DISTANCE)["s12"]``, the WGS 84 major axis in kilometres, so ``s12`` is in km — on
one ``Geodesic`` built once per process: half the time per distance. The arithmetic is the
same, so every distance is bit for bit the one geopy returns (a test pins it on every leg of
the real release), and importing this module imports neither geopy nor its ``requests``.
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
def _geodesic() -> Any:
    from geographiclib.geodesic import Geodesic

    return Geodesic(*WGS84)


def _checked(lat: float, lon: float) -> tuple[float, float]:
    lat, lon = float(lat), float(lon)
    if not (-90.0 <= lat <= 90.0 and -180.0 <= lon <= 180.0):
        msg = f"point ({lat}, {lon}) is outside -90..90 latitude, -180..180 longitude degrees"
        raise ValueError(msg)
    return lat, lon


def distance_km(a: Point, b: Point) -> float:
    """Return the WGS 84 geodesic distance in km between two (lat, lon) points in degrees.

    Equal to ``float(geopy.distance.geodesic(a, b).km)`` for points in range (geopy
    normalises a longitude outside -180..180, this refuses it).

    Examples
    --------
    >>> distance_km((51.5, -0.12), (50.85, 4.35))
    320.80074699369186
    >>> distance_km((91.0, 0.0), (0.0, 0.0))
    Traceback (most recent call last):
    ...
    ValueError: point (91.0, 0.0) is outside -90..90 latitude, -180..180 longitude degrees
    """
    from geographiclib.geodesic import Geodesic

    lat1, lon1 = _checked(*a)
    lat2, lon2 = _checked(*b)
    return float(_geodesic().Inverse(lat1, lon1, lat2, lon2, Geodesic.DISTANCE)["s12"])
