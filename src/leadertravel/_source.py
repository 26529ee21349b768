"""Where releases come from: an http(s) URL, a local directory or a ``file://`` URL.

A source reads files named relative to the release root (``index.json``,
``0.2.0/datapackage.json``, ``0.2.0/trips.parquet``); the names are built by the loader from
checked version strings and file names only. Failures become leadertravel errors: HTTP 404
or a missing file → `RemoteFileNotFound`; connection refused, timeouts and HTTP 5xx →
`SourceUnavailable`; a body cut short → `TruncatedDownload`.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import IO, NamedTuple, Protocol

from leadertravel._errors import (
    ManifestError,
    RemoteFileNotFound,
    SourceError,
    SourceUnavailable,
    TruncatedDownload,
)

__all__ = [
    "DEFAULT_SOURCE",
    "DEFAULT_TIMEOUT",
    "MAX_JSON_BYTES",
    "HttpSource",
    "LocalSource",
    "Source",
    "Stream",
    "open_source",
    "resolve_source",
    "timeout_from_env",
]

#: The published default: the release root (with ``index.json``) the project publishes to
#: with ``leadertravel publish``. Used when neither ``source=`` nor ``LEADERTRAVEL_SOURCE``
#: is given. No release has been published there yet: until one is, point the loader at a
#: release root you built (``make demo`` writes ``./releases``) or were given.
DEFAULT_SOURCE = "https://leadertravel.github.io/leadertravel/"

#: Seconds to wait for a connection or for the next bytes of an answer.
DEFAULT_TIMEOUT = 30.0

CHUNK_SIZE = 1 << 20
#: Most bytes `Source.read` accepts: ``index.json`` and ``datapackage.json`` are a few
#: kilobytes, so anything larger is not a release manifest (or is hostile).
MAX_JSON_BYTES = 16 << 20
SOURCE_HINT = "pass source=... or set LEADERTRAVEL_SOURCE to a release URL or directory"


def resolve_source(source: str | os.PathLike[str] | None) -> str:
    """Return the source to use: the argument, else ``LEADERTRAVEL_SOURCE``, else the default.

    Examples
    --------
    >>> resolve_source("https://example.org/releases")
    'https://example.org/releases'
    """
    if source is not None:
        return os.fspath(source)
    return os.environ.get("LEADERTRAVEL_SOURCE") or DEFAULT_SOURCE


def timeout_from_env() -> float:
    """Return the network timeout: ``LEADERTRAVEL_TIMEOUT`` seconds, else `DEFAULT_TIMEOUT`."""
    raw = os.environ.get("LEADERTRAVEL_TIMEOUT")
    if not raw:
        return DEFAULT_TIMEOUT
    try:
        value = float(raw)
    except ValueError as err:
        msg = f"LEADERTRAVEL_TIMEOUT={raw!r} is not a number of seconds; set e.g. 30"
        raise ValueError(msg) from err
    if value <= 0:
        msg = f"LEADERTRAVEL_TIMEOUT={raw!r} must be positive; set e.g. 30"
        raise ValueError(msg)
    return value


class Stream(NamedTuple):
    """An open file at a source: where it is, its announced length (if any), its chunks."""

    where: str
    length: int | None
    chunks: Iterator[bytes]


class Source(Protocol):
    """A release root that files can be read from."""

    location: str

    def url(self, name: str) -> str:
        """Human-readable location of ``name`` (a URL or a path)."""
        ...

    def open(self, name: str) -> AbstractContextManager[Stream]:
        """Context manager yielding a `Stream` of ``name``."""
        ...

    def read(self, name: str) -> bytes:
        """Return the whole content of a small file such as ``index.json``.

        More than `MAX_JSON_BYTES` bytes raise `ManifestError`.
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


