"""The public loader: list versions, load tables, describe them, manage the cache.

Every function resolves 'latest' through the source's ``index.json`` once and then works
with that pinned version, so one call never mixes two releases. Examples below use a tiny
synthetic release written to a temporary directory, so they run offline.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal

import pandas as pd
import pyarrow as pa

from leadertravel._cache import SourceCache, cache_root
from leadertravel._errors import (
    IntegrityError,
    ManifestError,
    OfflineError,
    SourceError,
    SourceUnavailable,
)
from leadertravel._filters import typed_filters
from leadertravel._manifest import (
    Index,
    Release,
    Resource,
    check_file_schema,
    check_version,
    parse_datapackage,
    parse_index,
    version_key,
)
from leadertravel._schema import enum_of, pandas_dtype, to_pandas
from leadertravel._source import SOURCE_HINT, Source, open_source, resolve_source

__all__ = [
    "cache_info",
    "clear_cache",
    "describe",
    "load",
    "load_all",
    "load_arrow",
    "path",
    "versions",
]

logger = logging.getLogger("leadertravel")

#: Seconds a cached answer to "which version is latest?" is trusted before asking again.
LATEST_TTL = 6 * 3600.0

PathLike = str | os.PathLike[str]
DtypeBackend = Literal["numpy_nullable", "pyarrow"]
# Parquet filters as pyarrow.parquet.read_table takes them: a list of (column, op, value)
# tuples (AND), a list of such lists (OR of ANDs), or a pyarrow.compute.Expression.
Filters = Any


def _latest_ttl() -> float:
    raw = os.environ.get("LEADERTRAVEL_LATEST_TTL")
    if not raw:
        return LATEST_TTL
    try:
        return float(raw)
    except ValueError as err:
        msg = f"LEADERTRAVEL_LATEST_TTL={raw!r} is not a number of seconds; set e.g. 3600"
        raise ValueError(msg) from err


def _env_offline() -> bool:
    return os.environ.get("LEADERTRAVEL_OFFLINE", "").strip().lower() in {"1", "true", "yes"}


class _Session:
    """Resolved options of one call: where from, where to, and how.

    ``offline``: True never connects; False never falls back to the cache; None falls
    back to the cache (with a warning) when the source is unreachable.
    """

    def __init__(
        self,
        source: Source,
        cache: SourceCache,
        offline: bool | None,
        refresh: bool,
        progress: bool | None,
    ) -> None:
        self.source = source
        self.cache = cache
        self.offline = offline
        self.refresh = refresh
        self.progress = progress

    @classmethod
    def make(
        cls,
        source: PathLike | None,
        cache_dir: PathLike | None,
        *,
        offline: bool | None = None,
        refresh: bool = False,
        progress: bool | None = None,
    ) -> _Session:
        location = resolve_source(source)
        if offline is None and _env_offline():
            offline = True
        src = open_source(location)
        cache = SourceCache.of(cache_root(cache_dir), src.location)
        return cls(src, cache, offline, refresh, progress)

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

    # -- index ------------------------------------------------------------------------
    def index(self, *, max_age: float) -> tuple[Index, bytes | None]:
        """Return the source's index and, when it was fetched just now, its bytes.

        The cached index is used when younger than ``max_age`` seconds, when offline, and
        (with a warning) when the source is unreachable and ``offline`` is not False. A
        fetched index is not cached here: see `keep_index`.
        """
        cached = self.cache.cached_index()
        where = str(self.cache.root / "index.json")
        if self.offline:
            if cached is None:
                raise self.offline_error("no release index is cached")
            logger.info("offline: using the cached index of %s", self.source.location)
            return parse_index(cached[0], where=where), None
        if cached is not None and not self.refresh and time.time() - cached[1] <= max_age:
            return parse_index(cached[0], where=where), None
        try:
            data = self.source.read("index.json")
        except SourceUnavailable as err:
            if self.offline is False:
                raise
            if cached is None:
                raise self.unreachable(err, "no release index is") from err
            logger.warning("%s — working offline from the cached index", err)
            return parse_index(cached[0], where=where), None
        return parse_index(data, where=self.source.url("index.json")), data

    def keep_index(self, index: Index, data: bytes) -> None:
        """Cache a fetched index if its latest version's manifest is cached.

        The cached index must always name a 'latest' that can be loaded offline, so an
        index whose new latest could not be fetched (yet) never replaces the old one.
        """
        if self.cache.manifest_path(index.latest).is_file():
            self.cache.store_index(data)

    # -- manifest ---------------------------------------------------------------------
    def release(self, version: str) -> Release:
        """Resolve ``version`` ('latest' or MAJOR.MINOR.PATCH) to its parsed manifest."""
        if version == "latest":
            return self._latest()
        return self._pinned(check_version(version))

    def _cached_manifest(self, version: str) -> bytes | None:
        mpath = self.cache.manifest_path(version)
        return mpath.read_bytes() if mpath.is_file() else None

    def _fetch_manifest(self, version: str, index: Index | None) -> tuple[bytes, str]:
        """Fetch a version's ``datapackage.json``: its bytes and URL."""
        if index is None or version not in index.names():
            index, fresh = self.index(max_age=_latest_ttl())
            if version not in index.names():  # perhaps published since the index was cached
                index, fresh = self.index(max_age=-1.0)
            if fresh is not None:
                self.keep_index(index, fresh)
        entry = index.entry(version)
        return self.source.read(entry.path), self.source.url(entry.path)

    def _accept_manifest(
        self, release: Release, data: bytes, cached: bytes | None, *, where: str
    ) -> Release:
        """Cache a fetched manifest, or check it is the cached one (versions are immutable)."""
        if cached is None:
            self.cache.store_manifest(release.version, data)
        elif data != cached:
            raise self._changed(release, cached, where=where)
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

    def _pinned(self, version: str, index: Index | None = None) -> Release:
        """Return a checked version's manifest: cached, else fetched (refresh: re-checked)."""
        mpath = self.cache.manifest_path(version)
        cached = self._cached_manifest(version)
        if cached is not None and (self.offline or not self.refresh):
            return parse_datapackage(cached, where=str(mpath), version=version)
        if self.offline:
            raise self.offline_error(f"version {version} is not")
        try:
            data, where = self._fetch_manifest(version, index)
        except SourceUnavailable as err:
            if self.offline is False:
                raise
            if cached is None:
                raise self.unreachable(err, f"version {version} is not") from err
            logger.warning("%s — working offline from the cache", err)
            return parse_datapackage(cached, where=str(mpath), version=version)
        release = parse_datapackage(data, where=where, version=version)
        return self._accept_manifest(release, data, cached, where=where)

    def _latest(self) -> Release:
        """Return the latest version's manifest.

        A fetched index is cached only once its latest's manifest is; if that cannot be
        fetched, the old index stays and the newest cached version is used (with a warning).
        """
        index, fresh = self.index(max_age=_latest_ttl())
        if fresh is None:
            return self._pinned(index.latest, index)
        version = index.latest
        cached = self._cached_manifest(version)
        if cached is not None and not self.refresh:
            mpath = self.cache.manifest_path(version)
            release = parse_datapackage(cached, where=str(mpath), version=version)
        else:
            try:
                data, where = self._fetch_manifest(version, index)
                release = parse_datapackage(data, where=where, version=version)
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
            release = self._accept_manifest(release, data, cached, where=where)
        self.cache.store_index(fresh)
        return release

    def _newest_cached(self) -> Release | None:
        """Return the manifest of the newest version cached for this source, if any."""
        cached = sorted(self.cache.cached_versions(), key=version_key)
        if not cached:
            return None
        mpath = self.cache.manifest_path(cached[-1])
        return parse_datapackage(mpath.read_bytes(), where=str(mpath), version=cached[-1])

    # -- files ------------------------------------------------------------------------
    def _verify_in_place(self, dest: Path, res: Resource, version: str) -> bool:
        """Re-hash a cached file; stamp it if it matches, else unstamp it.

        A failing copy is kept (no longer used) until a verified download replaces it.
        """
        from leadertravel._download import sha256_file

        if not dest.is_file():
            return False
        digest, size = sha256_file(dest)
        if digest == res.sha256 and size == res.bytes:
            check_file_schema(dest, res, version=version)
            self.cache.stamp(dest, sha256=res.sha256, size=res.bytes)
            return True
        logger.warning(
            "%s: cached copy fails verification (sha256 %s, %d bytes; manifest %s, %d bytes);"
            " it is no longer used and will be replaced by a verified download",
            dest,
            digest,
            size,
            res.sha256,
            res.bytes,
        )
        self.cache.unstamp(dest)
        return False

    def file(self, release: Release, res: Resource) -> Path:
        """Return the verified cached copy of a release file, downloading it if needed."""
        dest = self.cache.file_path(release.version, res.path)
        verified = self.cache.is_verified
        if not self.refresh and verified(dest, sha256=res.sha256, size=res.bytes):
            if self.offline:
                logger.info("offline: %s %s from the cache", res.name, release.version)
            return dest
        with self.cache.lock(release.version):
            if not self.refresh and verified(dest, sha256=res.sha256, size=res.bytes):
                return dest  # another process fetched it while we waited
            if self._verify_in_place(dest, res, release.version):
                return dest
            what = f"{res.path} of version {release.version} is not"
            if dest.exists():  # a copy is there, but it failed its sha256 or size check
                what = f"{res.path} of version {release.version} has only a copy failing its sha256"
            if self.offline:
                raise self.offline_error(what)
            try:
                self._download(release, res, dest)
            except SourceUnavailable as err:
                if self.offline is False:
                    raise
                raise self.unreachable(err, what) from err
            check_file_schema(dest, res, version=release.version)
            self.cache.stamp(dest, sha256=res.sha256, size=res.bytes)
        return dest

    def _download(self, release: Release, res: Resource, dest: Path) -> None:
        """Download a file into ``dest`` (atomically, verified), trying twice."""
        from leadertravel._download import download_verified

        name = f"{release.version}/{res.path}"
        for attempt in (1, 2):
            try:
                download_verified(
                    self.source,
                    name,
                    dest,
                    sha256=res.sha256,
                    size=res.bytes,
                    progress=self.progress,
                )
                break
            except IntegrityError as err:
                if attempt == 2:
                    raise
                logger.warning("%s — discarded; fetching it once more", err)
        logger.info("downloaded and verified %s", self.source.url(name))


