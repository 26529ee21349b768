"""Validate the curated data package: frictionless for the Table Schemas, then the rules.

:func:`validate_package` is what ``leadertravel validate`` and the release builder run on
the CSVs in ``data/``: frictionless checks types, required fields, enums, patterns,
ranges, primary and foreign keys; :mod:`leadertravel.build.rules` checks what a Table
Schema cannot state. Every problem is reported, one line each, in one run.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from leadertravel._problems import Problem
from leadertravel._schema import read_table_schema
from leadertravel.build._frames import empty_frame, read_csv_typed
from leadertravel.build._paths import datapackage_path
from leadertravel.build.rules import check_rules

__all__ = ["CuratedPackage", "frictionless_problems", "read_curated", "validate_package"]


@dataclass(frozen=True)
class CuratedPackage:
    """The curated data package as typed frames.

    Attributes
    ----------
    descriptor
        ``datapackage/datapackage.json`` as a dictionary.
    schemas
        Table name → Table Schema.
    tables
        Table name → typed frame indexed by CSV row number.
    files
        Table name → the CSV's path relative to the project root (for problem reports).
    """

    descriptor: dict[str, Any]
    schemas: dict[str, dict[str, Any]]
    tables: dict[str, pd.DataFrame]
    files: dict[str, str]


def read_curated(root: Path, *, errors: str = "raise") -> CuratedPackage:
    """Read every resource of the curated package into typed frames.

    Parameters
    ----------
    root
        Project checkout (holding ``datapackage/`` and ``data/``).
    errors
        ``"raise"`` (default) or ``"coerce"``: what to do with values that do not fit
        their type (see :func:`leadertravel.build._frames.coerce_frame`).
    """
    descriptor_path = datapackage_path(root)
    descriptor = json.loads(descriptor_path.read_text(encoding="utf-8"))
    base = descriptor_path.parent
    schemas, tables, files = {}, {}, {}
    for resource in descriptor["resources"]:
        name = resource["name"]
        schemas[name] = read_table_schema(base / resource["schema"])
        csv_path = (base / resource["path"]).resolve()
        files[name] = _relative(csv_path, root)
        if errors == "coerce" and not csv_path.is_file():
            tables[name] = empty_frame(schemas[name])  # frictionless reports the missing file
            continue
        tables[name] = read_csv_typed(csv_path, schemas[name], errors=errors)  # type: ignore[arg-type]
    return CuratedPackage(descriptor, schemas, tables, files)


def _relative(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def frictionless_problems(root: Path) -> list[Problem]:
    """Validate ``datapackage/datapackage.json`` with frictionless; one Problem per error.

    Rule names are frictionless' error types (``type-error``, ``constraint-error``,
    ``primary-key``, ``foreign-key``, ``unique-error``, ``missing-cell`` …).
    """
    import frictionless

    descriptor_path = datapackage_path(root)
    report = frictionless.validate(str(descriptor_path))
    problems = [
        Problem(_relative(descriptor_path, root), None, None, e.type, None, e.message)
        for e in report.errors
    ]
    for task in report.tasks:
        file = _relative((descriptor_path.parent / task.place).resolve(), root)
        for err in task.errors:
            cell = getattr(err, "cell", None)
            problems.append(
                Problem(
                    file,
                    getattr(err, "row_number", None),
                    getattr(err, "field_name", None),
                    err.type,
                    None if cell is None else str(cell),
                    err.note or err.message,
                )
            )
    return problems


def validate_package(root: Path) -> list[Problem]:
    """Validate the curated package: frictionless, then the semantic rules.

    Values frictionless rejects are treated as missing when the rules run, so one run
    reports both kinds of problem.

    Returns
    -------
    list of Problem
        Empty when the package is valid.
    """
    problems = frictionless_problems(root)
    package = read_curated(root, errors="coerce")
    problems += _storage_problems(root, package, reported=problems)
    problems += check_rules(package.tables, files=package.files)
    return problems


def _storage_problems(
    root: Path, package: CuratedPackage, *, reported: list[Problem]
) -> list[Problem]:
    """Problems only the release's storage types reveal (e.g. an integer beyond int64).

    The release builder's vectorized checks run on the same CSV text; what they flag that
    frictionless did not (same file, row, field and rule) is added, so ``validate`` fails
    on everything ``build`` would refuse.
    """
    from leadertravel.build.checks import check_tables, read_csv_strings

    tables, rows = {}, {}
    for name, file in package.files.items():
        path = root / file
        if path.is_file():
            tables[name], rows[name] = read_csv_strings(path)
    found = check_tables(
        tables,
        {name: package.schemas[name] for name in tables},
        files=package.files,
        row_numbers=rows,
    ).problems
    seen = {(p.file, p.row, p.field, p.rule) for p in reported}
    return [p for p in found if (p.file, p.row, p.field, p.rule) not in seen]
