"""The local cache of downloaded releases.

Layout (one directory per source, one per version inside it)::

    <cache root>/                        platformdirs user cache dir, or LEADERTRAVEL_CACHE_DIR
      <host-or-dir>-<hash of source>/
        source.json                      the source's location; when index.json was fetched
                                         and its sha256
        index.json                       last index fetched from the source
        <version>.lock                   file lock held while filling <version>/
        <version>.lock.owner             who holds (or last held) that lock, for messages
        <version>/
          datapackage.json               the release manifest (immutable once cached)
          <table>.parquet                verified copies of the release files
          .verified/<file>.json          sha256 and size recorded after verification (for
                                         a Parquet file also its CRC-32 and that its schema
                                         was checked)

Every load checks the bytes it reads (see `leadertravel._fetch`), so a cached file that
rots keeping its size and modification time is never served; the stamps hold the CRC-32
of the verified bytes for that check, spare the schema check and date the verification.
``datapackage.json`` and ``index.json`` are small and checked against the sha256 recorded
when they were stored, so a damaged copy is fetched again instead of being blamed on the
release.

A cache may be read-only (a shared or pre-built cache): everything already cached loads;
stamps and a refreshed index that cannot be written are kept in memory for the process;
anything that must be downloaded raises `CacheError` naming the directory. Every other
I/O fault (disk full, a file where a directory belongs, a lock held too long) is a
`CacheError` too. A cached file is never deleted because it failed a check: only an
atomic rename of a verified download replaces it (``clear_cache`` is the one way to
delete; listing and clearing the whole cache root is `leadertravel._cacheroot`).
"""

from __future__ import annotations

import errno
import hashlib
import json
import logging
import os
import re
import socket
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from leadertravel._config import lock_timeout
from leadertravel._errors import CacheError, CacheLocked
from leadertravel._format import INDEX, MANIFEST, VERSION_RE, check_version
from leadertravel._fsutil import PART_SUFFIX, TEMP_SUFFIX, is_temp_name, write_atomic

__all__ = [
    "SOURCE_META",
    "CacheVanished",
    "SourceCache",
    "cache_error",
    "read_json",
]

logger = logging.getLogger("leadertravel")

_STAMPS = ".verified"
#: A source directory's record of its location and of its cached index.
SOURCE_META = "source.json"
#: Temp files (``.tmp``) older than this are left by a killed process and are removed.
STALE_SECONDS = 3600.0
_READ_ONLY = {errno.EROFS, errno.EACCES, errno.EPERM}
_FULL = {errno.ENOSPC, errno.EDQUOT}
_IN_THE_WAY = {errno.ENOTDIR, errno.EEXIST, errno.EISDIR}
# Refreshed indexes that could not be written (read-only cache): source dir → (bytes, time)
_MEMORY_INDEX: dict[str, tuple[bytes, float]] = {}


class CacheVanished(CacheError):
    """A cache directory disappeared during an operation (``clear_cache`` meanwhile)."""


def cache_error(err: OSError, doing: str, path: Path) -> CacheError:
    """Return the `CacheError` for an OS error while ``doing`` something to ``path``."""
    if isinstance(err, FileNotFoundError):
        return CacheVanished(f"cannot {doing} {path}: it was removed meanwhile ({err.strerror})")
    code = err.errno
    if code in _FULL:
        why = "the disk is full"
        fix = "free some space, or use another cache (cache_dir= or LEADERTRAVEL_CACHE_DIR)"
    elif code in _READ_ONLY:
        why = "the cache is not writable"
        fix = "use a writable cache directory (cache_dir= or LEADERTRAVEL_CACHE_DIR)"
    elif code in _IN_THE_WAY:
        why = "something that is not a directory is in the way, or the reverse"
        fix = "remove it, or choose another cache directory (cache_dir= or LEADERTRAVEL_CACHE_DIR)"
    else:
        why, fix = "an I/O error", "check the disk, or use another cache directory"
    return CacheError(f"cannot {doing} {path} in the leadertravel cache ({why}: {err}); {fix}")


def _is_soft(err: CacheError) -> bool:
    """Whether a failed optional write may be ignored (read-only or full cache)."""
    cause = err.__cause__
    return isinstance(cause, OSError) and (cause.errno in _READ_ONLY | _FULL)


def _read(path: Path) -> bytes | None:
    """Return a cached file's bytes, or None if it is not there."""
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as err:
        raise cache_error(err, "read", path) from err


def read_json(path: Path) -> dict[str, Any] | None:
    """Return a cached JSON object, or None if it is absent or not a JSON object."""
    data = _read(path)
    if data is None:
        return None
    try:
        obj = json.loads(data)
    except (ValueError, RecursionError):
        return None
    return obj if isinstance(obj, dict) else None


def _source_key(location: str) -> str:
    slug = re.sub(r"^[a-z]+://", "", location.lower())
    slug = re.sub(r"[^a-z0-9]+", "-", slug).strip("-")[:40] or "source"
    digest = hashlib.sha256(location.encode("utf-8", "surrogatepass")).hexdigest()[:12]
    return f"{slug}-{digest}"


