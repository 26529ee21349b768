"""What a trip map shows, in longitude and latitude: one scene for SVG and matplotlib alike.

The scene decides the extent, the outlines in view, the route lines (great circles between
known points, one style per transport mode), the stretches whose route is not recorded,
and the markers with their labels. The renderers only draw it.
"""

from __future__ import annotations

from dataclasses import dataclass

from leadertravel._plot._geo import (
    Extent,
    LonLat,
    aspect,
    extent_of,
    fit_ratio,
    great_circle,
    unwrap,
)
from leadertravel._plot._outlines import NATURAL_EARTH, Outline, outlines, outlines_in
from leadertravel._plot._style import GAP, ModeStyle, mode_style
from leadertravel._plot._views import StopView, TripView

__all__ = ["Label", "Line", "Marker", "Scene", "make_scene"]

NOTE = (
    "Lines join the recorded points (places, border crossing points) along great circles; "
    "they are not the actual track. Dotted grey: route not recorded."
)


@dataclass(frozen=True)
class Line:
    """A styled polyline with its legend entry and tooltip."""

    kind: str  # a transport mode code, or "gap"
    legend: str
    style: ModeStyle
    coords: tuple[LonLat, ...]
    tip: str
    ref: str = ""  # what the itinerary calls it: 'leg-3', 'gap'


@dataclass(frozen=True)
class Marker:
    """A point marker: 'home', 'stop', 'approximate', 'crossing'."""

    kind: str
    at: LonLat
    label: str
    tip: str
    ref: str = ""  # space-separated itinerary references: 'stop-4 stop-6'


@dataclass(frozen=True)
class Label:
    """A country-level stop: text at the country's label point, no pin."""

    at: LonLat
    text: str
    tip: str
    code: str
    ref: str = ""  # space-separated itinerary references: 'stop-1 stop-5'


@dataclass(frozen=True)
class Scene:
    """Everything to draw, with the legend entries in order."""

    trip: TripView
    extent: Extent
    aspect: float
    outlines: tuple[Outline, ...]
    visited: frozenset[str]
    lines: tuple[Line, ...]
    markers: tuple[Marker, ...]
    labels: tuple[Label, ...]
    unplaced: tuple[StopView, ...]  # country-level stops whose country has no outline
    note: str = NOTE
    credit: str = NATURAL_EARTH

    def legend(self) -> list[tuple[str, str]]:
        """(kind, text) of each legend entry: modes, gap, then marker kinds present."""
        entries: dict[str, str] = {}
        for line in self.lines:
            entries.setdefault(line.legend, line.kind)
        out = [(kind, text) for text, kind in entries.items()]
        names = {
            "home": "Start and end",
            "stop": "Stop (numbered in order)",
            "approximate": "Stop, place approximate",
            "crossing": "Border crossing point",
        }
        present = {m.kind for m in self.markers}
        out += [(k, v) for k, v in names.items() if k in present]
        if self.labels:
            out.append(("country", "Country-level stop (place not recorded)"))
        return out


def _stop_markers(trip: TripView) -> list[Marker]:
    """One marker per place; stops at the same place share it ('4, 6 · Artyom')."""
    groups: dict[LonLat, list[StopView]] = {}
    for stop in trip.stops:
        if stop.at is not None:
            groups.setdefault(stop.at, []).append(stop)
    markers = []
    for at, stops in groups.items():
        seqs = ", ".join(str(s.seq) for s in stops)
        name = stops[0].name
        tip = "\n".join(
            f"{s.seq}. {s.name} ({s.country}), {s.dates}" + (f": {s.event}" if s.event else "")
            for s in stops
        )
        kind = "approximate" if all(s.approximate for s in stops) else "stop"
        if kind == "approximate":
            km = max(s.uncertainty_km or 0.0 for s in stops)
            tip += f"\nLocation approximate (± {km:,.0f} km)"
        refs = " ".join(f"stop-{s.seq}" for s in stops)
        markers.append(Marker(kind, at, f"{seqs} · {name}", tip, refs))
    return markers


def _crossing_markers(trip: TripView) -> list[Marker]:
    groups: dict[LonLat, list[str]] = {}
    names: dict[LonLat, str] = {}
    for c in trip.crossings:
        if c.at is not None:
            groups.setdefault(c.at, []).append(c.label)
            names[c.at] = c.place or ""
    return [
        Marker("crossing", at, names[at], "\n".join(tips), "crossing")
        for at, tips in groups.items()
    ]


#: Width ÷ height of the map, for the page and the figure alike.
RATIO = 4 / 3


