"""``leadertravel validate`` prints one line per problem and exits non-zero."""

from __future__ import annotations

import pytest

from leadertravel._cli import main

from .conftest import MiniPackage


def test_cli_reports_each_problem_and_fails(
    mini_package: MiniPackage, capsys: pytest.CaptureFixture[str]
) -> None:
    def edit(rows: dict[str, list[dict[str, str]]]) -> None:
        rows["trips"][0]["end_date"] = "2020-01-09"
        rows["legs"][1]["transport_mode"] = "teleport"

    root = mini_package(edit)
    assert main(["validate", "--root", str(root)]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert any(
        line.startswith("data/curated/trips.csv:2: end_date [trip-dates] '2020-01-09': ")
        for line in lines
    ), lines
    assert any(
        line.startswith("data/curated/legs.csv:3: transport_mode [constraint-error] 'teleport'")
        for line in lines
    ), lines


def test_cli_summarises_a_valid_package(
    mini_package: MiniPackage, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["validate", "--root", str(mini_package())]) == 0
    out = capsys.readouterr().out
    assert "valid" in out
    assert "legs" in out and "2 rows" in out
