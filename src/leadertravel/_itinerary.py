"""One trip as a readable timeline: the curation aid behind ``leadertravel itinerary``.

:func:`render_itinerary` joins the trip, its stops, legs and border crossings, the places
they name and the sources cited for any of them into plain text, in travel order
(leg 1, stop 1, leg 2, … with each crossing under its leg), so a reviewer can read a trip
against its sources without joining the CSVs by hand. It works on any mapping of table
name to frame with the package's columns: the curated CSVs read by
:func:`leadertravel.pipeline.validate.read_curated` or the tables of a published release.
"""

from __future__ import annotations

import difflib
import textwrap
from collections.abc import Mapping
from typing import Any

import pandas as pd

__all__ = ["ITINERARY_TABLES", "render_itinerary", "similar_trip_ids"]

#: The tables an itinerary reads (trips, their parts, places, leaders and the sources cited).
ITINERARY_TABLES = (
    "leaders",
    "places",
    "sources",
    "citations",
    "trips",
    "stops",
    "legs",
    "border_crossings",
)

_WIDTH = 100
_INDENT = " " * 10
# table → (key column, label used in the timeline)
_PARTS = {
    "trips": ("trip_id", "trip"),
    "stops": ("stop_id", "stop"),
    "legs": ("leg_id", "leg"),
    "border_crossings": ("crossing_id", "crossing"),
}


def _given(value: Any) -> bool:
    return value is not None and not (not isinstance(value, str) and pd.isna(value))


def _text(value: Any, unknown: str = "?") -> str:
    """Return a cell as text: dates as YYYY-MM-DD, UTC times with 'Z', unknown values as ``?``."""
    if not _given(value):
        return unknown
    if isinstance(value, pd.Timestamp):
        if value.tzinfo is not None:
            return value.tz_convert("UTC").strftime("%Y-%m-%dT%H:%MZ")
        if value == value.normalize():
            return value.strftime("%Y-%m-%d")
        return value.isoformat()
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _wrap(label: str, text: Any, indent: str = _INDENT) -> list[str]:
    if not _given(text) or not str(text).strip():
        return []
    return textwrap.wrap(
        f"{label}{text}",
        width=_WIDTH,
        initial_indent=indent,
        subsequent_indent=indent + "  ",
        break_on_hyphens=False,
        break_long_words=False,
    )


def _rows(frame: pd.DataFrame, trip_id: str) -> list[dict[str, Any]]:
    part = frame[frame["trip_id"] == trip_id].sort_values("seq", kind="stable")
    return part.to_dict("records")  # type: ignore[return-value]


def similar_trip_ids(trips: pd.DataFrame, trip_id: str, n: int = 3) -> list[str]:
    """Return up to *n* trip ids that look like *trip_id* (for a 'did you mean' hint).

    >>> trips = pd.DataFrame({"trip_id": ["kim-jong-un-2019-04-24", "putin-vladimir-2024-06-18"]})
    >>> similar_trip_ids(trips, "kim-jong-un-2019-04-25")
    ['kim-jong-un-2019-04-24']
    """
    ids = [str(t) for t in trips["trip_id"]]
    return difflib.get_close_matches(trip_id, ids, n=n, cutoff=0.6)


class _Sources:
    """Numbers the sources in order of first citation and remembers who cites what."""

    def __init__(self, citations: pd.DataFrame, sources: pd.DataFrame) -> None:
        self._cited = citations
        self._sources = sources.set_index("source_id")
        self.order: list[str] = []
        self.cited_for: dict[str, list[str]] = {}

    def refs(self, table: str, record_id: str, label: str) -> str:
        rows = self._cited[
            (self._cited["table_name"] == table) & (self._cited["record_id"] == record_id)
        ]
        numbers = []
        for source_id, supports in zip(rows["source_id"], rows["supports"], strict=True):
            source_id = str(source_id)
            if source_id not in self.order:
                self.order.append(source_id)
            what = f"{label} ({supports})" if _given(supports) and str(supports) else label
            self.cited_for.setdefault(source_id, []).append(what)
            numbers.append(self.order.index(source_id) + 1)
        return " ".join(f"[{n}]" for n in sorted(set(numbers))) or "(no source cited)"

    def lines(self) -> list[str]:
        out = []
        for number, source_id in enumerate(self.order, start=1):
            known = source_id in self._sources.index
            row = self._sources.loc[source_id] if known else None
            if row is None:
                out.append(f"  [{number}] {source_id}: not in the sources table")
                continue
            head = (
                f'  [{number}] {_text(row["publisher"])}, "{_text(row["title"])}", '
                f"{_text(row['published'])} ({_text(row['kind'])}) {{{source_id}}}"
            )
            out += textwrap.wrap(
                head,
                width=_WIDTH,
                subsequent_indent="        ",
                break_on_hyphens=False,
                break_long_words=False,
            )
            if _given(row["url"]):
                out.append(f"        {row['url']}")
            out += _wrap("summary: ", row["remarks"])
            out += _wrap("cited for: ", "; ".join(self.cited_for[source_id]))
        return out


