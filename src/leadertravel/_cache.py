"""The local cache of downloaded releases.

Layout (one directory per source, one per version inside it)::

    <cache root>/                        platformdirs user cache dir, or LEADERTRAVEL_CACHE_DIR
      <host-or-dir>-<hash of source>/
        source.json                      the source's location and when index.json was fetched
        index.json                       last index fetched from the source
        <version>.lock                   file lock held while filling <version>/
        <version>/
          datapackage.json               the release manifest (immutable once cached)
          <table>.parquet                verified copies of the release files
          .verified/<table>.parquet.json sha256, size, mtime and "schema_checked" recorded
                                         after verification

A file counts as verified without re-hashing when its stamp names the manifest's sha256
and size, says its Parquet schema was checked against the manifest's Table Schema, and
the file's size and modification time are those recorded at verification. A cached file
is never deleted because it failed a check: only an atomic rename of a verified download
replaces it (``clear`` is the one way to delete).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from leadertravel._errors import SourceError
from leadertravel._manifest import _VERSION_RE, check_version

if TYPE_CHECKING:
    from filelock import BaseFileLock

__all__ = [
    "CacheEntry",
    "SourceCache",
    "cache_root",
    "iter_entries",
    "write_atomic",
]

LOCK_TIMEOUT = 600.0
_STAMPS = ".verified"


def cache_root(cache_dir: str | os.PathLike[str] | None = None) -> Path:
    """Return the cache root: ``cache_dir``, else ``LEADERTRAVEL_CACHE_DIR``, else platformdirs.

    Examples
    --------
    >>> cache_root("/tmp/lt-cache")
    PosixPath('/tmp/lt-cache')
    """
    if cache_dir is not None:
        return Path(cache_dir).expanduser()
    env = os.environ.get("LEADERTRAVEL_CACHE_DIR")
    if env:
        return Path(env).expanduser()
    import platformdirs

    return Path(platformdirs.user_cache_dir("leadertravel", appauthor=False))


def write_atomic(path: Path, data: bytes, *, durable: bool = True) -> None:
    """Write ``data`` to ``path`` through a temp file and an atomic rename.

    ``durable`` fsyncs the bytes before the rename, so a crash cannot leave an empty or
    torn file under the final name; files whose loss only costs a re-check (stamps,
    ``source.json``) skip it.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            if durable:
                fh.flush()
                os.fsync(fh.fileno())
        tmp.replace(path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _read_json(path: Path) -> dict[str, Any] | None:
    try:
        obj = json.loads(path.read_bytes())
    except (OSError, ValueError):
        return None
    return obj if isinstance(obj, dict) else None


def _source_key(location: str) -> str:
    slug = re.sub(r"^[a-z]+://", "", location.lower())
    slug = re.sub(r"[^a-z0-9]+", "-", slug).strip("-")[:40] or "source"
    digest = hashlib.sha256(location.encode("utf-8")).hexdigest()[:12]
    return f"{slug}-{digest}"


class SourceCache:
    """The cache directory ``root`` of the release source ``location``."""

    def __init__(self, root: Path, location: str) -> None:
        self.root = root
        self.location = location

    @classmethod
    def of(cls, root: Path, location: str) -> SourceCache:
        """Return the cache of ``location`` under the cache ``root``."""
        return cls(root / _source_key(location), location)

    # -- index ------------------------------------------------------------------------
    def cached_index(self) -> tuple[bytes, float] | None:
        """Return the cached ``index.json`` bytes and when they were fetched (epoch s)."""
        meta = _read_json(self.root / "source.json")
        try:
            data = (self.root / "index.json").read_bytes()
        except OSError:
            return None
        fetched = meta.get("index_fetched_at") if meta else None
        return data, float(fetched) if isinstance(fetched, int | float) else 0.0

    def _write_meta(self, *, index_fetched_at: float | None) -> None:
        meta: dict[str, Any] = {"source": self.location}
        if index_fetched_at is not None:
            meta["index_fetched_at"] = index_fetched_at
        write_atomic(self.root / "source.json", json.dumps(meta, indent=1).encode(), durable=False)

    def store_index(self, data: bytes) -> None:
        """Cache a freshly fetched ``index.json``."""
        write_atomic(self.root / "index.json", data)
        self._write_meta(index_fetched_at=time.time())

    # -- versions ---------------------------------------------------------------------
    def version_dir(self, version: str) -> Path:
        """Directory of a (checked) version."""
        return self.root / check_version(version)

    def lock(self, version: str) -> BaseFileLock:
        """Inter-process lock guarding the filling of a version directory."""
        from filelock import FileLock

        self.root.mkdir(parents=True, exist_ok=True)
        return FileLock(str(self.root / f"{check_version(version)}.lock"), timeout=LOCK_TIMEOUT)

    def manifest_path(self, version: str) -> Path:
        """Path of a version's cached ``datapackage.json``."""
        return self.version_dir(version) / "datapackage.json"

    def store_manifest(self, version: str, data: bytes) -> None:
        """Cache a version's fetched ``datapackage.json`` (and name the source, once)."""
        write_atomic(self.manifest_path(version), data)
        if not (self.root / "source.json").is_file():
            self._write_meta(index_fetched_at=None)

    def file_path(self, version: str, name: str) -> Path:
        """Path of a release file (a checked bare file name) in the cache."""
        return self.version_dir(version) / name

    # -- verification stamps ----------------------------------------------------------
    @staticmethod
    def _stamp_path(path: Path) -> Path:
        return path.parent / _STAMPS / f"{path.name}.json"

    def is_verified(self, path: Path, *, sha256: str, size: int) -> bool:
        """Whether ``path`` was verified against ``sha256``/``size`` and is unchanged since."""
        stamp = _read_json(self._stamp_path(path))
        if stamp is None or stamp.get("sha256") != sha256 or stamp.get("bytes") != size:
            return False
        if stamp.get("schema_checked") is not True:  # stamped before schemas were checked
            return False
        try:
            st = path.stat()
        except OSError:
            return False
        return st.st_size == size and st.st_mtime_ns == stamp.get("mtime_ns")

    def stamp(self, path: Path, *, sha256: str, size: int) -> None:
        """Record that ``path`` (just verified) has the given sha256 and size.

        The stamp also records that its Parquet schema was checked against the manifest's.
        """
        st = path.stat()
        record = {
            "sha256": sha256,
            "bytes": size,
            "schema_checked": True,
            "mtime_ns": st.st_mtime_ns,
            "verified_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        }
        write_atomic(self._stamp_path(path), json.dumps(record, indent=1).encode(), durable=False)

    def unstamp(self, path: Path) -> None:
        """Forget that ``path`` was verified (the file stays until a verified copy replaces it)."""
        self._stamp_path(path).unlink(missing_ok=True)

    def cached_versions(self) -> list[str]:
        """Versions with a cached manifest, in no particular order."""
        if not self.root.is_dir():
            return []
        found = []
        for child in self.root.iterdir():
            if _VERSION_RE.fullmatch(child.name) and (child / "datapackage.json").is_file():
                found.append(child.name)
        return found


class CacheEntry(NamedTuple):
    """One cached release file."""

    source: str
    version: str
    file: str
    bytes: int
    verified_at: str | None


def _source_dirs(root: Path) -> Iterator[tuple[Path, str]]:
    if not root.is_dir():
        return
    for child in sorted(root.iterdir()):
        meta = _read_json(child / "source.json")
        if child.is_dir() and meta is not None:
            yield child, str(meta.get("source", child.name))


def iter_entries(root: Path) -> Iterator[CacheEntry]:
    """Yield every cached release file under a cache root, sorted by source, version, file."""
    for src_dir, location in _source_dirs(root):
        for vdir in sorted(p for p in src_dir.iterdir() if p.is_dir()):
            for path in sorted(vdir.iterdir()):
                if not path.is_file() or path.name.startswith("."):
                    continue
                stamp = _read_json(vdir / _STAMPS / f"{path.name}.json")
                verified = str(stamp["verified_at"]) if stamp and "verified_at" in stamp else None
                yield CacheEntry(location, vdir.name, path.name, path.stat().st_size, verified)


def clear(root: Path, version: str | None = None) -> int:
    """Delete cached releases (all, or one version of every source); return files removed."""
    if version is not None:
        check_version(version)
    removed = 0
    for src_dir, location in list(_source_dirs(root)):
        cache = SourceCache(src_dir, location)
        versions = [version] if version is not None else cache.cached_versions()
        for v in versions:
            vdir = cache.version_dir(v)
            if not vdir.is_dir():
                continue
            with cache.lock(v):
                removed += sum(1 for p in vdir.rglob("*") if p.is_file())
                try:
                    shutil.rmtree(vdir)
                except OSError as err:
                    msg = f"cannot remove cached version {v} at {vdir}: {err}"
                    raise SourceError(msg) from err
            (src_dir / f"{v}.lock").unlink(missing_ok=True)
        if version is None:
            shutil.rmtree(src_dir, ignore_errors=True)
    return removed
