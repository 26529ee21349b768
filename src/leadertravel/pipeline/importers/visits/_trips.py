"""Trips of foreign leaders to the United States: stops, legs and crossings of each.

A visit is a trip of the leader: home → the U.S. places the description names → home.
Visits of one leader whose dates overlap (the source sometimes records a summit and a
bilateral meeting of the same days separately) form one trip, ``grouped_by_rule`` true;
every other trip is one record.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from leadertravel._errors import SourceInputError
from leadertravel.pipeline.importers.historian._legs import Node, derive_legs
from leadertravel.pipeline.importers.historian._shared import Citations, HistorianBase, records_note

if TYPE_CHECKING:
    from leadertravel.pipeline.importers.historian._places import Placer
    from leadertravel.pipeline.importers.visits._identity import Resolution
    from leadertravel.pipeline.importers.visits._parse import VisitRecord
    from leadertravel.pipeline.importers.visits._people import Person
    from leadertravel.pipeline.importers.visits._stops import NamedPlace, USPlaces

__all__ = ["HOST", "NO_TITLE_TEXT", "ORIGIN", "PersonVisit", "trip_tables"]

ORIGIN = "history-state-visits"
HOST = "USA"
NO_TITLE_TEXT = "(no title in the source)"
US_PART = (
    "Only the part of the journey in the United States is recorded: the source gives the "
    "visit's dates there; travel before and after (and other countries visited) is not "
    "recorded."
)


@dataclass(frozen=True)
class PersonVisit:
    """One person's visit: a record, the person named, their title and office."""

    record: VisitRecord
    person: Person
    country: str  # the leader's country on the visit (the mapped ``from`` id)
    office: str
    supplied: str | None  # why the project supplied the title, when it did
    others: tuple[str, ...]  # the other people the same record names


def _groups(visits: list[PersonVisit], who: Resolution) -> list[tuple[str, list[PersonVisit]]]:
    """Chain each person's visits while their dates overlap and the office is the same."""
    keyed = sorted(
        visits,
        key=lambda v: (
            who.person_of[(v.record.record_id, v.person.name)],
            v.record.start,
            v.record.end,
            int(v.record.record_id),
        ),
    )
    groups: list[tuple[str, list[PersonVisit]]] = []
    for v in keyed:
        key = who.person_of[(v.record.record_id, v.person.name)]
        if groups and groups[-1][0] == key:
            current = groups[-1][1]
            end = max(c.record.end for c in current)
            if v.record.start <= end and v.office == current[0].office:
                current.append(v)
                continue
        groups.append((key, [v]))
    return groups


def _trip_remarks(group: list[PersonVisit], type_note: str | None) -> str:
    first = group[0]
    notes = [US_PART]
    if len(group) > 1:
        ids = [v.record.record_id for v in group]
        notes.append(f"Grouped from {records_note(ids)}: the visits' dates overlap.")
    if first.supplied:
        notes.append(
            f"The source gives no title; {first.person.title!r} supplied: {first.supplied}"
        )
    elif not first.person.title:
        notes.append("The source gives no title.")
    others = sorted({o for v in group for o in v.others})
    if others:
        notes.append(
            f"The source names this visit for several people (also {', '.join(others)}); "
            "each has a trip."
        )
    if type_note:
        notes.append(type_note)
    return " ".join(notes)


def _stop(
    trip_id: str, seq: int, r: VisitRecord, place: NamedPlace | None, placed: Any, count: int
) -> dict[str, Any]:
    pid, place_notes = placed
    notes = list(place_notes)
    if place is None:
        notes.append("The description names no place in the United States.")
    else:
        if place.remarks and place.text != place.locality:
            notes.append(f"Placed from {place.text!r}: {place.remarks}")
        if pid is None:
            notes.append("The offline gazetteers do not place it.")
    if count > 1:
        notes.append(
            f"One of {count} U.S. places the description names, in the order it names them "
            "(not an attested itinerary); the dates are the visit's."
        )
    return {
        "stop_id": f"{trip_id}-s{seq:02d}",
        "trip_id": trip_id,
        "seq": seq,
        "country_code": HOST,
        "place_id": pid,
        "locality": None if place is None else place.locality,
        "arrival_date": r.start,
        "departure_date": r.end,
        "date_precision": "day" if count == 1 else "visit",
        "source_record_id": r.record_id,
        "origin": ORIGIN,
        "confidence": "high" if place is None or place.text == place.locality else "medium",
        "remarks": " ".join(f"[importer] {n}" for n in notes) or None,
    }


