"""What the Office of the Historian importers share.

One country map, one gazetteer, one place registry, the source rows, and the helpers that
turn records into cited rows.

:func:`historian_base` builds it once per build (the GeoNames index is the costly part) and
both importers — travels and visits — use the same instance, so a place both sources name
gets one id and a country id maps to one code whichever source it comes from.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from leadertravel._errors import SourceInputError
from leadertravel._schema import read_table_schema
from leadertravel.pipeline.importers.historian._countries import (
    CountryMap,
    load_country_codes,
    load_country_map,
    load_current_codes,
)
from leadertravel.pipeline.importers.historian._coverage import TOLERANCE_KM, OutlineChecker
from leadertravel.pipeline.importers.historian._gazetteers import read_gazetteer
from leadertravel.pipeline.importers.historian._geocode import OfflineGeocoder
from leadertravel.pipeline.importers.historian._gsh import GSH_SOURCE, Gsh, GshLocale, read_gsh
from leadertravel.pipeline.importers.historian._places import Places, place_rows
from leadertravel.pipeline.importers.historian._visit_types import VisitTypes, read_visit_types
from leadertravel.pipeline.pins import pins_path, read_verified, verify_sources
from leadertravel.pipeline.project import schema_path
from leadertravel.pipeline.typed import rows_frame

__all__ = [
    "Citations",
    "HistorianBase",
    "historian_base",
    "import_tables",
    "prepared_base",
    "read_country_places",
    "records_note",
    "verify_snapshot",
]


def records_note(ids: list[str]) -> str:
    """Name one or several source records.

    Examples
    --------
    >>> records_note(["12"]), records_note(["12", "13"])
    ('record 12', 'records 12, 13')
    """
    return ("record " if len(ids) == 1 else "records ") + ", ".join(ids)


def verify_snapshot(
    directory: Path, root: Path, name: str, verified: dict[Path, dict[str, str]]
) -> None:
    """Check the snapshot ``name`` in ``directory`` against ``data/pins/<name>.sha256``.

    Each directory is hashed once per build (``verified`` remembers it).
    """
    key = directory.resolve()
    if key not in verified:
        verified[key] = verify_sources(directory, pins_path(root, name))


def _read_search_countries(path: Path) -> dict[str, tuple[str, ...]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return {r["code"]: tuple(r["search_alpha2"].split()) for r in csv.DictReader(fh)}


def read_country_places(path: Path) -> dict[str, tuple[str, str]]:
    """Country code → (place query, stop remark) for visits that name no locality."""
    if not path.is_file():
        return {}
    with path.open(encoding="utf-8", newline="") as fh:
        return {r["code"]: (r["query"], r["remarks"]) for r in csv.DictReader(fh)}


def _read_sources(path: Path) -> dict[str, dict[str, Any]]:
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    out = {}
    for row in rows:
        out[row["source_id"]] = {**row, "published": pd.Timestamp(row["published"])}
    return out


def _visit_type_enum(root: Path) -> list[str]:
    schema = read_table_schema(schema_path(root, "trips"))
    column = next(f for f in schema["fields"] if f["name"] == "visit_type")
    return list(column["constraints"]["enum"])


@dataclass
class HistorianBase:
    """The inputs both Historian importers share (see the module docstring)."""

    root: Path
    gsh: Gsh
    countries: CountryMap
    alpha2: dict[str, str]
    search: dict[str, tuple[str, ...]]
    geocoder: OfflineGeocoder
    places: Places
    checker: OutlineChecker
    curated_places: list[dict[str, Any]]
    sources: dict[str, dict[str, Any]]
    visit_types: VisitTypes
    verified: dict[Path, dict[str, str]] = field(default_factory=dict)
    refused_locales: dict[str, dict[str, Any]] = field(default_factory=dict)
    """gsh locales not used because their point lies outside their country (id → report)."""

    def source_row(self, source_id: str) -> dict[str, Any]:
        """Return the ``sources`` row of one snapshot (``data/historian/sources.csv``)."""
        try:
            return self.sources[source_id]
        except KeyError:
            msg = (
                f"data/historian/sources.csv has no row for {source_id!r}; add the snapshot's "
                "publisher, title, date and commit"
            )
            raise SourceInputError(msg) from None

    def place_table_rows(self, used: set[str]) -> list[dict[str, Any]]:
        """Return the registry's rows of the places ``used`` (curated rows included unchanged)."""
        return [self.places.rows[pid] for pid in sorted(used)]


