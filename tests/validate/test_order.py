"""``validate`` output: by file and row, root causes first, a field and value on every line."""

from __future__ import annotations

from leadertravel._problems import Problem
from leadertravel.pipeline.validate import validate_package

from .conftest import MiniPackage, Rows


def test_a_wrong_trip_date_comes_before_the_lines_it_causes(mini_package: MiniPackage) -> None:
    def edit(rows: Rows) -> None:
        rows["trips"][0]["end_date"] = "2020-01-09"  # before it starts: all else is outside

    problems = validate_package(mini_package(edit))
    files = [p.file for p in problems]
    assert files[0] == "data/curated/trips.csv", [str(p) for p in problems]
    assert (problems[0].rule, problems[0].field) == ("trip-dates", "end_date")
    trips = [p for p in problems if p.file == "data/curated/trips.csv"]
    knock_on = [p for p in problems if p.file != "data/curated/trips.csv"]
    assert trips and len(knock_on) >= 3
    assert all(p.rule == "within-trip" for p in knock_on)
    # files in dependency order (trips before the tables referring to them), rows ascending
    assert files == sorted(files, key=["data/curated/trips.csv", "data/curated/stops.csv",
                                       "data/curated/legs.csv",
                                       "data/curated/border_crossings.csv"].index)  # fmt: skip
    for file in set(files):
        rows = [p.row or 0 for p in problems if p.file == file]
        assert rows == sorted(rows)


def test_a_type_error_comes_before_its_row_s_rule_lines_and_names_the_format(
    mini_package: MiniPackage,
) -> None:
    def edit(rows: Rows) -> None:
        rows["legs"][1]["arrive_date"] = "14/01/2020"
        rows["legs"][1]["depart_date"] = "2020-01-15"

    problems = [p for p in validate_package(mini_package(edit)) if p.row == 3]
    assert problems[0].rule == "type-error", [str(p) for p in problems]
    assert problems[0].value == "14/01/2020"
    assert "YYYY-MM-DD" in problems[0].message


def test_every_line_has_a_field_and_a_value(mini_package: MiniPackage) -> None:
    def edit(rows: Rows) -> None:
        rows["stops"][0]["place_id"] = "rus-nowhere"
        rows["citations"].append(dict(rows["citations"][0]))  # a repeated primary key
        rows["trips"][0]["office_title"] = ""

    problems = validate_package(mini_package(edit))
    assert {p.rule for p in problems} >= {"foreign-key", "primary-key", "constraint-error"}
    for p in problems:
        assert p.field and p.value is not None, str(p)
    fk = next(p for p in problems if p.rule == "foreign-key")
    assert (fk.field, fk.value) == ("place_id", "rus-nowhere")
    assert str(fk).startswith("data/curated/stops.csv:2: place_id [foreign-key] 'rus-nowhere': ")


def test_problems_of_mixed_kinds_sort() -> None:
    a = Problem("b.csv", None, None, "no-rows", "", "empty")
    b = Problem("a.csv", 3, "x", "seq", None, "gap")
    c = Problem("a.csv", 3, "x", "type-error", "q", "not a date", rank=0)
    assert sorted([a, b, c]) == [c, b, a]
