"""Release files over http(s): urllib with every fault mapped, bounded in time and size.

One boundary for the network. Whatever urllib, :mod:`http.client`, :mod:`socket` or
:mod:`ssl` raise becomes a leadertravel error here, by family rather than case by case:

- HTTP 404/410 → `RemoteFileNotFound`; 408, 429 and 5xx → `SourceUnavailable` marked
  transient (retried by `retrying`, honouring ``Retry-After``); other statuses →
  `SourceUnavailable`.
- refused, reset or broken connections, DNS and TLS failures, time-outs and answers that
  are not HTTP (a garbage status line, header lines too long, too many headers) →
  `SourceUnavailable` (a reset is transient);
- URLs that cannot be used (a redirect to ``http://[::1/x`` or to a non-numeric port) and
  redirects the loader refuses → `SourceError`; a body cut short → `TruncatedDownload`.

Every request has an overall deadline of ``LEADERTRAVEL_TIMEOUT`` seconds plus one second
per `MIN_RATE` bytes it is expected to carry: when it passes, the request's sockets are
shut down, whatever phase it is in, so a server dripping bytes cannot hold a load (and
its cache lock) forever (`leadertravel._deadline`).

Redirects: at most `MAX_REDIRECTS`, never to another scheme than http(s), never from
https to http. ``index.json`` and manifests decide what is verified, so they follow
redirects only within their origin (or from http to https on the same host); the data
files, whose sha256 the manifest fixes, may be redirected anywhere (e.g. a CDN).

The loader asks for ``Accept-Encoding: identity``; a server that compresses anyway with
gzip or deflate is decoded (bounded like any body), any other encoding refused.
"""

from __future__ import annotations

import email.utils
import http.client
import logging
import socket
import ssl
import time
import urllib.error
import urllib.request
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import IO, Any, NamedTuple, TypeVar
from urllib.parse import SplitResult, urlsplit

from leadertravel._config import SOURCE_HINT, retries
from leadertravel._deadline import Deadline, watched_handlers
from leadertravel._errors import (
    LeadertravelError,
    RemoteFileNotFound,
    SourceError,
    SourceUnavailable,
    TruncatedDownload,
)
from leadertravel._version import package_version

__all__ = ["MIN_RATE", "HttpSource", "Stream", "check_url", "retrying"]

logger = logging.getLogger("leadertravel")

CHUNK_SIZE = 1 << 20
#: Slowest average transfer accepted, in bytes per second, on top of the timeout.
MIN_RATE = 16 * 1024
#: Bytes a manifest or index is assumed to carry when computing its deadline.
JSON_SIZE_HINT = 1 << 20
MAX_REDIRECTS = 5
#: First back-off between retries, in seconds (doubled each time).
BACKOFF = 0.5
#: Longest wait between retries; a ``Retry-After`` beyond it is not waited for.
MAX_BACKOFF = 10.0
_TRANSIENT_STATUS = frozenset({408, 429, 500, 502, 503, 504})
#: What a request through urllib can raise for a bad network, server or URL: OSError
#: covers URLError, socket and ssl errors, time-outs and resets; HTTPException broken
#: status lines, over-long or too many headers, cut bodies and invalid URLs; ValueError
#: (and UnicodeError) URLs that cannot be parsed or encoded.
_NET_ERRORS = (OSError, http.client.HTTPException, ValueError)

T = TypeVar("T")


class Stream(NamedTuple):
    """An open file at a source: where it is, its announced length (if any), its chunks."""

    where: str
    length: int | None
    chunks: Iterator[bytes]


def check_url(url: str) -> SplitResult:
    """Return the parts of an http(s) URL, or raise `SourceError` saying what is wrong.

    Examples
    --------
    >>> check_url("https://example.org:8443/releases/").port
    8443
    >>> check_url("http://127.0.0.1:abc/")
    Traceback (most recent call last):
    ...
    leadertravel._errors.SourceError: 'http://127.0.0.1:abc/' is not a usable http(s) URL ...
    """
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
        ok = parts.scheme.lower() in ("http", "https") and bool(parts.hostname)
    except ValueError as err:
        reason = str(err)
    else:
        reason = "" if ok else "expected http(s)://host[:port]/path"
    if reason:
        msg = f"{url!r} is not a usable http(s) URL ({reason}); {SOURCE_HINT}"
        raise SourceError(msg)
    return parts


def _origin(parts: SplitResult) -> tuple[str, str, int]:
    scheme = parts.scheme.lower()
    return scheme, (parts.hostname or "").lower(), parts.port or (443 if scheme == "https" else 80)


