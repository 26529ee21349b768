"""A minimal, valid curated package in a temp dir, for rule-by-rule failure tests."""

from __future__ import annotations

import csv
import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

TRIP = "test-leader-2020-01-10"

_LEG_OUT: dict[str, str] = {
    "leg_id": f"{TRIP}-l01",
    "trip_id": TRIP,
    "seq": "1",
    "from_place_id": "prk-home",
    "to_place_id": "rus-away",
    "from_country_code": "PRK",
    "to_country_code": "RUS",
    "depart_date": "2020-01-10",
    "arrive_date": "2020-01-11",
    "depart_at": "",
    "arrive_at": "",
    "transport_mode": "rail",
    "vehicle": "",
    "distance_km": "700",
    "mode_inferred": "false",
    "derived": "false",
    "origin": "curated",
    "confidence": "high",
    "remarks": "",
}
_CROSSING_OUT: dict[str, str] = {
    "crossing_id": f"{TRIP}-x01",
    "trip_id": TRIP,
    "leg_id": f"{TRIP}-l01",
    "seq": "1",
    "from_country_code": "PRK",
    "to_country_code": "RUS",
    "crossing_place_id": "",
    "crossed_on": "2020-01-10",
    "crossed_at": "",
    "transport_mode": "rail",
    "inferred": "false",
    "origin": "curated",
    "confidence": "high",
    "remarks": "",
}

ROWS: dict[str, list[dict[str, str]]] = {
    "sources": [
        {
            "source_id": "test-source",
            "publisher": "Test Agency",
            "title": "A test report",
            "published": "2020-01-20",
            "url": "",
            "license": "",
            "kind": "news_report",
            "remarks": "",
        },
    ],
    "leaders": [
        {
            "leader_id": "test-leader",
            "name": "Test Leader",
            "country_code": "PRK",
            "wikidata_id": "",
            "origin": "curated",
            "remarks": "",
        },
    ],
    "terms": [],
    "places": [
        {
            "place_id": "prk-home",
            "name": "Home",
            "kind": "city",
            "country_code": "PRK",
            "lat": "39.0",
            "lon": "125.7",
            "geocoded_by": "curated",
            "coord_uncertainty_km": "5",
            "geonames_id": "",
            "iata": "",
            "origin": "curated",
            "remarks": "test",
        },
        {
            "place_id": "rus-away",
            "name": "Away",
            "kind": "city",
            "country_code": "RUS",
            "lat": "43.1",
            "lon": "131.9",
            "geocoded_by": "curated",
            "coord_uncertainty_km": "5",
            "geonames_id": "",
            "iata": "",
            "origin": "curated",
            "remarks": "test",
        },
    ],
    "trips": [
        {
            "trip_id": TRIP,
            "leader_id": "test-leader",
            "office": "head_of_state",
            "office_title": "Test",
            "start_date": "2020-01-10",
            "end_date": "2020-01-14",
            "visit_type": "summit",
            "title": "A test trip",
            "in_office": "",
            "grouped_by_rule": "false",
            "origin": "curated",
            "confidence": "high",
            "remarks": "",
        },
    ],
    "stops": [
        {
            "stop_id": f"{TRIP}-s01",
            "trip_id": TRIP,
            "seq": "1",
            "country_code": "RUS",
            "place_id": "rus-away",
            "locality": "Away",
            "arrival_date": "2020-01-11",
            "departure_date": "2020-01-13",
            "arrival_at": "",
            "departure_at": "",
            "date_precision": "day",
            "event": "",
            "source_record_id": "",
            "origin": "curated",
            "confidence": "high",
            "remarks": "",
        },
    ],
    "legs": [
        _LEG_OUT,
        {  # the way back: leg 1 reversed
            **_LEG_OUT,
            "leg_id": f"{TRIP}-l02",
            "seq": "2",
            "from_place_id": "rus-away",
            "to_place_id": "prk-home",
            "from_country_code": "RUS",
            "to_country_code": "PRK",
            "depart_date": "2020-01-13",
            "arrive_date": "2020-01-14",
        },
    ],
    "border_crossings": [
        _CROSSING_OUT,
        {  # the way back: crossing 1 reversed
            **_CROSSING_OUT,
            "crossing_id": f"{TRIP}-x02",
            "leg_id": f"{TRIP}-l02",
            "seq": "2",
            "from_country_code": "RUS",
            "to_country_code": "PRK",
            "crossed_on": "2020-01-14",
        },
    ],
}
ROWS["coverage"] = []  # the real claims name leaders the minimal package lacks
CITED = {
    "leaders": ["test-leader"],
    "places": ["prk-home", "rus-away"],
    "trips": [TRIP],
    "stops": [f"{TRIP}-s01"],
    "legs": [f"{TRIP}-l01", f"{TRIP}-l02"],
    "border_crossings": [f"{TRIP}-x01", f"{TRIP}-x02"],
}
ROWS["citations"] = [
    {"table_name": t, "record_id": r, "source_id": "test-source", "supports": ""}
    for t, ids in CITED.items()
    for r in ids
]


def _write(path: Path, fields: list[str], rows: list[dict[str, str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


MiniPackage = Callable[..., Path]
Rows = dict[str, list[dict[str, str]]]


@pytest.fixture
def mini_package(tmp_path: Path, repo_root: Path) -> MiniPackage:
    """Return a factory writing the minimal package, with edits, under ``tmp_path``.

    ``mini_package(edit)`` calls ``edit(rows)`` on a deep copy of :data:`ROWS` before
    writing, so a test can break exactly one thing.
    """

    def make(edit: Callable[[dict[str, list[dict[str, str]]]], None] | None = None) -> Path:
        return write_mini_package(tmp_path / "pkg", repo_root, edit)

    return make


def write_mini_package(
    root: Path, repo_root: Path, edit: Callable[[Rows], None] | None = None
) -> Path:
    """Write the minimal package (after ``edit(rows)``) as a project checkout at ``root``."""
    shutil.copytree(repo_root / "datapackage", root / "datapackage", symlinks=True)
    shutil.copytree(repo_root / "data" / "reference", root / "data" / "reference")
    (root / "data" / "curated").mkdir(parents=True)
    rows = json.loads(json.dumps(ROWS))
    if edit is not None:
        edit(rows)
    # The minimal package has its own version and date, whatever the live data declares.
    path = root / "datapackage" / "datapackage.json"
    descriptor = json.loads(path.read_text()) | {
        "version": "0.1.0",
        "created": "2026-11-23T00:00:00Z",
    }
    path.write_text(json.dumps(descriptor, indent=2) + "\n")
    for resource in descriptor["resources"]:
        if resource["name"] not in rows:  # reference tables: the real ones
            continue
        schema = json.loads((root / "datapackage" / resource["schema"]).read_text())
        fields = [f["name"] for f in schema["fields"]]
        _write(root / "datapackage" / resource["path"], fields, rows[resource["name"]])
    return root