# The last sha256 computed for each size, with its bytes: a warm load re-reads the same
# manifest, and bytes equal to hashed ones (compared at memory speed) have that digest.
_DIGESTS: dict[int, tuple[bytes, str]] = {}


def _sha(data: bytes) -> str:
    hit = _DIGESTS.get(len(data))
    if hit is not None and hit[0] == data:
        return hit[1]
    digest = hashlib.sha256(data).hexdigest()
    if len(_DIGESTS) >= 16:
        _DIGESTS.clear()
    _DIGESTS[len(data)] = (data, digest)
    return digest


class SourceCache:
    """The cache directory ``root`` of the release source ``location``."""

    def __init__(self, root: Path, location: str) -> None:
        self.root = root
        self.location = location

    @classmethod
    def of(cls, root: Path, location: str) -> SourceCache:
        """Return the cache of ``location`` under the cache ``root``."""
        return cls(root / _source_key(location), location)

    # -- writing ----------------------------------------------------------------------
    def write(self, path: Path, data: bytes, *, durable: bool = True) -> None:
        """Write a cache file atomically; any OS error becomes a `CacheError`."""
        try:
            write_atomic(path, data, durable=durable)
        except OSError as err:
            raise cache_error(err, "write", path) from err

    def write_optional(self, path: Path, data: bytes) -> bool:
        """Write a file whose loss only costs a re-check; False if the cache refused it."""
        try:
            self.write(path, data, durable=False)
        except CacheError as err:
            if not _is_soft(err):
                raise
            logger.debug("%s — kept in memory only", err)
            return False
        return True

    def ensure_dir(self, path: Path) -> None:
        """Create a cache directory (and its parents)."""
        try:
            path.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            raise cache_error(err, "create the directory", path) from err

    # -- index ------------------------------------------------------------------------
    def index_path(self) -> Path:
        """Path of the cached ``index.json``."""
        return self.root / INDEX

    def cached_index(self) -> tuple[bytes, float] | None:
        """Return the cached ``index.json`` bytes and when they were fetched (epoch s).

        A copy whose sha256 differs from the one recorded when it was stored is damaged:
        it is ignored (with a warning), as if nothing were cached.
        """
        meta = read_json(self.root / SOURCE_META) or {}
        data = _read(self.index_path())
        memory = _MEMORY_INDEX.get(str(self.root))
        fetched = meta.get("index_fetched_at")
        when = float(fetched) if isinstance(fetched, int | float) else 0.0
        recorded = meta.get("index_sha256")
        if data is not None and isinstance(recorded, str) and recorded != _sha(data):
            logger.warning(
                "%s is damaged (its sha256 is not the one recorded when it was stored); "
                "ignoring it",
                self.index_path(),
            )
            data = None
        if memory is not None and (data is None or memory[1] >= when):
            return memory
        return None if data is None else (data, when)

    def _write_meta(self, meta: dict[str, Any]) -> bool:
        meta = {"source": self.location, **meta}
        return self.write_optional(self.root / SOURCE_META, json.dumps(meta, indent=1).encode())

    def forget_index(self) -> None:
        """Drop an index kept in memory only (its source directory is being removed)."""
        _MEMORY_INDEX.pop(str(self.root), None)

    def store_index(self, data: bytes) -> None:
        """Cache a freshly fetched ``index.json`` (in memory only if the cache is read-only)."""
        now = time.time()
        _MEMORY_INDEX[str(self.root)] = (data, now)
        try:
            self.write(self.index_path(), data)
        except CacheError as err:
            if not _is_soft(err):
                raise
            logger.info("%s — using the fetched index in memory only", err)
            return
        if self._write_meta({"index_fetched_at": now, "index_sha256": _sha(data)}):
            _MEMORY_INDEX.pop(str(self.root), None)

    # -- versions ---------------------------------------------------------------------
    def version_dir(self, version: str) -> Path:
        """Directory of a (checked) version."""
        return self.root / check_version(version)

    @contextmanager
    def lock(self, version: str, *, doing: str, name: str | None = None) -> Iterator[None]:
        """Hold the inter-process lock of a version directory, or of one file in it.

        The version's lock guards its manifest and ``clear``; a file's lock (``name``) its
        download, so the files of one version are fetched in parallel. Raises
        `CacheLocked` (naming the holder) after ``LEADERTRAVEL_LOCK_TIMEOUT`` seconds, and
        `CacheError` if the lock file cannot be created.
        """
        from filelock import FileLock, Timeout

        self.ensure_dir(self.root)
        stem = check_version(version) if name is None else f"{check_version(version)}.{name}"
        path = self.root / f"{stem}.lock"
        owner = path.with_name(path.name + ".owner")
        wait = lock_timeout()
        lock = FileLock(str(path), timeout=wait)
        try:
            lock.acquire()
        except Timeout as err:
            holder = read_json(owner) or {}
            who = (
                f"process {holder.get('pid')} on {holder.get('host')} since "
                f"{holder.get('since')} ({holder.get('doing')})"
                if holder
                else "another process"
            )
            msg = (
                f"waited {wait:g} s (LEADERTRAVEL_LOCK_TIMEOUT) for the cache lock {path}, held "
                f"by {who}; retry when it is done, or raise LEADERTRAVEL_LOCK_TIMEOUT"
            )
            raise CacheLocked(msg) from err
        except OSError as err:
            raise cache_error(err, "take the lock", path) from err
        try:
            record = {
                "pid": os.getpid(),
                "host": socket.gethostname(),
                "since": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                "doing": doing,
            }
            self.write_optional(owner, json.dumps(record).encode())
            yield
        finally:
            lock.release()

    def sweep(self, version: str, name: str) -> None:
        """Remove temp files killed processes left in a version directory (hold ``name``'s lock).

        ``.part`` files of ``name`` are downloads, which only its lock holder makes, so any
        present is stale; ``.tmp`` files of atomic writes are removed after `STALE_SECONDS`.
        """
        vdir = self.version_dir(version)
        try:
            names = list(vdir.iterdir()) + list((vdir / _STAMPS).glob(f".*{TEMP_SUFFIX}"))
        except FileNotFoundError:
            return
        except OSError as err:
            raise cache_error(err, "list", vdir) from err
        now = time.time()
        for path in names:
            try:
                stale = is_temp_name(path.name, of=name, suffix=PART_SUFFIX) or (
                    is_temp_name(path.name) and now - path.stat().st_mtime > STALE_SECONDS
                )
                if stale:
                    logger.info("removing %s, left by an interrupted download", path)
                    path.unlink()
            except FileNotFoundError:
                continue
            except OSError as err:
                logger.debug("cannot remove %s: %s", path, err)

    def manifest_path(self, version: str) -> Path:
        """Path of a version's cached ``datapackage.json``."""
        return self.version_dir(version) / MANIFEST

    def cached_manifest(self, version: str) -> tuple[bytes | None, bool]:
        """Return a version's cached manifest bytes (None if absent) and whether it is intact.

        Intact means its sha256 is the one recorded when it was stored (or none was
        recorded, by an older leadertravel).
        """
        path = self.manifest_path(version)
        data = _read(path)
        if data is None:
            return None, True
        stamp = read_json(self.stamp_path(path))
        recorded = stamp.get("sha256") if stamp else None
        return data, not isinstance(recorded, str) or recorded == _sha(data)

    def store_manifest(self, version: str, data: bytes) -> None:
        """Cache a version's fetched ``datapackage.json`` and the sha256 it has."""
        path = self.manifest_path(version)
        self.write(path, data)
        self.stamp(path, sha256=_sha(data), size=len(data), schema_checked=False)
        if not (self.root / SOURCE_META).is_file():
            self._write_meta({})

    def file_path(self, version: str, name: str) -> Path:
        """Path of a release file (a checked bare file name) in the cache."""
        return self.version_dir(version) / name

    # -- verification stamps ----------------------------------------------------------
    @staticmethod
    def stamp_path(path: Path) -> Path:
        """Path of the verification stamp of a cached file."""
        return path.parent / _STAMPS / f"{path.name}.json"

    def stamp_of(self, path: Path, *, sha256: str, size: int) -> dict[str, Any] | None:
        """Return the stamp of ``path`` if it records these bytes (sha256 and size)."""
        stamp = read_json(self.stamp_path(path))
        if stamp is None or stamp.get("sha256") != sha256 or stamp.get("bytes") != size:
            return None
        return stamp

    def stamp(
        self,
        path: Path,
        *,
        sha256: str,
        size: int,
        schema_checked: bool = True,
        crc32: int | None = None,
    ) -> None:
        """Record that ``path`` (just verified) has the given sha256 and size (optional).

        ``crc32`` of the verified bytes lets later loads check them at memory speed.
        """
        record: dict[str, Any] = {
            "sha256": sha256,
            "bytes": size,
            "schema_checked": schema_checked,
            "verified_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        }
        if crc32 is not None:
            record["crc32"] = crc32
        self.write_optional(self.stamp_path(path), json.dumps(record, indent=1).encode())

    def unstamp(self, path: Path) -> None:
        """Forget that ``path`` was verified (the file stays until a verified copy replaces it)."""
        try:
            self.stamp_path(path).unlink(missing_ok=True)
        except OSError as err:
            logger.debug("cannot remove the stamp of %s: %s", path, err)

    def cached_versions(self) -> list[str]:
        """Versions with a cached manifest, in no particular order."""
        try:
            children = list(self.root.iterdir())
        except (FileNotFoundError, NotADirectoryError):
            return []
        except OSError as err:
            raise cache_error(err, "list", self.root) from err
        return [
            child.name
            for child in children
            if VERSION_RE.fullmatch(child.name) and (child / MANIFEST).is_file()
        ]