def _read_args(
    res: Resource, columns: Sequence[str] | None, filters: Filters
) -> tuple[list[str] | None, Filters]:
    """Check ``columns`` and ``filters`` against the manifest's schema, before any download."""
    if columns is not None:
        known = [f["name"] for f in res.schema["fields"]]
        unknown = [c for c in columns if c not in known]
        if unknown:
            msg = f"table {res.name!r} has no column(s) {unknown}; its columns: {known}"
            raise ValueError(msg)
        columns = list(columns)
    return columns, typed_filters(filters, res.schema, table=res.name)


def _read(path: Path, res: Resource, *, columns: list[str] | None, filters: Filters) -> pa.Table:
    """Read a verified file with checked ``columns`` and ``filters`` (see `_read_args`)."""
    import pyarrow.parquet as pq

    table = pq.read_table(path, columns=columns, filters=filters)
    if filters is None and res.rows is not None and table.num_rows != res.rows:
        msg = f"{path}: read {table.num_rows} rows but the manifest says {res.rows}"
        raise IntegrityError(msg)
    return table


def _to_frame(table: pa.Table, res: Resource, dtype_backend: DtypeBackend) -> pd.DataFrame:
    if dtype_backend == "numpy_nullable":
        return to_pandas(table, res.schema)
    if dtype_backend == "pyarrow":
        frame: pd.DataFrame = table.to_pandas(types_mapper=pd.ArrowDtype)
        return frame
    msg = f"dtype_backend={dtype_backend!r}; expected 'numpy_nullable' or 'pyarrow'"  # type: ignore[unreachable]
    raise ValueError(msg)


