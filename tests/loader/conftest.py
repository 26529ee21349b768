"""Fixtures for the loader tests: small spec-conforming releases and a real HTTP server.

The releases are written by ``leadertravel._example.write_release`` from typed tables whose
Table Schemas are the project's own (``datapackage/schemas/``). The server is a
``http.server.ThreadingHTTPServer`` on 127.0.0.1 serving a release root, recording every
request, with faults injected per path (status codes, corrupt or truncated bodies, slow
answers, endless bodies).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import http.server
import json
import shutil
import socket
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest

from leadertravel._example import write_release
from leadertravel._schema import enum_of, read_table_schema

REPO = Path(__file__).resolve().parents[2]
SCHEMAS = REPO / "datapackage" / "schemas"
LEADERS = ["alpha-a", "bravo-b", "charlie-c"]


def _column(spec: dict[str, Any], n: int) -> list[Any]:
    """Values of one field for ``n`` rows, typed from the schema; every 3rd optional is null."""
    name, ftype = spec["name"], spec.get("type", "string")
    required = spec.get("constraints", {}).get("required", False)
    enum = enum_of(spec)
    values: list[Any]
    if enum is not None:
        values = [enum[i % len(enum)] for i in range(n)]
    elif ftype == "integer":
        values = [i + 1 for i in range(n)]
    elif ftype == "number":
        values = [i + 0.5 for i in range(n)]
    elif ftype == "boolean":
        values = [i % 2 == 0 for i in range(n)]
    elif ftype == "date":
        values = [dt.date(2020, 1, 1) + dt.timedelta(days=i) for i in range(n)]
    elif ftype == "datetime":
        values = [
            dt.datetime(2020, 1, 1, 12, tzinfo=dt.UTC) + dt.timedelta(hours=i) for i in range(n)
        ]
    elif ftype == "year":
        values = [2000 + i for i in range(n)]
    elif name.endswith("country_code"):
        values = ["RUS" if i % 2 else "PRK" for i in range(n)]
    else:
        values = [f"{name.replace('_', '-')}-{i}" for i in range(n)]
    if not required:
        values = [None if i % 3 == 2 else v for i, v in enumerate(values)]
    return values


def make_tables(n_trips: int) -> dict[str, tuple[dict[str, Any], dict[str, list[Any]]]]:
    """leaders, trips and stops with consistent ids (trip ids start with the leader id)."""
    tables = {}
    schema = read_table_schema(SCHEMAS / "leaders.schema.json")
    cols = {f["name"]: _column(f, len(LEADERS)) for f in schema["fields"]}
    cols["leader_id"] = list(LEADERS)
    tables["leaders"] = (schema, cols)

    trip_ids = sorted(
        f"{LEADERS[i % len(LEADERS)]}-{dt.date(2020, 1, 1) + dt.timedelta(days=i)}"
        for i in range(n_trips)
    )
    schema = read_table_schema(SCHEMAS / "trips.schema.json")
    cols = {f["name"]: _column(f, n_trips) for f in schema["fields"]}
    cols["trip_id"] = trip_ids
    cols["leader_id"] = [t[: len(LEADERS[0])] for t in trip_ids]
    tables["trips"] = (schema, cols)

    stop_ids = [f"{t}-s{k:02d}" for t in trip_ids for k in (1, 2)]
    schema = read_table_schema(SCHEMAS / "stops.schema.json")
    cols = {f["name"]: _column(f, len(stop_ids)) for f in schema["fields"]}
    cols["stop_id"] = stop_ids
    cols["trip_id"] = [s.rsplit("-s", 1)[0] for s in stop_ids]
    cols["seq"] = [int(s.rsplit("-s", 1)[1]) for s in stop_ids]
    tables["stops"] = (schema, cols)
    return tables


def publish(root: Path, version: str, *, n_trips: int, released: str) -> Path:
    """Add one version to the release root ``root``."""
    return write_release(root, version, make_tables(n_trips), released=released, row_group_size=4)


def rewrite_json(path: Path, edit: Any) -> None:
    """Apply ``edit(obj)`` to a JSON file in place."""
    obj = json.loads(path.read_text(encoding="utf-8"))
    edit(obj)
    path.write_text(json.dumps(obj), encoding="utf-8")


@pytest.fixture(scope="session")
def pristine_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A release root with version 0.1.0 (6 trips); never modified by tests."""
    root = tmp_path_factory.mktemp("pristine") / "releases"
    publish(root, "0.1.0", n_trips=6, released="2026-11-01")
    return root


