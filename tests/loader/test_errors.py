"""Every failure the loader must report, injected at a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

import leadertravel as lt
from leadertravel._manifest import FORMAT_VERSION

if TYPE_CHECKING:
    from conftest import ReleaseServer

V1 = "0.1.0"
PARQUET = f"{V1}/trips.parquet"


def _nothing_cached(cache_dir: Path) -> None:
    assert not list(cache_dir.rglob("*.parquet"))
    assert not list(cache_dir.rglob("*.part"))


def _edit(path: Path, edit: Any) -> None:
    obj = json.loads(path.read_text(encoding="utf-8"))
    edit(obj)
    path.write_text(json.dumps(obj), encoding="utf-8")


def test_unknown_table_lists_the_tables(server: ReleaseServer) -> None:
    with pytest.raises(lt.TableNotFound, match="tables: leaders, stops, trips") as err:
        lt.load("trip", source=server.url)
    assert isinstance(err.value, LookupError)


def test_unknown_version_lists_the_available_ones(server: ReleaseServer) -> None:
    with pytest.raises(
        lt.ReleaseNotFound, match=r"'9\.9\.9' is not published; available versions: 0\.1\.0"
    ):
        lt.load("trips", version="9.9.9", source=server.url)
    with pytest.raises(lt.ReleaseNotFound, match="not a version number"):
        lt.load("trips", version="v1", source=server.url)


def test_corrupt_bytes_are_refetched_once_then_reported(
    server: ReleaseServer, cache_dir: Path
) -> None:
    server.fault(PARQUET, "corrupt")
    with pytest.raises(lt.HashMismatch) as err:
        lt.load("trips", source=server.url)
    manifest = json.loads((server.root / V1 / "datapackage.json").read_text(encoding="utf-8"))
    expected = next(r for r in manifest["resources"] if r["name"] == "trips")["hash"][7:]
    assert f"expected {expected}" in str(err.value) and "got " in str(err.value)
    assert isinstance(err.value, ValueError)
    assert server.count("trips.parquet") == 2
    _nothing_cached(cache_dir)


def test_corrupt_once_succeeds_on_the_refetch(server: ReleaseServer) -> None:
    server.fault(PARQUET, "corrupt", times=1)
    assert len(lt.load("trips", source=server.url)) == 6
    assert server.count("trips.parquet") == 2


def test_truncated_body(server: ReleaseServer, cache_dir: Path) -> None:
    server.fault(PARQUET, "truncate")
    with pytest.raises(lt.TruncatedDownload, match="closed the connection after"):
        lt.load("trips", source=server.url)
    assert server.count("trips.parquet") == 2
    _nothing_cached(cache_dir)
    server.fault(PARQUET, "truncate", times=1)
    assert len(lt.load("trips", source=server.url)) == 6


def test_manifest_smaller_than_file_is_a_mismatch_and_larger_is_truncation(
    server: ReleaseServer,
) -> None:
    def grow(obj: dict) -> None:
        obj["resources"][2]["bytes"] += 10

    _edit(server.root / V1 / "datapackage.json", grow)
    with pytest.raises(lt.TruncatedDownload, match="manifest says"):
        lt.load("trips", source=server.url)


@pytest.mark.parametrize(
    ("path", "status", "error", "text"),
    [
        (PARQUET, "404", lt.RemoteFileNotFound, "HTTP 404"),
        ("index.json", "404", lt.RemoteFileNotFound, "HTTP 404"),
        (f"{V1}/datapackage.json", "404", lt.RemoteFileNotFound, "HTTP 404"),
        (PARQUET, "500", lt.SourceUnavailable, "HTTP 500"),
        ("index.json", "503", lt.SourceUnavailable, "HTTP 503"),
    ],
)
def test_http_errors(
    server: ReleaseServer, cache_dir: Path, path: str, status: str, error: type, text: str
) -> None:
    server.fault(path, status)
    with pytest.raises(error, match=text) as err:
        lt.load("trips", source=server.url)
    assert server.url + path in str(err.value)
    assert isinstance(err.value, OSError)
    _nothing_cached(cache_dir)


def test_slow_response_past_the_timeout(
    server: ReleaseServer, monkeypatch: pytest.MonkeyPatch, cache_dir: Path
) -> None:
    monkeypatch.setenv("LEADERTRAVEL_TIMEOUT", "0.2")
    server.fault(PARQUET, "slow", delay=0.6)
    with pytest.raises(lt.SourceUnavailable, match=r"timed out after 0\.2 s"):
        lt.load("trips", source=server.url)
    _nothing_cached(cache_dir)


def test_server_down(dead_url: str) -> None:
    with pytest.raises(lt.SourceUnavailable, match="cannot connect") as err:
        lt.load("trips", source=dead_url)
    assert dead_url in str(err.value) and "LEADERTRAVEL_SOURCE" in str(err.value)


def test_missing_local_directory(tmp_path: Path) -> None:
    with pytest.raises(lt.SourceUnavailable, match="no such directory"):
        lt.load("trips", source=tmp_path / "nowhere")


@pytest.mark.parametrize("where", ["index.json", f"{V1}/datapackage.json"])
def test_format_version_too_new(server: ReleaseServer, where: str) -> None:
    _edit(server.root / where, lambda o: o.update(format_version=FORMAT_VERSION + 1))
    with pytest.raises(lt.UnsupportedFormat, match="upgrade leadertravel"):
        lt.load("trips", source=server.url)


@pytest.mark.parametrize(
    "path",
    [
        "../../../etc/passwd",
        "/etc/passwd",
        "http://evil.example/trips.parquet",
        "sub/trips.parquet",
        "..parquet",
        "C:\\x.parquet",
    ],
)
def test_hostile_resource_path(server: ReleaseServer, cache_dir: Path, path: str) -> None:
    def poison(obj: dict) -> None:
        obj["resources"][2]["path"] = path

    _edit(server.root / V1 / "datapackage.json", poison)
    with pytest.raises(lt.UnsafeManifest, match="not a bare file name"):
        lt.load("leaders", source=server.url)  # the whole manifest is refused
    _nothing_cached(cache_dir)


@pytest.mark.parametrize("version", ["../0.1.0", "0.1.0/../../x", "https://evil/1.0.0"])
def test_hostile_version_in_index(server: ReleaseServer, version: str) -> None:
    _edit(server.root / "index.json", lambda o: o["versions"][0].update(version=version))
    with pytest.raises(lt.UnsafeManifest):
        lt.load("trips", source=server.url)


def test_hostile_index_entry_path(server: ReleaseServer) -> None:
    _edit(
        server.root / "index.json", lambda o: o["versions"][0].update(path="../x/datapackage.json")
    )
    with pytest.raises(lt.UnsafeManifest, match=r"must be '0\.1\.0/datapackage\.json'"):
        lt.load("trips", source=server.url)


@pytest.mark.parametrize("version", ["../../etc", "/etc", "..", "0.1.0/../0.1.0"])
def test_hostile_version_argument(server: ReleaseServer, version: str, cache_dir: Path) -> None:
    with pytest.raises(lt.UnsafeManifest):
        lt.load("trips", version=version, source=server.url)
    with pytest.raises(lt.UnsafeManifest):
        lt.clear_cache(version)
    assert server.requests == []


def test_garbage_index(server: ReleaseServer) -> None:
    (server.root / "index.json").write_text("<html>not json</html>")
    with pytest.raises(lt.ManifestError, match="not valid JSON"):
        lt.load("trips", source=server.url)


def test_refresh_failure_keeps_the_cached_copy(server: ReleaseServer, dead_url: str) -> None:
    path = lt.path("trips", version=V1, source=server.url)
    server.fault(f"{V1}/datapackage.json", "500")
    server.fault("index.json", "500")
    with pytest.raises(lt.SourceUnavailable):
        lt.load("trips", version=V1, source=server.url, refresh=True, offline=False)
    assert path.is_file()
    assert len(lt.load("trips", version=V1, source=server.url)) == 6
