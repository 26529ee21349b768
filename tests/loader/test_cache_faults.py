"""An unlucky disk (issue 9, items 9-12): every cache fault is a typed error naming the dir.

Read-only caches and full disks are real: a read-only bind mount and a small tmpfs when
the tests run as root (as in CI's container), ``chmod`` otherwise; the tests that need a
mount are skipped where mounting is not allowed.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

import leadertravel as lt

if TYPE_CHECKING:
    from conftest import ReleaseServer

V1 = "0.1.0"


def _mount(*args: str) -> bool:
    if os.geteuid() != 0 or not shutil.which("mount"):
        return False
    done = subprocess.run(["mount", *args], capture_output=True, check=False)
    return done.returncode == 0


def _umount(path: Path) -> None:
    subprocess.run(["umount", "-l", str(path)], capture_output=True, check=False)


@contextlib.contextmanager
def read_only(path: Path) -> Iterator[None]:
    """Make ``path`` read-only for this process (a read-only bind mount when root)."""
    if os.geteuid() == 0:
        if not _mount("--bind", "-o", "ro", str(path), str(path)):
            pytest.skip("cannot bind-mount read-only here")
        try:
            yield
        finally:
            _umount(path)
        return
    modes = {p: p.stat().st_mode for p in [path, *path.rglob("*")]}
    for p in modes:
        p.chmod(modes[p] & ~0o222)
    try:
        yield
    finally:
        for p, mode in modes.items():
            p.chmod(mode)


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 1 MiB tmpfs (root only)."""
    disk = tmp_path / "disk"
    disk.mkdir()
    if not _mount("-t", "tmpfs", "-o", "size=1m", "tmpfs", str(disk)):
        pytest.skip("cannot mount a tmpfs here")
    try:
        yield disk
    finally:
        _umount(disk)


def _source_dir(cache_dir: Path) -> Path:
    (found,) = [p for p in cache_dir.iterdir() if p.is_dir()]
    return found