def _refusal(old_url: str, new_url: str, *, same_origin: bool) -> str:
    """Why the loader refuses a redirect from ``old_url`` to ``new_url`` ('' if it follows)."""
    try:
        old, new = _origin(check_url(old_url)), _origin(check_url(new_url))
    except SourceError as err:
        return str(err).split(";")[0]
    if old[0] == "https" and new[0] == "http":
        return "a redirect from https to http would drop transport security"
    if not same_origin or old == new:
        return ""
    if old[1] == new[1] and old[0] == "http" and new == ("https", new[1], 443):
        return ""  # an upgrade to https on the same host
    return (
        "index.json and manifests follow redirects only within their origin, because they "
        "decide what the loader verifies; if you trust the new location, use it as the source"
    )


class _Redirects(urllib.request.HTTPRedirectHandler):
    max_redirections = MAX_REDIRECTS

    def __init__(self, *, same_origin: bool) -> None:
        super().__init__()
        self.same_origin = same_origin

    def redirect_request(
        self, req: Any, fp: Any, code: int, msg: str, headers: Any, newurl: str
    ) -> Any:
        refusal = _refusal(req.full_url, newurl, same_origin=self.same_origin)
        if refusal:
            text = f"{req.full_url}: HTTP {code} redirect to {newurl!r} refused: {refusal}"
            raise SourceError(text)
        logger.debug("%s: HTTP %d redirect to %s", req.full_url, code, newurl)
        return super().redirect_request(req, fp, code, msg, headers, newurl)

    def http_error_302(self, req: Any, fp: Any, code: int, msg: str, headers: Any) -> Any:
        try:
            return super().http_error_302(req, fp, code, msg, headers)
        except BaseException:  # a refused or unparseable redirect: release the connection
            fp.close()
            raise

    http_error_301 = http_error_303 = http_error_307 = http_error_308 = http_error_302


def _retry_after(headers: Any) -> float | None:
    raw = headers.get("Retry-After") if headers is not None else None
    if not raw:
        return None
    raw = raw.strip()
    if raw.isascii() and raw.isdigit():
        return float(raw[:6])
    try:
        when = email.utils.parsedate_to_datetime(raw)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    return max(0.0, when.timestamp() - time.time())


class _Gunzip:
    """Decode a gzip or deflate body, in bounded pieces (no decompression bomb)."""

    def __init__(self, encoding: str) -> None:
        self.encoding = encoding
        self._z = zlib.decompressobj(16 + zlib.MAX_WBITS if "gzip" in encoding else zlib.MAX_WBITS)

    def feed(self, data: bytes, where: str) -> Iterator[bytes]:
        while data and not self._z.eof:
            try:
                out = self._z.decompress(data, CHUNK_SIZE)
            except zlib.error as err:
                msg = (
                    f"{where}: the body is not valid {self.encoding} ({err}); the server is broken"
                )
                raise SourceError(msg) from err
            data = self._z.unconsumed_tail
            if out:
                yield out
        if data or self._z.unused_data:
            msg = f"{where}: bytes after the end of the {self.encoding} body; the server is broken"
            raise SourceError(msg)

    def finish(self, where: str) -> None:
        if not self._z.eof:
            msg = f"{where}: the {self.encoding} body ends before its end marker (cut short)"
            raise TruncatedDownload(msg)


def _decoder(url: str, headers: Any) -> _Gunzip | None:
    encoding = (headers.get("Content-Encoding") or "identity").strip().lower()
    if encoding in ("", "identity"):
        return None
    if encoding in ("gzip", "x-gzip", "deflate"):
        logger.debug("%s: decoding Content-Encoding %s", url, encoding)
        return _Gunzip(encoding)
    msg = (
        f"{url}: the server answered with Content-Encoding {encoding!r} although the loader "
        "asked for the file as is (Accept-Encoding: identity); leadertravel decodes only "
        f"gzip and deflate — fix the server's configuration or {SOURCE_HINT}"
    )
    raise SourceError(msg)


