"""Download one release file: stream to a temp file, check sha256 and size, rename.

The destination only ever appears complete and verified: bytes go to a temporary file in
the same directory, are hashed while they are written, and the file is atomically renamed
into place only when its size and sha256 match the manifest. Every later load hashes the
bytes it reads again (see `leadertravel._fetch`).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from pathlib import Path

from leadertravel._cache import cache_error
from leadertravel._errors import HashMismatch, LeadertravelError, TruncatedDownload
from leadertravel._fsutil import PART_SUFFIX, temp_file
from leadertravel._progress import progress_bar
from leadertravel._source import Source

__all__ = ["check_digest", "download_verified"]


def check_digest(where: str, *, expected: str, got: str, size: int, expected_size: int) -> None:
    """Raise the matching `IntegrityError` if size or sha256 differ from the manifest's."""
    if size < expected_size:
        msg = (
            f"{where}: got {size} bytes but the manifest says {expected_size}; the download "
            "was cut short (try again; if it persists the source is damaged)"
        )
        raise TruncatedDownload(msg)
    if got != expected or size != expected_size:
        msg = (
            f"{where}: sha256 mismatch: expected {expected} ({expected_size} bytes), "
            f"got {got} ({size} bytes); the file is corrupt or was changed at the source"
        )
        raise HashMismatch(msg)


def _oversize(where: str, got: int, size: int) -> HashMismatch:
    msg = (
        f"{where}: more bytes than the manifest's {size} (at least {got}); stopped reading — "
        "the file is not the one the manifest describes (changed at the source?)"
    )
    return HashMismatch(msg)


def download_verified(
    source: Source,
    name: str,
    dest: Path,
    *,
    sha256: str,
    size: int,
    progress: bool | None = None,
) -> None:
    """Fetch ``name`` from ``source`` into ``dest``, verified, or raise and leave no trace.

    Parameters
    ----------
    source
        The release source.
    name
        The file's name relative to the release root (``<version>/<file>``).
    dest
        Final path; replaced atomically only once the bytes are verified.
    sha256
        Expected lowercase hex digest.
    size
        Expected number of bytes.
    progress
        Show a progress bar (``None``: only when interactive).

    Raises
    ------
    TruncatedDownload
        Fewer bytes arrived than the manifest promises.
    HashMismatch
        The bytes differ from the manifest's sha256, or more bytes arrive than it says
        (the download stops at the first byte too many).
    SourceError
        The source could not be read.
    CacheError
        The temporary file could not be written (disk full, directory removed …).
    """
    try:
        fd, tmp = temp_file(dest, suffix=PART_SUFFIX)
    except OSError as err:
        raise cache_error(err, "create a temporary file in", dest.parent) from err
    try:
        digest = hashlib.sha256()
        got = 0
        with (
            os.fdopen(fd, "wb") as out,
            source.open(name, size=size) as stream,
            progress_bar(dest.name, size, enabled=progress) as advance,
        ):
            if stream.length is not None and stream.length > size:
                raise _oversize(stream.where, stream.length, size)
            for chunk in stream.chunks:
                got += len(chunk)
                if got > size:  # stop at once: never store more than the manifest promises
                    raise _oversize(stream.where, got, size)
                out.write(chunk)
                digest.update(chunk)
                advance(len(chunk))
            out.flush()
            os.fsync(out.fileno())  # the bytes are on disk before the rename makes them visible
        check_digest(
            source.url(name), expected=sha256, got=digest.hexdigest(), size=got, expected_size=size
        )
        tmp.replace(dest)
    except LeadertravelError:
        _discard(tmp)
        raise
    except OSError as err:  # the source's faults are LeadertravelErrors: this is the cache
        _discard(tmp)
        raise cache_error(err, "write", tmp) from err
    except BaseException:
        _discard(tmp)
        raise


def _discard(tmp: Path) -> None:
    with contextlib.suppress(OSError):  # the directory went away or became read-only
        tmp.unlink(missing_ok=True)
