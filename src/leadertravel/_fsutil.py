"""File-system helpers shared by the loader and the builder: atomic writes, hashing.

Every temporary file beside a target ``<dir>/<name>`` is ``<dir>/.<name>.<random><suffix>``
(`temp_file`); `is_temp_name` recognises one, so whoever sweeps up after a killed process
spells the pattern in one place.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

__all__ = [
    "PART_SUFFIX",
    "TEMP_SUFFIX",
    "fsync",
    "is_temp_name",
    "sha256_file",
    "temp_file",
    "write_atomic",
    "write_atomic_with",
]

_CHUNK = 1 << 20

#: Suffix of the temp file of an atomic write (`write_atomic`, `write_atomic_with`).
TEMP_SUFFIX = ".tmp"
#: Suffix of the temp file of a download in progress (renamed once verified).
PART_SUFFIX = ".part"


def temp_file(path: Path, *, suffix: str = TEMP_SUFFIX) -> tuple[int, Path]:
    """Create a private temp file beside ``path``; return its open descriptor and path.

    Its name is ``.<path.name>.<random><suffix>``: hidden, and recognised by
    `is_temp_name`. The caller closes the descriptor and renames or removes the file.

    Examples
    --------
    >>> import os, tempfile, pathlib
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     fd, temp = temp_file(pathlib.Path(tmp) / "x.json")
    ...     os.close(fd)
    ...     is_temp_name(temp.name, of="x.json"), is_temp_name(temp.name, of="y.json")
    (True, False)
    """
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=suffix, dir=path.parent)
    return fd, Path(name)


def is_temp_name(name: str, *, of: str | None = None, suffix: str = TEMP_SUFFIX) -> bool:
    """Whether file name ``name`` is a `temp_file` name (of target ``of``, if given).

    Examples
    --------
    >>> is_temp_name(".index.json.k2j4d.tmp", of="index.json")
    True
    >>> is_temp_name(".index.json.k2j4d.tmp"), is_temp_name("index.json")
    (True, False)
    >>> is_temp_name(".x.parquet.abc.part", of="x.parquet", suffix=PART_SUFFIX)
    True
    """
    prefix = "." if of is None else f".{of}."
    return (
        name.startswith(prefix) and name.endswith(suffix) and len(name) > len(prefix) + len(suffix)
    )


def sha256_file(path: Path) -> tuple[str, int]:
    """Return the sha256 hex digest and the size of a file.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     p = pathlib.Path(tmp) / "x"
    ...     _ = p.write_bytes(b"abc")
    ...     sha256_file(p)[0][:16], sha256_file(p)[1]
    ('ba7816bf8f01cfea', 3)
    """
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as fh:
        while chunk := fh.read(_CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def fsync(path: Path) -> None:
    """Flush a file's or a directory's data and metadata to the disk."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_atomic(
    path: Path, data: bytes, *, durable: bool = True, public: bool = False, sync_dir: bool = False
) -> None:
    """Write ``data`` to ``path`` through a temp file in its directory and an atomic rename.

    ``durable`` fsyncs the bytes before the rename, so a crash cannot leave an empty or
    torn file under the final name; files whose loss only costs a re-check skip it.
    ``sync_dir`` also fsyncs the directory after the rename (POSIX), so after a power loss
    the path holds the new bytes, not the old ones, as a release root needs. ``public``
    makes the file world-readable (a temp file is private), as a release root's files
    are. The temp file never outlives a failure.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     p = pathlib.Path(tmp) / "sub" / "x.json"
    ...     write_atomic(p, b"{}", public=True)
    ...     p.read_bytes(), sorted(q.name for q in p.parent.iterdir()), oct(p.stat().st_mode)
    (b'{}', ['x.json'], '0o100644')
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = temp_file(path)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            if durable:
                fh.flush()
                os.fsync(fh.fileno())
        if public:
            tmp.chmod(0o644)
        tmp.replace(path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    if sync_dir:
        fsync(path.parent)


def write_atomic_with(
    path: Path, write: Callable[[Path], object], *, public: bool = False, nonempty: bool = False
) -> Path:
    """Let ``write`` fill a temp file beside ``path``, then rename it to ``path``.

    For writers that want a path, not bytes (a DataFrame's ``to_parquet``, a figure's
    ``savefig``); `write_atomic` is the bytes version. ``public`` makes the file
    world-readable; ``nonempty`` refuses (`OSError`) a writer that wrote nothing. The temp
    file never outlives a failure and ``path`` is untouched by one.

    Returns
    -------
    Path
        ``path``.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     p = write_atomic_with(pathlib.Path(tmp) / "a" / "x.txt", lambda t: t.write_text("hi"))
    ...     p.read_text(), sorted(q.name for q in p.parent.iterdir())
    ('hi', ['x.txt'])
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = temp_file(path)
    os.close(fd)
    try:
        write(tmp)
        if nonempty and tmp.stat().st_size == 0:
            msg = f"{path}: nothing was written"
            raise OSError(msg)
        if public:
            tmp.chmod(0o644)
        tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)
    return path
