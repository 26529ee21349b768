from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from leadertravel.build.historian import HistorianImport, import_historian
from leadertravel.build.validate import read_curated

ROOT = Path(__file__).resolve().parents[2]
SOURCES = (ROOT / "../shared/sources/history-state-travels").resolve()


def curated_places() -> pd.DataFrame:
    """The curated places table, typed as the release builder passes it."""
    return read_curated(ROOT).tables["places"].reset_index(drop=True)


@pytest.fixture(scope="session")
def historian() -> HistorianImport:
    """The real import with the curated places, as the release builder runs it; once."""
    return import_historian(SOURCES, root=ROOT, curated_places=curated_places())


@pytest.fixture
def scratch(tmp_path: Path) -> tuple[Path, Path]:
    """A copy of the source directory and of the checkout's inputs, safe to alter."""
    sources = tmp_path / "sources" / "history-state-travels"
    shutil.copytree(SOURCES, sources)
    (sources.parent / "history-state-gsh").symlink_to(SOURCES.parent / "history-state-gsh")
    root = tmp_path / "root"
    for rel in ("data/pins", "data/historian", "data/reference", "datapackage/schemas"):
        shutil.copytree(ROOT / rel, root / rel)
    return sources, root
