"""Values that do not fit their column are problems naming file, row, field and value."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from leadertravel._errors import DataValidationError
from leadertravel.build._frames import coerce_frame, read_csv_typed
from leadertravel.build.checks import check_tables, read_csv_strings
from leadertravel.build.release import build_release

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


def test_coercion_treats_an_int64_overflow_as_a_bad_value(tmp_path: Path) -> None:
    frame = read_csv_typed(_csv(tmp_path), SCHEMA, errors="coerce")
    assert str(frame["n"].dtype) == "Int64"
    assert frame["n"].tolist() == [9007199254740993, pd.NA, pd.NA, pd.NA]  # exact, not rounded
    with pytest.raises(ValueError, match=rf"column 'n', row 3: value '{HUGE}' is not a valid"):
        coerce_frame(pd.read_csv(_csv(tmp_path), dtype=str).set_index(pd.RangeIndex(2, 6)), SCHEMA)
    years = pd.DataFrame({"y": ["1999", "70000"]})
    with pytest.raises(ValueError, match=r"column 'y', row 1: value '70000'"):
        coerce_frame(years, {"fields": [{"name": "y", "type": "year"}]})


def test_reading_an_int64_overflow_names_file_row_field_value(tmp_path: Path) -> None:
    path = _csv(tmp_path)
    with pytest.raises(DataValidationError) as caught:
        read_csv_typed(path, SCHEMA)
    (problem,) = caught.value.problems
    assert (problem.file, problem.row, problem.field, problem.rule, problem.value) == (
        str(path),
        3,
        "n",
        "type-error",
        HUGE,
    )


def test_checks_report_an_int64_overflow(tmp_path: Path) -> None:
    table, rows = read_csv_strings(_csv(tmp_path))
    result = check_tables(
        {"t": table}, {"t": SCHEMA}, files={"t": "t.csv"}, row_numbers={"t": rows}
    )
    assert [(p.row, p.field, p.rule, p.value) for p in result.problems] == [
        (3, "n", "type-error", HUGE),
        (5, "n", "type-error", f"-{HUGE}"),
    ]


def test_build_reports_an_int64_overflow_in_a_curated_csv(tmp_path: Path, project: Path) -> None:
    places = project / "data" / "curated" / "places.csv"
    frame = pd.read_csv(places, dtype=str, keep_default_na=False)
    frame.loc[1, "geonames_id"] = HUGE
    frame.to_csv(places, index=False, lineterminator="\n")
    releases = tmp_path / "releases"
    with pytest.raises(DataValidationError, match=rf"places\.csv:3: geonames_id .*'{HUGE}'"):
        build_release(root=project, releases=releases)
    assert not releases.exists()
