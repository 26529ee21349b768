"""CHANGELOG.md lists added, removed and changed rows and schema changes."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pytest

from leadertravel.build.changelog import diff_table
from leadertravel.build.release import write_release
from leadertravel.build.semver import schema_changes


def test_changelog_lists_row_changes(tmp_path: Path, inputs: Callable[..., Any]) -> None:
    releases = tmp_path / "releases"
    write_release(inputs("0.1.0"), releases=releases)
    new = inputs("0.2.0")
    trips, sources, citations = new.tables["trips"], new.tables["sources"], new.tables["citations"]
    first, second = trips.loc[0, "trip_id"], trips.loc[1, "trip_id"]
    trips.loc[0, "title"] = "Corrected title"
    trips.loc[1, ["title", "confidence"]] = ["Another title", "high"]
    extra = sources.iloc[[0]].assign(source_id="another-synthetic-source")
    new.tables["sources"] = pd.concat([sources, extra], ignore_index=True)
    gone = citations.iloc[-1]
    new.tables["citations"] = citations.iloc[:-1]
    release = write_release(new, releases=releases)
    text = (release / "CHANGELOG.md").read_text()
    assert text.startswith(
        "# leadertravel 0.2.0 (2026-11-23)\n\nChanges since 0.1.0 (a minor release)."
    )
    assert "No schema changes." in text
    n_trips = len(trips)
    assert f"| trips | {n_trips} | 0 | 0 | 2 |" in text
    assert "| sources | 2 | 1 | 0 | 0 |" in text
    assert f"| citations | {len(citations) - 1} | 0 | 1 | 0 |" in text
    assert "| stops | 300 | 0 | 0 | 0 |" in text
    assert "Added:\n\n- `another-synthetic-source`" in text
    assert f"Removed:\n\n- `trips / {gone['record_id']} / {gone['source_id']}`" in text
    assert f"- `{first}`: title\n" in text
    assert f"- `{second}`: title, confidence\n" in text
    assert "Changed rows per field: confidence 1, title 2." in text


def test_diff_table_composite_key_and_nulls() -> None:
    old = pa.table({"a": ["x", "x", "y"], "b": ["1", "2", "1"], "v": [None, 2.0, 3.0]})
    new = pa.table({"a": ["x", "x", "z"], "b": ["1", "2", "1"], "v": [None, 2.5, 3.0]})
    diff = diff_table("t", old, new, ["a", "b"])
    assert diff.added == ["z / 1"]
    assert diff.removed == ["y / 1"]
    assert diff.changed == [("x / 2", ["v"])]
    assert diff.n_changed == 1 and not diff.empty


def test_schema_changes_classify_bumps(small: Any) -> None:
    old = small.schemas
    legs = old["legs"]
    fields = []
    for f in legs["fields"]:
        if f["name"] == "vehicle":
            continue  # removed: major
        if f["name"] == "transport_mode":
            enum = [*f["constraints"]["enum"], "bicycle"]
            f = {**f, "constraints": {**f["constraints"], "enum": enum}}  # minor
        if f["name"] == "distance_km":
            f = {**f, "constraints": {"minimum": 1}}  # tightened: major
        fields.append(f)
    fields.append({"name": "note", "type": "string"})  # minor
    new = {**old, "legs": {**legs, "fields": fields}, "extra": {"fields": []}}
    got = {(c.table, c.field, c.level) for c in schema_changes(old, new)}
    assert got == {
        ("extra", None, "minor"),
        ("legs", "vehicle", "major"),
        ("legs", "transport_mode", "minor"),
        ("legs", "distance_km", "major"),
        ("legs", "note", "minor"),
    }


def _field(**spec: Any) -> dict[str, Any]:
    return {"t": {"fields": [{"name": "x", **spec}]}}


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ({"type": "integer", "constraints": {"minimum": 1}}, {"type": "integer"}, "minor"),
        ({"type": "integer", "constraints": {"maximum": 9}}, {"type": "integer"}, "minor"),
        ({"constraints": {"minLength": 2}}, {}, "minor"),
        ({"constraints": {"maxLength": 8}}, {}, "minor"),
        ({}, {"constraints": {"maxLength": 8}}, "major"),
        ({"type": "integer"}, {"type": "integer", "constraints": {"minimum": 1}}, "major"),
        ({"constraints": {"minLength": 2}}, {"constraints": {"minLength": 1}}, "minor"),
        ({"constraints": {"minLength": 2}}, {"constraints": {"minLength": 3}}, "major"),
        ({}, {"type": "string"}, None),  # a left-out type is "string"
        ({"type": "string"}, {}, None),
        ({"format": "default"}, {}, None),
        ({}, {"type": "integer"}, "major"),
    ],
)
def test_bounds_and_default_types(
    old: dict[str, Any], new: dict[str, Any], expected: str | None
) -> None:
    levels = [c.level for c in schema_changes(_field(**old), _field(**new))]
    assert levels == ([] if expected is None else [expected])
