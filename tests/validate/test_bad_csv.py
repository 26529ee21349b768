"""Every bad curated CSV gives problem lines, never a traceback, and builds nothing.

Each case breaks one file of the minimal package the way a hand edit or a bad export
does. ``validate`` and ``build`` must print ``file:row: field [rule] 'value': message``
lines (or, for a file that cannot be read at all, ``file: [rule] 'value': message``),
exit 1, and leave the published release as it was.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from leadertravel._cli import main

from .conftest import MiniPackage, write_mini_package

LINE = re.compile(
    r"^(?P<file>[^\s:]+)(?::(?P<row>\d+))?:(?: (?P<field>\S+))? \[(?P<rule>[a-z-]+)\] '.*': .+$"
)
TRIPS = "data/curated/trips.csv"


def _rewrite(path: Path, edit: Callable[[bytes], bytes]) -> None:
    path.write_bytes(edit(path.read_bytes()))


def _lines(text: bytes) -> list[bytes]:
    return text.splitlines(keepends=True)


def _title(new: bytes) -> Callable[[bytes], bytes]:
    return lambda b: b.replace(b"A test trip", new)


BIG = 50_000_000
CASES: dict[str, tuple[Callable[[bytes], bytes], str, str]] = {
    # case: (edit of trips.csv, rule expected on trips.csv, what the line must mention)
    "duplicate primary key": (lambda b: b + _lines(b)[1], "primary-key", "earlier row"),
    "non-UTF-8 byte": (_title(b"A t\xe9st trip"), "encoding-error", "UTF-8"),
    "duplicated header": (lambda b: b.replace(b",title,", b",office,"), "duplicate-label", "twice"),
    "empty file": (lambda b: b"", "empty-file", "empty"),
    "header-only file": (lambda b: _lines(b)[0], "no-rows", "no rows"),
    "unterminated quote": (_title(b'"A test trip'), "source-error", "never closed"),
    "50 MB field": (_title(b'"' + b"x" * BIG + b'"'), "source-error", "longer than"),
    "50 MB line": (_title(b"y" * BIG), "source-error", "longer than"),
    "missing cells": (lambda b: _lines(b)[0] + b"only,two\n", "missing-cell", "cells"),
    "extra cells": (lambda b: b.replace(b"high,\n", b"high,,x\n"), "extra-cell", "cells"),
    "blank row": (lambda b: _lines(b)[0] + b"\n" + b"".join(_lines(b)[1:]), "blank-row", "blank"),
}  # fmt: skip


@pytest.fixture(scope="module")
def releases(tmp_path_factory: pytest.TempPathFactory, repo_root: Path) -> Path:
    """A release root with release 0.1.0 of the minimal package (built once)."""
    base = tmp_path_factory.mktemp("published")
    root = write_mini_package(base / "pkg", repo_root)
    out = base / "releases"
    assert main(["build", "--no-sources", "--root", str(root), "--releases", str(out)]) == 0
    return out


@pytest.fixture
def published(mini_package: MiniPackage, releases: Path) -> tuple[Path, Path]:
    return mini_package(), releases


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_csv_gives_problem_lines_and_builds_nothing(
    case: str,
    published: tuple[Path, Path],
    snap: Any,
    capsys: pytest.CaptureFixture[str],
) -> None:
    root, releases = published
    before = snap(releases)
    edit, rule, words = CASES[case]
    _rewrite(root / TRIPS, edit)
    capsys.readouterr()
    for argv in (
        ["validate", "--root", str(root)],
        ["build", "--no-sources", "--root", str(root), "--releases", str(releases),
         "--version", "0.2.0"],
    ):  # fmt: skip
        assert main(argv) == 1, argv
        captured = capsys.readouterr()
        assert "Traceback" not in captured.err + captured.out
        lines = captured.out.splitlines()
        assert lines, (argv, captured.err)
        for line in lines:
            assert LINE.match(line), line
            assert len(line) < 1000, line[:200]
        first = LINE.match(lines[0])
        assert first is not None
        assert (first["file"], first["rule"]) == (TRIPS, rule), lines[:5]
        assert words in lines[0], lines[0]
        assert snap(releases) == before  # the published release is untouched, nothing added


def test_an_unreadable_table_stops_there(mini_package: MiniPackage, capsys: Any) -> None:
    root = mini_package()
    _rewrite(root / TRIPS, lambda b: b.replace(b"A test trip", b'"A test trip'))
    assert main(["validate", "--root", str(root)]) == 1
    lines = capsys.readouterr().out.splitlines()
    # one line: no foreign-key lines from stops, legs and citations, no rules on trips
    assert len(lines) == 1, lines


@pytest.mark.parametrize("value", ["-inf", "1e999", "NaN"])
def test_non_finite_numbers_are_refused_by_validate_and_build(
    value: str, published: tuple[Path, Path], snap: Any, capsys: Any
) -> None:
    root, releases = published
    before = snap(releases)
    legs = root / "data" / "curated" / "legs.csv"
    _rewrite(legs, lambda b: b.replace(b",700,", f",{value},".encode(), 1))
    capsys.readouterr()
    assert main(["validate", "--root", str(root)]) == 1
    out = capsys.readouterr().out
    assert f"data/curated/legs.csv:2: distance_km [type-error] '{value}': " in out
    assert "finite" in out
    args = ["build", "--no-sources", "--root", str(root), "--releases", str(releases)]
    assert main([*args, "--version", "0.2.0"]) == 1
    assert snap(releases) == before
