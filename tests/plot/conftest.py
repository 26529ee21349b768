"""Fixtures of the map and plot tests: the shipped release and how to load from it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import leadertravel as lt


@pytest.fixture(scope="session")
def release(shipped_release: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Loader options for the shipped release, with a cache shared by the session."""
    return {"source": shipped_release, "cache_dir": tmp_path_factory.mktemp("plot-cache")}


@pytest.fixture(scope="session")
def load(release: dict[str, Any]) -> Any:
    """``lt.load`` bound to the shipped release."""

    def run(table: str, **kwargs: Any) -> Any:
        return lt.load(table, **release, **kwargs)

    return run
