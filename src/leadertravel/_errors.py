"""Every exception leadertravel raises, in one place.

Each leaf also inherits the built-in exception a caller would naturally catch, so
``except LookupError`` works as well as ``except leadertravel.ReleaseNotFound``::

    LeadertravelError
    ├── UsageError                  (+ ValueError)    a bad argument (columns, filters, …) or
    │                                                 LEADERTRAVEL_* setting; nothing was read
    ├── TableNotFound               (+ LookupError)   unknown table name
    ├── ReleaseNotFound             (+ LookupError)   unknown version; lists the available ones
    ├── SourceError                 (+ OSError)       the release source could not be read, or
    │   │                                             answered in a way the loader refuses
    │   │                                             (bad URL, cross-origin redirect, encoding)
    │   ├── SourceUnavailable                         refused, reset or broken connection,
    │   │                                             timeout, deadline, HTTP 5xx/429 (retried)
    │   ├── RemoteFileNotFound      (+ FileNotFoundError)  HTTP 404 / missing file at the source
    │   └── OfflineError                              offline (or unreachable) and nothing usable
    │                                                 cached
    ├── CacheError                  (+ OSError)       the local cache cannot be used: not writable,
    │   │                                             disk full, not a directory (names the dir)
    │   └── CacheLocked             (+ TimeoutError)  another process held the cache lock too long
    ├── IntegrityError              (+ ValueError)    a file is not what its manifest promises
    │   ├── HashMismatch                              sha256 differs (expected vs got)
    │   ├── TruncatedDownload                         fewer bytes than the manifest says
    │   └── SchemaViolation                           a verified file's values break its Table
    │                                                 Schema (enum, required, non-finite number)
    ├── ManifestError               (+ ValueError)    index.json / datapackage.json unusable
    │   ├── UnsafeManifest                            ``..``, absolute paths, URLs as paths
    │   └── UnsupportedFormat                         format_version newer than this loader
    ├── DataValidationError         (+ ValueError)    the data package breaks its schema or rules
    ├── SourceInputError            (+ ValueError)    an imported source file is missing, changed
    │                                                 or malformed
    ├── RecordNotFound              (+ LookupError)   no record with that id (trip, leader, country)
    ├── MissingDependency           (+ ImportError)   an optional extra is not installed
    └── BuildError                  (+ RuntimeError)  a release could not be built
        ├── ProjectNotFound         (+ FileNotFoundError)  no checkout to validate or build
        ├── ReleaseExists           (+ FileExistsError)  the version is already published
        ├── VersionBumpError        (+ ValueError)    the version understates the change
        └── ReproducibilityError                      a rebuild's hashes differ from the release
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from leadertravel._problems import Problem

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
    "ProjectNotFound",
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
]


class LeadertravelError(Exception):
    """Base class of every error raised by leadertravel."""


class UsageError(LeadertravelError, ValueError):
    """An argument or a ``LEADERTRAVEL_*`` setting is invalid (checked before any download)."""


class TableNotFound(LeadertravelError, LookupError):
    """The table name is not one of the release's tables."""

    def __str__(self) -> str:  # LookupError/KeyError would quote the message
        return str(self.args[0]) if self.args else ""


class ReleaseNotFound(LeadertravelError, LookupError):
    """The requested version is not published at the source."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


class SourceError(LeadertravelError, OSError):
    """The release source (a URL or a directory) could not be read."""


class SourceUnavailable(SourceError):
    """The source did not answer usefully: refused, reset, timed out, or a server error.

    ``transient`` is true for what a retry may cure (HTTP 5xx/429, a reset connection);
    ``retry_after`` is the server's ``Retry-After`` in seconds, if it sent one.
    """

    transient: bool = False
    retry_after: float | None = None


class RemoteFileNotFound(SourceError, FileNotFoundError):
    """The source answered that a file does not exist (HTTP 404 or a missing local file)."""


class OfflineError(SourceError):
    """Working offline (by choice or because the source is unreachable) with nothing cached."""


class CacheError(LeadertravelError, OSError):
    """The local cache directory cannot be read or written; the message names it and the fix."""


class CacheLocked(CacheError, TimeoutError):
    """Another process held a cache lock longer than ``LEADERTRAVEL_LOCK_TIMEOUT`` seconds."""


class IntegrityError(LeadertravelError, ValueError):
    """A file's bytes do not match what the release manifest promises."""


class HashMismatch(IntegrityError):
    """The sha256 of a file differs from the manifest's."""


class TruncatedDownload(IntegrityError):
    """A download ended before the number of bytes the manifest promises."""


class SchemaViolation(IntegrityError):
    """A file that matches its sha256 holds values its Table Schema forbids.

    A value outside a field's enum, a null in a required field or a non-finite number:
    the release is inconsistent, so no frame is returned.
    """


class ManifestError(LeadertravelError, ValueError):
    """``index.json`` or a release's ``datapackage.json`` is malformed."""


class UnsafeManifest(ManifestError):
    """A manifest names a path or version that would escape the release directory."""


class UnsupportedFormat(ManifestError):
    """A release uses a ``format_version`` newer than this version of leadertravel reads."""


class DataValidationError(LeadertravelError, ValueError):
    """The data package breaks its Table Schema or a semantic rule.

    Parameters
    ----------
    problems
        Every problem found, one per broken rule and location.
    """

    def __init__(self, problems: Sequence[Problem], *, context: str = "data package") -> None:
        self.problems = list(problems)
        lines = "\n".join(f"  {p}" for p in self.problems[:50])
        more = len(self.problems) - 50
        tail = f"\n  … and {more} more" if more > 0 else ""
        msg = f"{context} failed validation with {len(self.problems)} problem(s):\n{lines}{tail}"
        super().__init__(msg)


class SourceInputError(LeadertravelError, ValueError):
    """An input file read at build time is missing, changed since it was pinned, or malformed."""


class RecordNotFound(LeadertravelError, LookupError):
    """No record of a table has the requested id (a trip, leader or country)."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


class MissingDependency(LeadertravelError, ImportError):
    """A feature needs an optional extra that is not installed (e.g. ``leadertravel[plot]``)."""


class BuildError(LeadertravelError, RuntimeError):
    """A release could not be built; nothing was written to the release root."""


class ReleaseExists(BuildError, FileExistsError):
    """The version is already published; published versions are immutable."""


class VersionBumpError(BuildError, ValueError):
    """The proposed version number understates the change against the previous release."""


class ReproducibilityError(BuildError):
    """Rebuilding a release from the same inputs gave different bytes."""


class ProjectNotFound(BuildError, FileNotFoundError):
    """No project checkout (``datapackage/datapackage.json``) where the build looked."""
