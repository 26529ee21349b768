"""A built release is a valid Frictionless data package as downloaded, and frictionless and
the project's vectorized checks agree on it and on deliberately broken copies."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from leadertravel._format import BYTES_KEY
from leadertravel.pipeline.release.builder import write_release
from leadertravel.pipeline.release.checks import check_release_files, frictionless_problems


@pytest.fixture(scope="module")
def release(tmp_path_factory: pytest.TempPathFactory, tiny: Any) -> Path:
    return write_release(tiny, releases=tmp_path_factory.mktemp("releases"))


def _key(problems: list[Any]) -> set[tuple[str, int | None, str | None, str]]:
    """(file, row, field, rule); frictionless names no field for key problems."""
    keys = ("primary-key", "foreign-key")
    return {(p.file, p.row, None if p.rule in keys else p.field, p.rule) for p in problems}


def _rewrite(directory: Path, name: str, table: pa.Table, *, manifest: bool = True) -> None:
    """Write ``table`` as ``name``.parquet; update the manifest's rows, size and hash."""
    path = directory / f"{name}.parquet"
    pq.write_table(table, path)
    if not manifest:
        return
    descriptor = json.loads((directory / "datapackage.json").read_text())
    for resource in descriptor["resources"]:
        if resource["name"] == name:
            resource["rows"] = table.num_rows
            resource[BYTES_KEY] = path.stat().st_size
            resource["hash"] = "sha256:" + hashlib.sha256(path.read_bytes()).hexdigest()
    (directory / "datapackage.json").write_text(json.dumps(descriptor, indent=2))


def _set(table: pa.Table, column: str, row: int, value: Any) -> pa.Table:
    """``table`` with one cell replaced (enum columns become plain text)."""
    values = table.column(column)
    if pa.types.is_dictionary(values.type):
        values = values.cast(values.type.value_type)
    cells = values.to_pylist()
    cells[row] = value
    field = table.schema.field(column)
    array = pa.array(cells, type=values.type)
    index = table.schema.get_field_index(column)
    return table.set_column(index, field.with_type(array.type), array)


def test_a_built_release_is_valid_for_frictionless_and_the_checks(release: Path) -> None:
    # the nulls are there (without the release's missingValues frictionless rejects each)
    places = pq.read_table(release / "places.parquet")
    legs = pq.read_table(release / "legs.parquet")
    assert places.column("geonames_id").null_count > 0
    assert places.column("coord_uncertainty_km").null_count > 0
    assert legs.column("distance_km").null_count > 0
    assert frictionless_problems(release) == []
    assert check_release_files(release) == []


def test_broken_copies_get_the_same_problems_from_both(release: Path, tmp_path: Path) -> None:
    broken = tmp_path / "0.1.0"
    shutil.copytree(release, broken)
    legs = pq.read_table(broken / "legs.parquet")
    legs = _set(legs, "transport_mode", 2, "spaceship")  # enum
    legs = _set(legs, "distance_km", 4, -5.0)  # minimum
    _rewrite(broken, "legs", legs)
    trips = pq.read_table(broken / "trips.parquet")
    _rewrite(broken, "trips", _set(trips, "leader_id", 1, "nobody-known"))  # foreign key
    places = pq.read_table(broken / "places.parquet")
    places = _set(places, "lat", 0, 123.0)  # maximum
    places = _set(places, "place_id", 3, "Not A Slug")  # pattern
    _rewrite(broken, "places", places)
    leaders = pq.read_table(broken / "leaders.parquet")
    names = pa.array([None, *leaders.column("name").to_pylist()[1:]], pa.string())
    leaders = leaders.set_column(1, pa.field("name", pa.string()), names)  # required
    _rewrite(broken, "leaders", leaders)
    stops = pq.read_table(broken / "stops.parquet")
    _rewrite(broken, "stops", pa.concat_tables([stops, stops.slice(0, 1)]))  # primary key

    ours, theirs = check_release_files(broken), frictionless_problems(broken)
    assert _key(ours) == _key(theirs)
    n_stops = stops.num_rows
    expected = {
        ("legs.parquet", 4, "transport_mode", "constraint-error"),
        ("legs.parquet", 6, "distance_km", "constraint-error"),
        ("trips.parquet", 3, None, "foreign-key"),
        ("places.parquet", 2, "lat", "constraint-error"),
        ("places.parquet", 5, "place_id", "constraint-error"),
        ("leaders.parquet", 2, "name", "constraint-error"),
        ("stops.parquet", n_stops + 2, "stop_id", "unique-error"),
        ("stops.parquet", n_stops + 2, None, "primary-key"),
    }
    assert expected <= _key(ours)
    # nothing else but what the broken cells drag along (e.g. rows pointing at the place
    # whose id was broken)
    others = _key(ours) - expected
    assert {rule for *_, rule in others} <= {"foreign-key"}, others


def test_a_manifest_that_lies_about_its_files(release: Path, tmp_path: Path) -> None:
    broken = tmp_path / "0.1.0"
    shutil.copytree(release, broken)
    descriptor = json.loads((broken / "datapackage.json").read_text())
    trips = next(r for r in descriptor["resources"] if r["name"] == "trips")
    trips["rows"] += 1
    (broken / "datapackage.json").write_text(json.dumps(descriptor, indent=2))
    terms = pq.read_table(broken / "terms.parquet")
    _rewrite(broken, "terms", terms.drop_columns(["origin"]), manifest=False)  # and stale

    ours, theirs = _key(check_release_files(broken)), _key(frictionless_problems(broken))
    assert ("trips.parquet", None, None, "row-count") in ours & theirs
    assert ("terms.parquet", None, "origin", "missing-label") in ours & theirs, theirs
    # frictionless never hashes or measures a Parquet file: only the vectorized side
    # sees that terms.parquet is not the file the manifest describes
    assert {"byte-count", "hash-count"} <= {rule for *_, rule in ours - theirs}
    assert theirs <= ours


def test_the_checks_read_nan_as_nan_not_as_null(release: Path, tmp_path: Path) -> None:
    """A real NaN (not a null) in a number column is a value, refused by the checks."""
    broken = tmp_path / "0.1.0"
    shutil.copytree(release, broken)
    legs = pq.read_table(broken / "legs.parquet")
    distance = pc.fill_null(legs.column("distance_km"), float("nan"))
    index = legs.schema.get_field_index("distance_km")
    _rewrite(broken, "legs", legs.set_column(index, legs.schema.field(index), distance))
    rules = {(p.field, p.rule) for p in check_release_files(broken)}
    assert rules, "a NaN distance must not pass the checks"
    assert {field for field, _ in rules} == {"distance_km"}
