from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from leadertravel.build.historian import HistorianImport, import_historian
from leadertravel.build.historian._frames import typed_frame

ROOT = Path(__file__).resolve().parents[2]
SOURCES = (ROOT / "../shared/sources/history-state-travels").resolve()


def curated_places() -> pd.DataFrame:
    """The curated places table, typed as the release builder passes it."""
    raw = pd.read_csv(ROOT / "data/curated/places.csv", dtype=str, keep_default_na=False)
    rows = []
    for record in raw.to_dict("records"):
        row = {k: (v or None) for k, v in record.items()}
        for key in ("lat", "lon", "coord_uncertainty_km"):
            row[key] = None if row[key] is None else float(row[key])
        row["geonames_id"] = None if row["geonames_id"] is None else int(row["geonames_id"])
        rows.append(row)
    return typed_frame(ROOT, "places", rows)


@pytest.fixture(scope="session")
def historian() -> HistorianImport:
    """The real import with the curated places, as the release builder runs it; once."""
    return import_historian(SOURCES, root=ROOT, curated_places=curated_places())


@pytest.fixture
def scratch(tmp_path: Path) -> tuple[Path, Path]:
    """A copy of the source directory and of the checkout's inputs, safe to alter."""
    sources = tmp_path / "sources"
    shutil.copytree(SOURCES, sources)
    root = tmp_path / "root"
    for rel in ("data/pins", "data/historian", "data/reference", "datapackage/schemas"):
        shutil.copytree(ROOT / rel, root / rel)
    return sources, root