def versions(
    *,
    source: PathLike | None = None,
    cache_dir: PathLike | None = None,
    offline: bool | None = None,
) -> pd.DataFrame:
    """List the published versions, newest first.

    Parameters
    ----------
    source
        Release root (URL, directory or ``file://`` URL); default ``LEADERTRAVEL_SOURCE``,
        else the published default ``leadertravel._source.DEFAULT_SOURCE``.
    cache_dir
        Cache root; default ``LEADERTRAVEL_CACHE_DIR``, else the platform's user cache.
    offline
        ``True`` reads the cached index only; ``False`` never falls back to it; ``None``
        (default) falls back to it, with a warning, when the source is unreachable.

    Returns
    -------
    pandas.DataFrame
        Columns ``version``, ``released`` (date of the release) and ``latest``.

    Examples
    --------
    >>> import leadertravel as lt
    >>> from leadertravel._example import example_release
    >>> root = example_release()
    >>> lt.versions(source=root, cache_dir=root.parent / "cache")
      version   released  latest
    0   0.1.0 2000-01-01    True
    """
    session = _Session.make(source, cache_dir, offline=offline, refresh=True)
    index, fresh = session.index(max_age=-1.0)
    if fresh is not None:
        session.keep_index(index, fresh)
    return pd.DataFrame(
        {
            "version": pd.array(index.names(), dtype="string"),
            "released": pd.to_datetime([v.released for v in index.versions]).astype(
                "datetime64[s]"
            ),
            "latest": [v.version == index.latest for v in index.versions],
        }
    )


