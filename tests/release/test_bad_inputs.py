"""Every bad input leaves no release behind, and the published ones untouched."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from leadertravel._errors import (
    DataValidationError,
    ReleaseExists,
    VersionBumpError,
)
from leadertravel.pipeline.release.builder import build_release, write_release

Tables = dict[str, pd.DataFrame]


def _edit(table: str, column: str, value: Any, row: int = 0) -> Callable[[Tables], None]:
    def edit(tables: Tables) -> None:
        frame = tables[table]
        frame[column] = frame[column].astype(object)
        frame.loc[row, column] = value

    return edit


def _duplicate_trip(tables: Tables) -> None:
    trips = tables["trips"]
    tables["trips"] = pd.concat([trips, trips.iloc[[3]]], ignore_index=True)


def _trip_ends_before_it_starts(tables: Tables) -> None:
    trips = tables["trips"]
    trips.loc[0, "end_date"] = trips.loc[0, "start_date"] - pd.Timedelta(days=1)


# (case, edit of the 0.2.0 tables, error, rule or text expected in the error)
BAD = [
    ("type error", _edit("stops", "seq", "first"), DataValidationError, "type-error"),
    ("enum", _edit("trips", "visit_type", "holiday"), DataValidationError, '"enum"'),
    ("pattern", _edit("leaders", "wikidata_id", "12"), DataValidationError, '"pattern"'),
    ("required", _edit("trips", "office_title", None), DataValidationError, '"required"'),
    ("minimum", _edit("legs", "distance_km", -5.0), DataValidationError, '"minimum"'),
    ("duplicate primary key", _duplicate_trip, DataValidationError, "primary-key"),
    (
        "dangling foreign key",
        _edit("stops", "place_id", "xyz-nowhere"),
        DataValidationError,
        "foreign-key",
    ),
    ("semantic rule", _trip_ends_before_it_starts, DataValidationError, "trip-dates"),
]


@pytest.fixture
def published(tmp_path: Path, inputs: Callable[..., Any], snap: Any) -> tuple[Path, dict[str, str]]:
    releases = tmp_path / "releases"
    write_release(inputs("0.1.0"), releases=releases)
    return releases, snap(releases)


@pytest.mark.parametrize(("case", "edit", "error", "rule"), BAD, ids=[b[0] for b in BAD])
def test_bad_table_leaves_nothing(
    case: str,
    edit: Callable[[Tables], None],
    error: type[Exception],
    rule: str,
    published: tuple[Path, dict[str, str]],
    inputs: Callable[..., Any],
    snap: Any,
) -> None:
    releases, before = published
    bad = inputs("0.2.0")
    edit(bad.tables)
    with pytest.raises(error) as caught:
        write_release(bad, releases=releases)
    assert rule in str(caught.value), case
    assert snap(releases) == before  # no 0.2.0, no temp dir, 0.1.0 and index.json untouched
    assert sorted(p.name for p in releases.iterdir()) == ["0.1.0", "index.html", "index.json"]


def test_problem_names_table_key_field_and_value(
    tmp_path: Path, inputs: Callable[..., Any]
) -> None:
    bad = inputs()
    _edit("stops", "place_id", "xyz-nowhere", row=5)(bad.tables)
    stop_id = bad.tables["stops"].loc[5, "stop_id"]
    with pytest.raises(DataValidationError) as caught:
        write_release(bad, releases=tmp_path / "releases")
    problem, *knock_on = caught.value.problems  # the root cause first
    assert (problem.file, problem.field, problem.rule, problem.value) == (
        "stops",
        "place_id",
        "foreign-key",
        "xyz-nowhere",
    )
    assert problem.message.startswith(f"stop_id={stop_id}: ")
    assert {p.rule for p in knock_on} <= {"legs-follow-stops"}
    assert not (tmp_path / "releases").exists()  # the failed build created nothing


def test_existing_version_is_refused(
    published: tuple[Path, dict[str, str]], inputs: Callable[..., Any], snap: Any
) -> None:
    releases, before = published
    with pytest.raises(ReleaseExists, match=r"0\.1\.0 already exists"):
        write_release(inputs("0.1.0"), releases=releases)
    assert snap(releases) == before


def _new_source(tables: Tables) -> None:
    sources = tables["sources"]
    row = sources.iloc[[0]].assign(source_id="another-synthetic-source")
    tables["sources"] = pd.concat([sources, row], ignore_index=True)


@pytest.mark.parametrize(
    ("version", "match"),
    [
        ("0.1.1", r"patch bump over 0\.1\.0, but the changes require a minor bump.*use 0\.2\.0"),
        ("0.0.9", r"not newer than the latest release 0\.1\.0"),
        ("0.2", "not MAJOR.MINOR.PATCH"),
    ],
)
def test_understated_version_is_refused(
    version: str,
    match: str,
    published: tuple[Path, dict[str, str]],
    inputs: Callable[..., Any],
    snap: Any,
) -> None:
    releases, before = published
    new = inputs(version)
    _new_source(new.tables)  # a new row: at least MINOR
    with pytest.raises(VersionBumpError, match=match):
        write_release(new, releases=releases)
    assert snap(releases) == before


def test_retyped_field_needs_major(
    published: tuple[Path, dict[str, str]], inputs: Callable[..., Any], snap: Any
) -> None:
    releases, before = published
    new = inputs("0.2.0")
    schemas = {**new.schemas, "legs": _retyped(new.schemas["legs"], "seq", "number")}
    new = type(new)(new.package, schemas, new.tables)
    with pytest.raises(VersionBumpError, match=r"`legs\.seq`: type changed.*use 1\.0\.0"):
        write_release(new, releases=releases)
    assert snap(releases) == before
    assert (
        write_release(
            type(new)({**new.package, "version": "1.0.0"}, schemas, new.tables), releases=releases
        ).name
        == "1.0.0"
    )


def _retyped(schema: dict[str, Any], name: str, ftype: str) -> dict[str, Any]:
    fields = [{**f, "type": ftype} if f["name"] == name else f for f in schema["fields"]]
    return {**schema, "fields": fields}


def test_bad_csv_builds_nothing(tmp_path: Path, project: Path) -> None:
    stops = project / "data" / "curated" / "stops.csv"
    lines = stops.read_text().splitlines()
    lines[1] = lines[1].replace(",1,", ",one,", 1)
    stops.write_text("\n".join(lines) + "\n")
    releases = tmp_path / "releases"
    with pytest.raises(DataValidationError, match="type-error"):
        build_release(root=project, releases=releases)
    assert not releases.exists()