def test_read_only_cache_serves_what_it_holds(
    server: ReleaseServer, cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    trips = lt.load("trips", source=server.url)
    lt.load("trips", version=V1, source=server.url)
    monkeypatch.setenv("LEADERTRAVEL_LATEST_TTL", "0")  # 'latest' is asked again each time
    with read_only(cache_dir):
        assert lt.load("trips", version=V1, source=server.url).equals(trips)
        assert lt.load("trips", source=server.url).equals(trips)  # index refreshed in memory
        assert lt.load("trips", source=server.url, refresh=True).equals(trips)
        assert lt.versions(source=server.url)["version"].tolist() == [V1]
        assert lt.describe("stops", source=server.url).attrs["rows"] == 12
        with pytest.raises(lt.CacheError, match="not writable") as err:
            lt.load("stops", source=server.url)  # not cached: must be downloaded
        assert str(_source_dir(cache_dir)) in str(err.value)
        assert "LEADERTRAVEL_CACHE_DIR" in str(err.value)
        assert isinstance(err.value, OSError)


def test_read_only_empty_cache_is_a_typed_error(server: ReleaseServer, tmp_path: Path) -> None:
    empty = tmp_path / "ro-cache"
    empty.mkdir()
    with read_only(empty), pytest.raises(lt.CacheError, match="not writable") as err:
        lt.load("trips", source=server.url, cache_dir=empty)
    assert str(empty) in str(err.value)


def test_full_disk_names_the_cache(
    server: ReleaseServer, small_disk: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = small_disk / "cache"
    lt.load("leaders", source=server.url, cache_dir=cache)  # the manifest is cached
    size = (server.root / V1 / "stops.parquet").stat().st_size
    filler = small_disk / "filler"
    free = shutil.disk_usage(small_disk).free
    filler.write_bytes(b"\0" * (free - size // 2))
    with pytest.raises(lt.CacheError, match="bytes are free") as err:
        lt.load("stops", source=server.url, cache_dir=cache)
    assert str(cache) in str(err.value)
    # the space check passed, the writes fail: the same kind of error
    usage = shutil.disk_usage(small_disk)
    monkeypatch.setattr(
        "leadertravel._fetch.shutil.disk_usage", lambda _: usage._replace(free=1 << 40)
    )
    with pytest.raises(lt.CacheError, match="the disk is full") as err:
        lt.load("stops", source=server.url, cache_dir=cache)
    assert str(cache) in str(err.value)
    assert not list(cache.rglob("*.part"))
    filler.unlink()
    assert len(lt.load("stops", source=server.url, cache_dir=cache)) == 12


def test_cache_dir_is_a_file(server: ReleaseServer, tmp_path: Path) -> None:
    not_a_dir = tmp_path / "cache-file"
    not_a_dir.write_text("x")
    for call in (
        lambda: lt.load("trips", source=server.url, cache_dir=not_a_dir),
        lambda: lt.versions(source=server.url, cache_dir=not_a_dir),
    ):
        with pytest.raises(lt.CacheError, match="not a directory") as err:
            call()
        assert str(not_a_dir) in str(err.value)
    assert lt.cache_info(cache_dir=not_a_dir).empty


def test_lock_path_is_a_directory(server: ReleaseServer, cache_dir: Path) -> None:
    lt.load("leaders", source=server.url)
    lock = _source_dir(cache_dir) / f"{V1}.trips.parquet.lock"
    if lock.exists():
        lock.unlink()
    lock.mkdir()
    with pytest.raises(lt.CacheError, match=r"take the lock") as err:
        lt.load("trips", source=server.url)
    assert str(lock) in str(err.value)


def test_lock_held_too_long_names_the_holder(
    server: ReleaseServer, cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lt.load("leaders", source=server.url)
    src = _source_dir(cache_dir)
    code = (
        "import sys, time; from pathlib import Path; from leadertravel._cache import SourceCache\n"
        f"c = SourceCache(Path({str(src)!r}), 'x')\n"
        "with c.lock('0.1.0', doing='a test holding it', name='trips.parquet'):\n"
        "    print('held', flush=True); time.sleep(30)\n"
    )
    holder = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        monkeypatch.setenv("LEADERTRAVEL_LOCK_TIMEOUT", "0.3")
        start = time.monotonic()
        with pytest.raises(lt.CacheLocked, match="LEADERTRAVEL_LOCK_TIMEOUT") as err:
            lt.load("trips", source=server.url)
        assert time.monotonic() - start < 5
        assert f"process {holder.pid}" in str(err.value) and "a test holding it" in str(err.value)
        assert isinstance(err.value, TimeoutError)
    finally:
        holder.kill()
        holder.wait()
        if holder.stdout is not None:
            holder.stdout.close()
    assert len(lt.load("trips", source=server.url)) == 6  # the lock is free again


def test_lock_timeout_default_is_short() -> None:
    from leadertravel._config import lock_timeout

    assert lock_timeout() == 120.0


def test_clear_cache_racing_with_loads(server: ReleaseServer, cache_dir: Path) -> None:
    lt.load("trips", source=server.url)
    stop = time.monotonic() + 2.0
    escaped: list[BaseException] = []
    loaded = []

    def loader(table: str) -> None:
        while time.monotonic() < stop:
            try:
                loaded.append(len(lt.load(table, source=server.url)))
            except lt.LeadertravelError:
                pass  # typed is fine (e.g. a lock taken by the clearing thread)
            except BaseException as err:  # noqa: BLE001 - the test collects what escapes
                escaped.append(err)

    def clearer() -> None:
        while time.monotonic() < stop:
            try:
                lt.clear_cache()
            except lt.LeadertravelError:
                pass
            except BaseException as err:  # noqa: BLE001
                escaped.append(err)
            time.sleep(0.01)

    threads = [threading.Thread(target=loader, args=(t,)) for t in ("trips", "stops", "trips")]
    threads.append(threading.Thread(target=clearer))
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert escaped == []
    assert loaded and set(loaded) <= {6, 12}


def test_version_dir_removed_mid_download(server: ReleaseServer, cache_dir: Path) -> None:
    lt.load("leaders", source=server.url)
    vdir = _source_dir(cache_dir) / V1
    server.fault(f"{V1}/stops.parquet", "slow", times=1, delay=0.5)
    remover = threading.Timer(0.2, shutil.rmtree, args=(vdir,))
    remover.start()
    assert len(lt.load("stops", source=server.url)) == 12
    remover.join()
    assert server.count("stops.parquet") == 2  # started over once


def test_part_files_of_a_killed_download_are_removed(
    server: ReleaseServer, cache_dir: Path
) -> None:
    lt.load("leaders", source=server.url)
    vdir = _source_dir(cache_dir) / V1
    part = vdir / ".stops.parquet.abc123.part"
    part.write_bytes(b"half a file")
    lt.load("stops", source=server.url)
    assert not part.exists()


def test_damaged_cached_index_heals(
    server: ReleaseServer, cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    trips = lt.load("trips", source=server.url)
    index = _source_dir(cache_dir) / "index.json"
    for damage in (b"{not json", index.read_bytes().replace(b"0.1.0", b"0.1.1", 1)):
        index.write_bytes(damage)
        assert lt.load("trips", source=server.url).equals(trips)  # fetched again
        assert index.read_bytes() == (server.root / "index.json").read_bytes()
    monkeypatch.setenv("LEADERTRAVEL_LATEST_TTL", "0")
    index.write_bytes(b"{not json")
    assert lt.load("trips", source=server.url, refresh=True).equals(trips)


def test_damaged_cached_manifest_heals(server: ReleaseServer, cache_dir: Path) -> None:
    trips = lt.load("trips", version=V1, source=server.url)
    manifest = _source_dir(cache_dir) / V1 / "datapackage.json"
    good = manifest.read_bytes()
    # unparseable, and parseable but changed (one hex digit of a hash): both detected
    digit = good.index(b'"hash": "sha256:') + 20
    swapped = good[:digit] + (b"1" if good[digit : digit + 1] != b"1" else b"2") + good[digit + 1 :]
    for damage in (b"\x00" * len(good), swapped):
        manifest.write_bytes(damage)
        with pytest.raises(lt.OfflineError, match="damaged manifest") as err:
            lt.load("trips", version=V1, source=server.url, offline=True)
        assert str(manifest) in str(err.value) and "clear_cache('0.1.0')" in str(err.value)
        assert lt.load("trips", version=V1, source=server.url).equals(trips)
        assert manifest.read_bytes() == good
    manifest.write_bytes(b"{}")
    assert lt.load("trips", version=V1, source=server.url, refresh=True).equals(trips)


def test_latest_offline_after_only_pinned_loads(server: ReleaseServer, publish: object) -> None:
    lt.load("trips", version=V1, source=server.url)
    assert len(lt.load("trips", source=server.url, offline=True)) == 6


def test_latest_offline_with_an_unseen_newer_version_uses_the_newest_cached(
    server: ReleaseServer, publish: object, caplog: pytest.LogCaptureFixture
) -> None:
    publish(server.root, "0.2.0", n_trips=9, released="2026-11-23")  # type: ignore[operator]
    lt.load("trips", version=V1, source=server.url)
    with caplog.at_level(logging.WARNING, logger="leadertravel"):
        assert len(lt.load("trips", source=server.url, offline=True)) == 6
    assert "newest cached version 0.1.0" in caplog.text


def test_cache_info_and_clear_survive_odd_entries(cache_dir: Path, server: ReleaseServer) -> None:
    lt.load("trips", source=server.url)
    src = _source_dir(cache_dir)
    (src / V1 / "stray-dir").mkdir()
    (src / "source.json").write_text(json.dumps({"source": server.url}))
    assert "trips.parquet" in lt.cache_info()["file"].tolist()
    assert lt.clear_cache() >= 4
    assert lt.cache_info().empty