class HttpSource:
    """A release root served over http(s), read with :mod:`urllib`."""

    def __init__(self, base_url: str, *, timeout: float) -> None:
        check_url(base_url)
        self.location = base_url
        self.base = base_url if base_url.endswith("/") else base_url + "/"
        self.timeout = timeout

    def url(self, name: str) -> str:
        """Full URL of ``name``."""
        return self.base + name

    def _failure(self, url: str, err: BaseException, deadline: Deadline) -> SourceError:
        """Return the leadertravel error for whatever a request raised."""
        cause = err.reason if isinstance(err, urllib.error.URLError) else err
        transient = False
        if deadline.expired:
            what = (
                f"no complete answer within {deadline.seconds:.0f} s (LEADERTRAVEL_TIMEOUT plus "
                f"1 s per {MIN_RATE // 1024} KiB); the server or the network is too slow"
            )
        elif isinstance(cause, TimeoutError | socket.timeout):
            what = f"timed out after {self.timeout:g} s (LEADERTRAVEL_TIMEOUT)"
        elif isinstance(cause, ConnectionResetError | ConnectionAbortedError | BrokenPipeError):
            what, transient = f"the connection was reset ({cause})", True
        elif isinstance(cause, http.client.InvalidURL | ValueError):
            msg = f"{url}: cannot be requested ({type(cause).__name__}: {cause}); {SOURCE_HINT}"
            return SourceError(msg)
        elif isinstance(cause, http.client.HTTPException):
            what = f"the answer is not valid HTTP ({type(cause).__name__}: {str(cause)[:200]})"
        elif isinstance(cause, ssl.SSLError | ssl.CertificateError):
            what = f"TLS failed ({cause})"
        elif isinstance(cause, socket.gaierror):
            what = f"cannot resolve the host ({cause})"
        else:
            what = f"cannot connect: {cause}"
        error = SourceUnavailable(f"{url}: {what}; {SOURCE_HINT}")
        error.transient = transient
        return error

    def _status(self, url: str, err: urllib.error.HTTPError) -> SourceError:
        headers = err.headers
        err.close()
        if err.code in (404, 410):
            msg = f"{url}: HTTP {err.code} {err.reason}; the file is not at this source"
            return RemoteFileNotFound(msg)
        transient = err.code in _TRANSIENT_STATUS
        kind = "server error" if err.code >= 500 else ("busy" if transient else "refused")
        msg = f"{url}: HTTP {err.code} {err.reason} ({kind}); try again later or {SOURCE_HINT}"
        error = SourceUnavailable(msg)
        error.transient = transient
        error.retry_after = _retry_after(headers)
        return error

    def _connect(self, url: str, deadline: Deadline, *, same_origin: bool) -> IO[bytes]:
        opener = urllib.request.build_opener(
            *watched_handlers(deadline), _Redirects(same_origin=same_origin)
        )
        request = urllib.request.Request(
            url,
            headers={
                "User-Agent": f"leadertravel/{package_version()}",
                "Accept-Encoding": "identity",
            },
        )
        try:
            response: IO[bytes] = opener.open(request, timeout=self.timeout)
        except urllib.error.HTTPError as err:
            raise self._status(url, err) from err
        except LeadertravelError:
            raise
        except _NET_ERRORS as err:
            raise self._failure(url, err, deadline) from err
        return response

    def _chunks(
        self, url: str, response: Any, deadline: Deadline, length: int | None
    ) -> Iterator[bytes]:
        decoder = _decoder(url, response.headers)
        got = 0
        while True:
            try:
                chunk = response.read1(CHUNK_SIZE)
            except http.client.IncompleteRead as err:
                if deadline.expired:
                    raise self._failure(url, err, deadline) from err
                msg = f"{url}: the server closed the connection after {got} of {length} bytes"
                raise TruncatedDownload(msg) from err
            except _NET_ERRORS as err:
                raise self._failure(url, err, deadline) from err
            if not chunk:
                break
            got += len(chunk)
            if decoder is None:
                yield chunk
            else:
                yield from decoder.feed(chunk, url)
        if deadline.expired:
            raise self._failure(url, TimeoutError(), deadline)
        if length is not None and got < length:
            msg = f"{url}: the server closed the connection after {got} of {length} bytes"
            raise TruncatedDownload(msg)
        if decoder is not None:
            decoder.finish(url)

    @contextmanager
    def open(self, name: str, *, size: int | None = None) -> Iterator[Stream]:
        """Send the GET request for ``name`` and stream the answer.

        ``size`` is given for a data file whose sha256 and size the manifest fixes: its
        deadline scales with it and it may be redirected to another origin.
        """
        url = self.url(name)
        hint = JSON_SIZE_HINT if size is None else size
        deadline = Deadline(self.timeout + hint / MIN_RATE)
        try:
            response = self._connect(url, deadline, same_origin=size is None)
            with response:
                header = (response.headers.get("Content-Length") or "").strip()  # type: ignore[attr-defined]
                wire = int(header) if header.isascii() and header.isdigit() else None
                encoded = (response.headers.get("Content-Encoding") or "identity").strip()  # type: ignore[attr-defined]
                length = wire if encoded.lower() in ("", "identity") else None
                yield Stream(url, length, self._chunks(url, response, deadline, wire))
        finally:
            deadline.cancel()


def retrying(call: Callable[[], T]) -> T:
    """Run ``call``, retrying a transient `SourceUnavailable` with exponential back-off.

    ``LEADERTRAVEL_RETRIES`` retries (default 2) after `BACKOFF`, then twice as long each
    time; a server's ``Retry-After`` is honoured up to `MAX_BACKOFF` seconds (a longer one
    is reported at once).
    """
    attempts = retries() + 1
    for attempt in range(1, attempts + 1):
        try:
            return call()
        except SourceUnavailable as err:
            wait = max(BACKOFF * 2 ** (attempt - 1), err.retry_after or 0.0)
            if not err.transient or attempt == attempts or wait > MAX_BACKOFF:
                raise
            logger.warning("%s — retrying in %.1f s (%d of %d)", err, wait, attempt, attempts - 1)
            time.sleep(wait)
    raise AssertionError("unreachable")  # pragma: no cover
