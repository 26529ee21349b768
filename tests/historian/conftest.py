from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from leadertravel.pipeline.importers.historian import HistorianImport, import_historian
from leadertravel.pipeline.importers.historian._shared import HistorianBase, historian_base
from leadertravel.pipeline.importers.visits import VisitsImport, import_visits
from leadertravel.pipeline.validate import read_curated

ROOT = Path(__file__).resolve().parents[2]
SNAPSHOTS = (ROOT / "../shared/sources").resolve()
SOURCES = SNAPSHOTS / "history-state-travels"
VISITS = SNAPSHOTS / "history-state-visits"
GSH = SNAPSHOTS / "history-state-gsh"


def curated_places() -> pd.DataFrame:
    """The curated places table, typed as the release builder passes it."""
    return read_curated(ROOT).tables["places"].reset_index(drop=True)


@pytest.fixture(scope="session")
def base() -> HistorianBase:
    """The gazetteer, country map and place registry both imports share, as in a build."""
    return historian_base(ROOT, GSH, curated_places=curated_places())


@pytest.fixture(scope="session")
def historian(base: HistorianBase) -> HistorianImport:
    """The real travels import with the curated places, as the release builder runs it."""
    return import_historian(SOURCES, root=ROOT, base=base)


@pytest.fixture(scope="session")
def visits(historian: HistorianImport, base: HistorianBase) -> VisitsImport:
    """The real visits import, after the travels import (the build's order), once."""
    return import_visits(VISITS, root=ROOT, base=base)


def _scratch(tmp_path: Path, snapshot: Path) -> tuple[Path, Path]:
    sources = tmp_path / "sources" / snapshot.name
    shutil.copytree(snapshot, sources)
    (sources.parent / "history-state-gsh").symlink_to(GSH)
    root = tmp_path / "root"
    for rel in (
        "data/pins",
        "data/historian",
        "data/reference",
        "data/visits",
        "datapackage/schemas",
    ):
        shutil.copytree(ROOT / rel, root / rel)
    return sources, root


@pytest.fixture
def scratch(tmp_path: Path) -> tuple[Path, Path]:
    """A copy of the travels snapshot and of the checkout's inputs, safe to alter."""
    return _scratch(tmp_path, SOURCES)


@pytest.fixture
def visits_scratch(tmp_path: Path) -> tuple[Path, Path]:
    """A copy of the visits snapshot and of the checkout's inputs, safe to alter."""
    return _scratch(tmp_path, VISITS)