class LocalSource:
    """A release root on the local file system (a directory or a ``file://`` URL)."""

    def __init__(self, root: Path) -> None:
        self.root = root.expanduser().resolve()
        self.location = str(self.root)

    def url(self, name: str) -> str:
        """Path of ``name`` under the root."""
        return str(self.root / name)

    @contextmanager
    def open(self, name: str) -> Iterator[Stream]:
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
            yield Stream(str(path), length, iter(lambda: fh.read(CHUNK_SIZE), b""))

    def read(self, name: str) -> bytes:
        """Return the content of ``name``."""
        return _read_all(self, name)


class HttpSource:
    """A release root served over http(s), read with :mod:`urllib`."""

    def __init__(self, base_url: str, *, timeout: float) -> None:
        self.location = base_url
        self.base = base_url if base_url.endswith("/") else base_url + "/"
        self.timeout = timeout

    def url(self, name: str) -> str:
        """Full URL of ``name``."""
        return self.base + name

    def _connect(self, url: str) -> IO[bytes]:
        import urllib.error
        import urllib.request

        from leadertravel import __version__

        request = urllib.request.Request(url, headers={"User-Agent": f"leadertravel/{__version__}"})
        try:
            response: IO[bytes] = urllib.request.urlopen(request, timeout=self.timeout)
        except urllib.error.HTTPError as err:
            err.close()
            if err.code in (404, 410):
                msg = f"{url}: HTTP {err.code} {err.reason}; the file is not at this source"
                raise RemoteFileNotFound(msg) from err
            kind = "server error" if err.code >= 500 else "refused"
            msg = f"{url}: HTTP {err.code} {err.reason} ({kind}); try again later or {SOURCE_HINT}"
            raise SourceUnavailable(msg) from err
        except urllib.error.URLError as err:
            raise self._unavailable(url, err.reason) from err
        except (TimeoutError, ConnectionError) as err:
            raise self._unavailable(url, err) from err
        return response

    def _unavailable(self, url: str, reason: object) -> SourceUnavailable:
        if isinstance(reason, TimeoutError):
            what = f"timed out after {self.timeout:g} s (LEADERTRAVEL_TIMEOUT)"
        else:
            what = f"cannot connect: {reason}"
        return SourceUnavailable(f"{url}: {what}; {SOURCE_HINT}")

    def _chunks(self, url: str, response: IO[bytes], length: int | None) -> Iterator[bytes]:
        import http.client

        got = 0
        while True:
            try:
                chunk = response.read(CHUNK_SIZE)
            except http.client.IncompleteRead as err:
                msg = f"{url}: the server closed the connection after {got} of {length} bytes"
                raise TruncatedDownload(msg) from err
            except (TimeoutError, ConnectionError, http.client.HTTPException) as err:
                raise self._unavailable(url, err) from err
            if not chunk:
                break
            got += len(chunk)
            yield chunk
        if length is not None and got < length:
            msg = f"{url}: the server closed the connection after {got} of {length} bytes"
            raise TruncatedDownload(msg)

    @contextmanager
    def open(self, name: str) -> Iterator[Stream]:
        """Send the GET request for ``name`` and stream the answer."""
        url = self.url(name)
        response = self._connect(url)
        with response:
            header = response.headers.get("Content-Length")  # type: ignore[attr-defined]
            length = int(header) if header and header.isdigit() else None
            yield Stream(url, length, self._chunks(url, response, length))

    def read(self, name: str) -> bytes:
        """Return the content of ``name``."""
        return _read_all(self, name)


def open_source(location: str, *, timeout: float | None = None) -> Source:
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

    scheme = urlparse(location).scheme.lower()
    if scheme in ("http", "https"):
        return HttpSource(location, timeout=timeout or timeout_from_env())
    if scheme == "file":
        from urllib.request import url2pathname

        return LocalSource(Path(url2pathname(urlparse(location).path)))
    if scheme and len(scheme) > 1:  # one letter is a Windows drive
        msg = f"release source {location!r}: unsupported scheme {scheme!r}; use http(s)://, "
        msg += "file:// or a directory path"
        raise SourceError(msg)
    return LocalSource(Path(location))
