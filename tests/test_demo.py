"""The main job, end to end on the real data: build a release, rebuild it, load it back.

The session's one real build (the ``shipped_release`` fixture) is checked here (the import,
its coverage report, the manifest's inputs), then ``leadertravel demo`` finds the version
published, rebuilds it byte for byte in a temporary directory and loads every table
through the public loader: one build and one rebuild, the slowest path of the suite.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from leadertravel._cli import main
from leadertravel.pipeline._cli_release import _print_coverage


def test_build_then_demo_rebuilds_and_loads(
    tmp_path: Path,
    repo_root: Path,
    historian_sources: Path,
    shipped_release: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    releases, cache = tmp_path / "releases", tmp_path / "cache"
    shutil.copytree(shipped_release, releases)
    version = json.loads((repo_root / "datapackage" / "datapackage.json").read_text())["version"]
    release = releases / version  # the version the descriptor declares
    _print_coverage(release)  # what `leadertravel build` prints after the release path
    out = capsys.readouterr().out
    assert "Import coverage" in out and "records_read: " in out
    coverage = json.loads((release / "coverage.json").read_text())
    manifest = json.loads((release / "datapackage.json").read_text())
    rows = {r["name"]: r["rows"] for r in manifest["resources"]}
    travels, visits = coverage["history-state-travels"], coverage["history-state-visits"]
    assert sorted(coverage) == ["history-state-travels", "history-state-visits"]
    assert (travels["records_accounted"], visits["records_accounted"]) == (4271, 3264)
    assert rows["trips"] > travels["trips"] + visits["trips"] > 4000
    assert rows["stops"] > travels["stops"] + visits["stops"]
    for source in ("history-state-travels", "history-state-visits", "history-state-gsh"):
        assert any(k.startswith(f"{source}/") for k in manifest["inputs"]), source
    sums = (release / "SHA256SUMS").read_text()
    assert all(f in sums for f in ("coverage.json", "merges.csv", "leader_identity.csv"))
    published = sorted(p.name for p in release.iterdir())

    # The version exists: demo rebuilds it in a temp dir, compares, then loads it.
    args = ["demo", "--root", str(repo_root), "--sources", str(historian_sources),
            "--releases", str(releases), "--cache-dir", str(cache)]  # fmt: skip
    assert main(args) == 0
    out = capsys.readouterr().out
    # 22 curated + 1,454 travels + 3,264 visits
    assert re.search(r"^ +trips +4,740 rows$", out, re.MULTILINE), out
    assert "rus-khasan rus-vostochny-cosmodrome" in out
    assert "PRK             RUS rus-khasan-tumangang-bridge 2023-09-12           rail" in out
    assert sorted(p.name for p in release.iterdir()) == published