def make_scene(trip: TripView, *, ratio: float = RATIO) -> Scene:
    """Lay out the map of ``trip``, ``ratio`` times as wide as high."""
    # The outline label points of country-level stops (at coarse resolution: only the
    # label point and the code are needed here).
    world = outlines(0.5)
    label_points = {
        s.country_code: world[s.country_code].label
        for s in trip.unpinned
        if s.country_code in world
    }
    known = trip.points() + list(label_points.values())
    if trip.home is not None and trip.home.at is not None:
        known.append(trip.home.at)
    shifted = unwrap(known) if known else []
    shift = {p: q for p, q in zip(known, shifted, strict=True)}
    extent = fit_ratio(extent_of(shifted) if shifted else (-180.0, 180.0, -60.0, 80.0), ratio)
    span = max(extent[1] - extent[0], extent[3] - extent[2])
    tolerance = max(span / 900.0, 0.005)

    def moved(p: LonLat) -> LonLat:
        return shift.get(p, p)

    lines: list[Line] = []
    for leg in trip.legs:
        style = mode_style(leg.mode)
        coords: list[LonLat] = []
        for a, b in zip(leg.path[:-1], leg.path[1:], strict=True):
            seg = great_circle(moved(a), moved(b))
            coords += seg if not coords else seg[1:]
        if len(coords) >= 2:
            legend = style.legend(leg.mode_label, inferred=leg.mode_inferred)
            lines.append(Line(leg.mode, legend, style, tuple(coords), leg.label, f"leg-{leg.seq}"))
    for gap in trip.gaps:
        coords = great_circle(moved(gap.start), moved(gap.end))
        lines.append(Line("gap", "Route not recorded", GAP, tuple(coords), gap.label, "gap"))

    markers: list[Marker] = []
    if trip.home is not None and trip.home.at is not None:
        markers.append(
            Marker(
                "home",
                moved(trip.home.at),
                trip.home.name,
                f"Start and end: {trip.home.name}",
                "home",
            )
        )
    markers += [
        Marker(m.kind, moved(m.at), m.label, m.tip, m.ref)
        for m in [*_stop_markers(trip), *_crossing_markers(trip)]
    ]

    labels: list[Label] = []
    by_country: dict[str, list[StopView]] = {}
    for stop in trip.unpinned:
        by_country.setdefault(stop.country_code, []).append(stop)
    for code, stops in by_country.items():
        if code not in label_points:
            continue
        seqs = ", ".join(str(s.seq) for s in stops)
        tip = "\n".join(
            f"{s.seq}. {s.country}, {s.dates} (place not recorded)"
            + (f": {s.event}" if s.event else "")
            for s in stops
        )
        refs = " ".join(f"stop-{s.seq}" for s in stops)
        text = f"{seqs} · {stops[0].country}"
        labels.append(Label(moved(label_points[code]), text, tip, code, refs))
    return Scene(
        trip=trip,
        extent=extent,
        aspect=aspect(extent),
        outlines=tuple(outlines_in(extent, tolerance)),
        visited=frozenset(s.country_code for s in trip.stops),
        lines=tuple(lines),
        markers=tuple(markers),
        labels=tuple(labels),
        unplaced=tuple(s for s in trip.unpinned if s.country_code not in label_points),
    )


def place_labels(
    anchors: list[tuple[float, float]],
    texts: list[str],
    *,
    size: float,
    avoid: list[tuple[float, float]],
    frame: tuple[float, float, float, float] | None = None,
) -> list[str]:
    """Choose a side for each label ('right', 'left', 'above', 'below') that overlaps least.

    ``anchors`` and ``avoid`` (other markers) are in pixels, y down; a label is ``size``
    high and about ``0.58 · size`` wide per character. A label's part outside ``frame``
    (x0, y0, x1, y1) counts as overlap too, so labels stay on the map. Greedy, in order.

    Examples
    --------
    >>> place_labels([(100, 100), (104, 102)], ["4, 6 · Artyom", "5 · Vladivostok"], size=12,
    ...              avoid=[])
    ['left', 'right']
    >>> place_labels([(990, 50)], ["Washington, D.C."], size=12, avoid=[], frame=(0, 0, 1000, 600))
    ['left']
    """
    boxes: list[tuple[float, float, float, float]] = [
        (x - 4, y - 4, x + 4, y + 4) for x, y in [*avoid, *anchors]
    ]
    sides = []
    for (x, y), text in zip(anchors, texts, strict=True):
        w, h = 0.58 * size * len(text), size
        options = {
            "right": (x + 7, y - h / 2, x + 7 + w, y + h / 2),
            "left": (x - 7 - w, y - h / 2, x - 7, y + h / 2),
            "above": (x - w / 2, y - 7 - h, x + w / 2, y - 7),
            "below": (x - w / 2, y + 7, x + w / 2, y + 7 + h),
        }

        def overlap(box: tuple[float, float, float, float]) -> float:
            shared = sum(
                max(0.0, min(box[2], b[2]) - max(box[0], b[0]))
                * max(0.0, min(box[3], b[3]) - max(box[1], b[1]))
                for b in boxes
            )
            if frame is None:
                return shared
            inside = max(0.0, min(box[2], frame[2]) - max(box[0], frame[0])) * max(
                0.0, min(box[3], frame[3]) - max(box[1], frame[1])
            )
            return shared + 2 * ((box[2] - box[0]) * (box[3] - box[1]) - inside)

        side = min(options, key=lambda k: (overlap(options[k]), list(options).index(k)))
        boxes.append(options[side])
        sides.append(side)
    return sides
