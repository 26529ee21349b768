"""Every ``LEADERTRAVEL_*`` setting of the loader, read in one place.

Settings are read when a call needs them (never at import time), so a test or a
long-running process can change the environment between calls. A value that cannot be
used is a `UsageError` naming the variable, the value and an example of a good one.

========================  ===================================================  ==========
variable                  meaning                                              default
========================  ===================================================  ==========
LEADERTRAVEL_SOURCE       release root: http(s) URL, directory or file:// URL  published
LEADERTRAVEL_CACHE_DIR    cache root                                           user cache
LEADERTRAVEL_OFFLINE      ``1``/``true``/``yes``: use the cache only            off
LEADERTRAVEL_TIMEOUT      seconds to wait for a connection or the next bytes   30
LEADERTRAVEL_LATEST_TTL   seconds a resolved 'latest' is trusted               21600
LEADERTRAVEL_RETRIES      retries of a transient failure (HTTP 5xx/429, reset) 2
LEADERTRAVEL_LOCK_TIMEOUT seconds to wait for another process's cache lock     120
========================  ===================================================  ==========

The build commands read one more: ``LEADERTRAVEL_PROJECT_ROOT``, the project checkout to
validate and build when no ``--root`` is given (`project_root_setting`).
"""

from __future__ import annotations

import math
import os
from pathlib import Path

from leadertravel._errors import UsageError

__all__ = [
    "DEFAULT_SOURCE",
    "DEFAULT_TIMEOUT",
    "LATEST_TTL",
    "LOCK_TIMEOUT",
    "PROJECT_ROOT_VAR",
    "RETRIES",
    "SOURCE_HINT",
    "cache_root",
    "latest_ttl",
    "lock_timeout",
    "offline",
    "project_root_setting",
    "retries",
    "source_location",
    "timeout",
]

#: The published default: the release root (with ``index.json``) the project publishes to
#: with ``leadertravel publish``. Used when neither ``source=`` nor ``LEADERTRAVEL_SOURCE``
#: is given. No release has been published there yet: until one is, point the loader at a
#: release root you built (``make demo`` writes ``./releases``) or were given.
DEFAULT_SOURCE = "https://leadertravel.github.io/leadertravel/"

#: How to choose another release source; appended to errors about the source.
SOURCE_HINT = "pass source=... or set LEADERTRAVEL_SOURCE to a release URL or directory"

#: Seconds to wait for a connection or for the next bytes of an answer.
DEFAULT_TIMEOUT = 30.0
#: Seconds a cached answer to "which version is latest?" is trusted before asking again.
LATEST_TTL = 6 * 3600.0
#: Retries of a transient failure (HTTP 5xx/429, a reset connection), with back-off.
RETRIES = 2
#: Seconds to wait for a cache lock held by another process (one file's download).
LOCK_TIMEOUT = 120.0
#: The environment variable naming the project checkout of the build commands.
PROJECT_ROOT_VAR = "LEADERTRAVEL_PROJECT_ROOT"


def _number(name: str, default: float, *, example: str, minimum: float = 0.0) -> float:
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or value < minimum:
        msg = (
            f"{name}={raw!r} is not a finite number of seconds >= {minimum:g}; "
            f"set e.g. {name}={example} or unset it"
        )
        raise UsageError(msg)
    return value


def source_location(source: str | os.PathLike[str] | None) -> str:
    """Return the source to use: the argument, else ``LEADERTRAVEL_SOURCE``, else the default.

    Examples
    --------
    >>> source_location("https://example.org/releases")
    'https://example.org/releases'
    """
    if source is not None:
        try:
            location = os.fspath(source)
        except TypeError as err:
            msg = f"source={source!r}: expected a URL or a directory path (str or path-like)"
            raise UsageError(msg) from err
        if not isinstance(location, str) or not location.strip():
            msg = f"source={source!r}: expected a release URL or directory, e.g. 'releases'"
            raise UsageError(msg)
        return location
    return os.environ.get("LEADERTRAVEL_SOURCE", "").strip() or DEFAULT_SOURCE


def cache_root(cache_dir: str | os.PathLike[str] | None = None) -> Path:
    """Return the cache root: ``cache_dir``, else ``LEADERTRAVEL_CACHE_DIR``, else platformdirs.

    Examples
    --------
    >>> cache_root("/tmp/lt-cache")
    PosixPath('/tmp/lt-cache')
    """
    if cache_dir is not None:
        try:
            return Path(cache_dir).expanduser()
        except TypeError as err:
            msg = f"cache_dir={cache_dir!r}: expected a directory path (str or path-like)"
            raise UsageError(msg) from err
    env = os.environ.get("LEADERTRAVEL_CACHE_DIR", "").strip()
    if env:
        return Path(env).expanduser()
    import platformdirs

    return Path(platformdirs.user_cache_dir("leadertravel", appauthor=False))


def offline(argument: object) -> bool | None:
    """Return the offline mode: the argument, else True if ``LEADERTRAVEL_OFFLINE`` says so.

    Examples
    --------
    >>> offline(False)
    False
    """
    if argument is not None and not isinstance(argument, bool):
        msg = f"offline={argument!r}: expected True, False or None"
        raise UsageError(msg)
    if argument is None:
        env = os.environ.get("LEADERTRAVEL_OFFLINE", "").strip().lower()
        return True if env in {"1", "true", "yes"} else None
    return bool(argument)


def timeout() -> float:
    """Return the network timeout: ``LEADERTRAVEL_TIMEOUT`` seconds, else `DEFAULT_TIMEOUT`."""
    value = _number("LEADERTRAVEL_TIMEOUT", DEFAULT_TIMEOUT, example="30")
    if value <= 0:
        msg = f"LEADERTRAVEL_TIMEOUT={os.environ['LEADERTRAVEL_TIMEOUT']!r} must be positive; "
        msg += "set e.g. LEADERTRAVEL_TIMEOUT=30"
        raise UsageError(msg)
    return value


def latest_ttl() -> float:
    """Return the seconds a resolved 'latest' is trusted (``LEADERTRAVEL_LATEST_TTL``)."""
    return _number("LEADERTRAVEL_LATEST_TTL", LATEST_TTL, example="3600")


def lock_timeout() -> float:
    """Return the seconds to wait for a cache lock (``LEADERTRAVEL_LOCK_TIMEOUT``)."""
    return _number("LEADERTRAVEL_LOCK_TIMEOUT", LOCK_TIMEOUT, example="120")


def retries() -> int:
    """Return how often a transient failure is retried (``LEADERTRAVEL_RETRIES``)."""
    raw = os.environ.get("LEADERTRAVEL_RETRIES", "").strip()
    if not raw:
        return RETRIES
    if not (raw.isascii() and raw.isdigit()) or int(raw) > 10:
        msg = f"LEADERTRAVEL_RETRIES={raw!r} is not a whole number from 0 to 10; set e.g. 2"
        raise UsageError(msg)
    return int(raw)


def project_root_setting() -> str | None:
    """Return ``LEADERTRAVEL_PROJECT_ROOT`` (the build's project checkout), or None if unset."""
    return os.environ.get(PROJECT_ROOT_VAR) or None
