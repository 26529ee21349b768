"""File-system helpers shared by the loader and the builder: atomic writes, hashing."""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

__all__ = ["fsync", "sha256_file", "write_atomic"]

_CHUNK = 1 << 20


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
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    tmp = Path(tmp_name)
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
