"""Rows of one travels trip: the trip, its stops (one per locale part) and the leg nodes."""

from __future__ import annotations

from typing import Any

from leadertravel.pipeline.importers.historian._group import SAME_REMARKS, SEA_ERA_END, TripGroup
from leadertravel.pipeline.importers.historian._inputs import SOURCE_ID
from leadertravel.pipeline.importers.historian._legs import Node
from leadertravel.pipeline.importers.historian._places import Placer
from leadertravel.pipeline.importers.historian._shared import records_note
from leadertravel.pipeline.importers.historian._visit_types import VisitTypes

__all__ = ["grouping_note", "trip_rows"]


def grouping_note(group: TripGroup, gap_days: int, remarks_gap_days: int) -> str:
    """Say which rule grouped a trip's records (``Grouped from records …``)."""
    ids = [v.record.record_id for v in group.visits]
    note = (
        f"Grouped from {records_note(ids)}: each visit starts at most {gap_days} day(s) "
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
        f"{note}, except {records_note(by_remarks)}, joined by the sea-voyage rule: before "
        f"{SEA_ERA_END.year} a visit starting at most {remarks_gap_days} days after the "
        "previous one ends and repeating its source remarks continues the voyage."
    )


def trip_rows(
    group: TripGroup,
    placer: Placer,
    by_date: dict[str, str],
    stop_notes: dict[tuple[str, str], list[str]],
    gaps: tuple[int, int],
    visit_types: VisitTypes,
) -> tuple[dict[str, Any], list[tuple[dict[str, Any], str]], list[Node]]:
    """Return the trip row, its stops (with their record ids) and the nodes of its legs.

    ``by_date`` holds the note of each record coded by its date; ``stop_notes`` the
    maintainers' notes keyed by (record id, locality or ``""``); ``gaps`` the two chaining
    gaps of the grouping rules, named in the trip's remarks; ``visit_types`` codes the
    trip's kind from its records' remarks (the first pattern that any of them matches).
    """
    trip_id = f"{group.leader_id}-{group.start.isoformat()}"
    ids = [v.record.record_id for v in group.visits]
    notes = []
    if len(ids) > 1:
        notes.append(grouping_note(group, *gaps))
    if group.office.office == "president_elect":
        notes.append("Made as president-elect, before the term recorded in the source began.")
    elif group.office.in_office is False:
        notes.append("Outside the presidential terms recorded in the source.")
    visit_type, pattern = visit_types.code(v.remarks for v in group.visits)
    if pattern is not None:
        notes.append(
            f"Visit type {visit_type!r} coded from the source's remarks by the pattern "
            f"{pattern!r} (data/historian/visit_types.csv)."
        )
    trip = {
        "trip_id": trip_id,
        "leader_id": group.leader_id,
        "office": group.office.office,
        "office_title": group.office.title,
        "start_date": group.start,
        "end_date": group.end,
        "visit_type": visit_type,
        "title": None,
        "in_office": group.office.in_office,
        "grouped_by_rule": True,
        "origin": SOURCE_ID,
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
            extra.append(f"Duplicate {records_note(list(visit.merged_ids))} merged into this one.")
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
        placed = placer.place_all(parts, visit.country_code)
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
                "origin": SOURCE_ID,
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