def historian_base(
    root: Path,
    gsh_dir: Path,
    *,
    curated_places: pd.DataFrame | None = None,
    online: bool = False,
) -> HistorianBase:
    """Read the gazetteer, the country map and the curated inputs; build the geocoder.

    Raises
    ------
    SourceInputError
        When the gazetteer snapshot differs from its pins or a curated input is malformed.
    """
    # the gazetteer's files are read once: checked against their pins, then parsed
    hashes, contents = read_verified(gsh_dir, pins_path(root, GSH_SOURCE))
    verified: dict[Path, dict[str, str]] = {gsh_dir.resolve(): hashes}
    gsh = read_gsh(gsh_dir, pins=hashes, contents=contents)  # parsed once per process
    hist = root / "data" / "historian"
    reference = root / "data" / "reference" / "countries.csv"
    alpha2 = load_country_codes(reference)
    current = load_current_codes(reference)
    countries = load_country_map(
        hist / "country_map.csv", known_codes=set(alpha2), gsh=gsh, current=current
    )
    locales = [(loc, countries.present(loc.territory_id)) for loc in gsh.locales.values()]
    unknown = sorted({loc.territory_id for loc, code in locales if code not in alpha2})
    if unknown:
        msg = (
            f"gazetteer locales lie in territories {unknown} that no country id maps to a "
            f"code; add them to {hist / 'country_map.csv'}"
        )
        raise SourceInputError(msg)
    search = _read_search_countries(hist / "search_countries.csv")
    curated = read_gazetteer(hist / "gazetteer.csv")
    curated.extend(read_gazetteer(hist / "places_cache.csv"))
    curated_rows = place_rows(curated_places)
    reserved = set() if curated_places is None else set(curated_places["place_id"])
    checker = OutlineChecker(search, alpha2, current=current)
    refused: dict[str, dict[str, Any]] = {}
    checked: dict[str, bool] = {}

    def accept(locale: GshLocale, code: str) -> bool:
        """Use a gsh locale only when its point lies in (or near) its country's outline."""
        if locale.locale_id not in checked:
            km = checker.distance_outside_km(code, locale.lat, locale.lon)
            checked[locale.locale_id] = km is None or km <= TOLERANCE_KM
            if not checked[locale.locale_id]:
                refused[locale.locale_id] = {
                    "locale_id": locale.locale_id,
                    "name": locale.name,
                    "country_code": code,
                    "lat": locale.lat,
                    "lon": locale.lon,
                    "km_outside": km,
                }
        return checked[locale.locale_id]

    geocoder = OfflineGeocoder(
        curated=curated,
        search_countries=search,
        alpha2=alpha2,
        alpha3=current,
        places=curated_rows,
        locales=locales,
        accept_locale=accept,
        online=online,
        cache_path=hist / "places_cache.csv",
    )
    return HistorianBase(
        root=root,
        gsh=gsh,
        countries=countries,
        alpha2=alpha2,
        search=search,
        geocoder=geocoder,
        places=Places(reserved=reserved),
        checker=checker,
        curated_places=curated_rows,
        sources=_read_sources(hist / "sources.csv"),
        visit_types=read_visit_types(hist / "visit_types.csv", allowed=_visit_type_enum(root)),
        verified=verified,
        refused_locales=refused,
    )


