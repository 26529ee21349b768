"""One trip gathered for drawing: stops, legs, crossings and their known coordinates.

Everything is read through the public loader (``leadertravel.load``), so a map shows
exactly what a release says. A stop without a place (a country-level stop) has no
coordinates: the map names it at its country without a pin, and the route between the
known points around it is drawn as "not recorded".

The views it returns are in :mod:`leadertravel._plot._views`.
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from leadertravel._errors import RecordNotFound
from leadertravel._plot._geo import LonLat
from leadertravel._plot._views import CrossingView, Gap, LegView, StopView, TripView

__all__ = ["Loader", "load_trip"]


@dataclass(frozen=True)
class Loader:
    """Where tables come from: the options of `leadertravel.load`, shared by every read."""

    version: str = "latest"
    source: Any = None
    cache_dir: Any = None
    offline: bool | None = None

    def pinned(self) -> Loader:
        """Resolve 'latest' once, so every table of one plot comes from the same release."""
        if self.version != "latest":
            return self
        from leadertravel._describe import describe

        info = describe("trips", source=self.source, cache_dir=self.cache_dir, offline=self.offline)
        return Loader(str(info.attrs["version"]), self.source, self.cache_dir, self.offline)

    def load(self, table: str, **kwargs: Any) -> pd.DataFrame:
        """Load ``table`` of the release (keyword arguments go to `leadertravel.load`)."""
        from leadertravel._api import load

        return load(
            table,
            version=self.version,
            source=self.source,
            cache_dir=self.cache_dir,
            offline=self.offline,
            **kwargs,
        )


def _rows(frame: pd.DataFrame) -> Iterator[Any]:
    """Rows as named tuples (attribute access; values as pandas stores them)."""
    return iter(frame.itertuples(index=False))


def _date(value: Any) -> dt.date | None:
    return None if pd.isna(value) else pd.Timestamp(value).date()


def _text(value: Any) -> str | None:
    return None if pd.isna(value) else str(value)


def _unknown_trip(loader: Loader, trip_id: str) -> RecordNotFound:
    ids = loader.load("trips", columns=["trip_id"])["trip_id"].astype(str).tolist()
    close = difflib.get_close_matches(trip_id, ids, n=3, cutoff=0.6)
    hint = f"; did you mean {', '.join(close)}?" if close else ""
    msg = (
        f"no trip {trip_id!r} in leadertravel {loader.version} ({len(ids)} trips){hint} "
        "List them with `leadertravel show trips` or lt.load('trips')"
    )
    return RecordNotFound(msg)


def _mode_labels(loader: Loader) -> dict[str, str]:
    modes = loader.load("transport_modes", columns=["code", "label"])
    return dict(zip(modes["code"].astype(str), modes["label"].astype(str), strict=True))


def load_trip(trip_id: str, loader: Loader) -> TripView:
    """Read one trip and everything its map needs through the loader.

    Raises
    ------
    RecordNotFound
        No trip has this id (the message suggests close ids).
    """
    loader = loader.pinned()
    trip_filter = [("trip_id", "==", trip_id)]
    trips = loader.load("trips", filters=trip_filter)
    if trips.empty:
        raise _unknown_trip(loader, trip_id)
    trip: Any = trips.iloc[0]
    stops = loader.load("stops", filters=trip_filter).sort_values("seq")
    legs = loader.load("legs", filters=trip_filter).sort_values("seq")
    crossings = loader.load("border_crossings", filters=trip_filter).sort_values("seq")
    leader = loader.load("leaders", filters=[("leader_id", "==", str(trip["leader_id"]))])
    countries = loader.load("countries", columns=["code", "name"])
    country = dict(zip(countries["code"].astype(str), countries["name"].astype(str), strict=True))
    place_ids = {
        str(v)
        for col in (
            stops["place_id"],
            legs["from_place_id"],
            legs["to_place_id"],
            crossings["crossing_place_id"],
        )
        for v in col.dropna()
    }
    places = loader.load(
        "places", filters=[("place_id", "in", sorted(place_ids))] if place_ids else None
    )
    place: dict[str, Any] = {str(r.place_id): r for r in _rows(places)}
    record_ids = [trip_id, *stops["stop_id"], *legs["leg_id"], *crossings["crossing_id"]]
    cited = loader.load(
        "citations",
        columns=["record_id", "table_name", "source_id"],
        filters=[("record_id", "in", [str(r) for r in record_ids])],
    )
    cited = cited[cited["table_name"].isin(["trips", "stops", "legs", "border_crossings"])]
    labels = _mode_labels(loader)

    def at(place_id: Any) -> LonLat | None:
        p = place.get(str(place_id)) if not pd.isna(place_id) else None
        if p is None or pd.isna(p.lat) or pd.isna(p.lon):
            return None
        return (float(p.lon), float(p.lat))

    def name_of(place_id: Any, code: Any) -> str:
        p = place.get(str(place_id)) if not pd.isna(place_id) else None
        if p is not None:
            return str(p.name)
        return f"{country.get(str(code), str(code))} (place not recorded)"

    stop_views = tuple(
        StopView(
            seq=int(s.seq),
            name=_text(s.locality) or name_of(s.place_id, s.country_code),
            country_code=str(s.country_code),
            country=country.get(str(s.country_code), str(s.country_code)),
            place_id=_text(s.place_id),
            at=at(s.place_id),
            uncertainty_km=_uncertainty(place.get(str(s.place_id))),
            arrival=_date(s.arrival_date),
            departure=_date(s.departure_date),
            event=_text(s.event),
        )
        for s in _rows(stops)
    )
    cross_views = _crossings(crossings, legs, place, country, at)
    leg_views = _legs(legs, cross_views, labels, at, name_of)
    home = _home(legs, place, country, at)
    return TripView(
        trip_id=trip_id,
        leader=str(leader["name"].iloc[0]) if not leader.empty else str(trip["leader_id"]),
        office_title=_text(trip["office_title"]),
        title=_text(trip["title"]),
        start=_date(trip["start_date"]),
        end=_date(trip["end_date"]),
        n_sources=int(cited["source_id"].nunique()),
        version=loader.version,
        home=home,
        stops=stop_views,
        legs=leg_views,
        crossings=cross_views,
        gaps=_gaps(leg_views, stop_views, legs),
        modes={leg.mode: leg.mode_label for leg in leg_views},
    )


def _uncertainty(p: Any) -> float | None:
    if p is None or pd.isna(p.coord_uncertainty_km):
        return None
    return float(p.coord_uncertainty_km)


def _home(
    legs: pd.DataFrame, place: Mapping[str, Any], country: Mapping[str, str], at: Any
) -> StopView | None:
    if legs.empty:
        return None
    first: Any = legs.iloc[0]
    p = place.get(str(first["from_place_id"])) if not pd.isna(first["from_place_id"]) else None
    code = str(first["from_country_code"])
    return StopView(
        seq=0,
        name=str(p.name) if p is not None else country.get(code, code),
        country_code=code,
        country=country.get(code, code),
        place_id=_text(first["from_place_id"]),
        at=at(first["from_place_id"]),
        uncertainty_km=_uncertainty(p),
        arrival=None,
        departure=_date(first["depart_date"]),
        event=None,
    )


def _crossings(
    crossings: pd.DataFrame,
    legs: pd.DataFrame,
    place: Mapping[str, Any],
    country: Mapping[str, str],
    at: Any,
) -> tuple[CrossingView, ...]:
    leg_seq = dict(zip(legs["leg_id"].astype(str), legs["seq"].astype(int), strict=True))
    views = []
    for c in _rows(crossings):
        p = place.get(str(c.crossing_place_id)) if not pd.isna(c.crossing_place_id) else None
        views.append(
            CrossingView(
                seq=int(c.seq),
                leg_seq=leg_seq.get(str(c.leg_id), 0),
                from_code=str(c.from_country_code),
                to_code=str(c.to_country_code),
                from_country=country.get(str(c.from_country_code), str(c.from_country_code)),
                to_country=country.get(str(c.to_country_code), str(c.to_country_code)),
                place=str(p.name) if p is not None else None,
                at=at(c.crossing_place_id),
                crossed_on=_date(c.crossed_on),
                mode=str(c.transport_mode),
                inferred=bool(c.inferred) if not pd.isna(c.inferred) else False,
            )
        )
    return tuple(views)


def _legs(
    legs: pd.DataFrame,
    crossings: Sequence[CrossingView],
    labels: Mapping[str, str],
    at: Any,
    name_of: Any,
) -> tuple[LegView, ...]:
    views = []
    for leg in _rows(legs):
        path = [at(leg.from_place_id)]
        path += [c.at for c in crossings if c.leg_seq == int(leg.seq)]
        path.append(at(leg.to_place_id))
        mode = str(leg.transport_mode)
        views.append(
            LegView(
                seq=int(leg.seq),
                mode=mode,
                mode_label=labels.get(mode, mode),
                mode_inferred=bool(leg.mode_inferred) if not pd.isna(leg.mode_inferred) else False,
                vehicle=_text(leg.vehicle),
                from_name=name_of(leg.from_place_id, leg.from_country_code),
                to_name=name_of(leg.to_place_id, leg.to_country_code),
                depart=_date(leg.depart_date),
                arrive=_date(leg.arrive_date),
                distance_km=None if pd.isna(leg.distance_km) else float(leg.distance_km),
                path=tuple(p for p in path if p is not None),
            )
        )
    return tuple(views)


def _gaps(
    legs: Sequence[LegView], stops: Sequence[StopView], frame: pd.DataFrame
) -> tuple[Gap, ...]:
    """Join the last known point before an unknown stretch to the first one after it."""
    starts_known = dict(zip(frame["seq"].astype(int), frame["from_place_id"].notna(), strict=True))
    by_seq = {s.seq: s for s in stops}
    gaps: list[Gap] = []
    last: LonLat | None = None
    for leg in legs:
        if leg.path and last is not None and not starts_known[leg.seq]:
            through: list[StopView] = []
            k = leg.seq - 1  # the stop this leg leaves, and the unpinned ones before it
            while k in by_seq and by_seq[k].at is None:
                through.insert(0, by_seq[k])
                k -= 1
            gaps.append(Gap(last, leg.path[0], tuple(through)))
        if leg.path:
            last = leg.path[-1]
    return tuple(gaps)
