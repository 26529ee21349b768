"""Build versioned, reproducible, immutable releases (format: ``docs/release-format.md``).

The orchestrator: :func:`build_release` assembles every table
(:func:`leadertravel.pipeline.assemble.assemble`) and :func:`write_release` publishes them
into a release root. Holding the root's lock it reads and checks the existing
``index.json``, refuses a version that exists or is dated before the latest, computes the
new index, writes the version's files into a staging directory
(:func:`~leadertravel.pipeline.release.stage.stage_release`: validation, version bump,
every file) and only then renames it into place and replaces ``index.json``
(:mod:`~leadertravel.pipeline.release.root`). A failed build leaves nothing behind, and
published versions are never overwritten.

:func:`check_release` rebuilds a published version in a temporary directory and compares
every file's hash with the published one.
"""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from leadertravel._errors import (
    BuildError,
    ReleaseExists,
    ReleaseNotFound,
    ReproducibilityError,
    SourceInputError,
)
from leadertravel._format import DEFAULT_NAME, INDEX, manifest_path
from leadertravel._fsutil import sha256_file
from leadertravel.pipeline.release.root import (
    index_with,
    publish_dir,
    read_index,
    release_lock,
    staging_dir,
)
from leadertravel.pipeline.release.stage import (
    ReleaseInputs,
    read_previous,
    released_date,
    stage_release,
    verify_release,
)
from leadertravel.pipeline.release.versioning import parse_version

__all__ = [
    "build_release",
    "check_release",
    "existing_sources",
    "write_release",
]

log = logging.getLogger("leadertravel.pipeline")


def _check_date(index: Mapping[str, Any], version: str, released: str) -> None:
    """Refuse a release dated before the latest one; warn when dated the same day."""
    latest = index.get("latest")
    before = next((v["released"] for v in index["versions"] if v["version"] == latest), None)
    if before is None:
        return
    fix = (
        "set 'created' in datapackage/datapackage.json to this release's date (ISO 8601, "
        "e.g. 2026-11-23T00:00:00Z): the release date comes from the inputs, not the clock"
    )
    if released < before:
        msg = (
            f"release {version} would be dated {released}, before the latest release "
            f"{latest} ({before}); {fix}"
        )
        raise BuildError(msg)
    if released == before:
        log.warning(
            "release %s is dated %s, the same day as the latest release %s: was 'created' "
            "updated? If not, %s",
            version,
            released,
            latest,
            fix,
        )


def write_release(
    inputs: ReleaseInputs,
    *,
    releases: Path,
    version: str | None = None,
    rules: bool = True,
) -> Path:
    """Validate ``inputs`` and publish them as release ``version`` under ``releases``.

    Parameters
    ----------
    inputs
        The tables, schemas and descriptor (an :class:`~leadertravel.pipeline.assemble.Assembly`
        or anything with the same attributes, e.g. the synthetic benchmark tables).
    releases
        Release root; created if missing.
    version
        Version to publish; default: the descriptor's ``version``.
    rules
        Also check the semantic rules of :mod:`leadertravel.pipeline.rules`.

    Returns
    -------
    Path
        The new release directory ``<releases>/<version>``.

    Raises
    ------
    ReleaseExists
        The version is already published (published versions are immutable).
    VersionBumpError
        The version is not newer than the latest release or understates the changes.
    DataValidationError
        A table breaks its Table Schema or a rule; nothing is written.
    """
    version = version or str(inputs.package["version"])
    parse_version(version)
    released = released_date(inputs.package)
    target = releases / version
    with release_lock(releases):
        index = read_index(releases)
        _refuse_existing(target, index)
        _check_date(index, version, released)
        latest = index.get("latest")
        previous = read_previous(releases, latest) if latest else None
        entry = {"version": version, "released": released, "path": manifest_path(version)}
        new_index = index_with(
            index, name=str(inputs.package.get("name", DEFAULT_NAME)), entry=entry
        )
        with staging_dir(releases, version) as staging:
            stage_release(
                inputs,
                version=version,
                out=staging,
                previous=previous,
                enforce_bump=True,
                rules=rules,
            )
            publish_dir(staging, target, releases=releases, index=new_index)
    log.info("release %s written to %s", version, target)
    return target


def _refuse_existing(target: Path, index: Mapping[str, Any]) -> None:
    if not target.exists():
        return
    listed = any(v["version"] == target.name for v in index.get("versions", []))
    if listed:
        msg = (
            f"release {target.name} already exists at {target}; published versions are "
            "immutable: bump the version in datapackage/datapackage.json (or pass --version)"
        )
    else:
        msg = (
            f"{target} exists but release {target.name} is not listed in "
            f"{target.parent / INDEX}: it is not published (left by an older, interrupted "
            "build?). Remove it if nobody uses it, or build another version"
        )
    raise ReleaseExists(msg)