@pytest.fixture
def release_root(pristine_root: Path, tmp_path: Path) -> Path:
    """A private copy of the release root that a test may change."""
    root = tmp_path / "releases"
    shutil.copytree(pristine_root, root)
    return root


@dataclass
class Fault:
    """A fault injected at one path: ``kind`` for the next ``times`` requests (None: all)."""

    kind: str
    times: int | None = None
    delay: float = 0.0


@dataclass
class ReleaseServer:
    """A real HTTP server on 127.0.0.1 serving ``root``, with a request log and faults."""

    root: Path
    httpd: http.server.ThreadingHTTPServer | None = None
    requests: list[str] = field(default_factory=list)
    faults: dict[str, Fault] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)
    stopped_early: bool = False  # the client hung up on an "endless" answer

    @property
    def url(self) -> str:
        assert self.httpd is not None
        host, port = self.httpd.server_address[:2]
        return f"http://{host!s}:{port}/"

    def fault(self, path: str, kind: str, *, times: int | None = None, delay: float = 0) -> None:
        self.faults[path] = Fault(kind, times, delay)

    def take_fault(self, path: str) -> Fault | None:
        with self.lock:
            self.requests.append(path)
            fault = self.faults.get(path)
            if fault is None:
                return None
            if fault.times is not None:
                fault.times -= 1
                if fault.times <= 0:
                    del self.faults[path]
            return fault

    def count(self, suffix: str) -> int:
        return sum(1 for r in self.requests if r.endswith(suffix))


