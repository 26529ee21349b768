"""The cache root as a whole: list every cached release file, delete cached versions.

One source's cache directory (its index, manifests, files, stamps and locks) is
`leadertravel._cache.SourceCache`; this module walks every source directory under a
cache root, for `leadertravel.cache_info` and `leadertravel.clear_cache`.
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NamedTuple

import pandas as pd

from leadertravel._cache import SOURCE_META, SourceCache, cache_error, read_json
from leadertravel._config import cache_root
from leadertravel._format import check_version

__all__ = ["CacheEntry", "cache_info", "clear", "clear_cache", "iter_entries"]

PathLike = str | os.PathLike[str]


class CacheEntry(NamedTuple):
    """One cached release file."""

    source: str
    version: str
    file: str
    bytes: int
    verified_at: str | None


def _children(path: Path) -> list[Path]:
    try:
        return sorted(path.iterdir())
    except (FileNotFoundError, NotADirectoryError):
        return []
    except OSError as err:
        raise cache_error(err, "list", path) from err


def _sources(root: Path) -> Iterator[SourceCache]:
    """Yield the cache of every source under the cache ``root`` (a dir with a source.json)."""
    for child in _children(root):
        meta = read_json(child / SOURCE_META) if child.is_dir() else None
        if meta is not None:
            yield SourceCache(child, str(meta.get("source", child.name)))


def iter_entries(root: Path) -> Iterator[CacheEntry]:
    """Yield every cached release file under a cache root, sorted by source, version, file."""
    for cache in _sources(root):
        for vdir in (p for p in _children(cache.root) if p.is_dir()):
            for path in _children(vdir):
                if path.name.startswith("."):
                    continue
                stamp = read_json(SourceCache.stamp_path(path))
                verified = str(stamp["verified_at"]) if stamp and "verified_at" in stamp else None
                try:
                    if not path.is_file():
                        continue
                    size = path.stat().st_size
                except FileNotFoundError:  # removed meanwhile
                    continue
                yield CacheEntry(cache.location, vdir.name, path.name, size, verified)


def _rmtree(path: Path) -> None:
    def onexc(func: Any, failed: str, err: BaseException) -> None:
        if isinstance(err, FileNotFoundError):
            return  # removed by someone else meanwhile
        if isinstance(err, OSError):
            raise cache_error(err, "remove", Path(failed)) from err
        raise err

    if sys.version_info >= (3, 12):
        shutil.rmtree(path, onexc=onexc)
    else:  # pragma: no cover - Python 3.11
        shutil.rmtree(path, onerror=lambda f, p, info: onexc(f, p, info[1]))


def clear(root: Path, version: str | None = None) -> int:
    """Delete cached releases (all, or one version of every source); return files removed.

    Each version is removed holding its lock, so a load filling it finishes first; lock
    files stay (removing one would let two processes hold "the" lock at once).
    """
    if version is not None:
        check_version(version)
    removed = 0
    for cache in list(_sources(root)):
        versions = [version] if version is not None else cache.cached_versions()
        for v in versions:
            vdir = cache.version_dir(v)
            if not vdir.is_dir():
                continue
            with cache.lock(v, doing="clearing the cache"):
                removed += sum(1 for p in vdir.rglob("*") if p.is_file())
                _rmtree(vdir)
        if version is None:
            cache.forget_index()
            _rmtree(cache.root)
    return removed


def cache_info(*, cache_dir: PathLike | None = None) -> pd.DataFrame:
    """List the cached release files.

    Returns
    -------
    pandas.DataFrame
        One row per file: ``source``, ``version``, ``file``, ``bytes``, ``verified_at``
        (UTC time of the hash check, empty if never verified). ``attrs["cache_dir"]`` is
        the cache root.

    Examples
    --------
    >>> import leadertravel as lt
    >>> from leadertravel._example import example_release
    >>> root = example_release()
    >>> cache = root.parent / "cache"
    >>> _ = lt.load("trips", source=root, cache_dir=cache)
    >>> lt.cache_info(cache_dir=cache)[["version", "file"]]
      version              file
    0   0.1.0  datapackage.json
    1   0.1.0     trips.parquet
    """
    root = cache_root(cache_dir)
    columns = ["source", "version", "file", "bytes", "verified_at"]
    entries = [[getattr(e, c) for c in columns] for e in iter_entries(root)]
    frame = pd.DataFrame(entries, columns=columns)
    frame["bytes"] = frame["bytes"].astype("Int64")
    frame.attrs["cache_dir"] = str(root)
    return frame


def clear_cache(version: str | None = None, *, cache_dir: PathLike | None = None) -> int:
    """Delete cached releases: every version, or one version (of every source).

    Parameters
    ----------
    version
        ``MAJOR.MINOR.PATCH`` to delete only that version; ``None`` deletes everything.
    cache_dir
        Cache root; default ``LEADERTRAVEL_CACHE_DIR``, else the platform's user cache.

    Returns
    -------
    int
        Number of files removed.

    Examples
    --------
    >>> import leadertravel as lt
    >>> from leadertravel._example import example_release
    >>> root = example_release()
    >>> _ = lt.path("trips", source=root, cache_dir=root.parent / "cache")
    >>> lt.clear_cache("0.1.0", cache_dir=root.parent / "cache")
    4
    """
    return clear(cache_root(cache_dir), version)
