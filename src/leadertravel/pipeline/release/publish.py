"""Publish a built release to a release root (a directory a web server or GitHub serves).

The release is verified before copying (every file against ``SHA256SUMS`` and the
manifest, whose version must be the directory's and whose format this builder's), the
destination's ``index.json`` is read, checked and the new one computed, the release is
copied into a temporary directory inside the destination, verified again, renamed into
place, and only then is the new ``index.json`` written (atomically). An existing version
at the destination is never overwritten; publications and builds into one release root
take turns (:func:`leadertravel.pipeline.release.root.release_lock`).
"""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

from leadertravel._errors import ReleaseExists, ReleaseNotFound
from leadertravel._format import DEFAULT_NAME, MANIFEST, manifest_path
from leadertravel._manifest import parse_datapackage
from leadertravel.pipeline.release.root import (
    index_with,
    publish_dir,
    read_index,
    release_lock,
    staging_dir,
)
from leadertravel.pipeline.release.stage import verify_release
from leadertravel.pipeline.release.versioning import parse_version

__all__ = ["publish_release"]

log = logging.getLogger("leadertravel.pipeline")


def publish_release(version: str, *, source: Path, dest: Path) -> Path:
    """Copy release ``version`` from release root ``source`` to release root ``dest``.

    Parameters
    ----------
    version
        The version to publish (``MAJOR.MINOR.PATCH``).
    source
        Release root the release was built in (holds ``<version>/``).
    dest
        Release root to publish to; created if missing.

    Returns
    -------
    Path
        ``dest / version``.

    Raises
    ------
    ReleaseNotFound
        ``source`` has no such version.
    ReleaseExists
        ``dest`` already has that version (published versions are immutable).
    HashMismatch
        The release fails verification before or after the copy.
    ManifestError
        Its manifest is of another version or format, or an ``index.json`` is invalid.
    """
    parse_version(version)
    origin = source / version
    if not (origin / MANIFEST).is_file():
        msg = f"no release {version} at {source} (no {origin / MANIFEST}); build it first"
        raise ReleaseNotFound(msg)
    verify_release(origin)  # also: its manifest is of this version and format
    entries = {v["version"]: v for v in read_index(source)["versions"]}
    manifest = parse_datapackage(
        (origin / MANIFEST).read_bytes(), where=str(origin / MANIFEST), version=version
    ).descriptor
    entry = entries.get(version) or {
        "version": version,
        "released": str(manifest.get("created", ""))[:10],
        "path": manifest_path(version),
    }
    target = dest / version
    with release_lock(dest):
        if target.exists():
            msg = f"release {version} already exists at {target}; published versions are immutable"
            raise ReleaseExists(msg)
        index = index_with(
            read_index(dest), name=str(manifest.get("name", DEFAULT_NAME)), entry=entry
        )
        with staging_dir(dest, f"publish-{version}") as staging:
            for path in sorted(origin.iterdir()):
                shutil.copyfile(path, staging / path.name)
            verify_release(staging, version=version)
            publish_dir(staging, target, releases=dest, index=index)
    log.info("published %s to %s", version, target)
    return target
