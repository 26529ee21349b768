"""Publish a built release to a release root (a directory a web server or GitHub serves).

The release is verified before copying (every file against ``SHA256SUMS`` and the
manifest), copied into a temporary directory inside the destination, verified again,
renamed into place, and only then added to the destination's ``index.json`` (atomically).
An existing version at the destination is never overwritten.
"""

from __future__ import annotations

import json
import logging
import shutil
import tempfile
from pathlib import Path

from leadertravel._errors import ReleaseExists, ReleaseNotFound
from leadertravel.build.release import MANIFEST, read_index, verify_release, write_index
from leadertravel.build.semver import parse_version

__all__ = ["publish_release"]

log = logging.getLogger("leadertravel.build")


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
    """
    parse_version(version)
    origin = source / version
    if not (origin / MANIFEST).is_file():
        msg = f"no release {version} at {source} (no {origin / MANIFEST}); build it first"
        raise ReleaseNotFound(msg)
    verify_release(origin)
    target = dest / version
    if target.exists():
        msg = f"release {version} already exists at {target}; published versions are immutable"
        raise ReleaseExists(msg)
    dest.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".tmp-publish-{version}-", dir=dest))
    try:
        for path in sorted(origin.iterdir()):
            shutil.copyfile(path, staging / path.name)
        verify_release(staging)
        if target.exists():
            msg = f"release {version} appeared at {target} while publishing; not overwritten"
            raise ReleaseExists(msg)
        staging.chmod(0o755)
        staging.rename(target)
    finally:
        if staging.exists():
            shutil.rmtree(staging)
    manifest = json.loads((target / MANIFEST).read_text(encoding="utf-8"))
    entries = {v["version"]: v for v in read_index(source).get("versions", [])}
    entry = entries.get(version) or {
        "version": version,
        "released": str(manifest.get("created", ""))[:10],
        "path": f"{version}/{MANIFEST}",
    }
    write_index(dest, name=str(manifest.get("name", "leadertravel")), entry=entry)
    log.info("published %s to %s", version, target)
    return target