def path(
    table: str,
    *,
    version: str = "latest",
    source: PathLike | None = None,
    cache_dir: PathLike | None = None,
    refresh: bool = False,
    offline: bool | None = None,
    progress: bool | None = None,
) -> Path:
    """Return the verified local Parquet file of a table (for DuckDB, Polars, Spark …).

    Parameters are those of `load`.

    Examples
    --------
    >>> import pyarrow.parquet as pq, leadertravel as lt
    >>> from leadertravel._example import example_release
    >>> root = example_release()
    >>> p = lt.path("trips", source=root, cache_dir=root.parent / "cache")
    >>> p.name, pq.ParquetFile(p).metadata.num_rows
    ('trips.parquet', 2)
    """
    session = _Session.make(source, cache_dir, offline=offline, refresh=refresh, progress=progress)
    release = session.release(version)
    return session.file(release, release.resource(table))


def _load_table(
    session: _Session,
    table: str,
    version: str,
    columns: Sequence[str] | None,
    filters: Filters,
) -> tuple[pa.Table, Resource]:
    """Resolve, check the arguments (before any download), fetch, verify and read a table."""
    release = session.release(version)
    res = release.resource(table)
    checked, typed = _read_args(res, columns, filters)
    return _read(session.file(release, res), res, columns=checked, filters=typed), res


def load_arrow(
    table: str,
    *,
    version: str = "latest",
    columns: Sequence[str] | None = None,
    filters: Filters = None,
    source: PathLike | None = None,
    cache_dir: PathLike | None = None,
    refresh: bool = False,
    offline: bool | None = None,
    progress: bool | None = None,
) -> pa.Table:
    """Load a table of a release as a `pyarrow.Table` typed as the release writes it.

    Parameters are those of `load`.

    Examples
    --------
    >>> import leadertravel as lt
    >>> from leadertravel._example import example_release
    >>> root = example_release()
    >>> t = lt.load_arrow("trips", columns=["trip_id", "start_date"], source=root,
    ...                   cache_dir=root.parent / "cache")
    >>> t.schema.types
    [DataType(string), DataType(date32[day])]
    """
    session = _Session.make(source, cache_dir, offline=offline, refresh=refresh, progress=progress)
    return _load_table(session, table, version, columns, filters)[0]


