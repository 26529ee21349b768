"""A curated record repeated stops a build with the sources as reported problems.

The importers, the mode rules and the panels look curated records up by their keys (a
stop by trip and seq, a place or leader by id), so a repeated key must be reported before
they run: one line naming the file, row and key, and no release written. Before the
curated tables' primary keys were checked ahead of importing, four of these builds ended
in a pandas error ("cannot handle a non-unique multi-index").
"""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest

from leadertravel._errors import DataValidationError
from leadertravel.pipeline.release.builder import build_release

REPO = Path(__file__).resolve().parents[2]
SOURCES = (REPO.parent / "shared" / "sources").resolve()
DESCRIPTOR = json.loads((REPO / "datapackage" / "datapackage.json").read_text("utf-8"))
CURATED = sorted(
    r["name"] for r in DESCRIPTOR["resources"] if str(r.get("path", "")).startswith("data/curated/")
)

pytestmark = pytest.mark.skipif(not SOURCES.is_dir(), reason=f"no sources at {SOURCES}")


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    for part in ("datapackage", "data"):
        shutil.copytree(REPO / part, root / part, symlinks=True)
    return root


def test_every_curated_table_is_covered() -> None:
    assert {"leaders", "places", "stops", "trips", "legs"} <= set(CURATED)


@pytest.mark.parametrize("table", CURATED)
def test_repeated_curated_record_is_reported_before_importing(
    project: Path, tmp_path: Path, table: str
) -> None:
    path = (
        project
        / "datapackage"
        / next(r["path"] for r in DESCRIPTOR["resources"] if r["name"] == table)
    )
    with path.open(newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    with path.open("w", newline="", encoding="utf-8") as f:
        csv.writer(f, lineterminator="\n").writerows([*rows[:2], rows[1], *rows[2:]])
    releases = tmp_path / "releases"
    with pytest.raises(DataValidationError) as caught:
        build_release(root=project, releases=releases, sources=SOURCES)
    repeated = [p for p in caught.value.problems if p.rule == "primary-key"]
    assert [(p.file, p.row) for p in repeated] == [(f"data/curated/{path.name}", 3)]
    assert not releases.exists() or not any(releases.iterdir())
