"""A verified release file: hash what is read, fetch what fails, never serve other bytes.

Every load reads the cached file's bytes once, checks them and parses exactly those
bytes, so a cached file that rotted, was truncated or was edited in place (whatever its
size and modification time say) is never served: it is fetched again under its lock
(offline: `OfflineError` naming the file and ``clear_cache``). The check is the CRC-32
recorded in the file's stamp when its sha256 was verified (about 0.3 ms per MB; it
detects every burst of up to 32 flipped bits), else (no stamp, a read-only cache, or
``refresh=True``) the sha256 itself (about 1 ms per MB); ``benchmarks/bench_loader.py``
measures the cost. The Parquet schema check is done once per verified file.

Downloads stream to a temporary file, are verified, renamed into place and re-read
through the same check; transient source failures are retried with back-off, a file
failing verification is fetched once more. If ``clear_cache`` removes the version
directory meanwhile, the fetch starts over (a bounded number of times).
"""

from __future__ import annotations

import hashlib
import logging
import shutil
import zlib
from pathlib import Path
from typing import Any

import pyarrow as pa

from leadertravel._cache import CacheVanished, cache_error
from leadertravel._errors import CacheError, HashMismatch, IntegrityError
from leadertravel._http import retrying
from leadertravel._manifest import Release, Resource, check_file_schema
from leadertravel._resolve import Context

__all__ = ["WORKERS", "verified_all", "verified_bytes", "verified_path"]

logger = logging.getLogger("leadertravel")

#: Times a fetch starts over when the cache directory vanishes under it.
ATTEMPTS = 3
#: Files of one release fetched at once by ``load_all`` and ``leadertravel fetch``.
WORKERS = 4


def _read_copy(path: Path, size: int) -> pa.Buffer | None:
    """Up to ``size + 1`` bytes of a cached file (one more shows it is too long).

    They are read into memory Arrow allocated, not into a Python ``bytes``: Arrow drops
    its last reference to the bytes it parses on whichever of its pool threads finishes
    last (after a filtered read, often once the call has returned). Bytes owned by a
    Python object make that thread take the GIL to let go of them, and a native thread
    that waits for the GIL while the interpreter exits ends the process ("terminate
    called without an active exception", seen after ``leadertravel demo``). Arrow frees
    its own memory on any thread without Python.
    """
    try:
        with path.open("rb") as fh:
            buffer = pa.allocate_buffer(size + 1)
            got = fh.readinto(buffer)  # a buffered file reads until full or at its end
    except FileNotFoundError:
        return None
    except OSError as err:
        raise cache_error(err, "read", path) from err
    return buffer if got == size + 1 else buffer.slice(0, got)


def _intact(data: pa.Buffer, res: Resource, stamp: dict[str, Any] | None, *, full: bool) -> str:
    """Return '' if ``data`` are the manifest's bytes, else what was found instead.

    With a stamp recording the CRC-32 of the verified bytes (and not ``full``), the CRC is
    compared: it catches every burst of up to 32 flipped bits, which is what rot, a torn
    write or a truncation do, at memory speed. Otherwise the sha256 is.
    """
    if len(data) != res.bytes:
        size = f"{len(data)}" if len(data) <= res.bytes else f"more than {res.bytes}"
        return f"{size} bytes; manifest {res.bytes} bytes"
    crc = stamp.get("crc32") if stamp is not None else None
    if not full and isinstance(crc, int) and not isinstance(crc, bool):
        got = zlib.crc32(data)
        return "" if got == crc else f"crc32 {got:08x}, verified {crc:08x}"
    digest = hashlib.sha256(data).hexdigest()
    return "" if digest == res.sha256 else f"sha256 {digest}; manifest {res.sha256}"


def _verified(
    context: Context, dest: Path, res: Resource, version: str, *, warn: bool
) -> pa.Buffer | None:
    """Return the bytes of the cached copy if they are the manifest's, else None."""
    data = _read_copy(dest, res.bytes)
    if data is None:
        return None
    stamp = context.cache.stamp_of(dest, sha256=res.sha256, size=res.bytes)
    found = _intact(data, res, stamp, full=context.refresh)
    if found:
        if warn:
            logger.warning(
                "%s: cached copy fails verification (%s); it is no longer used and will be "
                "replaced by a verified download",
                dest,
                found,
            )
            context.cache.unstamp(dest)
        return None
    if stamp is None or stamp.get("schema_checked") is not True or "crc32" not in stamp:
        check_file_schema(dest, res, version=version, data=data)
        context.cache.stamp(dest, sha256=res.sha256, size=res.bytes, crc32=zlib.crc32(data))
    return data


