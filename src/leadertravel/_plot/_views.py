"""What a map of one trip shows: stops, legs, crossings and gaps, ready to draw."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

from leadertravel._plot._geo import LonLat

__all__ = [
    "APPROXIMATE_KM",
    "CrossingView",
    "Gap",
    "LegView",
    "StopView",
    "TripView",
    "date_span",
]

#: A place whose coordinates are uncertain by more than this is drawn as approximate.
APPROXIMATE_KM = 25.0


def date_span(start: dt.date | None, end: dt.date | None, *, year: bool = True) -> str:
    """Format a compact date range: '12 Sep 2023', '10–19 Sep 2023', '30 Sep – 2 Oct 2023'.

    Examples
    --------
    >>> d = dt.date
    >>> date_span(d(2023, 9, 10), d(2023, 9, 19)), date_span(d(2023, 9, 12), d(2023, 9, 12))
    ('10–19 Sep 2023', '12 Sep 2023')
    >>> date_span(d(2019, 2, 23), d(2019, 3, 5), year=False), date_span(None, None)
    ('23 Feb – 5 Mar', 'dates not recorded')
    >>> date_span(d(2023, 9, 13), None), date_span(None, d(2023, 9, 15), year=False)
    ('13 Sep 2023 – end not recorded', 'start not recorded – 15 Sep')
    """
    if start is None and end is None:
        return "dates not recorded"
    if start is None or end is None:
        known = start or end
        assert known is not None
        text = f"{known.day} {known:%b}" + (f" {known.year}" if year else "")
        return f"{text} – end not recorded" if end is None else f"start not recorded – {text}"
    y = f" {end.year}" if year else ""
    if start == end:
        return f"{start.day} {start:%b}{y}"
    if (start.year, start.month) == (end.year, end.month):
        return f"{start.day}–{end.day} {end:%b}{y}"
    if start.year == end.year:
        return f"{start.day} {start:%b} – {end.day} {end:%b}{y}"
    return f"{start.day} {start:%b} {start.year} – {end.day} {end:%b} {end.year}"


@dataclass(frozen=True)
class StopView:
    """A stop; ``at`` is None for a country-level stop (no place recorded)."""

    seq: int
    name: str
    country_code: str
    country: str
    place_id: str | None
    at: LonLat | None
    uncertainty_km: float | None
    arrival: dt.date | None
    departure: dt.date | None
    event: str | None

    @property
    def approximate(self) -> bool:
        """Whether the place's coordinates are uncertain by more than `APPROXIMATE_KM`."""
        return self.uncertainty_km is not None and self.uncertainty_km > APPROXIMATE_KM

    @property
    def dates(self) -> str:
        """The stay as a compact date range."""
        return date_span(self.arrival, self.departure, year=False)


@dataclass(frozen=True)
class CrossingView:
    """A border crossing; ``at`` is None when no crossing point is recorded."""

    seq: int
    leg_seq: int
    from_code: str
    to_code: str
    from_country: str
    to_country: str
    place: str | None
    at: LonLat | None
    crossed_on: dt.date | None
    mode: str
    inferred: bool

    @property
    def label(self) -> str:
        """E.g. 'PRK → RUS, 12 Sep, at Khasan–Tumangang rail bridge'."""
        when = date_span(self.crossed_on, self.crossed_on, year=False)
        where = f"at {self.place}" if self.place else "crossing point not recorded"
        rule = ", inferred by rule" if self.inferred else ""
        return f"{self.from_code} → {self.to_code}, {when}, {where}{rule}"


@dataclass(frozen=True)
class LegView:
    """A leg with the known points along it: its start, crossing points, its end."""

    seq: int
    mode: str
    mode_label: str
    mode_inferred: bool
    vehicle: str | None
    from_name: str
    to_name: str
    depart: dt.date | None
    arrive: dt.date | None
    distance_km: float | None
    path: tuple[LonLat, ...]

    @property
    def label(self) -> str:
        """E.g. 'Leg 1: Pyongyang → Khasan, rail (his own armoured special train), 12 Sep'."""
        how = self.mode_label.lower() + (" (inferred by rule)" if self.mode_inferred else "")
        if self.vehicle:
            how += f", {self.vehicle}"
        when = date_span(self.depart, self.arrive, year=False)
        km = f", {self.distance_km:,.0f} km" if self.distance_km is not None else ""
        return f"Leg {self.seq}: {self.from_name} → {self.to_name}; {how}; {when}{km}"


@dataclass(frozen=True)
class Gap:
    """A stretch whose route is not recorded: between two known points, through stops."""

    start: LonLat
    end: LonLat
    through: tuple[StopView, ...]

    @property
    def label(self) -> str:
        """What the gap stands for."""
        names = ", ".join(f"{s.seq}. {s.country}" for s in self.through) or "an unknown route"
        return f"Route not recorded (through {names})"


@dataclass(frozen=True)
class TripView:
    """Everything a map of one trip shows."""

    trip_id: str
    leader: str
    office_title: str | None
    title: str | None
    start: dt.date | None
    end: dt.date | None
    n_sources: int
    version: str
    home: StopView | None
    stops: tuple[StopView, ...]
    legs: tuple[LegView, ...]
    crossings: tuple[CrossingView, ...]
    gaps: tuple[Gap, ...]
    modes: Mapping[str, str] = field(default_factory=dict)  # code → label, in leg order

    @property
    def heading(self) -> str:
        """E.g. 'Kim Jong Un · 10–19 Sep 2023'."""
        return f"{self.leader} · {date_span(self.start, self.end)}"

    @property
    def summary(self) -> str:
        """Counts, and how many sources the trip's records cite."""
        n_stops, n_cross = len(self.stops), len(self.crossings)
        return (
            f"{n_stops} stop{'s' * (n_stops != 1)} · {len(self.legs)} legs · "
            f"{n_cross} border crossing{'s' * (n_cross != 1)} · "
            f"{self.n_sources} source{'s' * (self.n_sources != 1)} cited · "
            f"leadertravel {self.version}"
        )

    @property
    def unpinned(self) -> tuple[StopView, ...]:
        """Country-level stops (no place recorded)."""
        return tuple(s for s in self.stops if s.at is None)

    def points(self) -> list[LonLat]:
        """Every known point of the map (places, crossing points)."""
        pts = [p for leg in self.legs for p in leg.path]
        pts += [s.at for s in self.stops if s.at is not None]
        return pts
