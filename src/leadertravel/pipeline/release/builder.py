"""Build versioned, reproducible, immutable releases (format: ``docs/release-format.md``).

:func:`build_release` assembles every table, validates it (the vectorized Table Schema
checks of :mod:`leadertravel.pipeline.checks` and the semantic rules), checks the version
number against the changes since the previous release, and writes the release into a
temporary directory inside the release root. The existing ``index.json`` is read and
checked, and the new one computed, before anything is published; only when everything
has been written is the directory renamed to ``<version>/``, and ``index.json`` is
replaced last (atomically). A failed build leaves nothing behind, and published versions
are never overwritten. Builds and publications into one release root take turns
(:func:`release_lock`), and each removes the staging directories a killed one left.

:func:`check_release` rebuilds a published version in a temporary directory and compares
every file's hash with the published one.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from filelock import FileLock, Timeout

from leadertravel._download import sha256_file as _hash_and_size
from leadertravel._errors import (
    BuildError,
    DataValidationError,
    HashMismatch,
    ManifestError,
    ReleaseExists,
    ReleaseNotFound,
    ReproducibilityError,
    SourceInputError,
    VersionBumpError,
)
from leadertravel._manifest import (
    BYTES_KEY,
    Release,
    is_iso_date,
    parse_datapackage,
    parse_index,
)
from leadertravel.pipeline.dictionary import DICTIONARY, manifest_tables, render_dictionary
from leadertravel.pipeline.release._parquet import sort_by_key, write_parquet
from leadertravel.pipeline.release.changelog import TableDiff, diff_table, render_changelog
from leadertravel.pipeline.release.descriptor import (
    citation_cff,
    credits,
    frictionless_sources,
    release_description,
    resource_schema,
)
from leadertravel.pipeline.release.versioning import (
    SchemaChange,
    bump_of,
    check_bump,
    parse_version,
    required_level,
    schema_changes,
)

__all__ = [
    "FORMAT_VERSION",
    "ReleaseInputs",
    "build_release",
    "check_release",
    "existing_sources",
    "read_index",
    "release_lock",
    "sha256_file",
    "staging_dir",
    "verify_release",
    "write_release",
]

log = logging.getLogger("leadertravel.pipeline")

#: The release format this builder writes (``docs/release-format.md``).
FORMAT_VERSION = 1
INDEX = "index.json"
MANIFEST = "datapackage.json"
SUMS = "SHA256SUMS"
#: Lock file of a release root: held while a build or publication writes into it.
LOCK_SUFFIX = ".lock"
#: Prefix of the staging directories builds and publications write into.
STAGING_PREFIX = ".tmp-"
#: Prefix of the marker of a version directory renamed into place but not yet listed.
PUBLISHING_PREFIX = ".publishing-"
_MEDIATYPE = "application/vnd.apache.parquet"


class ReleaseInputs(Protocol):
    """What a release is built from: :class:`leadertravel.pipeline.assemble.Assembly`."""

    @property
    def package(self) -> dict[str, Any]: ...  # noqa: D102
    @property
    def schemas(self) -> dict[str, dict[str, Any]]: ...  # noqa: D102
    @property
    def tables(self) -> dict[str, pd.DataFrame]: ...  # noqa: D102
    @property
    def reports(self) -> dict[str, bytes]: ...  # noqa: D102
    @property
    def inputs(self) -> dict[str, str]: ...  # noqa: D102


@dataclass(frozen=True)
class _Previous:
    """A published release to compare with: its version, schemas and verified table files.

    Tables are read one at a time when compared (:meth:`table`), so a follow-up release
    never holds the whole previous release in memory.
    """

    version: str
    schemas: dict[str, dict[str, Any]]
    paths: dict[str, Path] = field(repr=False)

    def table(self, name: str) -> pa.Table:
        """Read one table of the previous release."""
        return pq.read_table(self.paths[name])


# --- files -----------------------------------------------------------------------------


def sha256_file(path: Path) -> str:
    """Return the hex sha256 of a file (the loader's streaming hash, without the size)."""
    return _hash_and_size(path)[0]


def _json_bytes(value: Any) -> bytes:
    return (json.dumps(value, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def _fsync(path: Path) -> None:
    """Flush a file's or a directory's data and metadata to the disk."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_tree(directory: Path) -> None:
    """Flush every file of a staged release, then the directory itself."""
    for path in sorted(directory.iterdir()):
        if path.is_file():
            _fsync(path)
    _fsync(directory)


def _write_atomic(path: Path, data: bytes) -> None:
    """Write ``path`` through a temporary file in the same directory and ``os.replace``.

    The file and then its directory are flushed, so after a power loss the path holds
    either the old bytes or the new ones.
    """
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        Path(tmp).chmod(0o644)  # mkstemp makes it private; a release root is public
        Path(tmp).replace(path)
        _fsync(path.parent)
    finally:
        Path(tmp).unlink(missing_ok=True)


def read_index(releases: Path) -> dict[str, Any]:
    """Read and check ``<releases>/index.json``; an empty index when there is none yet.

    Every entry is checked as the loader checks it (:func:`leadertravel._manifest.parse_index`),
    so a build never publishes next to an index the loader would refuse.

    Returns
    -------
    dict
        ``format_version``, ``name``, ``latest`` (absent when empty) and ``versions``
        (``version``, ``released``, ``path``; newest first).

    Raises
    ------
    ManifestError
        The file is not valid JSON or an entry is invalid (the message names the file and
        the entry).
    """
    path = releases / INDEX
    empty: dict[str, Any] = {
        "format_version": FORMAT_VERSION,
        "name": "leadertravel",
        "versions": [],
    }
    if not path.is_file():
        return empty
    data = path.read_bytes()
    fix = f"correct or remove that entry of {path}, or restore the file from a backup"
    try:
        raw = json.loads(data)
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        msg = f"{path} is not valid JSON ({err}); restore it from a backup or the releases"
        raise ManifestError(msg) from err
    if isinstance(raw, dict) and raw.get("versions") == [] and "latest" not in raw:
        return empty | {"name": str(raw.get("name", "leadertravel"))}
    try:
        index = parse_index(data, where=str(path))
    except ReleaseNotFound as err:  # an entry's version is not a version
        msg = f"{err}; {fix}"
        raise ManifestError(msg) from err
    for entry in index.versions:
        try:
            parse_version(entry.version)  # also refuses what the loader lets through
        except VersionBumpError as err:
            msg = f"{path}: the entry of version {entry.version!r}: {err}; {fix}"
            raise ManifestError(msg) from err
    return {
        "format_version": index.format_version,
        "name": str(raw.get("name", "leadertravel")),
        "latest": index.latest,
        "versions": [entry._asdict() for entry in index.versions],
    }


def _index_with(index: Mapping[str, Any], *, name: str, entry: Mapping[str, str]) -> bytes:
    """Return the bytes of ``index`` with ``entry`` added (newest first), checked."""
    versions = [v for v in index.get("versions", []) if v["version"] != entry["version"]]
    versions.append(dict(entry))
    versions.sort(key=lambda v: parse_version(v["version"]), reverse=True)
    new = {
        "format_version": FORMAT_VERSION,
        "name": index.get("name", name),
        "latest": versions[0]["version"],
        "versions": versions,
    }
    data = _json_bytes(new)
    parse_index(data, where=f"the new {INDEX}")  # what the loader will read
    return data


def _marker(releases: Path, version: str) -> Path:
    """Return the file saying ``<releases>/<version>`` is being published (not yet listed)."""
    return releases / f"{PUBLISHING_PREFIX}{version}"


def _publish_dir(staging: Path, target: Path, *, releases: Path, index: bytes) -> None:
    """Rename a complete staging directory to ``target``, then replace ``index.json``.

    Every staged file and the directory are flushed to disk first, so an index can never
    list files a power loss lost. A marker beside the directory records that it is not
    published yet: if the process dies between the rename and the new index (kill -9),
    the next build or publication into the root finds the marker under the lock and
    removes the unlisted directory (:func:`release_lock`). If the index cannot be written
    the directory is removed at once: a version directory never outlives a failed
    publication (it would block every retry).
    """
    if target.exists():
        msg = f"release {target.name} appeared at {target} meanwhile; not overwritten"
        raise ReleaseExists(msg)
    staging.chmod(0o755)  # mkdtemp makes it private; a release is public
    _fsync_tree(staging)
    marker = _marker(releases, target.name)
    _write_atomic(marker, f"{target.name}\n".encode())
    staging.rename(target)
    _fsync(releases)
    try:
        _write_atomic(releases / INDEX, index)
    except BaseException:
        shutil.rmtree(target)
        raise
    finally:
        marker.unlink(missing_ok=True)
    from leadertravel.pipeline.release.site import write_page

    write_page(releases)  # the download page follows the index


def lock_path(releases: Path) -> Path:
    """Return the lock file of release root ``releases``: beside the root, not inside it.

    Outside the root it is never published, and the root itself can be created and, after
    a failed first build, removed again while the lock is held.

    Examples
    --------
    >>> lock_path(Path("/srv/releases")).as_posix()
    '/srv/.releases.lock'
    """
    return releases.parent / f".{releases.name}{LOCK_SUFFIX}"


@contextmanager
def release_lock(releases: Path) -> Iterator[None]:
    """Hold the lock of release root ``releases`` while writing to it.

    Builds and publications into one root take turns, so each compares with, and adds
    to, the index the previous one wrote. Holding the lock, no other build is writing,
    so staging directories (``.tmp-*``) and temporary index files found in the root are
    leftovers of a killed one and are removed. The root is created under the lock, and a
    root this call created is removed again if nothing was published into it, so a failed
    first build leaves nothing behind.
    """
    releases.parent.mkdir(parents=True, exist_ok=True)
    lock = FileLock(lock_path(releases))
    try:
        lock.acquire(timeout=0)
    except Timeout:
        log.info(
            "waiting for another build or publication into %s (%s)", releases, lock_path(releases)
        )
        lock.acquire()
    try:
        fresh = not releases.exists()
        releases.mkdir(exist_ok=True)
        try:
            _remove_stale(releases)
            yield
        finally:
            if fresh and not any(releases.iterdir()):
                releases.rmdir()
    finally:
        lock.release()


@contextmanager
def staging_dir(releases: Path, label: str) -> Iterator[Path]:
    """Yield a new staging directory inside ``releases``; remove it unless renamed away.

    Call holding :func:`release_lock`: the staging directory must be on the release
    root's file system for the final rename to be atomic.
    """
    staging = Path(tempfile.mkdtemp(prefix=f"{STAGING_PREFIX}{label}-", dir=releases))
    try:
        yield staging
    finally:
        if staging.exists():
            shutil.rmtree(staging)


def _remove_stale(releases: Path) -> None:
    """Remove what killed builds left in ``releases`` (call only holding its lock).

    Staging directories and temporary index files go. A version directory renamed into
    place by a build killed before it wrote ``index.json`` (its marker is still there)
    goes too — unless the index lists it, for then it is published, and published
    versions are never removed. Each removal is logged.
    """
    for marker in sorted(releases.glob(f"{PUBLISHING_PREFIX}*")):
        version = marker.name.removeprefix(PUBLISHING_PREFIX)
        target = releases / version
        listed = {v["version"] for v in read_index(releases).get("versions", [])}
        if version in listed or not version or Path(version).name != version:
            log.info("%s is published; removing only the marker %s", target, marker.name)
        elif target.is_dir() and not target.is_symlink():
            log.warning(
                "removing %s: a build or publication was killed after moving it into place "
                "and before listing it in %s, so it was never published",
                target,
                INDEX,
            )
            shutil.rmtree(target)
        marker.unlink()
    for path in sorted(releases.iterdir()):
        if path.is_dir() and not path.is_symlink() and path.name.startswith(STAGING_PREFIX):
            log.warning("removing %s, left by an interrupted build or publication", path)
            shutil.rmtree(path)
        elif path.name.startswith((f".{INDEX}.", ".index.html.")) and path.name.endswith(".tmp"):
            log.warning("removing %s, left by an interrupted index update", path)
            path.unlink()


def _read_manifest(directory: Path, version: str) -> Release:
    """Parse ``<directory>/datapackage.json`` as the loader does; it must be ``version``."""
    path = directory / MANIFEST
    try:
        release = parse_datapackage(path.read_bytes(), where=str(path), version=version)
    except ReleaseNotFound as err:  # its version is not a version
        raise ManifestError(str(err)) from err
    if release.format_version != FORMAT_VERSION:
        msg = (
            f"{path}: format_version {release.format_version}, but this builder writes and "
            f"publishes format {FORMAT_VERSION} only; rebuild the release"
        )
        raise ManifestError(msg)
    return release


def verify_release(directory: Path, *, version: str | None = None) -> list[str]:
    """Check every file of a release directory against ``SHA256SUMS`` and the manifest.

    Parameters
    ----------
    directory
        The release directory.
    version
        The version it must be (the manifest's ``version``); default: the directory name.

    Returns
    -------
    list of str
        The verified file names.

    Raises
    ------
    HashMismatch
        A file is missing, unlisted or differs from its recorded sha256.
    ManifestError
        The manifest is invalid, is not of ``version`` or not of this builder's format.
    """
    if not (directory / SUMS).is_file():
        msg = f"{directory} has no {SUMS}; it is not a complete release"
        raise ManifestError(msg)
    sums = {}
    for line in (directory / SUMS).read_text(encoding="utf-8").splitlines():
        digest, _, name = line.partition("  ")
        sums[name] = digest
    present = {p.name for p in directory.iterdir()} - {SUMS}
    if present != set(sums):
        msg = (
            f"{directory}: files {sorted(present ^ set(sums))} are missing or not listed in "
            f"{SUMS}; the release is incomplete or altered"
        )
        raise HashMismatch(msg)
    for name, digest in sorted(sums.items()):
        got = sha256_file(directory / name)
        if got != digest:
            msg = f"{directory / name}: sha256 {got}, expected {digest} ({SUMS})"
            raise HashMismatch(msg)
    release = _read_manifest(directory, directory.name if version is None else version)
    for resource in release.resources.values():
        if sums.get(resource.path) != resource.sha256:
            msg = (
                f"{directory / resource.path}: {MANIFEST} says sha256 {resource.sha256}, "
                f"{SUMS} says {sums.get(resource.path)}"
            )
            raise HashMismatch(msg)
    return sorted(sums)


def _read_previous(releases: Path, version: str) -> _Previous:
    directory = releases / version
    verify_release(directory)
    manifest = json.loads((directory / MANIFEST).read_text(encoding="utf-8"))
    schemas = {r["name"]: r["schema"] for r in manifest["resources"]}
    paths = {r["name"]: directory / r["path"] for r in manifest["resources"]}
    return _Previous(version, schemas, paths)


# --- content ---------------------------------------------------------------------------


def _validate(inputs: ReleaseInputs, version: str, *, rules: bool) -> dict[str, pa.Table]:
    """Validate every table once (Table Schemas, then the rules); the tables to write."""
    from leadertravel.pipeline.validate import validate_tables

    log.info("checking %d tables against their Table Schemas", len(inputs.schemas))
    result = validate_tables(
        inputs.tables, inputs.schemas, locations=getattr(inputs, "locations", None), rules=rules
    )
    if result.problems:
        raise DataValidationError(result.problems, context=f"release {version}")
    return {
        name: sort_by_key(table, list(inputs.schemas[name].get("primaryKey") or []))
        for name, table in result.arrow.items()
    }


def _compare(
    previous: _Previous | None, schemas: Mapping[str, Any], tables: Mapping[str, pa.Table]
) -> tuple[list[SchemaChange], list[TableDiff]]:
    if previous is None:
        return [], []
    changes = schema_changes(previous.schemas, schemas)
    diffs = []
    for name, table in sorted(tables.items()):
        key = schemas[name].get("primaryKey") or []
        if name in previous.paths and key:
            log.info("comparing %s with release %s", name, previous.version)
            diffs.append(diff_table(name, previous.table(name), table, key))
    return changes, diffs


def _released(package: Mapping[str, Any]) -> str:
    created = str(package.get("created", ""))
    if not is_iso_date(created[:10]):
        msg = (
            f"datapackage/datapackage.json: 'created' is {created or 'missing'!r}; set it to "
            "the release date (ISO 8601, e.g. 2026-11-23T00:00:00Z): the release date comes "
            "from the inputs, not the clock"
        )
        raise ManifestError(msg)
    return created[:10]


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


def _manifest(
    package: Mapping[str, Any],
    version: str,
    resources: list[dict[str, Any]],
    inputs: Mapping[str, str],
) -> dict[str, Any]:
    head = {
        "name": package.get("name", "leadertravel"),
        "title": package.get("title"),
        "version": version,
        "format_version": FORMAT_VERSION,
        "created": package.get("created"),
    }
    rest = {k: v for k, v in package.items() if k not in head and k != "resources"}
    return {
        **{k: v for k, v in head.items() if v is not None},
        **rest,
        "inputs": dict(sorted(inputs.items())),
        "resources": sorted(resources, key=lambda r: r["name"]),
    }


def _stage(
    inputs: ReleaseInputs,
    *,
    version: str,
    out: Path,
    previous: _Previous | None,
    enforce_bump: bool,
    rules: bool,
) -> None:
    """Validate ``inputs`` and write every file of release ``version`` into ``out``."""
    tables = _validate(inputs, version, rules=rules)
    released = _released(inputs.package)
    changes, diffs = _compare(previous, inputs.schemas, tables)
    level = None
    if previous is not None:
        rows_added = any(d.added for d in diffs) or any(
            c.text.endswith("table added") for c in changes
        )
        required = required_level(changes, rows_added=rows_added)
        reasons = [c.text for c in changes if c.level == required] or ["rows added"]
        if enforce_bump:
            check_bump(previous.version, version, required, reasons)
        level = bump_of(previous.version, version) or required
    described = {r["name"]: r for r in inputs.package.get("resources", [])}
    resources = []
    for name, table in sorted(tables.items()):
        path = out / f"{name}.parquet"
        log.info("writing %s (%d rows)", path.name, table.num_rows)
        write_parquet(table, path, name=name, schema=inputs.schemas[name])
        resource: dict[str, Any] = {"name": name}
        for key in ("title", "description"):
            if key in described.get(name, {}):
                resource[key] = described[name][key]
        resource |= {
            "path": path.name,
            "format": "parquet",
            "mediatype": _MEDIATYPE,
            "hash": f"sha256:{sha256_file(path)}",
            BYTES_KEY: path.stat().st_size,
            "rows": table.num_rows,
            "schema": resource_schema(inputs.schemas[name]),
        }
        resources.append(resource)
    used = credits(tables)
    rows = {n: t.num_rows for n, t in sorted(tables.items())}
    about = release_description(inputs.package, version=version, rows=rows, used=used)
    package = {**inputs.package, "description": about, "sources": frictionless_sources(used)}
    manifest = _manifest(package, version, resources, inputs.inputs)
    (out / MANIFEST).write_bytes(_json_bytes(manifest))
    changelog = render_changelog(
        name=str(manifest["name"]),
        version=version,
        released=released,
        previous=None if previous is None else previous.version,
        rows={n: t.num_rows for n, t in tables.items()},
        schema=changes,
        diffs=diffs,
        level=level,
    )
    (out / "CHANGELOG.md").write_text(changelog, encoding="utf-8", newline="\n")
    (out / "CITATION.cff").write_text(
        citation_cff(inputs.package, version=version, released=released, abstract=about, used=used),
        encoding="utf-8",
        newline="\n",
    )
    heading = f"{manifest['name']} {version}: data dictionary"
    dictionary = render_dictionary(manifest_tables(resources), heading=heading)
    (out / DICTIONARY).write_text(dictionary, encoding="utf-8", newline="\n")
    for report, data in sorted(inputs.reports.items()):
        if Path(report).name != report or report in (MANIFEST, SUMS, DICTIONARY):
            msg = f"report file name {report!r} must be a bare, unreserved file name"
            raise ManifestError(msg)
        (out / report).write_bytes(data)
    names = sorted(p.name for p in out.iterdir() if p.is_file())
    sums = "".join(f"{sha256_file(out / n)}  {n}\n" for n in names)
    (out / SUMS).write_text(sums, encoding="utf-8", newline="\n")


# --- entry points ----------------------------------------------------------------------


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
    released = _released(inputs.package)
    target = releases / version
    with release_lock(releases):
        index = read_index(releases)
        _refuse_existing(target, index)
        _check_date(index, version, released)
        latest = index.get("latest")
        previous = _read_previous(releases, latest) if latest else None
        entry = {"version": version, "released": released, "path": f"{version}/{MANIFEST}"}
        new_index = _index_with(
            index, name=str(inputs.package.get("name", "leadertravel")), entry=entry
        )
        with staging_dir(releases, version) as staging:
            _stage(
                inputs,
                version=version,
                out=staging,
                previous=previous,
                enforce_bump=True,
                rules=rules,
            )
            _publish_dir(staging, target, releases=releases, index=new_index)
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
    previous = _read_previous(releases, before) if before else None
    inputs = assemble(root, sources=sources, gap_days=gap_days)
    with tempfile.TemporaryDirectory(prefix=f"leadertravel-check-{version}-") as tmp:
        out = Path(tmp)
        _stage(inputs, version=version, out=out, previous=previous, enforce_bump=False, rules=True)
        return _compare_dirs(published, out)


def _compare_dirs(published: Path, rebuilt: Path) -> list[str]:
    names = sorted({p.name for p in published.iterdir()} | {p.name for p in rebuilt.iterdir()})
    differing = []
    for name in names:
        a, b = published / name, rebuilt / name
        if not (a.is_file() and b.is_file()):
            differing.append(f"{name} (only in {'the rebuild' if b.exists() else 'the release'})")
        elif sha256_file(a) != sha256_file(b):
            differing.append(
                f"{name} (sha256 {sha256_file(a)[:12]}… published, {sha256_file(b)[:12]}… rebuilt)"
            )
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
