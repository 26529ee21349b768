"""The Table Schemas are complete and consistent with each other and the reference data."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest

from leadertravel._schema import arrow_schema, enum_of
from leadertravel.pipeline.countries import country_rows, render_csv
from leadertravel.pipeline.panels import DERIVED_TABLES


def _descriptor(repo_root: Path) -> dict[str, Any]:
    return json.loads((repo_root / "datapackage" / "datapackage.json").read_text())


def _schemas(repo_root: Path) -> dict[str, dict[str, Any]]:
    base = repo_root / "datapackage"
    curated = {
        r["name"]: json.loads((base / r["schema"]).read_text())
        for r in _descriptor(repo_root)["resources"]
    }
    derived = {
        name: json.loads((base / "schemas" / f"{name}.schema.json").read_text())
        for name in DERIVED_TABLES
    }
    return curated | derived


def test_descriptor_lists_every_table_once(repo_root: Path) -> None:
    resources = _descriptor(repo_root)["resources"]
    names = [r["name"] for r in resources]
    assert len(names) == len(set(names)) >= 11
    assert [r["schema"] for r in resources] == [f"schemas/{t}.schema.json" for t in names]
    files = sorted(p.name for p in (repo_root / "datapackage" / "schemas").glob("*.schema.json"))
    # no schema without a resource, except the tables the build derives
    assert files == sorted(f"{t}.schema.json" for t in [*names, *DERIVED_TABLES])


def test_every_field_is_typed_and_described(repo_root: Path) -> None:
    for table, schema in _schemas(repo_root).items():
        assert schema.get("primaryKey"), f"{table} has no primary key"
        for field in schema["fields"]:
            where = f"{table}.{field['name']}"
            assert field.get("type"), f"{where} has no type"
            assert len(field.get("description", "")) > 10, f"{where} has no description"
        arrow_schema(schema)  # every type maps to Arrow


def test_foreign_keys_point_at_existing_primary_keys(repo_root: Path) -> None:
    schemas = _schemas(repo_root)
    for table, schema in schemas.items():
        names = {f["name"] for f in schema["fields"]}
        for fk in schema.get("foreignKeys", []):
            target = fk["reference"]["resource"]
            assert set(fk["fields"]) <= names, f"{table}: {fk}"
            assert fk["reference"]["fields"] == schemas[target]["primaryKey"], f"{table}: {fk}"


@pytest.mark.parametrize(
    ("table", "field", "target"),
    [
        ("trips", "leader_id", "leaders"),
        ("stops", "trip_id", "trips"),
        ("stops", "place_id", "places"),
        ("stops", "country_code", "countries"),
        ("legs", "from_place_id", "places"),
        ("legs", "to_place_id", "places"),
        ("legs", "transport_mode", "transport_modes"),
        ("border_crossings", "leg_id", "legs"),
        ("border_crossings", "from_country_code", "countries"),
        ("border_crossings", "to_country_code", "countries"),
        ("border_crossings", "crossing_place_id", "places"),
        ("citations", "source_id", "sources"),
    ],
)
def test_required_references_exist(repo_root: Path, table: str, field: str, target: str) -> None:
    fks = _schemas(repo_root)[table].get("foreignKeys", [])
    assert any(fk["fields"] == [field] and fk["reference"]["resource"] == target for fk in fks)


def test_transport_mode_enums_match_the_vocabulary(repo_root: Path) -> None:
    with (repo_root / "data" / "reference" / "transport_modes.csv").open() as fh:
        codes = sorted(row["code"] for row in csv.DictReader(fh))
    assert {"air", "rail", "road", "sea", "helicopter", "foot", "unknown"} <= set(codes)
    schemas = _schemas(repo_root)
    for table in ("legs", "border_crossings", "transport_modes"):
        field = next(f for f in schemas[table]["fields"] if f["name"] in ("transport_mode", "code"))
        assert sorted(enum_of(field) or []) == codes, table


def test_countries_csv_is_what_the_generator_makes(repo_root: Path) -> None:
    ref = repo_root / "data" / "reference"
    rows = country_rows(ref / "countries_addendum.csv")
    assert render_csv(rows) == (ref / "countries.csv").read_text(encoding="utf-8"), (
        "data/reference/countries.csv is stale: run `make countries`"
    )


def test_countries_counts_and_historic_entities(repo_root: Path) -> None:
    with (repo_root / "data" / "reference" / "countries.csv").open(encoding="utf-8") as fh:
        rows = {row["code"]: row for row in csv.DictReader(fh)}
    statuses = [r["status"] for r in rows.values()]
    assert statuses.count("iso-3166-1") == 249
    assert statuses.count("iso-3166-3") == 30  # pycountry's 31 less ATF, still current
    for code in ("SUN", "YUG", "CSK", "DDR", "ANT"):
        assert rows[code]["status"] == "iso-3166-3", code
        assert rows[code]["valid_to"], code
    assert rows["SUN"]["valid_to"] == "1992-08-30"
    assert rows["XKX"]["status"] == "user-assigned"
    assert rows["PRK"]["alpha_2"] == "KP"