def load(
    table: str,
    *,
    version: str = "latest",
    columns: Sequence[str] | None = None,
    filters: Filters = None,
    source: PathLike | None = None,
    cache_dir: PathLike | None = None,
    refresh: bool = False,
    offline: bool | None = None,
    progress: bool | None = None,
    dtype_backend: DtypeBackend = "numpy_nullable",
) -> pd.DataFrame:
    """Load a table of a release as a typed pandas DataFrame.

    The file is downloaded once into the cache, checked against the sha256 and size in
    the release manifest, and read from there afterwards.

    Parameters
    ----------
    table
        Table name, e.g. ``"trips"`` (see ``describe``).
    version
        ``"latest"`` (resolved through the source's ``index.json``, re-checked at most
        every ``LEADERTRAVEL_LATEST_TTL`` seconds, default 6 hours) or a pinned
        ``MAJOR.MINOR.PATCH``; a pinned version is immutable and never re-fetched.
    columns
        Read only these columns (pushed down into the Parquet read).
    filters
        Row filter pushed down into the Parquet read (skips row groups whose statistics
        exclude it), as for `pyarrow.parquet.read_table`: e.g.
        ``[("leader_id", "==", "kim-jong-un")]``.
    source
        Release root: an http(s) URL, a directory or a ``file://`` URL. Default
        ``LEADERTRAVEL_SOURCE``, else the published default.
    cache_dir
        Cache root. Default ``LEADERTRAVEL_CACHE_DIR``, else the platform's user cache.
    refresh
        Re-resolve 'latest' and re-fetch the manifest now, and re-hash cached files
        (re-downloading any that fail). The cached copy is replaced only by a verified one;
        a manifest that changed at the source for an already cached version is an error
        (published versions are immutable; ``clear_cache(version)`` accepts the change).
    offline
        ``True`` (or ``LEADERTRAVEL_OFFLINE=1``): use the cache only. ``None``: use the
        cache, with a warning, when the source is unreachable. ``False``: never fall back.
    progress
        Show a download progress bar; default only when stderr is a terminal (needs rich).
    dtype_backend
        ``"numpy_nullable"`` (default): dtypes from the release's Table Schema — nullable
        ``Int64``/``Float64``/``boolean``/``string``, categoricals for enums, dates as
        ``datetime64[s]``. ``"pyarrow"``: `pandas.ArrowDtype` columns.

    Returns
    -------
    pandas.DataFrame

    Raises
    ------
    TableNotFound, ReleaseNotFound
        Unknown table or version (the message lists the available ones).
    HashMismatch, TruncatedDownload
        The file failed verification twice (more bytes than the manifest says stop the
        download at once).
    OfflineError
        Offline, or the source is unreachable, and the cache has no copy (the message
        names the source; the cause is the `SourceUnavailable`).
    RemoteFileNotFound, SourceUnavailable
        The source could not give the file (``SourceUnavailable`` only with
        ``offline=False``).
    UnsupportedFormat, UnsafeManifest, ManifestError
        The release manifest is newer than this loader, hostile, or broken; its inline
        schema does not match the Parquet file; or a cached version changed at the source.
    ValueError
        ``columns`` or ``filters`` name unknown columns, or a filter value does not fit its
        column's type (checked before anything is downloaded).

    Examples
    --------
    >>> import leadertravel as lt
    >>> from leadertravel._example import example_release
    >>> root = example_release()
    >>> trips = lt.load("trips", source=root, cache_dir=root.parent / "cache")
    >>> trips.dtypes.astype(str).to_dict()  # doctest: +NORMALIZE_WHITESPACE
    {'trip_id': 'string', 'leader_id': 'string', 'start_date': 'datetime64[s]',
     'visit_type': 'category', 'stops': 'Int64'}
    >>> lt.load("trips", filters=[("leader_id", "==", "example-b")], columns=["trip_id"],
    ...         source=root, cache_dir=root.parent / "cache")
                    trip_id
    0  example-b-2001-05-07
    """
    session = _Session.make(source, cache_dir, offline=offline, refresh=refresh, progress=progress)
    arrow, res = _load_table(session, table, version, columns, filters)
    return _to_frame(arrow, res, dtype_backend)


def load_all(
    *,
    version: str = "latest",
    source: PathLike | None = None,
    cache_dir: PathLike | None = None,
    refresh: bool = False,
    offline: bool | None = None,
    progress: bool | None = None,
    dtype_backend: DtypeBackend = "numpy_nullable",
) -> dict[str, pd.DataFrame]:
    """Load every table of one release ('latest' is resolved once, so all tables agree).

    Parameters are those of `load`.

    Returns
    -------
    dict of str to pandas.DataFrame
        Table name → DataFrame, in the manifest's order.

    Examples
    --------
    >>> import leadertravel as lt
    >>> from leadertravel._example import example_release
    >>> root = example_release()
    >>> {k: len(v) for k, v in lt.load_all(source=root, cache_dir=root.parent / "c").items()}
    {'trips': 2}
    """
    session = _Session.make(source, cache_dir, offline=offline, refresh=refresh, progress=progress)
    release = session.release(version)
    frames = {}
    for name, res in release.resources.items():
        arrow = _read(session.file(release, res), res, columns=None, filters=None)
        frames[name] = _to_frame(arrow, res, dtype_backend)
    return frames


def _constraints_text(spec: dict[str, Any]) -> str:
    skip = {"required", "unique", "enum"}
    items = [f"{k}={v}" for k, v in spec.get("constraints", {}).items() if k not in skip]
    return "; ".join(items)


