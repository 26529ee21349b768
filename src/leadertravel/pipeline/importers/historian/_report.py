"""The travels import's coverage report: every record accounted for, what was geocoded."""

from __future__ import annotations

import logging
from collections import Counter
from typing import Any

import pandas as pd

from leadertravel.pipeline.importers.historian._coverage import TOLERANCE_KM, OutlineChecker
from leadertravel.pipeline.importers.historian._dedupe import MERGE_COLUMNS, Merge
from leadertravel.pipeline.importers.historian._inputs import SOURCE_ID
from leadertravel.pipeline.importers.historian._parse import Record

__all__ = ["log_summary", "merge_report", "stop_coverage", "travels_coverage"]


log = logging.getLogger(__name__)


def stop_coverage(
    tables: dict[str, pd.DataFrame],
    places: dict[str, dict[str, Any]],
    checker: OutlineChecker,
    refused_locales: dict[str, dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """Report what both Historian imports share: stops, places, legs.

    ``places`` are the place rows the import's stops use, keyed by id.
    """
    stops = tables["stops"]
    named = stops[stops["locality"].notna()]
    geocoded = named[named["place_id"].notna()]
    # the few columns read, as lists (the values iterating each column gives, in one call)
    place_ids = geocoded["place_id"].tolist()
    by_geocoder = Counter(places[str(p)]["geocoded_by"] for p in place_ids)
    outside, unchecked = checker.exceptions(places.values())
    unnamed_placed = stops[stops["locality"].isna() & stops["place_id"].notna()]
    differs = []
    for stop_id, stop_country, place_id in zip(
        geocoded["stop_id"].tolist(), geocoded["country_code"].tolist(), place_ids, strict=True
    ):
        place = places[str(place_id)]
        if not checker.same_area(str(stop_country), place["country_code"]):
            differs.append(
                {
                    "stop_id": str(stop_id),
                    "stop_country": str(stop_country),
                    "place_id": place_id,
                    "place_country": place["country_code"],
                }
            )
    missed = named[named["place_id"].isna()]
    ungeocoded = [
        {"stop_id": stop_id, "country_code": country_code, "locality": locality}
        for stop_id, country_code, locality in zip(
            *(missed[c].tolist() for c in ("stop_id", "country_code", "locality")), strict=True
        )
    ]
    return {
        "trips": int(tables["trips"].shape[0]),
        "trips_by_visit_type": dict(sorted(Counter(tables["trips"]["visit_type"]).items())),
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
        "gsh_locales_refused": sorted(
            (refused_locales or {}).values(), key=lambda r: r["locale_id"]
        ),
        "stops_placed_outside_stop_country": differs,
        "unmapped_slugs": 0,
    }


def travels_coverage(
    records: list[Record],
    merges: list[Any],
    tables: dict[str, pd.DataFrame],
    places: dict[str, dict[str, Any]],
    checker: OutlineChecker,
    *,
    gap_days: int,
    coded_by: dict[str, int],
    refused_locales: dict[str, dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """Return the travels import's coverage report (see docs/historian-import.md)."""
    stops = tables["stops"]
    imported = set(stops["source_record_id"].dropna())
    merged = {m.merged_record_id for m in merges}
    missing = sorted({r.record_id for r in records} - imported - merged, key=int)
    return {
        "source_id": SOURCE_ID,
        "gap_days": gap_days,
        "records_read": len(records),
        "records_merged": len(merges),
        "records_imported": len(imported),
        "records_accounted": len(imported) + len(merged),
        "records_missing": missing,
        "records_coded_by": dict(sorted(coded_by.items())),
        "travellers": int(tables["leaders"].shape[0]),
        "trips_multi_visit": int(tables["trips"]["remarks"].str.startswith("Grouped").sum()),
        **stop_coverage(tables, places, checker, refused_locales),
    }


def merge_report(merges: list[Merge]) -> pd.DataFrame:
    """Return the merge report (``merges.csv``): one row per duplicate merged into another."""
    return pd.DataFrame([vars(m) for m in merges], columns=MERGE_COLUMNS).astype("string")


def log_summary(coverage: dict[str, Any], seconds: float) -> None:
    """Log what the travels import made of the records, and how long it took."""
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
