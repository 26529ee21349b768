"""Values that do not fit their column are problems naming file, row, field and value."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from leadertravel._errors import DataValidationError
from leadertravel.pipeline.checks import check_tables
from leadertravel.pipeline.curated import read_csv
from leadertravel.pipeline.release.builder import build_release

HUGE = "99999999999999999999"  # beyond int64: frictionless accepts it, Parquet cannot
SCHEMA = {
    "fields": [
        {"name": "id", "type": "string"},
        {"name": "n", "type": "integer", "constraints": {"minimum": 1}},
    ]
}


def _csv(tmp_path: Path) -> Path:
    path = tmp_path / "t.csv"
    path.write_text(f"id,n\na,9007199254740993\nb,{HUGE}\nc,\nd,-{HUGE}\n")
    return path


def test_checks_report_an_int64_overflow(tmp_path: Path) -> None:
    read = read_csv(_csv(tmp_path), file="t.csv")
    result = check_tables({"t": read.table}, {"t": SCHEMA}, locations={"t": read.location})
    assert [(p.row, p.field, p.rule, p.value) for p in result.problems] == [
        (3, "n", "type-error", HUGE),
        (5, "n", "type-error", f"-{HUGE}"),
    ]
    assert "expected an integer" in result.problems[0].message
    assert result.tables["t"]["n"].to_pylist() == [9007199254740993, None, None, None]


def test_build_reports_an_int64_overflow_in_a_curated_csv(tmp_path: Path, project: Path) -> None:
    places = project / "data" / "curated" / "places.csv"
    frame = pd.read_csv(places, dtype=str, keep_default_na=False)
    frame.loc[1, "geonames_id"] = HUGE
    frame.to_csv(places, index=False, lineterminator="\n")
    releases = tmp_path / "releases"
    with pytest.raises(DataValidationError, match=rf"places\.csv:3: geonames_id .*'{HUGE}'"):
        build_release(root=project, releases=releases)
    assert not releases.exists()