def prepared_base(
    sources_dir: Path,
    *,
    root: Path,
    source_id: str,
    base: HistorianBase | None,
    gsh_dir: Path | None,
    curated_places: pd.DataFrame | None,
    online: bool,
) -> HistorianBase:
    """Verify one importer's snapshot against its pins; build the shared base if not given.

    The gazetteer defaults to ``history-state-gsh`` beside ``sources_dir``.
    """
    if base is None:
        verify_snapshot(sources_dir, root, source_id, {})
        gsh = gsh_dir or sources_dir.parent / GSH_SOURCE
        return historian_base(root, gsh, curated_places=curated_places, online=online)
    verify_snapshot(sources_dir, root, source_id, base.verified)
    return base


class Citations:
    """Citation rows of one importer (every imported record cites its source)."""

    def __init__(self, source_id: str) -> None:
        self.source_id = source_id
        self.rows: list[dict[str, Any]] = []

    def cite(
        self, table: str, record_id: str, supports: str | None, *, source_id: str | None = None
    ) -> None:
        """Add one citation of ``record_id`` in ``table`` (by default to the importer's source)."""
        self.rows.append(
            {
                "table_name": table,
                "record_id": record_id,
                "source_id": source_id or self.source_id,
                "supports": supports,
            }
        )

    def add_legs(
        self,
        out: dict[str, list[dict[str, Any]]],
        legs: tuple[list[dict[str, Any]], list[dict[str, Any]]],
        *,
        legs_note: str,
        crossings_note: str,
    ) -> None:
        """Add one trip's derived legs and inferred crossings to ``out``, each cited.

        ``legs`` is what :func:`~._legs.derive_legs` returns; the notes say which rule
        made them.
        """
        for leg in legs[0]:
            out["legs"].append(leg)
            self.cite("legs", leg["leg_id"], legs_note)
        for crossing in legs[1]:
            out["border_crossings"].append(crossing)
            self.cite("border_crossings", crossing["crossing_id"], crossings_note)

    def cite_places(self, places: list[dict[str, Any]], supports: str) -> None:
        """Cite imported places; the Office's gazetteer too where it gave the coordinates."""
        for place in places:
            if place["origin"] == "curated":
                continue  # curated places carry their own citations
            self.cite(
                "places", place["place_id"], f"{supports}; coordinates: {place['geocoded_by']}"
            )
            if place["geocoded_by"] == "gsh":
                self.cite("places", place["place_id"], "coordinates", source_id=GSH_SOURCE)


def import_tables(
    base: HistorianBase,
    rows: dict[str, list[dict[str, Any]]],
    cites: Citations,
    *,
    used_places: set[str],
    places_support: str,
) -> tuple[dict[str, pd.DataFrame], list[dict[str, Any]]]:
    """Finish one importer's tables: its places, sources and citations added, all typed.

    ``rows`` holds the importer's own tables (leaders, trips, stops …) as row dicts;
    ``used_places`` the ids of the places they name (their rows come from the shared
    registry and are cited with ``places_support``). The importer's source row is added,
    and the Office's gazetteer's where it gave coordinates. Every table is typed by its
    Table Schema and sorted by its primary key.

    Returns
    -------
    tuple
        The typed tables (``rows``' tables, then places, sources, citations) and the place
        rows.
    """
    place_rows = base.place_table_rows(used_places)
    cites.cite_places(place_rows, places_support)
    sources = [base.source_row(cites.source_id)]
    if any(p["geocoded_by"] == "gsh" for p in place_rows):
        sources.append(base.source_row(GSH_SOURCE))
    every = {**rows, "places": place_rows, "sources": sources, "citations": cites.rows}
    tables = {}
    for name, table in every.items():
        try:
            tables[name] = rows_frame(table, read_table_schema(schema_path(base.root, name)))
        except ValueError as err:
            msg = f"{name}: {err}"
            raise ValueError(msg) from err
    return tables, place_rows
