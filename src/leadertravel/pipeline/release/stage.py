"""One release's files: validate the tables, write the version directory, verify one.

:func:`stage_release` validates an assembly (the vectorized Table Schema checks of
:mod:`leadertravel.pipeline.checks` and the semantic rules, once), checks the version
number against the changes since the previous release, and writes every file of the
version into a directory (``docs/release-format.md``): one Parquet file per table,
``datapackage.json``, ``CHANGELOG.md``, ``CITATION.cff``, ``data-dictionary.md``, the
importers' reports and ``SHA256SUMS`` last. Where that directory goes and when it is
published is the release root's business (:mod:`~leadertravel.pipeline.release.root`).

:func:`verify_release` checks a version directory against its ``SHA256SUMS`` and
manifest; :func:`read_previous` opens a published version to compare with.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from leadertravel._dates import is_iso_date
from leadertravel._errors import (
    DataValidationError,
    HashMismatch,
    ManifestError,
    ReleaseNotFound,
)
from leadertravel._format import (
    CHANGELOG,
    CITATION,
    DEFAULT_NAME,
    DICTIONARY,
    FORMAT_VERSION,
    MANIFEST,
    SUMS,
    parse_sums,
    render_sums,
    table_file,
)
from leadertravel._fsutil import sha256_file
from leadertravel._manifest import Release, parse_datapackage, render_manifest, render_resource
from leadertravel.pipeline.dictionary import manifest_tables, render_dictionary
from leadertravel.pipeline.release._parquet import same_columns, sort_by_key, write_parquet
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
    required_level,
    schema_changes,
)

__all__ = [
    "Previous",
    "ReleaseInputs",
    "read_previous",
    "released_date",
    "stage_release",
    "verify_release",
]

log = logging.getLogger("leadertravel.pipeline")


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
class Previous:
    """A published release to compare with: its version, schemas and verified table files.

    Tables are read one at a time when compared (:meth:`table`), so a follow-up release
    never holds the whole previous release in memory.
    """

    version: str
    schemas: dict[str, dict[str, Any]]
    paths: dict[str, Path] = field(repr=False)

    def table(self, name: str, *, columns: Sequence[str] | None = None) -> pa.Table:
        """Read one table of the previous release (only ``columns``, if given)."""
        return pq.read_table(self.paths[name], columns=None if columns is None else list(columns))


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
        ``SHA256SUMS`` is malformed, or the manifest is invalid, is not of ``version`` or
        not of this builder's format.
    """
    if not (directory / SUMS).is_file():
        msg = f"{directory} has no {SUMS}; it is not a complete release"
        raise ManifestError(msg)
    sums = parse_sums((directory / SUMS).read_bytes(), where=str(directory / SUMS))
    present = {p.name for p in directory.iterdir()} - {SUMS}
    if present != set(sums):
        msg = (
            f"{directory}: files {sorted(present ^ set(sums))} are missing or not listed in "
            f"{SUMS}; the release is incomplete or altered"
        )
        raise HashMismatch(msg)
    for name, digest in sorted(sums.items()):
        got = sha256_file(directory / name)[0]
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


def read_previous(releases: Path, version: str) -> Previous:
    """Verify published version ``version`` of release root ``releases`` and open it."""
    directory = releases / version
    verify_release(directory)
    resources = _read_manifest(directory, version).resources.values()
    schemas = {r.name: dict(r.schema) for r in resources}
    paths = {r.name: directory / r.path for r in resources}
    return Previous(version, schemas, paths)


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
    previous: Previous | None,
    schemas: Mapping[str, Any],
    tables: Mapping[str, pa.Table],
    written: Path,
) -> tuple[list[SchemaChange], list[TableDiff]]:
    """Compare with ``previous``: schema and row-level changes (the new files in ``written``).

    When a table's key columns are stored byte for byte as in the previous release (the
    same records in the same rows), every column stored alike (`same_columns`) holds the
    same values record by record: it is neither read from the previous release nor
    compared. Otherwise every column is read and compared.
    """
    if previous is None:
        return [], []
    changes = schema_changes(previous.schemas, schemas)
    diffs = []
    for name, table in sorted(tables.items()):
        key = schemas[name].get("primaryKey") or []
        if name in previous.paths and key:
            log.info("comparing %s with release %s", name, previous.version)
            same = same_columns(previous.paths[name], written / table_file(name))
            if not set(key) <= same:
                # rows added or removed: position n need not be the same record in both
                # files, so a column stored alike says nothing of each record's value
                same = set()
            stored = pq.read_schema(previous.paths[name]).names
            read = [c for c in stored if c in table.column_names and c not in same]
            old = previous.table(name, columns=read)
            diffs.append(diff_table(name, old, table, key, same=same))
    return changes, diffs


def released_date(package: Mapping[str, Any]) -> str:
    """Return the release date (``YYYY-MM-DD``) the descriptor's ``created`` gives.

    Raises
    ------
    ManifestError
        ``created`` is missing or does not start with a real ISO date.
    """
    created = str(package.get("created", ""))
    if not is_iso_date(created[:10]):
        msg = (
            f"datapackage/datapackage.json: 'created' is {created or 'missing'!r}; set it to "
            "the release date (ISO 8601, e.g. 2026-11-23T00:00:00Z): the release date comes "
            "from the inputs, not the clock"
        )
        raise ManifestError(msg)
    return created[:10]


