"""The travels import's rows: leaders, terms, and each trip's stops, legs and crossings.

Every row is cited (:class:`~leadertravel.pipeline.importers.historian._shared.Citations`)
as it is made; the rows stay plain dicts until the importer types them.
"""

from __future__ import annotations

from typing import Any

from leadertravel.pipeline.importers.historian._group import PRESIDENT, TripGroup
from leadertravel.pipeline.importers.historian._inputs import SOURCE_ID, TravelsInputs
from leadertravel.pipeline.importers.historian._legs import Node, derive_legs
from leadertravel.pipeline.importers.historian._parse import Record, Term
from leadertravel.pipeline.importers.historian._places import Placer
from leadertravel.pipeline.importers.historian._shared import Citations, HistorianBase, records_note
from leadertravel.pipeline.importers.historian._trips import trip_rows

__all__ = ["PRESIDENTIAL", "journey_rows", "leader_rows", "term_rows"]

#: Offices whose trips make a traveller's terms worth a row.
PRESIDENTIAL = ("head_of_state_and_government", "president_elect")


def leader_rows(records: list[Record], country: str, cites: Citations) -> list[dict[str, Any]]:
    """One row per traveller (named as in their earliest record), of ``country``."""
    names: dict[str, str] = {}
    for r in sorted(records, key=lambda r: int(r.record_id)):
        names.setdefault(r.who, r.name)
    rows = [
        {"leader_id": who, "name": name, "country_code": country, "origin": SOURCE_ID}
        for who, name in sorted(names.items())
    ]
    for row in rows:
        cites.cite("leaders", row["leader_id"], "name and office")
    return rows


def term_rows(
    terms: list[Term], groups: list[TripGroup], country: str, cites: Citations
) -> list[dict[str, Any]]:
    """Return the terms of the presidents who travelled (as president or president-elect)."""
    used = {g.leader_id for g in groups if g.office.office in PRESIDENTIAL}
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
                "office_title": PRESIDENT,
                "country_code": country,
                "took_office": t.took_office,
                "left_office": t.left_office,
                "source_id": SOURCE_ID,
                "origin": SOURCE_ID,
            }
        )
        cites.cite("terms", term_id, "term dates (presidents/presidents.xml)")
    return rows


def journey_rows(
    groups: list[TripGroup],
    inputs: TravelsInputs,
    *,
    placer: Placer,
    home: Node,
    base: HistorianBase,
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
    for group in groups:
        trip, stops, nodes = trip_rows(
            group, placer, inputs.date_notes, inputs.stop_notes, gaps, base.visit_types
        )
        out["trips"].append(trip)
        ids = [v.record.record_id for v in group.visits]
        cites.cite("trips", trip["trip_id"], f"dates and countries of {records_note(ids)}")
        for stop, rid in stops:
            out["stops"].append(stop)
            cites.cite("stops", stop["stop_id"], records_note([rid]))
        legs = derive_legs(
            trip["trip_id"], group.start, group.end, nodes, base.places.rows, home=home,
            origin=SOURCE_ID,
        )  # fmt: skip
        cites.add_legs(
            out,
            legs,
            legs_note="derived by rule from the consecutive visits",
            crossings_note="inferred by rule from consecutive visits in different countries",
        )
    return out
