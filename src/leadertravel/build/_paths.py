"""Where the build finds the project's inputs."""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["DEFAULT_SOURCES", "datapackage_path", "project_root"]


def project_root() -> Path:
    """Return the checkout the build reads ``datapackage/`` and ``data/`` from.

    ``LEADERTRAVEL_PROJECT_ROOT`` overrides; otherwise the nearest parent of this file
    (or of the working directory) that holds ``datapackage/datapackage.json``.
    """
    env = os.environ.get("LEADERTRAVEL_PROJECT_ROOT")
    if env:
        return Path(env).resolve()
    for start in (Path(__file__).resolve(), Path.cwd().resolve()):
        for candidate in (start, *start.parents):
            if (candidate / "datapackage" / "datapackage.json").is_file():
                return candidate
    msg = (
        "could not find datapackage/datapackage.json above the package or the working "
        "directory; run from a leadertravel checkout or set LEADERTRAVEL_PROJECT_ROOT"
    )
    raise FileNotFoundError(msg)


DEFAULT_SOURCES = Path("../shared/sources")


def datapackage_path(root: Path | None = None) -> Path:
    """Return the path of the curated data package descriptor."""
    return (root or project_root()) / "datapackage" / "datapackage.json"
