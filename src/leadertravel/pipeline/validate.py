"""The one owner of validation: Table Schema checks, then the semantic rules.

:func:`validate_tables` is what every path runs — ``leadertravel validate`` on the
curated package, the release builder on the merged curated and imported tables: the
vectorized Table Schema checks of :mod:`leadertravel.pipeline.checks` (types, required,
enums, patterns, ranges, primary and foreign keys, as frictionless checks them), then
the rules of :mod:`leadertravel.pipeline.rules` on the typed tables. Values that break
their type are treated as missing when the rules run, so one run reports both kinds of
problem; tables that could not be read are left out of every later step.

==============================  =============================================================
step                            where
==============================  =============================================================
read each CSV once, as text     :func:`leadertravel.pipeline.curated.read_package`
text → typed (one parser)       :func:`leadertravel.pipeline.typed.parse_column`
Table Schema checks             :func:`leadertravel.pipeline.checks.check_tables`
semantic rules                  :func:`leadertravel.pipeline.rules.check_rules`
locating and ordering problems  :class:`leadertravel.pipeline.problems.Locator`
==============================  =============================================================
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa

from leadertravel._errors import DataValidationError
from leadertravel._schema import enum_of, pandas_dtype
from leadertravel.pipeline.checks import check_tables
from leadertravel.pipeline.curated import CuratedPackage, read_package
from leadertravel.pipeline.problems import Location, Problem
from leadertravel.pipeline.rules import check_rules
from leadertravel.pipeline.typed import to_frame

log = logging.getLogger("leadertravel.pipeline")

__all__ = [
    "Curated",
    "Validated",
    "check_curated",
    "check_package",
    "read_curated",
    "validate_package",
    "validate_tables",
]


@dataclass(frozen=True)
class Validated:
    """The outcome of :func:`validate_tables`.

    Attributes
    ----------
    problems
        Every problem, in :meth:`Problem.sort_key` order; empty when valid.
    arrow
        Table name → the typed Arrow table to write (complete only without problems).
    frames
        Table name → the typed pandas frame the rules ran on.
    """

    problems: list[Problem]
    arrow: dict[str, pa.Table]
    frames: dict[str, pd.DataFrame]


def _dtype_text(field: Mapping[str, Any]) -> str:
    """Return ``str(pandas_dtype(field))`` without building an enum's dtype (``category``)."""
    if field.get("type", "string") == "string" and enum_of(field) is not None:
        return "category"
    return str(pandas_dtype(field))


def _is_typed(frame: Any, schema: Mapping[str, Any]) -> bool:
    if not isinstance(frame, pd.DataFrame):
        return False
    dtypes = dict(zip(frame.columns, frame.dtypes, strict=True))
    return all(
        f["name"] in dtypes and str(dtypes[f["name"]]) == _dtype_text(f) for f in schema["fields"]
    )


def validate_tables(
    tables: Mapping[str, pd.DataFrame | pa.Table],
    schemas: Mapping[str, Mapping[str, Any]],
    *,
    locations: Mapping[str, Location] | None = None,
    unreadable: Collection[str] = (),
    rules: bool = True,
    before_merge: bool = False,
) -> Validated:
    """Check tables against their Table Schemas and the semantic rules, once.

    Parameters
    ----------
    tables
        Table name → text (as read from a CSV) or typed frame.
    schemas
        Table name → Table Schema, for every table of the package or release.
    locations
        Table name → where its rows come from (default: named by primary key).
    unreadable
        Tables whose files could not be read (their problems are reported already).
    rules
        Also check the semantic rules.
    before_merge
        Only type the values (reporting those that do not parse) and check the primary
        keys: no other constraints, no foreign keys, no rules. The release builder does
        this to the curated tables before importing (the importers, mode rules and
        panels look records up by their keys, so a repeated key must stop the build
        here, reported, not inside them), and checks everything once on the merged
        tables.
    """
    result = check_tables(
        tables, schemas, locations=locations, unreadable=unreadable, before_merge=before_merge
    )
    frames = {
        name: tables[name]
        if _is_typed(tables[name], schemas[name])
        else to_frame(cols, schemas[name])
        for name, cols in result.columns.items()
    }
    problems = list(result.problems)
    if rules and not before_merge:
        log.info("checking the semantic rules")
        problems += check_rules(
            frames, schemas, locations=locations, unreadable=unreadable, lookups=result.lookups
        )
    return Validated(sorted(problems), result.tables, frames)


@dataclass(frozen=True)
class Curated:
    """The curated package as typed frames.

    Attributes
    ----------
    package
        What was read (descriptor, schemas, files, locations).
    tables
        Table name → typed frame (RangeIndex; row ``i`` is located by
        ``package.locations``).
    problems
        Every problem of the package (reading, Table Schemas, rules).
    """

    package: CuratedPackage
    tables: dict[str, pd.DataFrame]
    problems: list[Problem]

    @property
    def descriptor(self) -> dict[str, Any]:
        """``datapackage/datapackage.json``."""
        return self.package.descriptor

    @property
    def schemas(self) -> dict[str, dict[str, Any]]:
        """Table name → Table Schema."""
        return self.package.schemas

    @property
    def files(self) -> dict[str, str]:
        """Table name → CSV path relative to the project root."""
        return self.package.files


def check_curated(root: Path, *, before_merge: bool = False) -> Curated:
    """Read the curated package once and validate it; problems are returned, not raised.

    With ``before_merge`` the tables are only typed and their primary keys checked (see
    :func:`validate_tables`).
    """
    return check_package(read_package(root), before_merge=before_merge)


def check_package(package: CuratedPackage, *, before_merge: bool = False) -> Curated:
    """Validate a curated package already read (see :func:`check_curated`)."""
    result = validate_tables(
        package.tables,
        package.schemas,
        locations=package.locations,
        unreadable=package.unreadable,
        before_merge=before_merge,
    )
    return Curated(package, result.frames, sorted(package.problems + result.problems))


def validate_package(root: Path) -> list[Problem]:
    """Validate the curated package: what ``leadertravel validate`` reports.

    Returns
    -------
    list of Problem
        Ordered by table (referenced tables first), file and row; empty when valid.
    """
    return check_curated(root).problems


def read_curated(root: Path) -> Curated:
    """Read and validate the curated package; raise if it has any problem.

    Raises
    ------
    DataValidationError
        Listing every problem, one line each.
    """
    curated = check_curated(root)
    if curated.problems:
        raise DataValidationError(curated.problems, context="the curated data package")
    return curated
