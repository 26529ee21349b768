"""leadertravel: leaders' foreign travel as typed, versioned, verified tables.

>>> import leadertravel as lt
>>> lt.versions()          # doctest: +SKIP
>>> trips = lt.load("trips")          # doctest: +SKIP

Releases come from ``source=``, else ``LEADERTRAVEL_SOURCE``, else the published default
(``leadertravel._source.DEFAULT_SOURCE``); they are cached per version, verified by sha256,
and usable offline afterwards. See the data dictionary (``leadertravel describe TABLE`` or
``datapackage/schemas/``) for every table and field.

Environment variables: ``LEADERTRAVEL_SOURCE`` (release root URL or directory),
``LEADERTRAVEL_CACHE_DIR`` (cache root), ``LEADERTRAVEL_OFFLINE=1`` (cache only),
``LEADERTRAVEL_TIMEOUT`` (network timeout in seconds, default 30),
``LEADERTRAVEL_LATEST_TTL`` (seconds a resolved 'latest' is trusted, default 6 hours),
``LEADERTRAVEL_RETRIES`` (retries of transient failures, default 2) and
``LEADERTRAVEL_LOCK_TIMEOUT`` (seconds to wait for a cache lock, default 120); all are
read in ``leadertravel._config``.
"""

from leadertravel._api import load, load_all, load_arrow, path, versions
from leadertravel._cacheroot import cache_info, clear_cache
from leadertravel._describe import describe
from leadertravel._errors import (
    BuildError,
    CacheError,
    CacheLocked,
    DataValidationError,
    HashMismatch,
    IntegrityError,
    LeadertravelError,
    ManifestError,
    MissingDependency,
    OfflineError,
    RecordNotFound,
    ReleaseExists,
    ReleaseNotFound,
    RemoteFileNotFound,
    ReproducibilityError,
    SchemaViolation,
    SourceError,
    SourceInputError,
    SourceUnavailable,
    TableNotFound,
    TruncatedDownload,
    UnsafeManifest,
    UnsupportedFormat,
    UsageError,
    VersionBumpError,
)
from leadertravel._panels import country_years, dyad_years
from leadertravel._plot import plot_trip, plot_trips_per_year, plot_world, trip_html

__all__ = [
    "BuildError",
    "CacheError",
    "CacheLocked",
    "DataValidationError",
    "HashMismatch",
    "IntegrityError",
    "LeadertravelError",
    "ManifestError",
    "MissingDependency",
    "OfflineError",
    "RecordNotFound",
    "ReleaseExists",
    "ReleaseNotFound",
    "RemoteFileNotFound",
    "ReproducibilityError",
    "SchemaViolation",
    "SourceError",
    "SourceInputError",
    "SourceUnavailable",
    "TableNotFound",
    "TruncatedDownload",
    "UnsafeManifest",
    "UnsupportedFormat",
    "UsageError",
    "VersionBumpError",
    "__version__",
    "cache_info",
    "clear_cache",
    "country_years",
    "describe",
    "dyad_years",
    "load",
    "load_all",
    "load_arrow",
    "path",
    "plot_trip",
    "plot_trips_per_year",
    "plot_world",
    "trip_html",
    "versions",
]


def __getattr__(name: str) -> str:
    """``__version__``, read from the package metadata on first use (`_version`)."""
    if name == "__version__":
        from leadertravel._version import package_version

        return package_version()
    msg = f"module 'leadertravel' has no attribute {name!r}"
    raise AttributeError(msg)
