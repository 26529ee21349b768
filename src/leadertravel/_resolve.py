"""Release resolution: which version, with which manifest, online or from the cache.

`Context` holds the options of one call (source, cache, offline, refresh, progress) and
the one offline policy, `Context.online`: ``offline=True`` never connects; ``False``
never falls back to the cache; ``None`` falls back to the cache, with a warning, when the
source is unreachable, and raises `OfflineError` naming the source when the cache has
nothing usable either.

'latest' is resolved through the source's ``index.json`` (trusted for
``LEADERTRAVEL_LATEST_TTL`` seconds); a pinned version's manifest is immutable once
cached. A damaged cached index or manifest (unparseable, or not the bytes stored) is
fetched again rather than blamed on the release; offline, the error names the file and
``clear_cache``.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable
from typing import TypeVar

from leadertravel._cache import SourceCache
from leadertravel._config import (
    DEFAULT_SOURCE,
    SOURCE_HINT,
    cache_root,
    latest_ttl,
    source_location,
)
from leadertravel._config import offline as offline_setting
from leadertravel._errors import (
    CacheError,
    IntegrityError,
    ManifestError,
    OfflineError,
    RemoteFileNotFound,
    SourceError,
    SourceUnavailable,
)
from leadertravel._format import INDEX, check_version, manifest_path, version_key
from leadertravel._index import Index, parse_index
from leadertravel._manifest import Release, parse_datapackage
from leadertravel._source import Source, open_source

__all__ = ["Context"]

logger = logging.getLogger("leadertravel")

T = TypeVar("T")
PathLike = str | os.PathLike[str]


# Manifests parsed in this process, by version and size, with their bytes: a warm load
# reads and checks the cached bytes, but parses a given manifest only once (equal bytes,
# compared at memory speed, are the same manifest).
_PARSED: dict[tuple[str, int], tuple[bytes, Release]] = {}


def _parse_manifest(data: bytes, *, where: str, version: str) -> Release:
    key = (version, len(data))
    hit = _PARSED.get(key)
    if hit is not None and hit[0] == data:
        return hit[1]
    release = parse_datapackage(data, where=where, version=version)
    if len(_PARSED) > 64:
        _PARSED.clear()
    _PARSED[key] = (data, release)
    return release


class Context:
    """Resolved options of one call: where from, where to, and how."""

    def __init__(
        self,
        source: Source,
        cache: SourceCache,
        *,
        offline: bool | None,
        refresh: bool,
        progress: bool | None,
    ) -> None:
        self.source = source
        self.cache = cache
        self.offline = offline
        self.refresh = refresh
        self.progress = progress
        self._pending_index: tuple[Index, bytes] | None = None

    @classmethod
    def make(
        cls,
        source: PathLike | None,
        cache_dir: PathLike | None,
        *,
        offline: bool | None = None,
        refresh: bool = False,
        progress: bool | None = None,
    ) -> Context:
        """Read the arguments and the ``LEADERTRAVEL_*`` settings once."""
        src = open_source(source_location(source))
        cache = SourceCache.of(cache_root(cache_dir), src.location)
        return cls(
            src, cache, offline=offline_setting(offline), refresh=bool(refresh), progress=progress
        )

    # -- the offline policy -----------------------------------------------------------
    def offline_error(self, what: str) -> OfflineError:
        msg = (
            f"working offline (offline=True or LEADERTRAVEL_OFFLINE=1) and {what} in the cache "
            f"{self.cache.root} for source {self.source.location!r}; connect and retry "
            f"(offline=False, unset LEADERTRAVEL_OFFLINE), or {SOURCE_HINT}"
        )
        return OfflineError(msg)

    def unreachable(self, err: SourceError, what: str) -> OfflineError:
        """Return the error for an unreachable source when ``what`` is not cached either."""
        reason = str(err).removesuffix(f"; {SOURCE_HINT}")
        msg = (
            f"cannot reach the release source {self.source.location!r} ({reason}) and {what} "
            f"in the cache {self.cache.root}; retry when the source is back, or {SOURCE_HINT} "
            "(e.g. another mirror or a release directory)"
        )
        return OfflineError(msg)

    def online(self, fetch: Callable[[], T], *, what: str, cached: bool) -> T | None:
        """Run ``fetch`` unless working offline; None means "use the cached copy".

        ``what`` completes "… and {what} in the cache" when there is no usable cached copy
        (``cached`` false): offline, that is an `OfflineError`; when the source is
        unreachable too (and ``offline`` is not False) as well, its cause the
        `SourceUnavailable`.
        """
        if self.offline:
            if not cached:
                raise self.offline_error(what)
            return None
        try:
            return fetch()
        except SourceUnavailable as err:
            if self.offline is False:
                raise
            if not cached:
                raise self.unreachable(err, what) from err
            logger.warning("%s — working offline from the cache", err)
            return None

    # -- index ------------------------------------------------------------------------
    def _cached_index(self) -> tuple[Index, float] | None:
        cached = self.cache.cached_index()
        if cached is None:
            return None
        try:
            return parse_index(cached[0], where=str(self.cache.index_path())), cached[1]
        except ManifestError as err:
            logger.warning("the cached index is damaged (%s); ignoring it", err)
            return None

    def _fetch_index(self) -> tuple[Index, bytes]:
        try:
            data = self.source.read(INDEX)
        except RemoteFileNotFound as err:
            where = "the published default source" if self.source.location == DEFAULT_SOURCE else ""
            msg = (
                f"{err}: no release is published at {where or 'this source'} "
                f"{self.source.location!r}; point the loader at a release root — {SOURCE_HINT} "
                "(`make demo` builds one in ./releases: source='releases')"
            )
            raise RemoteFileNotFound(msg) from err
        return parse_index(data, where=self.source.url(INDEX)), data

    def index(self, *, max_age: float) -> tuple[Index, bytes | None]:
        """Return the source's index and, when it was fetched just now, its bytes.

        The cached index is used when younger than ``max_age`` seconds, when offline, and
        (with a warning) when the source is unreachable and ``offline`` is not False. A
        fetched index is not cached here: see `keep_index`.
        """
        cached = self._cached_index()
        fresh_enough = cached is not None and time.time() - cached[1] <= max_age
        if cached is not None and fresh_enough and not self.offline and not self.refresh:
            return cached[0], None
        got = self.online(self._fetch_index, what="no release index is", cached=cached is not None)
        if got is None:
            assert cached is not None
            if self.offline:
                logger.info("offline: using the cached index of %s", self.source.location)
            return cached[0], None
        return got

    def keep_index(self, index: Index, data: bytes) -> None:
        """Cache a fetched index if its latest version's manifest is cached.

        The cached index must always name a 'latest' that can be loaded offline, so an
        index whose new latest could not be fetched (yet) never replaces the old one.
        """
        if self.cache.cached_manifest(index.latest)[0] is not None:
            self.cache.store_index(data)
            self._pending_index = None
        else:
            self._pending_index = (index, data)

    # -- manifests --------------------------------------------------------------------
    def release(self, version: str) -> Release:
        """Resolve ``version`` ('latest' or MAJOR.MINOR.PATCH) to its parsed manifest."""
        if version == "latest":
            return self._latest()
        return self._pinned(check_version(version))

    def _cached_release(self, version: str) -> tuple[Release | None, bytes | None, bool]:
        """Return the cached manifest of ``version``: parsed, its bytes, whether damaged."""
        data, intact = self.cache.cached_manifest(version)
        if data is None:
            return None, None, False
        where = str(self.cache.manifest_path(version))
        if intact:
            try:
                return _parse_manifest(data, where=where, version=version), data, False
            except ManifestError as err:
                logger.warning("the cached manifest is damaged (%s)", err)
        else:
            logger.warning("%s is damaged (not the bytes stored); ignoring it", where)
        return None, None, True

    def _fetch_manifest(self, version: str, index: Index | None) -> tuple[Release, bytes, str]:
        """Fetch and parse a version's ``datapackage.json``: the release, its bytes, its URL."""
        if index is None:  # pinned: the manifest's path is fixed, no need to ask the index
            name = manifest_path(version)
            try:
                data = self.source.read(name)
            except RemoteFileNotFound:
                pass  # not there: the index says which versions are
            else:
                where = self.source.url(name)
                return _parse_manifest(data, where=where, version=version), data, where
        if index is None or version not in index.names():
            index, fresh = self.index(max_age=latest_ttl())
            if version not in index.names():  # perhaps published since the index was cached
                index, fresh = self.index(max_age=-1.0)
            if fresh is not None:
                self.keep_index(index, fresh)
        entry = index.entry(version)
        data = self.source.read(entry.path)
        where = self.source.url(entry.path)
        return _parse_manifest(data, where=where, version=version), data, where

    def _accept(
        self, release: Release, data: bytes, cached: bytes | None, *, where: str
    ) -> Release:
        """Cache a fetched manifest, or check it is the cached one (versions are immutable)."""
        if cached is not None:
            if data != cached:
                raise self._changed(release, cached, where=where)
            return release
        try:
            with self.cache.lock(release.version, doing="storing the manifest"):
                self.cache.store_manifest(release.version, data)
        except CacheError as err:
            logger.info("%s — the manifest of %s is used from memory", err, release.version)
        if self._pending_index is not None:
            self.keep_index(*self._pending_index)
        return release

    def _changed(self, fetched: Release, cached: bytes, *, where: str) -> ManifestError:
        mpath = self.cache.manifest_path(fetched.version)
        old = parse_datapackage(cached, where=str(mpath), version=fetched.version).resources
        new = fetched.resources
        changes = [
            f"{name}: sha256 {old[name].sha256[:12]}… → {new[name].sha256[:12]}…, "
            f"bytes {old[name].bytes} → {new[name].bytes}"
            for name in old.keys() & new.keys()
            if (old[name].sha256, old[name].bytes) != (new[name].sha256, new[name].bytes)
        ]
        if new.keys() - old.keys():
            changes.append(f"tables added: {sorted(new.keys() - old.keys())}")
        if old.keys() - new.keys():
            changes.append(f"tables removed: {sorted(old.keys() - new.keys())}")
        what = "; ".join(sorted(changes)) or "same tables and hashes, other content differs"
        msg = (
            f"release {fetched.version} at source {self.source.location!r} changed: {where} "
            f"differs from the copy cached at {mpath} ({what}). Published versions are "
            "immutable, so the source was altered or is damaged; the cached copy is kept. "
            f"If the change is intended, run leadertravel.clear_cache({fetched.version!r}) "
            f"(or `leadertravel cache clear --version {fetched.version}`) and load again."
        )
        return ManifestError(msg)

    def _missing(self, version: str, damaged: bool) -> str:
        if not damaged:
            return f"version {version} is not"
        return (
            f"version {version} has only a damaged manifest ({self.cache.manifest_path(version)};"
            f" remove it with leadertravel.clear_cache({version!r})) and no good copy is"
        )

    def _pinned(self, version: str, index: Index | None = None) -> Release:
        """Return a checked version's manifest: cached, else fetched (refresh: re-checked)."""
        cached, data, damaged = self._cached_release(version)
        if cached is not None and (self.offline or not self.refresh):
            return cached
        got = self.online(
            lambda: self._fetch_manifest(version, index),
            what=self._missing(version, damaged),
            cached=cached is not None,
        )
        if got is None:
            assert cached is not None
            return cached
        release, fetched, where = got
        return self._accept(release, fetched, data, where=where)

    def _latest(self) -> Release:
        """Return the latest version's manifest.

        A fetched index is cached only once its latest's manifest is; if that cannot be
        fetched, the old index stays and the newest cached version is used (with a warning),
        as it is when no index can be had at all (offline, or unreachable).
        """
        try:
            index, fresh = self.index(max_age=latest_ttl())
        except OfflineError:
            fallback = self._newest_cached()
            if fallback is None:
                raise
            logger.warning(
                "no release index of %s is at hand; 'latest' is the newest cached version %s",
                self.source.location,
                fallback.version,
            )
            return fallback
        if fresh is None:
            return self._pinned(index.latest, index)
        version = index.latest
        cached, data, _ = self._cached_release(version)
        if cached is not None and not self.refresh:
            release = cached
        else:
            try:
                release, fetched, where = self._fetch_manifest(version, index)
            except (SourceError, ManifestError, IntegrityError) as err:
                fallback = None if self.offline is False else self._newest_cached()
                if fallback is None:
                    if isinstance(err, SourceUnavailable) and self.offline is None:
                        raise self.unreachable(err, f"version {version} is not") from err
                    raise
                logger.warning(
                    "%s — the latest version %s cannot be loaded; keeping the cached index "
                    "and using the newest cached version %s",
                    err,
                    version,
                    fallback.version,
                )
                return fallback
            release = self._accept(release, fetched, data, where=where)
        self.cache.store_index(fresh)
        return release

    def _newest_cached(self) -> Release | None:
        """Return the manifest of the newest intact version cached for this source, if any."""
        for version in sorted(self.cache.cached_versions(), key=version_key, reverse=True):
            release = self._cached_release(version)[0]
            if release is not None:
                return release
        return None
