"""A release root: one writer at a time, staging, and the index written last.

Builds (:mod:`~leadertravel.pipeline.release.builder`) and publications
(:mod:`~leadertravel.pipeline.release.publish`) write into a release root the same way
(``docs/release-format.md``, "Writing a release root"):

1. hold :func:`release_lock` (which also removes what a killed run left behind);
2. :func:`read_index`, checked as the loader checks it, and compute the new one with
   :func:`index_with` — before anything is written;
3. write the version's files into a :func:`staging_dir` inside the root;
4. :func:`publish_dir`: rename the staging directory to ``<version>/``, then replace
   ``index.json`` atomically and rewrite the download page.

A failed run leaves nothing behind, and a version listed in ``index.json`` is never
removed or overwritten.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from filelock import FileLock, Timeout

from leadertravel._errors import ReleaseExists
from leadertravel._format import DEFAULT_NAME, FORMAT_VERSION, INDEX, PAGE
from leadertravel._fsutil import fsync, is_temp_name, write_atomic
from leadertravel._index import parse_index, render_index

__all__ = [
    "LOCK_SUFFIX",
    "PUBLISHING_PREFIX",
    "STAGING_PREFIX",
    "index_with",
    "lock_path",
    "publish_dir",
    "read_index",
    "release_lock",
    "staging_dir",
]

log = logging.getLogger("leadertravel.pipeline")

#: Lock file of a release root: held while a build or publication writes into it.
LOCK_SUFFIX = ".lock"
#: Prefix of the staging directories builds and publications write into.
STAGING_PREFIX = ".tmp-"
#: Prefix of the marker of a version directory renamed into place but not yet listed.
PUBLISHING_PREFIX = ".publishing-"


def read_index(releases: Path) -> dict[str, Any]:
    """Read and check ``<releases>/index.json``; an empty index when there is none yet.

    Every entry is checked as the loader checks it (:func:`leadertravel._index.parse_index`),
    so a build never publishes next to an index the loader would refuse.

    Returns
    -------
    dict
        ``format_version``, ``name``, ``latest`` (absent when empty) and ``versions``
        (``version``, ``released``, ``path``; newest first).

    Raises
    ------
    ManifestError
        The file is not valid JSON or an entry is invalid (the message names the file and
        the entry).
    """
    path = releases / INDEX
    if not path.is_file():
        return {"format_version": FORMAT_VERSION, "name": DEFAULT_NAME, "versions": []}
    index = parse_index(path.read_bytes(), where=str(path), allow_empty=True)
    found: dict[str, Any] = {"format_version": index.format_version, "name": index.name}
    if index.latest:
        found["latest"] = index.latest
    return found | {"versions": [entry._asdict() for entry in index.versions]}


def index_with(index: Mapping[str, Any], *, name: str, entry: Mapping[str, str]) -> bytes:
    """Return the bytes of ``index`` (from :func:`read_index`) with ``entry`` added, checked.

    The index keeps its ``name`` (``name`` names a new one); an entry of the same version
    is replaced; versions are listed newest first.
    """
    entries = [*index.get("versions", []), entry]
    return render_index(str(index.get("name", name)), entries)


def _marker(releases: Path, version: str) -> Path:
    """Return the file saying ``<releases>/<version>`` is being published (not yet listed)."""
    return releases / f"{PUBLISHING_PREFIX}{version}"


def _fsync_tree(directory: Path) -> None:
    """Flush every file of a staged release, then the directory itself."""
    for path in sorted(directory.iterdir()):
        if path.is_file():
            fsync(path)
    fsync(directory)


def publish_dir(staging: Path, target: Path, *, releases: Path, index: bytes) -> None:
    """Rename a complete staging directory to ``target``, then replace ``index.json``.

    Every staged file and the directory are flushed to disk first, so an index can never
    list files a power loss lost. A marker beside the directory records that it is not
    published yet: if the process dies between the rename and the new index (kill -9),
    the next build or publication into the root finds the marker under the lock and
    removes the unlisted directory (:func:`release_lock`). If the index cannot be written
    the directory is removed at once: a version directory never outlives a failed
    publication (it would block every retry). The download page follows the index.
    """
    if target.exists():
        msg = f"release {target.name} appeared at {target} meanwhile; not overwritten"
        raise ReleaseExists(msg)
    staging.chmod(0o755)  # mkdtemp makes it private; a release is public
    _fsync_tree(staging)
    marker = _marker(releases, target.name)
    write_atomic(marker, f"{target.name}\n".encode(), public=True, sync_dir=True)
    staging.rename(target)
    fsync(releases)
    try:
        write_atomic(releases / INDEX, index, public=True, sync_dir=True)
    except BaseException:
        shutil.rmtree(target)
        raise
    finally:
        marker.unlink(missing_ok=True)
    from leadertravel.pipeline.release.site import write_page

    write_page(releases)


def lock_path(releases: Path) -> Path:
    """Return the lock file of release root ``releases``: beside the root, not inside it.

    Outside the root it is never published, and the root itself can be created and, after
    a failed first build, removed again while the lock is held.

    Examples
    --------
    >>> lock_path(Path("/srv/releases")).as_posix()
    '/srv/.releases.lock'
    """
    return releases.parent / f".{releases.name}{LOCK_SUFFIX}"


@contextmanager
def release_lock(releases: Path) -> Iterator[None]:
    """Hold the lock of release root ``releases`` while writing to it.

    Builds and publications into one root take turns, so each compares with, and adds
    to, the index the previous one wrote. Holding the lock, no other build is writing,
    so staging directories (``.tmp-*``) and temporary index files found in the root are
    leftovers of a killed one and are removed. The root is created under the lock, and a
    root this call created is removed again if nothing was published into it, so a failed
    first build leaves nothing behind.
    """
    releases.parent.mkdir(parents=True, exist_ok=True)
    lock = FileLock(lock_path(releases))
    try:
        lock.acquire(timeout=0)
    except Timeout:
        log.info(
            "waiting for another build or publication into %s (%s)", releases, lock_path(releases)
        )
        lock.acquire()
    try:
        fresh = not releases.exists()
        releases.mkdir(exist_ok=True)
        try:
            _remove_stale(releases)
            yield
        finally:
            if fresh and not any(releases.iterdir()):
                releases.rmdir()
    finally:
        lock.release()


@contextmanager
def staging_dir(releases: Path, label: str) -> Iterator[Path]:
    """Yield a new staging directory inside ``releases``; remove it unless renamed away.

    Call holding :func:`release_lock`: the staging directory must be on the release
    root's file system for the final rename to be atomic.
    """
    staging = Path(tempfile.mkdtemp(prefix=f"{STAGING_PREFIX}{label}-", dir=releases))
    try:
        yield staging
    finally:
        if staging.exists():
            shutil.rmtree(staging)


def _remove_stale(releases: Path) -> None:
    """Remove what killed builds left in ``releases`` (call only holding its lock).

    Staging directories and temporary index files go. A version directory renamed into
    place by a build killed before it wrote ``index.json`` (its marker is still there)
    goes too — unless the index lists it, for then it is published, and published
    versions are never removed. Each removal is logged.
    """
    for marker in sorted(releases.glob(f"{PUBLISHING_PREFIX}*")):
        version = marker.name.removeprefix(PUBLISHING_PREFIX)
        target = releases / version
        listed = {v["version"] for v in read_index(releases).get("versions", [])}
        if version in listed or not version or Path(version).name != version:
            log.info("%s is published; removing only the marker %s", target, marker.name)
        elif target.is_dir() and not target.is_symlink():
            log.warning(
                "removing %s: a build or publication was killed after moving it into place "
                "and before listing it in %s, so it was never published",
                target,
                INDEX,
            )
            shutil.rmtree(target)
        marker.unlink()
    for path in sorted(releases.iterdir()):
        if path.is_dir() and not path.is_symlink() and path.name.startswith(STAGING_PREFIX):
            log.warning("removing %s, left by an interrupted build or publication", path)
            shutil.rmtree(path)
        elif is_temp_name(path.name, of=INDEX) or is_temp_name(path.name, of=PAGE):
            log.warning("removing %s, left by an interrupted index update", path)
            path.unlink()
