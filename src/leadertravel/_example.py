"""A tiny, clearly synthetic release for documentation examples and tests.

`write_release` writes one version in the release format (``docs/release-format.md``):
typed Parquet files, ``datapackage.json`` with inline schemas, hashes and sizes,
``SHA256SUMS``, and an updated ``index.json``, rendered by the same functions as the real
builder's (`leadertravel._format`, `leadertravel._index`, `leadertravel._manifest`). It is
deliberately minimal — no validation, changelog or citation; the real builder is
``leadertravel.pipeline.release.builder`` — and exists so that examples run offline.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pyarrow as pa

from leadertravel._format import (
    DEFAULT_NAME,
    INDEX,
    MANIFEST,
    SUMS,
    check_version,
    manifest_path,
    render_sums,
    table_file,
)
from leadertravel._fsutil import sha256_file
from leadertravel._index import parse_index, render_index
from leadertravel._manifest import render_manifest, render_resource
from leadertravel._schema import arrow_schema

__all__ = ["EXAMPLE_TRIPS_SCHEMA", "example_release", "write_release"]

EXAMPLE_TRIPS_SCHEMA: dict[str, Any] = {
    "fields": [
        {
            "name": "trip_id",
            "type": "string",
            "description": "Stable identifier of the trip.",
            "constraints": {"required": True, "unique": True},
        },
        {
            "name": "leader_id",
            "type": "string",
            "description": "Who travelled.",
            "constraints": {"required": True},
        },
        {
            "name": "start_date",
            "type": "date",
            "description": "Day the traveller left home.",
            "constraints": {"required": True},
        },
        {
            "name": "visit_type",
            "type": "string",
            "description": "Kind of journey.",
            "constraints": {"required": True, "enum": ["state_visit", "summit", "unspecified"]},
        },
        {"name": "stops", "type": "integer", "description": "Number of stops."},
    ],
    "primaryKey": ["trip_id"],
}


def write_release(
    root: Path,
    version: str,
    tables: Mapping[str, tuple[Mapping[str, Any], Mapping[str, list[Any]]]],
    *,
    released: str,
    row_group_size: int = 64 * 1024,
) -> Path:
    """Write one version of a release under ``root`` and list it in ``root/index.json``.

    Parameters
    ----------
    root
        The release root (created if missing).
    version
        ``MAJOR.MINOR.PATCH``.
    tables
        Table name → (Table Schema, columns as lists), rows already sorted by primary key.
    released
        ISO date recorded in the index.
    row_group_size
        Rows per Parquet row group.

    Returns
    -------
    pathlib.Path
        The version directory.
    """
    import pyarrow.parquet as pq

    check_version(version)
    vdir = root / version
    vdir.mkdir(parents=True)
    resources = []
    for name in sorted(tables):
        schema, columns = tables[name]
        table = pa.Table.from_pydict(dict(columns), schema=arrow_schema(schema))
        path = vdir / table_file(name)
        pq.write_table(table, path, compression="zstd", row_group_size=row_group_size)
        digest, size = sha256_file(path)
        resources.append(
            render_resource(name, sha256=digest, size=size, rows=table.num_rows, schema=schema)
        )
    package = {"name": DEFAULT_NAME, "created": f"{released}T00:00:00Z"}
    (vdir / MANIFEST).write_bytes(render_manifest(package, version=version, resources=resources))
    sums = {p.name: sha256_file(p)[0] for p in vdir.iterdir() if p.name != SUMS}
    (vdir / SUMS).write_bytes(render_sums(sums))
    index_path = root / INDEX
    entries = []
    if index_path.is_file():
        old = parse_index(index_path.read_bytes(), where=str(index_path))
        entries = [entry._asdict() for entry in old.versions]
    entries.append({"version": version, "released": released, "path": manifest_path(version)})
    index_path.write_bytes(render_index(DEFAULT_NAME, entries))
    return vdir


def example_release(root: Path | None = None) -> Path:
    """Write a two-row synthetic release (version 0.1.0, table ``trips``); return its root.

    Without ``root`` it goes to a temporary directory removed when Python exits; the
    directory next to the root (``root.parent / "cache"``) is a convenient cache dir.

    Examples
    --------
    >>> root = example_release()
    >>> sorted(p.name for p in (root / "0.1.0").iterdir())
    ['SHA256SUMS', 'datapackage.json', 'trips.parquet']
    """
    import datetime as dt

    if root is None:
        tmp = Path(tempfile.mkdtemp(prefix="leadertravel-example-"))
        atexit.register(shutil.rmtree, tmp, ignore_errors=True)
        root = tmp / "releases"
    columns: dict[str, list[Any]] = {
        "trip_id": ["example-a-2000-01-03", "example-b-2001-05-07"],
        "leader_id": ["example-a", "example-b"],
        "start_date": [dt.date(2000, 1, 3), dt.date(2001, 5, 7)],
        "visit_type": ["state_visit", "unspecified"],
        "stops": [2, None],
    }
    write_release(root, "0.1.0", {"trips": (EXAMPLE_TRIPS_SCHEMA, columns)}, released="2000-01-01")
    return root