class _Places:
    """Names places and collects the ones the trip uses."""

    def __init__(self, places: pd.DataFrame) -> None:
        self._places = places.set_index("place_id")
        self.used: list[str] = []

    def name(self, place_id: Any, country: Any = None) -> str:
        where = f" ({_text(country)})" if _given(country) else ""
        if not _given(place_id):
            return f"somewhere{where}" if where else "?"
        place_id = str(place_id)
        if place_id not in self.used:
            self.used.append(place_id)
        if place_id not in self._places.index:
            return f"{place_id}{where}"
        return f"{self._places.loc[place_id, 'name']}{where}"

    def lines(self, sources: _Sources) -> list[str]:
        out = []
        for place_id in self.used:
            if place_id not in self._places.index:
                out.append(f"  {place_id}: not in the places table")
                continue
            p = self._places.loc[place_id]
            radius = (
                f" ± {_text(p['coord_uncertainty_km'])} km"
                if _given(p["coord_uncertainty_km"])
                else ""
            )
            out.append(
                f"  {place_id}  {p['name']} [{p['kind']}, {p['country_code']}]  "
                f"{_text(p['lat'])}, {_text(p['lon'])}{radius}  by {p['geocoded_by']}  "
                f"{sources.refs('places', place_id, 'place ' + place_id)}"
            )
            out += _wrap("note: ", p["remarks"])
        return out


def _flags(row: Mapping[str, Any], names: tuple[str, ...]) -> str:
    on = [name.replace("_", " ") for name in names if bool(row.get(name)) is True]
    return f" ({', '.join(on)})" if on else ""


def _span(first: Any, second: Any) -> str:
    return f"{_text(first)} → {_text(second)}"


def _times(first: Any, second: Any) -> str:
    """Return ``  at FIRST → SECOND`` (UTC) when either time is known, else nothing."""
    return f"  at {_span(first, second)}" if _given(first) or _given(second) else ""