def describe(
    table: str,
    *,
    version: str = "latest",
    source: PathLike | None = None,
    cache_dir: PathLike | None = None,
    offline: bool | None = None,
) -> pd.DataFrame:
    """Describe a table's fields from the release's Table Schema (no data is downloaded).

    Parameters are those of `load`.

    Returns
    -------
    pandas.DataFrame
        One row per field: ``field``, ``type`` (Table Schema), ``dtype`` (what `load`
        gives), ``required``, ``unique``, ``enum`` (allowed values, or empty),
        ``constraints`` (the others, as text) and ``description``. ``attrs`` holds the
        table's ``version``, ``rows``, ``primary_key`` and ``description``.

    Examples
    --------
    >>> import leadertravel as lt
    >>> from leadertravel._example import example_release
    >>> root = example_release()
    >>> d = lt.describe("trips", source=root, cache_dir=root.parent / "cache")
    >>> d[["field", "type", "dtype", "required"]]
            field     type          dtype  required
    0     trip_id   string         string      True
    1   leader_id   string         string      True
    2  start_date     date  datetime64[s]      True
    3  visit_type   string       category      True
    4       stops  integer          Int64     False
    >>> d.attrs["primary_key"], d.attrs["rows"]
    (['trip_id'], 2)
    """
    session = _Session.make(source, cache_dir, offline=offline)
    release = session.release(version)
    res = release.resource(table)
    rows = []
    for spec in res.schema["fields"]:
        constraints = spec.get("constraints", {})
        dtype = pandas_dtype(spec)
        rows.append(
            {
                "field": spec["name"],
                "type": spec.get("type", "string"),
                "dtype": "category" if isinstance(dtype, pd.CategoricalDtype) else str(dtype),
                "required": bool(constraints.get("required", False)),
                "unique": bool(constraints.get("unique", False)),
                "enum": ", ".join(enum_of(spec) or []),
                "constraints": _constraints_text(spec),
                "description": spec.get("description", ""),
            }
        )
    frame = pd.DataFrame(rows)
    frame.attrs.update(
        {
            "table": res.name,
            "version": release.version,
            "rows": res.rows,
            "primary_key": list(res.schema.get("primaryKey", [])),
            "description": res.description,
        }
    )
    return frame


def cache_info(*, cache_dir: PathLike | None = None) -> pd.DataFrame:
    """List the cached release files.

    Returns
    -------
    pandas.DataFrame
        One row per file: ``source``, ``version``, ``file``, ``bytes``, ``verified_at``
        (UTC time of the hash check, empty if never verified). ``attrs["cache_dir"]`` is
        the cache root.

    Examples
    --------
    >>> import leadertravel as lt
    >>> from leadertravel._example import example_release
    >>> root = example_release()
    >>> cache = root.parent / "cache"
    >>> _ = lt.load("trips", source=root, cache_dir=cache)
    >>> lt.cache_info(cache_dir=cache)[["version", "file"]]
      version              file
    0   0.1.0  datapackage.json
    1   0.1.0     trips.parquet
    """
    from leadertravel._cache import iter_entries

    root = cache_root(cache_dir)
    columns = ["source", "version", "file", "bytes", "verified_at"]
    entries = [[getattr(e, c) for c in columns] for e in iter_entries(root)]
    frame = pd.DataFrame(entries, columns=columns)
    frame["bytes"] = frame["bytes"].astype("Int64")
    frame.attrs["cache_dir"] = str(root)
    return frame


def clear_cache(version: str | None = None, *, cache_dir: PathLike | None = None) -> int:
    """Delete cached releases: every version, or one version (of every source).

    Parameters
    ----------
    version
        ``MAJOR.MINOR.PATCH`` to delete only that version; ``None`` deletes everything.
    cache_dir
        Cache root; default ``LEADERTRAVEL_CACHE_DIR``, else the platform's user cache.

    Returns
    -------
    int
        Number of files removed.

    Examples
    --------
    >>> import leadertravel as lt
    >>> from leadertravel._example import example_release
    >>> root = example_release()
    >>> _ = lt.path("trips", source=root, cache_dir=root.parent / "cache")
    >>> lt.clear_cache("0.1.0", cache_dir=root.parent / "cache")
    3
    """
    from leadertravel._cache import clear

    return clear(cache_root(cache_dir), version)
