"""A version's ``datapackage.json``: its tables, their files, hashes and inline schemas.

`parse_datapackage` checks a manifest before the loader uses any of it (every resource
path is a bare ``.parquet`` file name, every hash a sha256, every inline Table Schema one
the loader can type); `render_manifest` and `render_resource` write what it parses, for
the release builder and the offline example writer alike; `check_file_schema` checks a
verified Parquet file against its resource. The release root around it (file names,
versions, ``index.json``, ``SHA256SUMS``) is `leadertravel._format`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, NamedTuple

from leadertravel._errors import ManifestError, TableNotFound
from leadertravel._format import (
    BYTES_KEY,
    DEFAULT_NAME,
    FORMAT_VERSION,
    MANIFEST,
    MAX_FILE_BYTES,
    MEDIATYPE,
    MIN_FILE_BYTES,
    TABLE_SUFFIX,
    check_file_name,
    check_format,
    check_version,
    load_json,
    render_json,
    require,
    table_file,
)

__all__ = [
    "Release",
    "Resource",
    "check_file_schema",
    "parse_datapackage",
    "render_manifest",
    "render_resource",
]

_HASH_RE = re.compile(r"sha256:([0-9a-f]{64})")


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
    name = require(raw, "name", str, at)
    path = check_file_name(raw.get("path"), where=f"{at} ({name!r})")
    if not path.endswith(TABLE_SUFFIX):
        msg = f"{at} ({name!r}): path {path!r} is not a .parquet file; format 1 has only Parquet"
        raise ManifestError(msg)
    digest = _HASH_RE.fullmatch(str(raw.get("hash", "")))
    if digest is None:
        msg = f"{at} ({name!r}): hash {raw.get('hash')!r} is not 'sha256:<64 lowercase hex>'"
        raise ManifestError(msg)
    size = require(raw, BYTES_KEY, int, at)
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
    schema = require(raw, "schema", dict, at)
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


def parse_datapackage(data: bytes, *, where: str, version: str | None = None) -> Release:
    """Parse and check the bytes of a release's ``datapackage.json``.

    Parameters
    ----------
    data
        The file's bytes.
    where
        Its location, for error messages.
    version
        The version the index says this is; the descriptor must agree. ``None`` (a
        release directory checked on its own, e.g. while staged) takes the one it declares.
    """
    obj = load_json(data, where)
    fmt = check_format(obj, where)
    declared = check_version(obj.get("version"), where=f"{where}: version", in_file=True)
    version = declared if version is None else version
    if declared != version:
        msg = f"{where}: declares version {declared!r} but is published as {version!r}"
        raise ManifestError(msg)
    resources: dict[str, Resource] = {}
    for i, raw in enumerate(require(obj, "resources", list, where)):
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


def render_resource(
    name: str,
    *,
    sha256: str,
    size: int,
    rows: int,
    schema: Mapping[str, Any],
    about: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Return the manifest entry of table ``name`` (its file is `table_file` of it).

    Parameters
    ----------
    name
        The table.
    sha256, size, rows
        Its file's sha256 hex digest and size in bytes, and its number of rows.
    schema
        The inline Table Schema.
    about
        The table's ``title`` and ``description``, where it has them.

    Examples
    --------
    >>> entry = render_resource("trips", sha256="0" * 64, size=1234, rows=2,
    ...                         schema={"fields": [{"name": "trip_id"}]})
    >>> list(entry)  # doctest: +NORMALIZE_WHITESPACE
    ['name', 'path', 'format', 'mediatype', 'hash', 'leadertravel:bytes', 'rows', 'schema']
    """
    entry: dict[str, Any] = {"name": name}
    entry |= {key: value for key, value in (about or {}).items() if key in ("title", "description")}
    return entry | {
        "path": table_file(name),
        "format": "parquet",
        "mediatype": MEDIATYPE,
        "hash": f"sha256:{sha256}",
        BYTES_KEY: size,
        "rows": rows,
        "schema": schema,
    }


def render_manifest(
    package: Mapping[str, Any],
    *,
    version: str,
    resources: Sequence[Mapping[str, Any]],
    inputs: Mapping[str, str] | None = None,
) -> bytes:
    """Return the bytes of version ``version``'s ``datapackage.json``, checked.

    Parameters
    ----------
    package
        The descriptor's other keys (``name``, ``title``, ``created``, ``licenses`` …);
        its ``resources`` are replaced.
    version
        The release version.
    resources
        The tables' entries (`render_resource`), written sorted by name.
    inputs
        Input file → sha256, the provenance of a build; left out when ``None``.

    Examples
    --------
    >>> entry = render_resource("trips", sha256="0" * 64, size=1234, rows=2,
    ...                         schema={"fields": [{"name": "trip_id"}]})
    >>> data = render_manifest({"created": "2026-11-01T00:00:00Z"}, version="0.1.0",
    ...                        resources=[entry])
    >>> list(parse_datapackage(data, where="x", version="0.1.0").resources)
    ['trips']
    """
    head = {
        "name": package.get("name", DEFAULT_NAME),
        "title": package.get("title"),
        "version": version,
        "format_version": FORMAT_VERSION,
        "created": package.get("created"),
    }
    rest = {k: v for k, v in package.items() if k not in head and k != "resources"}
    manifest = {**{k: v for k, v in head.items() if v is not None}, **rest}
    if inputs is not None:
        manifest["inputs"] = dict(sorted(inputs.items()))
    manifest["resources"] = sorted(resources, key=lambda r: str(r["name"]))
    data = render_json(manifest)
    parse_datapackage(data, where=f"the new {MANIFEST} of {version}", version=version)
    return data


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