def render_itinerary(tables: Mapping[str, pd.DataFrame], trip_id: str) -> str:
    """Return one trip as a readable timeline.

    Parameters
    ----------
    tables
        Table name → frame, holding at least :data:`ITINERARY_TABLES` with the package's
        columns (other rows and tables are ignored).
    trip_id
        The trip to render; it must be a ``trip_id`` of ``tables["trips"]``.

    Returns
    -------
    str
        A header (leader, office, dates, visit type, confidence, remarks), the timeline
        (each leg with its mode, vehicle, dates, times in UTC and its border crossings,
        then the stop it reaches), the places used and the numbered sources, each with
        the records it is cited for. Unknown values print as ``?``; flags set by a rule or
        the curator (``mode_inferred``, ``derived``, ``inferred``) are named.

    Raises
    ------
    KeyError
        If *trip_id* is not in ``tables["trips"]`` (see :func:`similar_trip_ids`).

    Examples
    --------
    >>> from leadertravel.pipeline.validate import read_curated
    >>> from leadertravel.pipeline.project import project_root
    >>> tables = read_curated(project_root()).tables
    >>> text = render_itinerary(tables, "kim-jong-un-2019-04-24")
    >>> print(text.splitlines()[0])
    kim-jong-un-2019-04-24  Kim Jong Un, Chairman of the State Affairs Commission (head_of_state)
    """
    trips = tables["trips"].set_index("trip_id")
    if trip_id not in trips.index:
        raise KeyError(trip_id)
    trip = {str(k): v for k, v in trips.loc[trip_id].items()}
    leaders = tables["leaders"].set_index("leader_id")
    leader = str(trip["leader_id"])
    name = str(leaders.loc[leader, "name"]) if leader in leaders.index else leader
    sources = _Sources(tables["citations"], tables["sources"])
    places = _Places(tables["places"])

    out = [
        f"{trip_id}  {name}, {trip['office_title']} ({trip['office']})",
        *textwrap.wrap(_text(trip["title"], ""), width=_WIDTH),
        f"{_span(trip['start_date'], trip['end_date'])} · {trip['visit_type']} · "
        f"confidence {trip['confidence']} · origin {trip['origin']}"
        f"{_flags(trip, ('grouped_by_rule',))} · sources {sources.refs('trips', trip_id, 'trip')}",
        *[line[len(_INDENT) - 2 :] for line in _wrap("remarks: ", trip["remarks"])],
        "",
        "Timeline (dates are local days; times are UTC)",
    ]
    stops = {int(s["seq"]): s for s in _rows(tables["stops"], trip_id)}
    crossings: dict[str, list[dict[str, Any]]] = {}
    for x in _rows(tables["border_crossings"], trip_id):
        crossings.setdefault(str(x["leg_id"]), []).append(x)
    for leg in _rows(tables["legs"], trip_id):
        seq = int(leg["seq"])
        times = _times(leg["depart_at"], leg["arrive_at"])
        distance = f", {_text(leg['distance_km'])} km" if _given(leg["distance_km"]) else ""
        out.append(
            f"  leg {seq:<3} {_span(leg['depart_date'], leg['arrive_date'])}{times}  "
            f"{leg['transport_mode']}{_flags(leg, ('mode_inferred', 'derived'))}: "
            f"{places.name(leg['from_place_id'], leg['from_country_code'])} → "
            f"{places.name(leg['to_place_id'], leg['to_country_code'])}{distance}  "
            f"[{leg['confidence']}] {sources.refs('legs', str(leg['leg_id']), f'leg {seq}')}"
        )
        out += _wrap("vehicle: ", leg["vehicle"])
        out += _wrap("note: ", leg["remarks"])
        for x in crossings.pop(str(leg["leg_id"]), []):
            point = places.name(x["crossing_place_id"]) if _given(x["crossing_place_id"]) else "?"
            when = _text(x["crossed_on"]) + (
                f" {_text(x['crossed_at'])}" if _given(x["crossed_at"]) else ""
            )
            label = f"crossing {int(x['seq'])}"
            out.append(
                f"{_INDENT}>> {label}: {x['from_country_code']} → {x['to_country_code']} "
                f"at {point} on {when} by {x['transport_mode']}{_flags(x, ('inferred',))}  "
                f"[{x['confidence']}] "
                f"{sources.refs('border_crossings', str(x['crossing_id']), label)}"
            )
            out += _wrap("note: ", x["remarks"], _INDENT + "   ")
        stop = stops.pop(seq, None)
        if stop is not None:
            times = _times(stop["arrival_at"], stop["departure_at"])
            where = places.name(stop["place_id"], stop["country_code"])
            locality = ""
            if _given(stop["locality"]) and not where.startswith(f"{stop['locality']} ("):
                locality = f" — {stop['locality']}"
            out.append(
                f"  stop {seq:<2} {_span(stop['arrival_date'], stop['departure_date'])}{times}  "
                f"{where}{locality}  "
                f"[{stop['confidence']}] "
                f"{sources.refs('stops', str(stop['stop_id']), f'stop {seq}')}"
            )
            out += _wrap("", stop["event"])
            out += _wrap("note: ", stop["remarks"])
    for stop in stops.values():  # stops without a leg reaching them (a broken chain)
        out.append(f"  stop {int(stop['seq'])} (no leg reaches it): {stop['stop_id']}")
    for leg_id, rows in crossings.items():
        out.append(f"  crossings of unknown leg {leg_id}: {len(rows)}")
    place_lines = places.lines(sources)
    out += ["", "Places", *place_lines] if place_lines else []
    out += ["", "Sources", *(sources.lines() or ["  (none cited)"])]
    return "\n".join(out) + "\n"