def build_release(
    *,
    root: Path,
    releases: Path,
    sources: Path | None = None,
    version: str | None = None,
    gap_days: int = 1,
    online_geocoding: bool = False,
) -> Path:
    """Assemble the project's tables and publish them as a new release.

    Parameters
    ----------
    root
        Project checkout (``datapackage/``, ``data/``).
    releases
        Release root (e.g. ``./releases``).
    sources
        Office of the Historian snapshot to import; ``None`` for the curated tables only.
    version
        Version to publish; default: ``version`` in ``datapackage/datapackage.json``.
    gap_days
        Importer grouping parameter (see :func:`leadertravel.pipeline.assemble.assemble`).
    online_geocoding
        Let the importer ask Nominatim for names nothing offline knows (see
        :func:`leadertravel.pipeline.assemble.assemble`); off by default.

    Returns
    -------
    Path
        The new release directory.
    """
    from leadertravel.pipeline.assemble import assemble

    inputs = assemble(root, sources=sources, gap_days=gap_days, online_geocoding=online_geocoding)
    return write_release(inputs, releases=releases, version=version)


def existing_sources(path: Path) -> Path:
    """Return the source directory resolved; refuse one that does not exist.

    Raises
    ------
    SourceInputError
        Naming the directory and how to build without it.
    """
    resolved = Path(path).expanduser().resolve()
    if not resolved.is_dir():
        msg = (
            f"the source directory {path} ({resolved}) does not exist; pass --sources with "
            "the Office of the Historian snapshot, or --no-sources for the curated tables only"
        )
        raise SourceInputError(msg)
    return resolved


def _preceding(index: Mapping[str, Any], version: str) -> str | None:
    older = [
        v["version"]
        for v in index.get("versions", [])
        if parse_version(v["version"]) < parse_version(version)
    ]
    return max(older, key=parse_version) if older else None


def check_release(
    version: str,
    *,
    root: Path,
    releases: Path,
    sources: Path | None = None,
    gap_days: int = 1,
) -> list[str]:
    """Rebuild a published release in a temporary directory and compare every file.

    Parameters
    ----------
    version
        The version to check, or ``"latest"``.
    root, releases, sources, gap_days
        As for :func:`build_release`; use the same inputs the release was built from.

    Returns
    -------
    list of str
        The files compared (all identical).

    Raises
    ------
    ReleaseNotFound
        The version is not in ``index.json``.
    HashMismatch
        A published file differs from its recorded hash (checked before rebuilding).
    ReproducibilityError
        Some files differ (listed in the message), or one build has files the other lacks.
    """
    from leadertravel.pipeline.assemble import assemble

    index = read_index(releases)
    known = [v["version"] for v in index.get("versions", [])]
    if version == "latest":
        version = str(index.get("latest", ""))
    if version not in known:
        msg = f"release {version or 'latest'!r} is not in {releases / INDEX}; published: {known}"
        raise ReleaseNotFound(msg)
    published = releases / version
    verify_release(published)  # a tampered file is tampering, not irreproducibility
    before = _preceding(index, version)
    previous = read_previous(releases, before) if before else None
    inputs = assemble(root, sources=sources, gap_days=gap_days)
    with tempfile.TemporaryDirectory(prefix=f"leadertravel-check-{version}-") as tmp:
        out = Path(tmp)
        stage_release(
            inputs, version=version, out=out, previous=previous, enforce_bump=False, rules=True
        )
        return _compare_dirs(published, out)


def _compare_dirs(published: Path, rebuilt: Path) -> list[str]:
    names = sorted({p.name for p in published.iterdir()} | {p.name for p in rebuilt.iterdir()})
    differing = []
    for name in names:
        a, b = published / name, rebuilt / name
        if not (a.is_file() and b.is_file()):
            differing.append(f"{name} (only in {'the rebuild' if b.exists() else 'the release'})")
        elif (old := sha256_file(a)[0]) != (new := sha256_file(b)[0]):
            differing.append(f"{name} (sha256 {old[:12]}… published, {new[:12]}… rebuilt)")
    if differing:
        msg = (
            f"rebuilding {published.name} gave different files: {'; '.join(differing)}. "
            "Check that the inputs (data/, --sources) and the environment (constraints.txt) "
            "are those the release was built with; if the data changed on purpose, bump the "
            "version in datapackage/datapackage.json and build a new release"
        )
        raise ReproducibilityError(msg)
    log.info("release %s rebuilt byte-identically (%d files)", published.name, len(names))
    return names
