"""Hostile and broken HTTP servers (issue 9, items 8, 12 and 16): every fault is typed.

The servers are real sockets on 127.0.0.1: ``raw_server`` scripts broken answers byte by
byte; ``server`` is the release server of conftest with injected faults.
"""

from __future__ import annotations

import gzip
import json
import logging
import socket
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

import leadertravel as lt

if TYPE_CHECKING:
    from conftest import RawServer, ReleaseServer

V1 = "0.1.0"


def answer(status: str, body: bytes = b"", headers: dict[str, str] | None = None) -> Any:
    """A responder sending one complete HTTP/1.1 answer, then closing."""

    def respond(path: str, conn: socket.socket) -> None:
        lines = [f"HTTP/1.1 {status}", f"Content-Length: {len(body)}", "Connection: close"]
        lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
        conn.sendall(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body)

    return respond


def _raw(text: bytes) -> Any:
    def respond(path: str, conn: socket.socket) -> None:
        conn.sendall(text)

    return respond


def _index_bytes(root: Path) -> bytes:
    return (root / "index.json").read_bytes()


@pytest.mark.parametrize(
    ("reply", "text"),
    [
        (b"garbage\r\n\r\n", "not valid HTTP"),  # BadStatusLine
        (b"HTTP/1.1 200 OK\r\nX-Long: " + b"a" * 70_000 + b"\r\n\r\n", "not valid HTTP"),
        (
            b"HTTP/1.1 200 OK\r\n" + b"".join(b"X-%d: 1\r\n" % i for i in range(120)) + b"\r\n",
            "more than 100 headers",
        ),
        (b"", "connection was reset"),  # closed before any answer (RemoteDisconnected)
        (b"HTTP/1.1 302 Found\r\nLocation: http://[::1/x\r\nContent-Length: 0\r\n\r\n", "URL"),
        (
            b"HTTP/1.1 302 Found\r\nLocation: http://127.0.0.1:abc/x\r\nContent-Length: 0\r\n\r\n",
            "(?i)port",
        ),
        (b"HTTP/1.1 302 Found\r\nLocation: file:///etc/passwd\r\nContent-Length: 0\r\n\r\n", "URL"),
    ],
)
def test_broken_answers_are_source_errors(raw_server: RawServer, reply: bytes, text: str) -> None:
    raw_server.responders["index.json"] = _raw(reply)
    with pytest.raises(lt.SourceError, match=text) as err:
        lt.load("trips", source=raw_server.url)
    assert raw_server.url + "index.json" in str(err.value)


@pytest.mark.parametrize("source", ["http://127.0.0.1:abc/", "http:///nohost", "http://[::1/"])
def test_unusable_source_urls(source: str) -> None:
    with pytest.raises(lt.SourceError, match="not a usable"):
        lt.load("trips", source=source)


def test_transient_errors_are_retried_with_back_off(
    server: ReleaseServer, caplog: pytest.LogCaptureFixture
) -> None:
    server.fault("index.json", "503", times=1)
    server.fault(f"{V1}/datapackage.json", "429", times=2)
    server.fault(f"{V1}/trips.parquet", "502", times=2)
    with caplog.at_level(logging.WARNING, logger="leadertravel"):
        assert len(lt.load("trips", source=server.url)) == 6
    assert server.count("index.json") == 2
    assert server.count("datapackage.json") == 3
    assert server.count("trips.parquet") == 3
    assert "retrying in" in caplog.text
    # a bounded number of times: the third failure in a row is reported
    server.fault(f"{V1}/stops.parquet", "500")
    with pytest.raises(lt.SourceUnavailable, match="HTTP 500"):
        lt.load("stops", source=server.url, offline=False)
    assert server.count("stops.parquet") == 3


def test_no_retry_for_what_a_retry_cannot_cure(server: ReleaseServer) -> None:
    server.fault("index.json", "403")
    with pytest.raises(lt.SourceUnavailable, match="HTTP 403"):
        lt.load("trips", source=server.url, offline=False)
    assert server.count("index.json") == 1


