"""The public loader: list versions and load tables.

`describe` is in `leadertravel._describe`, the cache functions in `leadertravel._cacheroot`.

Every function resolves 'latest' through the source's ``index.json`` once and then works
with that pinned version, so one call never mixes two releases (`leadertravel._resolve`);
every table read is of bytes verified against the manifest just then
(`leadertravel._fetch`), and its values are checked against the Table Schema before a
frame is made (`leadertravel._schema.check_values`). Examples below use a tiny synthetic
release written to a temporary directory, so they run offline.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal

import pandas as pd
import pyarrow as pa

from leadertravel._errors import IntegrityError, ManifestError, SchemaViolation, UsageError
from leadertravel._fetch import verified_all, verified_bytes, verified_path
from leadertravel._filters import typed_filters
from leadertravel._manifest import Resource
from leadertravel._resolve import Context
from leadertravel._schema import check_values, to_pandas

__all__ = ["load", "load_all", "load_arrow", "path", "versions"]

logger = logging.getLogger("leadertravel")

PathLike = str | os.PathLike[str]
DtypeBackend = Literal["numpy_nullable", "pyarrow"]
# Parquet filters as pyarrow.parquet.read_table takes them: a list of (column, op, value)
# tuples (AND), a list of such lists (OR of ANDs), or a pyarrow.compute.Expression.
Filters = Any
_BACKENDS = ("numpy_nullable", "pyarrow")


def _check_backend(dtype_backend: object) -> None:
    if dtype_backend not in _BACKENDS:
        msg = f"dtype_backend={dtype_backend!r}; expected 'numpy_nullable' or 'pyarrow'"
        raise UsageError(msg)


def _read_args(
    res: Resource, columns: Sequence[str] | None, filters: Filters
) -> tuple[list[str] | None, Filters]:
    """Check ``columns`` and ``filters`` against the manifest's schema, before any download."""
    if columns is not None:
        known = [f["name"] for f in res.schema["fields"]]
        if isinstance(columns, str) or not isinstance(columns, Sequence):
            msg = f"columns={columns!r}: expected a list of column names, e.g. [{known[0]!r}]"
            raise UsageError(msg)
        unknown = [c for c in columns if c not in known]
        if unknown:
            msg = f"table {res.name!r} has no column(s) {unknown}; its columns: {known}"
            raise UsageError(msg)
        if len(set(columns)) != len(columns):
            msg = f"columns={list(columns)!r} names a column twice"
            raise UsageError(msg)
        columns = list(columns)
    try:
        return columns, typed_filters(filters, res.schema, table=res.name)
    except UsageError:
        raise
    except (ValueError, TypeError) as err:  # a filter the checks let through to pyarrow
        raise UsageError(str(err)) from err


def _read(
    data: pa.Buffer,
    res: Resource,
    *,
    version: str,
    columns: list[str] | None,
    filters: Filters,
) -> pa.Table:
    """Read verified bytes with checked ``columns`` and ``filters``; check the values."""
    import pyarrow.parquet as pq

    at = f"table {res.name!r} of release {version}"
    try:
        if filters is None:  # the file reader alone: without the dataset layer's set-up
            table = pq.ParquetFile(pa.BufferReader(data)).read(columns=columns)
        else:
            table = pq.read_table(pa.BufferReader(data), columns=columns, filters=filters)
    except (pa.ArrowException, OSError, ValueError, TypeError) as err:
        if filters is not None:
            msg = f"{at}: the filters {filters!r} cannot be applied ({err})"
            raise UsageError(msg) from err
        msg = f"{at}: the file matches its sha256 but cannot be read as Parquet ({err})"
        raise ManifestError(msg) from err
    if filters is None and res.rows is not None and table.num_rows != res.rows:
        msg = f"{at}: read {table.num_rows} rows but the manifest says {res.rows}"
        raise IntegrityError(msg)
    check_values(table, res.schema, where=at)
    return table


def _to_frame(
    table: pa.Table, res: Resource, dtype_backend: DtypeBackend, *, version: str
) -> pd.DataFrame:
    try:
        if dtype_backend == "pyarrow":
            frame: pd.DataFrame = table.to_pandas(types_mapper=pd.ArrowDtype)
            return frame
        return to_pandas(table, res.schema, owned=True)  # the table is dropped here
    except (pa.ArrowException, ValueError, TypeError) as err:  # e.g. a repeated dictionary value
        msg = (
            f"table {res.name!r} of release {version}: the file matches its sha256 but its "
            f"values cannot be converted to the schema's dtypes ({err}); report it to its publisher"
        )
        raise SchemaViolation(msg) from err


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
    context = Context.make(source, cache_dir, offline=offline, refresh=True)
    index, fresh = context.index(max_age=-1.0)
    if fresh is not None:
        context.keep_index(index, fresh)
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
    context = Context.make(source, cache_dir, offline=offline, refresh=refresh, progress=progress)
    release = context.release(version)
    return verified_path(context, release, release.resource(table))


def _load_table(
    context: Context,
    table: str,
    version: str,
    columns: Sequence[str] | None,
    filters: Filters,
) -> tuple[pa.Table, Resource, str]:
    """Resolve, check the arguments (before any download), fetch, verify and read a table.

    Returns the table, its resource and the version it was resolved to.
    """
    release = context.release(version)
    res = release.resource(table)
    checked, typed = _read_args(res, columns, filters)
    data = verified_bytes(context, release, res)
    table_ = _read(data, res, version=release.version, columns=checked, filters=typed)
    return table_, res, release.version


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
    context = Context.make(source, cache_dir, offline=offline, refresh=refresh, progress=progress)
    return _load_table(context, table, version, columns, filters)[0]


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
    _check_backend(dtype_backend)
    context = Context.make(source, cache_dir, offline=offline, refresh=refresh, progress=progress)
    arrow, res, resolved = _load_table(context, table, version, columns, filters)
    return _to_frame(arrow, res, dtype_backend, version=resolved)


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
    _check_backend(dtype_backend)
    context = Context.make(source, cache_dir, offline=offline, refresh=refresh, progress=progress)
    release = context.release(version)
    frames = {}
    for name, data in verified_all(context, release).items():
        res = release.resources[name]
        arrow = _read(data, res, version=release.version, columns=None, filters=None)
        frames[name] = _to_frame(arrow, res, dtype_backend, version=release.version)
    return frames
