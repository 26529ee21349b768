"""WGS 84 geodesic distances: geopy's ``geodesic`` computation, without its per-call set-up.

``geopy.distance.geodesic(a, b).km`` builds a new :class:`geographiclib.geodesic.Geodesic`
for every distance (the ellipsoid's series coefficients are computed again each time) and
wraps both points in :class:`geopy.point.Point`. This module makes the call geopy makes —
``Geodesic(6378.137, 1 / 298.257223563).Inverse(lat1, lon1, lat2, lon2,
Geodesic.DISTANCE)["s12"]``, the WGS 84 major axis in kilometres, so ``s12`` is in km — on
one ``Geodesic`` built once per process: half the time per distance. The arithmetic is the
same, so every distance is bit for bit the one geopy returns (a test pins it on every leg of
the real release), and importing this module imports neither geopy nor its ``requests``.

The legs publish distances rounded to 0.1 km (:func:`rounded_km`). Most of them need no
exact distance: Vincenty's iterative solution of the inverse problem, written out below in
plain ``math`` calls, takes a twentieth of the time and agrees with geographiclib to well
under a millimetre where it converges away from the antipode (0.08 mm at most among 30,000
random pairs, short and long, tried while writing this; the tests hold 3,000 of them to a
hundredth of the margin). Where that estimate lies more than ``TRUSTED_KM`` (1 m, a
thousand times that error) from a rounding boundary (``x.x5`` km), the exact distance lies
in the same tenth and rounds to the same value; elsewhere — and for coincident, nearly
antipodal or unconverged pairs — the exact distance is computed. So :func:`rounded_km`
gives ``round(distance_km(a, b), 1)``; a test pins it on every leg of the real release and
on random pairs around the globe.
"""

from __future__ import annotations

import functools
import math
from typing import Any

__all__ = ["TRUSTED_KM", "WGS84", "Point", "distance_km", "rounded_km"]

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


TRUSTED_KM = 1e-3
"""How far from a rounding boundary :func:`rounded_km` trusts its estimate (km)."""

_A, _F = WGS84
_B = _A * (1 - _F)
_E2 = (_A * _A - _B * _B) / (_B * _B)  # the second eccentricity, squared
_FAR_KM = 19_900.0  # beyond: near the antipode, where Vincenty's iteration is unreliable


def rounded_km(a: Point, b: Point) -> float:
    """Return ``round(distance_km(a, b), 1)``, from a fast estimate where it settles it.

    See the module docstring: Vincenty's distance when it lies more than ``TRUSTED_KM``
    from the nearest rounding boundary, else the exact one.

    Examples
    --------
    >>> rounded_km((51.5, -0.12), (50.85, 4.35)) == round(distance_km((51.5, -0.12),
    ...                                                            (50.85, 4.35)), 1)
    True
    >>> rounded_km((10.0, 190.0), (0.0, 0.0))
    Traceback (most recent call last):
    ...
    ValueError: point (10.0, 190.0) is outside -90..90 latitude, -180..180 longitude degrees
    """
    lat1, lon1 = _checked(*a)
    lat2, lon2 = _checked(*b)
    estimate = _vincenty_km(lat1, lon1, lat2, lon2)
    if estimate is not None and estimate < _FAR_KM:
        tenths = estimate * 10
        if abs(tenths - math.floor(tenths) - 0.5) > TRUSTED_KM * 10:
            return round(estimate, 1)
    return round(distance_km((lat1, lon1), (lat2, lon2)), 1)


def _vincenty_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float | None:
    """Vincenty's (1975) inverse solution on WGS 84, in km; ``None`` if it does not settle.

    ``None`` too for coincident points (the exact computation decides their sign of zero).
    """
    lon_diff = math.radians(lon2 - lon1)
    u1 = math.atan((1 - _F) * math.tan(math.radians(lat1)))  # reduced latitudes
    u2 = math.atan((1 - _F) * math.tan(math.radians(lat2)))
    sin_u1, cos_u1, sin_u2, cos_u2 = math.sin(u1), math.cos(u1), math.sin(u2), math.cos(u2)
    lam = lon_diff
    for _ in range(100):
        sin_lam, cos_lam = math.sin(lam), math.cos(lam)
        sin_sigma = math.hypot(cos_u2 * sin_lam, cos_u1 * sin_u2 - sin_u1 * cos_u2 * cos_lam)
        if sin_sigma == 0.0:
            return None
        cos_sigma = sin_u1 * sin_u2 + cos_u1 * cos_u2 * cos_lam
        sigma = math.atan2(sin_sigma, cos_sigma)
        sin_alpha = cos_u1 * cos_u2 * sin_lam / sin_sigma
        cos2_alpha = 1 - sin_alpha * sin_alpha
        cos_2sm = cos_sigma - 2 * sin_u1 * sin_u2 / cos2_alpha if cos2_alpha else 0.0
        c = _F / 16 * cos2_alpha * (4 + _F * (4 - 3 * cos2_alpha))
        previous = lam
        lam = lon_diff + (1 - c) * _F * sin_alpha * (
            sigma + c * sin_sigma * (cos_2sm + c * cos_sigma * (2 * cos_2sm * cos_2sm - 1))
        )
        if abs(lam - previous) < 1e-12:
            break
    else:
        return None
    u_sq = cos2_alpha * _E2
    big_a = 1 + u_sq / 16384 * (4096 + u_sq * (-768 + u_sq * (320 - 175 * u_sq)))
    big_b = u_sq / 1024 * (256 + u_sq * (-128 + u_sq * (74 - 47 * u_sq)))
    delta_sigma = (
        big_b
        * sin_sigma
        * (
            cos_2sm
            + big_b
            / 4
            * (
                cos_sigma * (2 * cos_2sm * cos_2sm - 1)
                - big_b
                / 6
                * cos_2sm
                * (4 * sin_sigma * sin_sigma - 3)
                * (4 * cos_2sm * cos_2sm - 3)
            )
        )
    )
    return _B * big_a * (sigma - delta_sigma)
