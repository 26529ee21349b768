"""Parse and check a release's ``index.json`` and ``<version>/datapackage.json``.

Everything the loader later turns into a path or a URL passes through here first: version
strings must be ``MAJOR.MINOR.PATCH`` and resource paths bare file names, so a hostile or
broken manifest can never make the loader read or write outside its release directory
(see ``docs/release-format.md``).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any, NamedTuple

from leadertravel._errors import (
    ManifestError,
    ReleaseNotFound,
    TableNotFound,
    UnsafeManifest,
    UnsupportedFormat,
    UsageError,
)

__all__ = [
    "BYTES_KEY",
    "FORMAT_VERSION",
    "Index",
    "Release",
    "Resource",
    "VersionEntry",
    "check_file_name",
    "check_file_schema",
    "check_version",
    "is_iso_date",
    "parse_datapackage",
    "parse_index",
    "version_key",
]

#: The newest release format this loader reads.
FORMAT_VERSION = 1
#: Sizes a manifest may give a Parquet file: its header and footer take 12 bytes; no
#: table of this dataset comes near the upper bound, so more means a corrupt manifest.
MIN_FILE_BYTES = 12
MAX_FILE_BYTES = 64 << 30
#: A resource's file size in bytes. Not Frictionless' ``bytes``: frictionless reads Parquet
#: through pyarrow, never counts its bytes, and so reports any declared ``bytes`` as wrong.
BYTES_KEY = "leadertravel:bytes"

# Whole-string patterns: always used with ``fullmatch`` (``$`` would accept a final "\n").
_VERSION_RE = re.compile(r"(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)")
_FILE_NAME_RE = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]*")
_DATE_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def is_iso_date(text: str) -> bool:
    """Return whether ``text`` is a real calendar date written YYYY-MM-DD.

    Examples
    --------
    >>> is_iso_date("2024-02-29"), is_iso_date("2026-02-30"), is_iso_date("20260213")
    (True, False, False)
    """
    if not _DATE_RE.fullmatch(text):
        return False
    try:
        dt.date.fromisoformat(text)
    except ValueError:
        return False
    return True


_HASH_RE = re.compile(r"sha256:([0-9a-f]{64})")
_HOSTILE = ("/", "\\", "..", ":", "\x00")


def _is_hostile(text: str) -> bool:
    return any(part in text for part in _HOSTILE) or text.startswith("~")


def check_version(
    version: object, *, where: str = "version argument", in_file: bool = False
) -> str:
    """Return ``version`` if it is a plain ``MAJOR.MINOR.PATCH`` version string.

    Parameters
    ----------
    version
        The candidate version.
    where
        Where the value came from, for the error message.
    in_file
        The value was read from ``index.json`` or a manifest (not given by the caller):
        anything but a version is then a broken file, `ManifestError`.

    Raises
    ------
    UnsafeManifest
        If it contains a path separator, ``..``, a URL scheme or a NUL byte.
    ReleaseNotFound
        If an argument is otherwise not a version number (`ManifestError` with ``in_file``).
    UsageError
        If an argument is not a string at all.

    Examples
    --------
    >>> check_version("0.2.0")
    '0.2.0'
    >>> check_version("../etc")
    Traceback (most recent call last):
    ...
    leadertravel._errors.UnsafeManifest: version argument: '../etc' is not a version ...
    """
    if not isinstance(version, str):
        msg = f"{where}: expected a version string like '0.2.0', got {version!r}"
        raise ManifestError(msg) if in_file else UsageError(msg)
    if _VERSION_RE.fullmatch(version):
        return version
    msg = (
        f"{where}: {version!r} is not a version number; expected MAJOR.MINOR.PATCH "
        "such as '0.2.0' (no paths, URLs, prefixes, pre-release tags or whitespace)"
    )
    if _is_hostile(version):
        raise UnsafeManifest(msg)
    if in_file:
        raise ManifestError(f"{msg}; the file is corrupt or was not written by leadertravel")
    raise ReleaseNotFound(msg)


def version_key(version: str) -> tuple[int, int, int]:
    """Sort key of a checked version string.

    Examples
    --------
    >>> sorted(["0.10.0", "0.9.1"], key=version_key)
    ['0.9.1', '0.10.0']
    """
    major, minor, patch = (int(p) for p in version.split("."))
    return (major, minor, patch)


def check_file_name(name: object, *, where: str) -> str:
    """Return ``name`` if it is a bare file name (no directory, ``..``, URL or absolute path).

    Examples
    --------
    >>> check_file_name("trips.parquet", where="x")
    'trips.parquet'
    >>> check_file_name("/etc/passwd", where="resource 'trips'")
    Traceback (most recent call last):
    ...
    leadertravel._errors.UnsafeManifest: resource 'trips': path '/etc/passwd' is not a bare ...
    """
    if not isinstance(name, str) or not _FILE_NAME_RE.fullmatch(name) or ".." in name:
        msg = (
            f"{where}: path {name!r} is not a bare file name inside the release directory "
            "(no directories, '..', absolute paths or URLs); the manifest is corrupt or "
            "hostile — refusing to use it"
        )
        raise UnsafeManifest(msg)
    return name


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    obj: dict[str, Any] = {}
    for key, value in pairs:
        if key in obj:
            raise ValueError(f"key {key!r} appears twice in one object")
        obj[key] = value
    return obj


def _finite(text: str) -> float:
    value = float(text)
    if value in (float("inf"), float("-inf")):
        raise ValueError(f"number {text[:40]} is out of range")
    return value


def _no_constants(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def _load_json(data: bytes, where: str) -> dict[str, Any]:
    """Parse a release's JSON file; every way it can be broken is a `ManifestError`.

    Refused besides syntax errors: text that is not UTF-8, keys repeated within an object
    (readers would disagree on which one counts), ``NaN``/``Infinity`` and numbers out of
    range, integers beyond Python's digit limit, and nesting too deep to parse.
    """
    try:
        obj = json.loads(
            data,
            object_pairs_hook=_no_duplicates,
            parse_constant=_no_constants,
            parse_float=_finite,
        )
    except (ValueError, RecursionError) as err:  # JSONDecodeError and UnicodeError are ValueErrors
        reason = "nested too deeply" if isinstance(err, RecursionError) else str(err)[:200]
        msg = f"{where}: not valid JSON ({reason}); the release is damaged or this is not a release"
        raise ManifestError(msg) from err
    if not isinstance(obj, dict):
        msg = f"{where}: expected a JSON object, got {type(obj).__name__}"
        raise ManifestError(msg)
    return obj


def _require(obj: Mapping[str, Any], key: str, kind: type, where: str) -> Any:
    value = obj.get(key)
    if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
        msg = f"{where}: key {key!r} must be a {kind.__name__}, got {value!r}"
        raise ManifestError(msg)
    return value


def _check_format(obj: Mapping[str, Any], where: str) -> int:
    fmt = _require(obj, "format_version", int, where)
    if fmt > FORMAT_VERSION:
        msg = (
            f"{where}: format_version {fmt} is newer than this leadertravel reads "
            f"(up to {FORMAT_VERSION}); upgrade leadertravel: pip install -U leadertravel"
        )
        raise UnsupportedFormat(msg)
    if fmt < 1:
        msg = f"{where}: format_version {fmt} is invalid; expected an integer >= 1"
        raise ManifestError(msg)
    return int(fmt)


class VersionEntry(NamedTuple):
    """One published version listed in ``index.json``."""

    version: str
    released: str
    path: str


class Index(NamedTuple):
    """The parsed ``index.json`` of a release root."""

    format_version: int
    latest: str
    versions: tuple[VersionEntry, ...]

    def names(self) -> list[str]:
        """Version strings, newest first."""
        return [v.version for v in self.versions]

    def entry(self, version: str) -> VersionEntry:
        """Return the entry of ``version``; raise `ReleaseNotFound` listing the others."""
        for entry in self.versions:
            if entry.version == version:
                return entry
        available = ", ".join(self.names()) or "none"
        msg = f"version {version!r} is not published; available versions: {available}"
        raise ReleaseNotFound(msg)


def parse_index(data: bytes, *, where: str) -> Index:
    """Parse and check the bytes of an ``index.json``.

    Parameters
    ----------
    data
        The file's bytes.
    where
        Its location (URL or path), for error messages.

    Examples
    --------
    >>> idx = parse_index(b'{"format_version": 1, "latest": "0.1.0", "versions": '
    ...                   b'[{"version": "0.1.0", "released": "2026-11-01", '
    ...                   b'"path": "0.1.0/datapackage.json"}]}', where="index.json")
    >>> idx.latest, idx.names()
    ('0.1.0', ['0.1.0'])
    """
    obj = _load_json(data, where)
    fmt = _check_format(obj, where)
    raw_versions = _require(obj, "versions", list, where)
    entries: list[VersionEntry] = []
    for i, raw in enumerate(raw_versions):
        at = f"{where}: versions[{i}]"
        if not isinstance(raw, dict):
            msg = f"{at}: expected an object, got {raw!r}"
            raise ManifestError(msg)
        version = check_version(raw.get("version"), where=at, in_file=True)
        if any(e.version == version for e in entries):
            msg = f"{at}: version {version} is listed twice; the index is corrupt"
            raise ManifestError(msg)
        released = _require(raw, "released", str, at)
        if not is_iso_date(released):
            msg = f"{at}: released {released!r} is not an ISO date (YYYY-MM-DD)"
            raise ManifestError(msg)
        path = raw.get("path", f"{version}/datapackage.json")
        if path != f"{version}/datapackage.json":
            msg = (
                f"{at}: path {path!r} must be '{version}/datapackage.json'; "
                "the index is corrupt or hostile — refusing to use it"
            )
            raise UnsafeManifest(msg)
        entries.append(VersionEntry(version, released, path))
    if not entries:
        msg = f"{where}: lists no versions; nothing is published at this source yet"
        raise ManifestError(msg)
    entries.sort(key=lambda e: version_key(e.version), reverse=True)
    latest = check_version(
        obj.get("latest", entries[0].version), where=f"{where}: latest", in_file=True
    )
    if latest not in {e.version for e in entries}:
        msg = f"{where}: latest {latest!r} is not among the listed versions"
        raise ManifestError(msg)
    return Index(fmt, latest, tuple(entries))


class Resource(NamedTuple):
    """One table of a release, as its ``datapackage.json`` describes it."""

    name: str
    path: str
    sha256: str
    bytes: int
    rows: int | None
    schema: Mapping[str, Any]
    description: str = ""


class Release(NamedTuple):
    """A parsed ``<version>/datapackage.json``."""

    version: str
    format_version: int
    created: str
    resources: Mapping[str, Resource]
    descriptor: Mapping[str, Any]

    def resource(self, table: str) -> Resource:
        """Return the resource named ``table``; raise `TableNotFound` listing the others."""
        try:
            return self.resources[table]
        except (KeyError, TypeError):
            tables = ", ".join(sorted(self.resources))
            msg = f"no table {table!r} in release {self.version}; tables: {tables}"
            raise TableNotFound(msg) from None


_FIELD_TYPES = ("string", "integer", "number", "boolean", "date", "datetime", "year")


def _check_table_schema(schema: Mapping[str, Any], at: str) -> None:
    """Refuse an inline Table Schema the loader could not use (before anything is read)."""
    fields = schema.get("fields")
    if not isinstance(fields, list) or not fields:
        msg = f"{at} has no 'fields' list"
        raise ManifestError(msg)
    names: set[str] = set()
    for i, spec in enumerate(fields):
        bad = ""
        if not isinstance(spec, dict) or not isinstance(spec.get("name"), str):
            bad = f"fields[{i}] {spec!r} is not an object with a 'name'"
        elif spec["name"] in names:
            bad = f"field {spec['name']!r} appears twice"
        elif spec.get("type", "string") not in _FIELD_TYPES:
            bad = f"field {spec['name']!r} has type {spec.get('type')!r}, not one of {_FIELD_TYPES}"
        elif not isinstance(spec.get("description", ""), str):
            bad = f"field {spec['name']!r} has a description that is not text"
        elif not isinstance(spec.get("constraints", {}), dict):
            bad = f"field {spec['name']!r} has constraints that are not an object"
        else:
            enum = spec.get("constraints", {}).get("enum")
            if enum is not None and (
                not isinstance(enum, list) or not all(isinstance(v, str) for v in enum)
            ):
                bad = f"field {spec['name']!r} has an enum that is not a list of strings"
            elif not isinstance(spec.get("constraints", {}).get("required", False), bool):
                bad = f"field {spec['name']!r} has a 'required' that is not true or false"
        if bad:
            msg = f"{at}: {bad}; the manifest is corrupt"
            raise ManifestError(msg)
        names.add(spec["name"])
    key = schema.get("primaryKey", [])
    if isinstance(key, str):
        key = [key]
    if not isinstance(key, list) or not all(isinstance(k, str) and k in names for k in key):
        msg = f"{at}: primaryKey {schema.get('primaryKey')!r} does not name its fields"
        raise ManifestError(msg)


def _parse_resource(raw: object, at: str) -> Resource:
    if not isinstance(raw, dict):
        msg = f"{at}: expected an object, got {raw!r}"
        raise ManifestError(msg)
    name = _require(raw, "name", str, at)
    path = check_file_name(raw.get("path"), where=f"{at} ({name!r})")
    if not path.endswith(".parquet"):
        msg = f"{at} ({name!r}): path {path!r} is not a .parquet file; format 1 has only Parquet"
        raise ManifestError(msg)
    digest = _HASH_RE.fullmatch(str(raw.get("hash", "")))
    if digest is None:
        msg = f"{at} ({name!r}): hash {raw.get('hash')!r} is not 'sha256:<64 lowercase hex>'"
        raise ManifestError(msg)
    size = _require(raw, BYTES_KEY, int, at)
    if not MIN_FILE_BYTES <= size <= MAX_FILE_BYTES:
        msg = (
            f"{at} ({name!r}): {BYTES_KEY} {size} is impossible for a Parquet file (expected "
            f"{MIN_FILE_BYTES} to {MAX_FILE_BYTES}); the manifest is corrupt"
        )
        raise ManifestError(msg)
    rows = raw.get("rows")
    if rows is not None and (not isinstance(rows, int) or isinstance(rows, bool) or rows < 0):
        msg = f"{at} ({name!r}): rows {rows!r} is not a count (an integer >= 0)"
        raise ManifestError(msg)
    description = raw.get("description", "")
    if not isinstance(description, str):
        msg = f"{at} ({name!r}): description {description!r} is not text"
        raise ManifestError(msg)
    schema = _require(raw, "schema", dict, at)
    _check_table_schema(schema, f"{at} ({name!r}): the inline schema")
    return Resource(
        name=name,
        path=path,
        sha256=digest.group(1),
        bytes=int(size),
        rows=rows,
        schema=schema,
        description=description,
    )


def parse_datapackage(data: bytes, *, where: str, version: str) -> Release:
    """Parse and check the bytes of a release's ``datapackage.json``.

    Parameters
    ----------
    data
        The file's bytes.
    where
        Its location, for error messages.
    version
        The version the index says this is; the descriptor must agree.
    """
    obj = _load_json(data, where)
    fmt = _check_format(obj, where)
    declared = check_version(obj.get("version"), where=f"{where}: version", in_file=True)
    if declared != version:
        msg = f"{where}: declares version {declared!r} but is published as {version!r}"
        raise ManifestError(msg)
    resources: dict[str, Resource] = {}
    for i, raw in enumerate(_require(obj, "resources", list, where)):
        res = _parse_resource(raw, f"{where}: resources[{i}]")
        if res.name in resources:
            msg = f"{where}: table {res.name!r} is listed twice"
            raise ManifestError(msg)
        resources[res.name] = res
    paths = [r.path for r in resources.values()]
    if len(set(paths)) != len(paths):
        msg = f"{where}: two tables share one file; paths: {sorted(paths)}"
        raise ManifestError(msg)
    return Release(version, fmt, str(obj.get("created", "")), resources, obj)


def check_file_schema(path: Path, res: Resource, *, version: str, data: Any = None) -> None:
    """Check that a verified Parquet file has the columns and types of its inline schema.

    Field names must be those of the manifest's Table Schema, in its order, and each
    column's Arrow type the one `leadertravel._schema.arrow_schema` maps its type to.

    Parameters
    ----------
    path
        The Parquet file (its bytes already verified against the manifest's sha256).
    res
        The resource the manifest describes it as.
    version
        The release version, for the message.
    data
        The file's bytes (a `pyarrow.Buffer`) if already read; else ``path`` is read.

    Raises
    ------
    ManifestError
        The file is not Parquet, or its schema differs from the manifest's: the message
        names the table, the field, the expected and the found column or type.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    from leadertravel._schema import arrow_schema

    at = f"table {res.name!r} of release {version} ({path})"
    try:
        expected = arrow_schema(res.schema)
    except (KeyError, TypeError, ValueError) as err:
        msg = f"{at}: the manifest's inline Table Schema is unusable: {err}"
        raise ManifestError(msg) from err
    try:
        found = pq.read_schema(path if data is None else pa.BufferReader(data))
    except (OSError, pa.ArrowException) as err:
        msg = f"{at}: not a readable Parquet file ({err}) although its sha256 matches the manifest"
        raise ManifestError(msg) from err
    if found.names != expected.names:
        missing = [n for n in expected.names if n not in found.names]
        extra = [n for n in found.names if n not in expected.names]
        detail = f"missing field(s) {missing}" if missing else ""
        detail += ("; " if detail and extra else "") + (
            f"unexpected field(s) {extra}" if extra else ""
        )
        msg = (
            f"{at}: the file's columns {found.names} differ from the manifest's Table Schema "
            f"fields {expected.names} ({detail or 'different order'}); the release is "
            "inconsistent — report it to its publisher"
        )
        raise ManifestError(msg)
    for want in expected:
        got = found.field(want.name).type
        if not got.equals(want.type):
            spec_type = next(f for f in res.schema["fields"] if f["name"] == want.name).get(
                "type", "string"
            )
            msg = (
                f"{at}: field {want.name!r} is {got} in the file but the manifest's Table "
                f"Schema type {spec_type!r} means {want.type}; the release is inconsistent — "
                "report it to its publisher"
            )
            raise ManifestError(msg)
