"""refresh=True and a moving 'latest' never lose what the cache holds.

Published versions are immutable: a changed manifest at the source is an error, not a
reason to replace the cached copy; a cached file is only ever replaced by a verified one;
an index whose new 'latest' cannot be fetched yet does not replace the cached index.
"""

from __future__ import annotations

import json
import logging
import shutil
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

import leadertravel as lt

if TYPE_CHECKING:
    from conftest import ReleaseServer

V1 = "0.1.0"


def _cached(cache_dir: Path, name: str) -> Path:
    (found,) = cache_dir.glob(f"*/{name}")
    return found


def test_changed_manifest_of_a_pinned_version_is_an_error(
    server: ReleaseServer, cache_dir: Path
) -> None:
    before = lt.load("trips", version=V1, source=server.url)
    manifest = _cached(cache_dir, f"{V1}/datapackage.json")
    parquet = _cached(cache_dir, f"{V1}/trips.parquet")
    cached_manifest, cached_parquet = manifest.read_bytes(), parquet.read_bytes()
    # the source re-publishes 0.1.0: a new hash for trips, and the file is gone meanwhile
    path = server.root / V1 / "datapackage.json"
    obj = json.loads(path.read_text(encoding="utf-8"))
    next(r for r in obj["resources"] if r["name"] == "trips")["hash"] = "sha256:" + "1" * 64
    path.write_text(json.dumps(obj), encoding="utf-8")
    (server.root / V1 / "trips.parquet").unlink()
    with pytest.raises(lt.ManifestError) as err:
        lt.load("trips", version=V1, source=server.url, refresh=True)
    text = str(err.value)
    assert f"release {V1} at source {server.url!r} changed" in text
    assert "trips: sha256" in text and "1111" in text and "immutable" in text
    assert f"clear_cache('{V1}')" in text
    # nothing cached was touched: same manifest, same verified file, still usable offline
    assert manifest.read_bytes() == cached_manifest
    assert parquet.read_bytes() == cached_parquet
    assert lt.load("trips", version=V1, source=server.url, offline=True).equals(before)
    assert server.count("trips.parquet") == 1


def test_refresh_keeps_a_failing_copy_until_a_verified_one_arrives(
    server: ReleaseServer, cache_dir: Path, caplog: pytest.LogCaptureFixture
) -> None:
    lt.load("trips", version=V1, source=server.url)
    parquet = _cached(cache_dir, f"{V1}/trips.parquet")
    damaged = parquet.read_bytes()[:-1] + b"\x00"
    parquet.write_bytes(damaged)
    server.fault(f"{V1}/trips.parquet", "500")
    with (
        caplog.at_level(logging.WARNING, logger="leadertravel"),
        pytest.raises(lt.SourceUnavailable, match="HTTP 500"),
    ):
        lt.load("trips", version=V1, source=server.url, refresh=True, offline=False)
    assert "fails verification" in caplog.text
    assert parquet.read_bytes() == damaged  # not deleted before its replacement arrived
    # the damaged copy is never served, offline or not
    with pytest.raises(
        lt.OfflineError,
        match=r"trips\.parquet of version 0\.1\.0 has only a copy failing its sha256",
    ):
        lt.load("trips", version=V1, source=server.url, offline=True)
    server.faults.clear()
    assert len(lt.load("trips", version=V1, source=server.url, refresh=True)) == 6
    assert parquet.read_bytes() != damaged
    assert len(lt.load("trips", version=V1, source=server.url, offline=True)) == 6


def test_failed_refresh_of_latest_keeps_the_cached_index(
    server: ReleaseServer,
    cache_dir: Path,
    publish: Any,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    first = lt.load("trips", source=server.url)
    index = _cached(cache_dir, "index.json")
    cached_index = index.read_bytes()
    # index.json is uploaded before 0.2.0/ (a mirror sync in progress)
    publish(server.root, "0.2.0", n_trips=9, released="2026-11-23")
    parked = server.root.parent / "parked"
    shutil.move(server.root / "0.2.0", parked)
    monkeypatch.setenv("LEADERTRAVEL_LATEST_TTL", "0")
    with caplog.at_level(logging.WARNING, logger="leadertravel"):
        again = lt.load("trips", source=server.url)
    assert again.equals(first)
    assert "HTTP 404" in caplog.text and "newest cached version 0.1.0" in caplog.text
    assert index.read_bytes() == cached_index
    assert lt.load("trips", source=server.url, offline=True).equals(first)
    # offline=False never falls back
    with pytest.raises(lt.RemoteFileNotFound, match="HTTP 404"):
        lt.load("trips", source=server.url, offline=False)
    assert index.read_bytes() == cached_index
    # once the sync has finished, 'latest' moves and the new index is cached
    shutil.move(parked, server.root / "0.2.0")
    assert len(lt.load("trips", source=server.url)) == 9
    assert json.loads(index.read_bytes())["latest"] == "0.2.0"
    assert len(lt.load("trips", source=server.url, offline=True)) == 9


def test_versions_does_not_cache_an_index_whose_latest_is_not_cached(
    server: ReleaseServer, cache_dir: Path, publish: Any
) -> None:
    lt.load("trips", source=server.url)
    publish(server.root, "0.2.0", n_trips=9, released="2026-11-23")
    assert lt.versions(source=server.url)["version"].tolist() == ["0.2.0", V1]
    assert len(lt.load("trips", source=server.url, offline=True)) == 6