def test_back_off_doubles_and_honours_retry_after(monkeypatch: pytest.MonkeyPatch) -> None:
    from leadertravel import _http

    monkeypatch.setattr(_http, "BACKOFF", 0.5)
    waits: list[float] = []
    monkeypatch.setattr(_http.time, "sleep", waits.append)
    calls = []

    def flaky(retry_after: float | None) -> Any:
        def call() -> str:
            calls.append(1)
            err = lt.SourceUnavailable("down")
            err.transient, err.retry_after = True, retry_after
            raise err

        return call

    with pytest.raises(lt.SourceUnavailable):
        _http.retrying(flaky(None))
    assert waits == [0.5, 1.0] and len(calls) == 3
    waits.clear()
    with pytest.raises(lt.SourceUnavailable):
        _http.retrying(flaky(3.0))
    assert waits == [3.0, 3.0]
    waits.clear()
    with pytest.raises(lt.SourceUnavailable):  # longer than MAX_BACKOFF: reported at once
        _http.retrying(flaky(3600.0))
    assert waits == []


def test_connection_reset_is_retried(raw_server: RawServer, release_root: Path) -> None:
    state = {"n": 0}
    body = _index_bytes(release_root)

    def reset_once(path: str, conn: socket.socket) -> None:
        state["n"] += 1
        if state["n"] == 1:
            conn.setsockopt(
                socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00"
            )
            return  # closing with linger 0 sends a RST
        answer("200 OK", body)(path, conn)

    raw_server.responders["index.json"] = reset_once
    assert lt.versions(source=raw_server.url)["version"].tolist() == [V1]
    assert state["n"] == 2


def test_a_dripping_server_hits_the_per_file_deadline(
    raw_server: RawServer, release_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LEADERTRAVEL_TIMEOUT", "0.5")
    monkeypatch.setattr("leadertravel._http.MIN_RATE", 1 << 30)  # deadline = timeout: 0.5 s
    body = _index_bytes(release_root)

    def drip(path: str, conn: socket.socket) -> None:
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % len(body))
        for byte in body:  # 2 bytes a second: each read succeeds within the timeout
            conn.sendall(bytes([byte]))
            time.sleep(0.3)

    _assert_deadline(raw_server, drip)


def _assert_deadline(raw_server: RawServer, drip: Any) -> None:
    raw_server.responders["index.json"] = drip
    start = time.monotonic()
    with pytest.raises(lt.SourceUnavailable, match="no complete answer within"):
        lt.versions(source=raw_server.url, offline=False)
    assert time.monotonic() - start < 3


