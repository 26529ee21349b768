"""Validate a built release directory as a downloaded Frictionless data package.

Two validators of the same thing, meant to agree (``tests/release/test_frictionless.py``
runs both on a built release and on deliberately broken copies):

- :func:`check_release_files` — the project's vectorized checks
  (:func:`leadertravel.pipeline.checks.check_tables`) on every Parquet file against the
  manifest's inline Table Schemas, plus the manifest's row counts, sizes and hashes;
  seconds even for a million rows.
- :func:`frictionless_problems` — ``frictionless validate <release>/datapackage.json``,
  row by row, as a user would run it on a download.

Both return :class:`~leadertravel._problems.Problem` lists with frictionless' rule names
and row numbers (the first record is row 2, as frictionless counts a Parquet table); key
problems name the key's fields on the vectorized side, none on frictionless'.
Frictionless does not hash or measure Parquet files (it reads them through pyarrow), so
``hash-count`` and ``byte-count`` problems come from the vectorized side only.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from leadertravel._format import BYTES_KEY, MANIFEST
from leadertravel._fsutil import sha256_file
from leadertravel._manifest import parse_datapackage
from leadertravel._problems import Problem

__all__ = ["check_release_files", "frictionless_problems"]


def _resources(directory: Path) -> list[dict[str, Any]]:
    data = (directory / MANIFEST).read_bytes()
    manifest = parse_datapackage(data, where=str(directory / MANIFEST)).descriptor
    return list(manifest["resources"])


def check_release_files(directory: Path) -> list[Problem]:
    """Check every table of a release directory against its manifest, vectorized.

    Parameters
    ----------
    directory
        A release directory (``<root>/<version>``) holding ``datapackage.json``.

    Returns
    -------
    list of Problem
        Sorted; empty when the release is valid. Rules: those of
        :func:`~leadertravel.pipeline.checks.check_tables`, and ``row-count``,
        ``byte-count``, ``hash-count`` for a manifest that disagrees with its files.
    """
    import pyarrow.parquet as pq

    from leadertravel.pipeline.checks import check_tables
    from leadertravel.pipeline.problems import Location

    tables, schemas, locations = {}, {}, {}
    problems: list[Problem] = []
    for resource in _resources(directory):
        name, path = resource["name"], directory / resource["path"]
        table = pq.read_table(path)
        tables[name], schemas[name] = table, resource["schema"]
        locations[name] = Location.csv(resource["path"], table.num_rows)  # first record: 2
        declared = {
            "row-count": (resource.get("rows"), table.num_rows),
            "byte-count": (resource.get(BYTES_KEY), path.stat().st_size),
            "hash-count": (resource.get("hash"), f"sha256:{sha256_file(path)[0]}"),
        }
        for rule, (expected, actual) in declared.items():
            if expected is not None and expected != actual:
                note = f'expected is "{expected}" and actual is "{actual}"'
                problems.append(Problem(resource["path"], None, None, rule, None, note))
    problems += check_tables(tables, schemas, locations=locations).problems
    return sorted(problems, key=lambda p: (p.file, p.row or 0, p.field or "", p.rule))


def frictionless_problems(directory: Path) -> list[Problem]:
    """Run ``frictionless validate`` on a release directory's ``datapackage.json``.

    Parameters
    ----------
    directory
        A release directory holding ``datapackage.json``.

    Returns
    -------
    list of Problem
        One per error frictionless reports (its ``type`` as the rule), sorted; a
        descriptor error is reported on ``datapackage.json``.
    """
    import frictionless

    report = frictionless.validate(str(directory / MANIFEST))
    problems = [
        Problem(MANIFEST, None, None, error.type, None, error.message) for error in report.errors
    ]
    for task in report.tasks:
        for error in task.errors:
            row = getattr(error, "row_number", None)
            cell = getattr(error, "cell", None)
            problems.append(
                Problem(
                    str(task.place),
                    row,
                    getattr(error, "field_name", None),
                    error.type,
                    None if cell is None else str(cell),
                    error.note or error.message,
                )
            )
    return sorted(problems, key=lambda p: (p.file, p.row or 0, p.field or "", p.rule))