def _leader_ids(
    groups: list[tuple[str, list[PersonVisit]]], who: Resolution
) -> tuple[dict[str, str], dict[str, str]]:
    """Leader id and country of each person: the country is that of their latest visit."""
    latest: dict[str, tuple[dt.date, str]] = {}
    for key, group in groups:
        for v in group:
            if key not in latest or latest[key][0] <= v.record.start:
                latest[key] = (v.record.start, v.country)
    ids: dict[str, str] = {}
    owner: dict[str, str] = {}
    for key, (_, country) in sorted(latest.items()):
        leader_id = who.leader_id(key, country)
        if owner.setdefault(leader_id, key) != key:
            msg = (
                f"two people resolve to the leader id {leader_id!r} ({owner[leader_id]!r} and "
                f"{key!r}); tell them apart in data/visits/leader_decisions.csv"
            )
            raise SourceInputError(msg)
        ids[key] = leader_id
    return ids, {key: country for key, (_, country) in latest.items()}


def trip_tables(
    base: HistorianBase,
    visits: list[PersonVisit],
    who: Resolution,
    places: USPlaces,
    placer: Placer,
    cites: Citations,
) -> tuple[dict[str, list[dict[str, Any]]], list[dict[str, Any]]]:
    """Return the trips, stops, legs and crossings of every visit, and the leader rows."""
    out: dict[str, list[dict[str, Any]]] = {
        "trips": [],
        "stops": [],
        "legs": [],
        "border_crossings": [],
    }
    groups = _groups(visits, who)
    leader_ids, country_of = _leader_ids(groups, who)
    for key, group in groups:
        first = group[0]
        leader_id = leader_ids[key]
        trip_id = f"{leader_id}-{first.record.start.isoformat()}"
        start = min(v.record.start for v in group)
        end = max(v.record.end for v in group)
        visit_type, pattern = base.visit_types.code(v.record.description for v in group)
        type_note = None
        if pattern is not None:
            type_note = (
                f"Visit type {visit_type!r} coded from the description by the pattern "
                f"{pattern!r} (data/historian/visit_types.csv)."
            )
        out["trips"].append(
            {
                "trip_id": trip_id,
                "leader_id": leader_id,
                "office": first.office,
                "office_title": first.person.title or NO_TITLE_TEXT,
                "start_date": start,
                "end_date": end,
                "visit_type": visit_type,
                "title": None,
                "in_office": None,
                "grouped_by_rule": len(group) > 1,
                "origin": ORIGIN,
                "confidence": "high" if len(group) == 1 else "medium",
                "remarks": _trip_remarks(group, type_note),
            }
        )
        ids = [v.record.record_id for v in group]
        cites.cite(
            "trips", trip_id, f"visitor, country, dates and description of {records_note(ids)}"
        )
        nodes: list[Node] = []
        for v in group:
            r = v.record
            named: list[NamedPlace | None] = list(places.find(r.description, r.start)) or [None]
            for i, place in enumerate(named):
                placed = (
                    (None, ())
                    if place is None
                    else placer.place(place.locality, HOST, admin1=place.state)
                )
                stop = _stop(trip_id, len(nodes) + 1, r, place, placed, len(named))
                out["stops"].append(stop)
                cites.cite("stops", stop["stop_id"], records_note([r.record_id]))
                nodes.append(
                    Node(
                        stop["place_id"],
                        HOST,
                        r.start if i == 0 else None,
                        r.end if i == len(named) - 1 else None,
                    )
                )
        home = Node(None, first.country, None, None)
        cites.add_legs(
            out,
            derive_legs(trip_id, start, end, nodes, base.places.rows, home=home, origin=ORIGIN),
            legs_note="derived by rule: home, the U.S. places named, home",
            crossings_note="inferred by rule: into and out of the United States",
        )
    leaders = []
    for key, leader_id in sorted(leader_ids.items(), key=lambda kv: kv[1]):
        leaders.append(
            {
                "leader_id": leader_id,
                "name": who.names[key],
                "country_code": country_of[key],
                "origin": ORIGIN,
            }
        )
        cites.cite("leaders", leader_id, "name as the visitor strings give it")
    return out, leaders