def test_dripping_headers_hit_the_deadline_too(
    raw_server: RawServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LEADERTRAVEL_TIMEOUT", "0.5")
    monkeypatch.setattr("leadertravel._http.MIN_RATE", 1 << 30)

    def drip(path: str, conn: socket.socket) -> None:
        conn.sendall(b"HTTP/1.1 200 OK\r\n")
        for _ in range(30):
            conn.sendall(b"X: y\r\n")
            time.sleep(0.2)

    _assert_deadline(raw_server, drip)


def test_cross_origin_redirect_of_the_index_is_refused(
    raw_server: RawServer, server: ReleaseServer
) -> None:
    target = server.url + "index.json"
    raw_server.responders["index.json"] = answer("302 Found", headers={"Location": target})
    with pytest.raises(lt.SourceError, match=r"redirect .* refused: .*within their origin") as err:
        lt.load("trips", source=raw_server.url)
    assert target in str(err.value)
    assert server.requests == []


def test_data_files_may_be_redirected_elsewhere(
    raw_server: RawServer, server: ReleaseServer
) -> None:
    # a mirror serving the manifests itself and redirecting the Parquet files to a CDN
    for name in ("index.json", f"{V1}/datapackage.json"):
        raw_server.responders[name] = answer("200 OK", (server.root / name).read_bytes())
    cdn = server.url + f"{V1}/trips.parquet"
    raw_server.responders[f"{V1}/trips.parquet"] = answer("302 Found", headers={"Location": cdn})
    assert len(lt.load("trips", source=raw_server.url)) == 6
    assert server.requests == [f"{V1}/trips.parquet"]


def test_same_origin_redirects_are_followed(raw_server: RawServer, release_root: Path) -> None:
    moved = raw_server.url + "moved/index.json"
    raw_server.responders["index.json"] = answer("301 Moved", headers={"Location": moved})
    raw_server.responders["moved/index.json"] = answer("200 OK", _index_bytes(release_root))
    assert lt.versions(source=raw_server.url)["version"].tolist() == [V1]


def test_redirect_loops_are_bounded(raw_server: RawServer) -> None:
    from leadertravel import _http

    loop = answer("302 Found", headers={"Location": raw_server.url + "index.json"})
    raw_server.responders["index.json"] = loop
    with pytest.raises(lt.SourceError, match="HTTP 302"):
        lt.versions(source=raw_server.url, offline=False)
    assert len(raw_server.requests) <= _http.MAX_REDIRECTS + 1


def test_gzip_content_encoding_is_decoded(raw_server: RawServer, server: ReleaseServer) -> None:
    for name in ("index.json", f"{V1}/datapackage.json", f"{V1}/trips.parquet"):
        body = gzip.compress((server.root / name).read_bytes())
        raw_server.responders[name] = answer("200 OK", body, {"Content-Encoding": "gzip"})
    assert len(lt.load("trips", source=raw_server.url)) == 6


def test_unknown_content_encoding_is_refused_truthfully(
    raw_server: RawServer, release_root: Path
) -> None:
    raw_server.responders["index.json"] = answer(
        "200 OK", _index_bytes(release_root), {"Content-Encoding": "br"}
    )
    with pytest.raises(lt.SourceError, match=r"Content-Encoding 'br'.*decodes only gzip"):
        lt.versions(source=raw_server.url)


def test_cut_gzip_body_is_a_truncated_download(raw_server: RawServer, release_root: Path) -> None:
    body = gzip.compress(_index_bytes(release_root))[:-12]
    raw_server.responders["index.json"] = answer("200 OK", body, {"Content-Encoding": "gzip"})
    with pytest.raises(lt.TruncatedDownload, match="before its end marker"):
        lt.versions(source=raw_server.url)


def test_default_source_without_a_release_says_how_to_point_elsewhere(
    raw_server: RawServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("leadertravel._resolve.DEFAULT_SOURCE", raw_server.url)
    monkeypatch.setattr("leadertravel._config.DEFAULT_SOURCE", raw_server.url)
    with pytest.raises(lt.RemoteFileNotFound, match="HTTP 404") as err:
        lt.load("trips")
    text = str(err.value)
    assert "no release is published at the published default source" in text
    assert "source=" in text and "LEADERTRAVEL_SOURCE" in text


def test_missing_index_at_any_source_names_the_fix(raw_server: RawServer) -> None:
    with pytest.raises(lt.RemoteFileNotFound, match="no release is published at this source"):
        lt.versions(source=raw_server.url)


def test_deeply_nested_and_huge_numbers_in_the_index(raw_server: RawServer) -> None:
    for body, text in [
        (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
        (b'{"format_version": ' + b"9" * 5000 + b"}", "not valid JSON"),
        (
            json.dumps({"format_version": 1, "latest": "1.0.0"}).encode()[:-1] + b', "x": 1e999}',
            "out of range",
        ),
        (b'{"format_version": 1, "format_version": 1}', "appears twice"),
        (b'{"format_version": NaN}', "not valid JSON"),
    ]:
        raw_server.responders["index.json"] = answer("200 OK", body)
        with pytest.raises(lt.ManifestError, match=text):
            lt.versions(source=raw_server.url)