def _download(context: Context, release: Release, res: Resource, dest: Path) -> None:
    """Download a file into ``dest`` (atomically, verified): retried, then tried twice."""
    from leadertravel._download import download_verified

    name = f"{release.version}/{res.path}"
    context.cache.ensure_dir(dest.parent)
    try:
        free = shutil.disk_usage(dest.parent).free
    except OSError as err:
        raise cache_error(err, "inspect", dest.parent) from err
    if free < res.bytes:
        msg = (
            f"cannot download {name} ({res.bytes} bytes) into the leadertravel cache "
            f"{dest.parent}: only {free} bytes are free; free some space, or use another "
            "cache directory (cache_dir= or LEADERTRAVEL_CACHE_DIR)"
        )
        raise CacheError(msg)
    for attempt in (1, 2):
        try:
            retrying(
                lambda: download_verified(
                    context.source,
                    name,
                    dest,
                    sha256=res.sha256,
                    size=res.bytes,
                    progress=context.progress,
                )
            )
            break
        except IntegrityError as err:
            if attempt == 2:
                raise
            logger.warning("%s — discarded; fetching it once more", err)
    logger.info("downloaded and verified %s", context.source.url(name))


def _fill(context: Context, release: Release, res: Resource, dest: Path) -> pa.Buffer:
    """Return the verified bytes, downloading them if needed (hold the version's lock)."""
    context.cache.sweep(release.version, res.path)
    buf = _verified(context, dest, res, release.version, warn=True)
    if buf is not None:
        return buf  # another process fetched it while we waited
    what = f"{res.path} of version {release.version} is not"
    if dest.exists():  # a copy is there, but it failed its sha256 or size check
        what = (
            f"{res.path} of version {release.version} has only a copy failing its sha256 "
            f"({dest}; remove it with leadertravel.clear_cache({release.version!r})) and no "
            "good copy is"
        )
    context.online(lambda: _download(context, release, res, dest), what=what, cached=False)
    buf = _verified(context, dest, res, release.version, warn=True)
    if buf is None:
        msg = (
            f"{dest}: changed on disk right after it was downloaded and verified; the disk "
            "or the file system may be failing"
        )
        raise HashMismatch(msg)
    return buf


def verified_bytes(context: Context, release: Release, res: Resource) -> pa.Buffer:
    """Return the verified bytes of a release file, from the cache or downloaded."""
    dest = context.cache.file_path(release.version, res.path)
    buf = _verified(context, dest, res, release.version, warn=bool(context.offline))
    if buf is not None:
        if context.offline:
            logger.info("offline: %s %s from the cache", res.name, release.version)
        return buf
    if context.offline:  # never lock (a read-only cache) just to say it is not there
        what = f"{res.path} of version {release.version} is not"
        if dest.exists():
            what = (
                f"{res.path} of version {release.version} has only a copy failing its sha256 "
                f"({dest}; connect to fetch it again, or remove it with "
                f"leadertravel.clear_cache({release.version!r})) and no good copy is"
            )
        raise context.offline_error(what)
    for attempt in range(1, ATTEMPTS + 1):
        try:
            lock = context.cache.lock(release.version, doing=f"fetching {res.path}", name=res.path)
            with lock:
                return _fill(context, release, res, dest)
        except CacheVanished as err:
            if attempt == ATTEMPTS:
                raise
            logger.info("%s — starting over", err)
    raise AssertionError("unreachable")  # pragma: no cover


def verified_path(context: Context, release: Release, res: Resource) -> Path:
    """Return the cached file of a release table, its bytes verified just now."""
    verified_bytes(context, release, res)
    return context.cache.file_path(release.version, res.path)


def verified_all(context: Context, release: Release) -> dict[str, pa.Buffer]:
    """Return the verified bytes of every table of a release, fetched `WORKERS` at a time.

    Table name → bytes, in the manifest's order. With a progress bar (one at a time can
    be drawn) the files are fetched one after the other.
    """
    from concurrent.futures import ThreadPoolExecutor

    from leadertravel._progress import wants_progress

    resources = list(release.resources.values())
    workers = 1 if wants_progress(context.progress) else min(WORKERS, len(resources))
    if workers <= 1:
        return {r.name: verified_bytes(context, release, r) for r in resources}
    with ThreadPoolExecutor(workers, thread_name_prefix="leadertravel-fetch") as pool:
        found = pool.map(lambda r: verified_bytes(context, release, r), resources)
        return {r.name: data for r, data in zip(resources, found, strict=True)}
