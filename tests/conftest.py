"""Fixtures shared by every test folder."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = (REPO.parent / "shared").resolve()


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--run-network",
        action="store_true",
        default=False,
        help="also run tests marked 'network' (they need the internet)",
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if config.getoption("--run-network"):
        return
    skip = pytest.mark.skip(reason="needs the internet; pass --run-network to run it")
    for item in items:
        if "network" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def repo_root() -> Path:
    """The checkout under test."""
    return REPO


@pytest.fixture(scope="session")
def historian_sources() -> Path:
    """The directory of source snapshots beside the checkout (CI puts shared/ there)."""
    path = SHARED / "sources"
    assert path.is_dir(), f"expected the source snapshots at {path} (../shared beside the repo)"
    return path


def snapshot(root: Path) -> dict[str, str]:
    """Relative path → sha256 of every file under ``root`` (to prove nothing changed)."""
    if not root.exists():
        return {}
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


@pytest.fixture
def snap() -> Callable[[Path], dict[str, str]]:
    """The :func:`snapshot` helper."""
    return snapshot


@pytest.fixture(scope="session")
def shipped_release(tmp_path_factory: pytest.TempPathFactory, historian_sources: Path) -> Path:
    """A release root built once per session from the shipped data (curated + historian).

    Read-only for tests: load from it with ``source=shipped_release``.
    """
    from leadertravel.pipeline.release.builder import build_release

    releases = tmp_path_factory.mktemp("shipped") / "releases"
    build_release(root=REPO, releases=releases, sources=historian_sources)
    return releases
