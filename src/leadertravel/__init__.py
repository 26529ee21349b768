"""leadertravel: leaders' foreign travel as typed, versioned, verified tables.

See the data dictionary (``leadertravel describe TABLE`` or ``datapackage/schemas/``) for
every table and field.
"""

from leadertravel._errors import (
    BuildError,
    DataValidationError,
    HashMismatch,
    IntegrityError,
    LeadertravelError,
    ManifestError,
    OfflineError,
    ReleaseExists,
    ReleaseNotFound,
    RemoteFileNotFound,
    ReproducibilityError,
    SourceError,
    SourceInputError,
    SourceUnavailable,
    TableNotFound,
    TruncatedDownload,
    UnsafeManifest,
    UnsupportedFormat,
    VersionBumpError,
)

__version__ = "0.1.0"

__all__ = [
    "BuildError",
    "DataValidationError",
    "HashMismatch",
    "IntegrityError",
    "LeadertravelError",
    "ManifestError",
    "OfflineError",
    "ReleaseExists",
    "ReleaseNotFound",
    "RemoteFileNotFound",
    "ReproducibilityError",
    "SourceError",
    "SourceInputError",
    "SourceUnavailable",
    "TableNotFound",
    "TruncatedDownload",
    "UnsafeManifest",
    "UnsupportedFormat",
    "VersionBumpError",
    "__version__",
]
