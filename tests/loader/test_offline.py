"""Offline mode: by choice (offline=True, LEADERTRAVEL_OFFLINE=1) or because the source is down."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import pytest

import leadertravel as lt

if TYPE_CHECKING:
    from conftest import ReleaseServer


def test_offline_with_nothing_cached_names_the_source(server: ReleaseServer) -> None:
    with pytest.raises(lt.OfflineError) as err:
        lt.load("trips", source=server.url, offline=True)
    text = str(err.value)
    assert server.url in text and "LEADERTRAVEL_SOURCE" in text and "source=" in text
    assert server.requests == []
    with pytest.raises(lt.OfflineError, match=r"version 0\.1\.0 is not"):
        lt.load("trips", version="0.1.0", source=server.url, offline=True)


def test_offline_loads_from_the_cache_without_requests(
    server: ReleaseServer, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    online = lt.load("trips", source=server.url)
    lt.load("stops", version="0.1.0", source=server.url)
    before = list(server.requests)
    monkeypatch.setenv("LEADERTRAVEL_LATEST_TTL", "0")  # would ask again if online
    with caplog.at_level(logging.INFO, logger="leadertravel"):
        offline = lt.load("trips", source=server.url, offline=True)
    assert offline.equals(online)
    assert server.requests == before
    assert "offline" in caplog.text
    monkeypatch.setenv("LEADERTRAVEL_OFFLINE", "1")
    assert len(lt.load("stops", source=server.url)) == 12
    assert lt.versions(source=server.url)["version"].tolist() == ["0.1.0"]
    assert server.requests == before
    # a table never fetched is an OfflineError, not an empty frame
    with pytest.raises(lt.OfflineError, match=r"leaders\.parquet of version 0\.1\.0 is not"):
        lt.load("leaders", source=server.url)


def test_unreachable_source_falls_back_to_the_cache(
    server: ReleaseServer, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    online = lt.load("trips", source=server.url)
    server.fault("index.json", "503")
    monkeypatch.setenv("LEADERTRAVEL_LATEST_TTL", "0")
    with caplog.at_level(logging.WARNING, logger="leadertravel"):
        again = lt.load("trips", source=server.url)
    assert again.equals(online)
    assert "working offline" in caplog.text and "HTTP 503" in caplog.text
    # offline=False refuses to fall back
    with pytest.raises(lt.SourceUnavailable):
        lt.load("trips", source=server.url, offline=False)


def test_server_down_with_warm_cache(
    server: ReleaseServer, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    url = server.url
    lt.load("trips", source=url, version="0.1.0")
    lt.load("trips", source=url)
    assert server.httpd is not None
    server.httpd.shutdown()
    server.httpd.server_close()
    monkeypatch.setenv("LEADERTRAVEL_LATEST_TTL", "0")
    with caplog.at_level(logging.WARNING, logger="leadertravel"):
        assert len(lt.load("trips", source=url, refresh=True)) == 6
    assert "cannot connect" in caplog.text


def test_offline_with_a_corrupted_cached_copy_says_so(server: ReleaseServer) -> None:
    path = lt.path("trips", source=server.url)
    data = bytearray(path.read_bytes())
    data[-20] ^= 0xFF  # one flipped byte in the cached copy
    path.write_bytes(bytes(data))
    with pytest.raises(lt.OfflineError, match=r"trips\.parquet .* only a copy failing its sha256"):
        lt.load("trips", source=server.url, offline=True, refresh=True)
