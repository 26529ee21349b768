"""Where releases come from: an http(s) URL, a local directory or a ``file://`` URL.

A source reads files named relative to the release root (``index.json``,
``0.2.0/datapackage.json``, ``0.2.0/trips.parquet``); the names are built by the loader from
checked version strings and file names only. Failures become leadertravel errors: HTTP 404
or a missing file → `RemoteFileNotFound`; connection refused, timeouts and HTTP 5xx →
`SourceUnavailable`; a body cut short → `TruncatedDownload` (the HTTP side is
`leadertravel._http`).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Protocol

from leadertravel import _http
from leadertravel._config import DEFAULT_SOURCE, SOURCE_HINT, timeout
from leadertravel._errors import (
    ManifestError,
    RemoteFileNotFound,
    SourceError,
    SourceUnavailable,
    TruncatedDownload,
)
from leadertravel._http import Stream, retrying

__all__ = [
    "DEFAULT_SOURCE",
    "MAX_JSON_BYTES",
    "SOURCE_HINT",
    "HttpSource",
    "LocalSource",
    "Source",
    "Stream",
    "open_source",
]

CHUNK_SIZE = 1 << 20
#: Most bytes `Source.read` accepts: ``index.json`` and ``datapackage.json`` are a few
#: kilobytes, so anything larger is not a release manifest (or is hostile).
MAX_JSON_BYTES = 16 << 20


class Source(Protocol):
    """A release root that files can be read from."""

    location: str

    def url(self, name: str) -> str:
        """Human-readable location of ``name`` (a URL or a path)."""
        ...

    def open(self, name: str, *, size: int | None = None) -> AbstractContextManager[Stream]:
        """Context manager yielding a `Stream` of ``name`` (``size``: a data file's bytes)."""
        ...

    def read(self, name: str) -> bytes:
        """Return the whole content of a small file such as ``index.json``.

        More than `MAX_JSON_BYTES` bytes raise `ManifestError`; transient failures are
        retried.
        """
        ...


def _too_big(where: str, limit: int) -> ManifestError:
    msg = (
        f"{where}: larger than {limit} bytes; release manifests are small JSON files, so "
        "this is not a release (check the source URL or directory)"
    )
    return ManifestError(msg)


def _read_all(source: Source, name: str, *, limit: int = MAX_JSON_BYTES) -> bytes:
    """Read a whole small file, refusing more than ``limit`` bytes (`ManifestError`)."""

    def once() -> bytes:
        parts: list[bytes] = []
        got = 0
        with source.open(name) as stream:
            if stream.length is not None and stream.length > limit:
                raise _too_big(stream.where, limit)
            for chunk in stream.chunks:
                got += len(chunk)
                if got > limit:
                    raise _too_big(stream.where, limit)
                parts.append(chunk)
        data = b"".join(parts)
        if stream.length is not None and len(data) < stream.length:
            msg = f"{stream.where}: got {len(data)} of {stream.length} bytes; the transfer was cut"
            raise TruncatedDownload(msg)
        return data

    return retrying(once)


class LocalSource:
    """A release root on the local file system (a directory or a ``file://`` URL)."""

    def __init__(self, root: Path) -> None:
        try:
            self.root = root.expanduser().resolve()
        except (OSError, RuntimeError, ValueError) as err:  # a symlink loop, a NUL byte
            msg = f"release source {str(root)!r}: not a usable directory path ({err}); "
            raise SourceError(msg + SOURCE_HINT) from err
        self.location = str(self.root)

    def url(self, name: str) -> str:
        """Path of ``name`` under the root."""
        return str(self.root / name)

    @contextmanager
    def open(self, name: str, *, size: int | None = None) -> Iterator[Stream]:
        """Open ``name`` for reading in chunks."""
        path = self.root / name
        if not self.root.is_dir():
            msg = f"release source {self.location!r}: no such directory; {SOURCE_HINT}"
            raise SourceUnavailable(msg)
        try:
            fh = path.open("rb")
        except FileNotFoundError as err:
            msg = f"{path}: no such file at the release source {self.location!r}"
            raise RemoteFileNotFound(msg) from err
        except OSError as err:
            msg = f"{path}: cannot read ({err})"
            raise SourceError(msg) from err
        with fh:
            length = os.fstat(fh.fileno()).st_size

            def chunks() -> Iterator[bytes]:
                try:
                    yield from iter(lambda: fh.read(CHUNK_SIZE), b"")
                except OSError as err:
                    msg = f"{path}: cannot read ({err})"
                    raise SourceError(msg) from err

            yield Stream(str(path), length, chunks())

    def read(self, name: str) -> bytes:
        """Return the content of ``name``."""
        return _read_all(self, name)


class HttpSource(_http.HttpSource):
    """A release root served over http(s) (see `leadertravel._http`)."""

    def read(self, name: str) -> bytes:
        """Return the content of ``name`` (retrying transient failures)."""
        return _read_all(self, name)


def open_source(location: str, *, timeout_s: float | None = None) -> Source:
    """Return the `Source` for a URL or directory.

    Examples
    --------
    >>> open_source("https://example.org/releases").url("index.json")
    'https://example.org/releases/index.json'
    >>> open_source("file:///srv/releases").url("index.json")
    '/srv/releases/index.json'
    >>> open_source("/srv/releases/").location
    '/srv/releases'
    """
    from urllib.parse import urlparse

    try:
        parsed = urlparse(location)
    except ValueError as err:
        msg = f"release source {location!r} is not a usable URL ({err}); {SOURCE_HINT}"
        raise SourceError(msg) from err
    scheme = parsed.scheme.lower()
    if scheme in ("http", "https"):
        return HttpSource(location, timeout=timeout_s or timeout())
    if scheme == "file":
        from urllib.request import url2pathname

        return LocalSource(Path(url2pathname(parsed.path)))
    if scheme and len(scheme) > 1:  # one letter is a Windows drive
        msg = f"release source {location!r}: unsupported scheme {scheme!r}; use http(s)://, "
        msg += "file:// or a directory path"
        raise SourceError(msg)
    if "\x00" in location:
        msg = f"release source {location!r}: a path cannot contain a NUL byte; {SOURCE_HINT}"
        raise SourceError(msg)
    return LocalSource(Path(location))