def _bump_level(
    previous: Previous | None,
    version: str,
    changes: list[SchemaChange],
    diffs: list[TableDiff],
    *,
    enforce: bool,
) -> str | None:
    """Return the level by which ``version`` bumps the previous one; refuse too small a bump."""
    if previous is None:
        return None
    rows_added = any(d.added for d in diffs) or any(c.text.endswith("table added") for c in changes)
    required = required_level(changes, rows_added=rows_added)
    reasons = [c.text for c in changes if c.level == required] or ["rows added"]
    if enforce:
        check_bump(previous.version, version, required, reasons)
    return bump_of(previous.version, version) or required


#: Parquet files written at once: the writer encodes and compresses a file on one core
#: and releases the GIL, so on two cores or more two files are written side by side.
WRITERS = max(1, min(2, os.cpu_count() or 1))


def _write_tables(
    tables: Mapping[str, pa.Table], schemas: Mapping[str, Any], out: Path
) -> dict[str, tuple[str, int]]:
    """Write each table's Parquet file into ``out``; return each file's sha256 and size.

    The largest tables start first, :data:`WRITERS` at a time; each file's bytes depend
    on its table alone, so the order and the parallelism change nothing in them.
    """

    def write(name: str) -> tuple[str, int]:
        path = out / table_file(name)
        log.info("writing %s (%d rows)", path.name, tables[name].num_rows)
        write_parquet(tables[name], path, name=name, schema=schemas[name])
        return sha256_file(path)

    order = sorted(tables, key=lambda name: (-tables[name].num_rows, name))
    with ThreadPoolExecutor(max_workers=WRITERS) as pool:
        return dict(zip(order, pool.map(write, order), strict=True))


def _write_text(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8", newline="\n")


def stage_release(
    inputs: ReleaseInputs,
    *,
    version: str,
    out: Path,
    previous: Previous | None,
    enforce_bump: bool,
    rules: bool,
) -> None:
    """Validate ``inputs`` and write every file of release ``version`` into ``out``.

    Parameters
    ----------
    inputs
        The tables, schemas, descriptor, reports and input hashes.
    version
        The release version.
    out
        An empty directory.
    previous
        The release to compare with (changelog, version bump), if any.
    enforce_bump
        Refuse a version number that understates the changes (`VersionBumpError`).
    rules
        Also check the semantic rules of :mod:`leadertravel.pipeline.rules`.
    """
    tables = _validate(inputs, version, rules=rules)
    released = released_date(inputs.package)
    described = {r["name"]: r for r in inputs.package.get("resources", [])}
    resources = []
    files = _write_tables(tables, inputs.schemas, out)
    for name, table in sorted(tables.items()):
        digest, size = files[name]
        schema = resource_schema(inputs.schemas[name])
        about = described.get(name, {})
        resources.append(
            render_resource(
                name, sha256=digest, size=size, rows=table.num_rows, schema=schema, about=about
            )
        )
    # after the Parquet files: unchanged columns are found by their bytes (`_compare`)
    changes, diffs = _compare(previous, inputs.schemas, tables, out)
    level = _bump_level(previous, version, changes, diffs, enforce=enforce_bump)
    log.info("writing the manifest, changelog and the other files of %s", version)
    used = credits(tables)
    rows = {n: t.num_rows for n, t in sorted(tables.items())}
    about = release_description(inputs.package, version=version, rows=rows, used=used)
    package = {**inputs.package, "description": about, "sources": frictionless_sources(used)}
    manifest = render_manifest(package, version=version, resources=resources, inputs=inputs.inputs)
    (out / MANIFEST).write_bytes(manifest)
    name = str(package.get("name", DEFAULT_NAME))
    changelog = render_changelog(
        name=name,
        version=version,
        released=released,
        previous=None if previous is None else previous.version,
        rows={n: t.num_rows for n, t in tables.items()},
        schema=changes,
        diffs=diffs,
        level=level,
    )
    _write_text(out / CHANGELOG, changelog)
    citation = citation_cff(
        inputs.package, version=version, released=released, abstract=about, used=used
    )
    _write_text(out / CITATION, citation)
    heading = f"{name} {version}: data dictionary"
    _write_text(out / DICTIONARY, render_dictionary(manifest_tables(resources), heading=heading))
    written = {p.name for p in out.iterdir()} | {SUMS}
    for report, data in sorted(inputs.reports.items()):
        if Path(report).name != report or report in written:
            msg = f"report file name {report!r} must be a bare, unreserved file name"
            raise ManifestError(msg)
        (out / report).write_bytes(data)
    parquet = {table_file(n): digest for n, (digest, _) in files.items()}
    hashes = {
        p.name: parquet.get(p.name) or sha256_file(p)[0] for p in out.iterdir() if p.is_file()
    }
    (out / SUMS).write_bytes(render_sums(hashes))