def _handler(server: ReleaseServer) -> type[http.server.BaseHTTPRequestHandler]:
    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:
            return None

        def _range(self, data: bytes) -> tuple[int, bytes]:
            """Honour ``Range: bytes=a-b`` (readers such as Polars need it)."""
            spec = self.headers.get("Range", "")
            if not spec.startswith("bytes="):
                return 200, data
            first, _, last = spec[6:].partition("-")
            if not first:  # suffix range: the last N bytes
                start, end = max(len(data) - int(last), 0), len(data) - 1
            else:
                start, end = int(first), min(int(last) if last else len(data) - 1, len(data) - 1)
            self._content_range = f"bytes {start}-{end}/{len(data)}"
            return 206, data[start : end + 1]

        def end_headers(self) -> None:
            if getattr(self, "_content_range", None):
                self.send_header("Content-Range", self._content_range)
                self._content_range = None
            super().end_headers()

        def _endless(self, data: bytes) -> None:
            """The file, then zeros (32 MiB at most) with no Content-Length: a hostile or
            broken server that never stops sending."""
            self.send_response(200)
            self.send_header("Content-Type", "application/octet-stream")
            self.send_header("Connection", "close")
            self.end_headers()
            self.close_connection = True
            try:
                self.wfile.write(data)
                for _ in range(32):
                    self.wfile.write(bytes(1 << 20))
            except (BrokenPipeError, ConnectionResetError):
                server.stopped_early = True

        def do_HEAD(self) -> None:
            self.do_GET()

        def do_GET(self) -> None:
            path = urlparse(self.path).path.lstrip("/")
            fault = server.take_fault(path)
            if fault is not None and fault.kind == "slow":
                time.sleep(fault.delay)
            if fault is not None and fault.kind.isdigit():
                self.send_error(int(fault.kind))
                return
            target = (server.root / path).resolve()
            if server.root.resolve() not in target.parents or not target.is_file():
                self.send_error(404)
                return
            data = target.read_bytes()
            if fault is not None and fault.kind == "endless":
                self._endless(data)
                return
            if fault is not None and fault.kind == "corrupt":
                mid = len(data) // 2
                data = data[:mid] + bytes([data[mid] ^ 0xFF]) + data[mid + 1 :]
            status, data = self._range(data)
            self.send_response(status)
            self.send_header("Content-Type", "application/octet-stream")
            self.send_header("Content-Length", str(len(data)))
            self.send_header("Accept-Ranges", "bytes")
            self.end_headers()
            if self.command == "HEAD":
                return
            if fault is not None and fault.kind == "stall":  # headers only, then silence
                self.wfile.flush()
                time.sleep(fault.delay)
                self.close_connection = True
                return
            if fault is not None and fault.kind == "truncate":
                self.wfile.write(data[: len(data) // 2])
                self.wfile.flush()
                self.close_connection = True
                return
            self.wfile.write(data)

    return Handler


@contextlib.contextmanager
def running_server(root: Path) -> Iterator[ReleaseServer]:
    """Serve ``root`` over HTTP on 127.0.0.1 while the block runs."""
    srv = ReleaseServer(root)
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _handler(srv))
    httpd.daemon_threads = True
    srv.httpd = httpd
    thread = threading.Thread(target=httpd.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    try:
        yield srv
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)


@pytest.fixture
def server(release_root: Path) -> Iterator[ReleaseServer]:
    """Serve a private copy of the release root over HTTP on 127.0.0.1."""
    with running_server(release_root) as srv:
        yield srv


@pytest.fixture(scope="module")
def built_release(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ReleaseServer]:
    """A release written by the project's builder
    (leadertravel.pipeline.release.builder.write_release) from the synthetic tables of
    benchmarks/synthetic.py, served over HTTP."""
    sys.path.insert(0, str(REPO / "benchmarks"))
    try:
        from synthetic import build_synthetic_release
    finally:
        sys.path.remove(str(REPO / "benchmarks"))
    root = tmp_path_factory.mktemp("built") / "releases"
    build_synthetic_release(root, 400, seed=7)
    with running_server(root) as srv:
        yield srv


@pytest.fixture
def dead_url() -> str:
    """A loopback URL where nothing listens (connection refused)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/"


@pytest.fixture(autouse=True)
def _loader_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Isolate every test from the user's configuration and cache."""
    for var in ("LEADERTRAVEL_SOURCE", "LEADERTRAVEL_OFFLINE", "LEADERTRAVEL_LATEST_TTL"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("LEADERTRAVEL_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("LEADERTRAVEL_TIMEOUT", "5")
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    monkeypatch.setenv("no_proxy", "127.0.0.1")
    # retries keep their number but not their default back-off (tested on its own)
    import leadertravel

    if hasattr(leadertravel, "CacheError"):  # (the check against older code runs without)
        monkeypatch.setattr("leadertravel._http.BACKOFF", 0.01)


@pytest.fixture(name="publish")
def publish_fixture() -> Any:
    """The `publish` function: add a version to a release root."""
    return publish


@pytest.fixture
def cache_dir(tmp_path: Path) -> Path:
    return tmp_path / "cache"


Responder = Any  # (path, socket) -> None: writes a raw answer to the socket


@dataclass
class RawServer:
    """A TCP server on 127.0.0.1 answering each request with raw bytes (broken HTTP)."""

    sock: socket.socket
    responders: dict[str, Responder] = field(default_factory=dict)
    requests: list[str] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.sock.getsockname()[1]}/"

    def serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:  # closed: the test is over
                return
            threading.Thread(target=self._answer, args=(conn,), daemon=True).start()

    def _answer(self, conn: socket.socket) -> None:
        with conn:
            data = b""
            while b"\r\n\r\n" not in data:
                try:
                    part = conn.recv(65536)
                except OSError:
                    return
                if not part:
                    return
                data += part
            path = urlparse(data.split(b" ")[1].decode()).path.lstrip("/")
            self.requests.append(path)
            responder = self.responders.get(path)
            try:
                if responder is None:
                    conn.sendall(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n")
                else:
                    responder(path, conn)
            except OSError:  # the client hung up
                return


@pytest.fixture
def raw_server() -> Iterator[RawServer]:
    """A raw TCP server on 127.0.0.1; set ``responders[path]`` to script its answers."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(16)
    srv = RawServer(sock)
    thread = threading.Thread(target=srv.serve, daemon=True)
    thread.start()
    try:
        yield srv
    finally:
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)
        sock.close()
        thread.join(timeout=5)
