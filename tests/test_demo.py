"""The main job (``make demo``): build a release from the shipped data, then load it back."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from leadertravel._cli import main


def test_demo_builds_then_checks_and_loads(
    tmp_path: Path, repo_root: Path, historian_sources: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    releases, cache = tmp_path / "releases", tmp_path / "cache"
    args = ["demo", "--root", str(repo_root), "--sources", str(historian_sources),
            "--releases", str(releases), "--cache-dir", str(cache)]  # fmt: skip
    assert main(args) == 0
    first = capsys.readouterr().out
    assert (releases / "0.1.0" / "SHA256SUMS").is_file()
    assert re.search(r"^ +trips +1,470 rows$", first, re.MULTILINE), first
    assert "rus-khasan rus-vostochny-cosmodrome" in first
    assert "PRK             RUS rus-khasan-tumangang-bridge 2023-09-12           rail" in first

    published = sorted(p.name for p in (releases / "0.1.0").iterdir())
    assert main(args) == 0  # second run: the version exists, so it is rebuilt and compared
    assert capsys.readouterr().out == first
    assert sorted(p.name for p in (releases / "0.1.0").iterdir()) == published
