"""Fixtures shared by every test folder."""

from __future__ import annotations

import functools
import hashlib
import http.server
import threading
import urllib.parse
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

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


class _Recorder(http.server.SimpleHTTPRequestHandler):
    """Serve a folder and record every request (``"GET /path"``, ``"CONNECT host"``).

    It may also be a browser's proxy: a request for any other host is recorded and refused,
    so nothing a page asks for can leave the machine.
    """

    seen: list[str]
    origin: str

    def log_message(self, format: str, *args: Any) -> None:  # keep pytest output clean
        pass

    def do_CONNECT(self) -> None:
        self.seen.append(f"CONNECT {self.path}")
        self.send_error(403, "no requests outside the served folder")

    def do_GET(self) -> None:
        self.seen.append(f"GET {self.path}")
        url = urllib.parse.urlsplit(self.path)
        if url.netloc and url.netloc != self.origin:
            self.send_error(403, "no requests outside the served folder")
            return
        self.path = url.path + (f"?{url.query}" if url.query else "")
        super().do_GET()


@dataclass(frozen=True)
class Served:
    """A folder served on 127.0.0.1: its origin (``http://127.0.0.1:PORT``) and requests."""

    url: str
    seen: list[str]


@pytest.fixture
def serve_folder() -> Iterator[Callable[[Path], Served]]:
    """Serve folders over HTTP on a free loopback port until the test ends."""
    servers: list[tuple[http.server.ThreadingHTTPServer, threading.Thread]] = []

    def serve(folder: Path) -> Served:
        seen: list[str] = []
        handler = type("Handler", (_Recorder,), {"seen": seen, "origin": ""})
        server = http.server.ThreadingHTTPServer(
            ("127.0.0.1", 0), functools.partial(handler, directory=str(folder))
        )
        handler.origin = f"127.0.0.1:{server.server_address[1]}"
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        servers.append((server, thread))
        return Served(f"http://{handler.origin}", seen)

    yield serve
    for server, thread in servers:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
