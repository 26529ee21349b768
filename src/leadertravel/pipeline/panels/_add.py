"""The assembly step: the derived tables added to a release."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from leadertravel._errors import DataValidationError
from leadertravel._panels import build_panels
from leadertravel._schema import read_table_schema
from leadertravel.pipeline.panels._coverage import coverage_problems
from leadertravel.pipeline.panels._inputs import (
    DIRECTORY,
    check_crosswalk,
    find_state_system,
    read_crosswalk,
    read_membership,
)
from leadertravel.pipeline.panels._spells import country_code_spells
from leadertravel.pipeline.pins import pins_path, verify_sources
from leadertravel.pipeline.problems import Location, Locator
from leadertravel.pipeline.project import resource_csv, schema_path
from leadertravel.pipeline.typed import typed_frame

log = logging.getLogger("leadertravel.pipeline")

#: The tables this step adds to a release: no resource of the descriptor lists them (their
#: schemas are ``datapackage/schemas/<table>.schema.json``); a new derived table is named here.
DERIVED_TABLES = ("system_membership", "country_codes", "dyad_years", "country_years")


@dataclass(frozen=True)
class Panels:
    """The assembled tables with the derived ones added.

    Attributes
    ----------
    tables, schemas
        Every table of the release and its Table Schema.
    inputs
        The build's input hashes, with the state-system files added.
    locations
        Where the rows come from; derived tables are named by their primary key.
    """

    tables: dict[str, pd.DataFrame]
    schemas: dict[str, dict[str, Any]]
    inputs: dict[str, str]
    locations: dict[str, Location]


def _field_names(root: Path, name: str) -> list[str]:
    return [f["name"] for f in _schema(root, name)["fields"]]


def _schema(root: Path, name: str) -> dict[str, Any]:
    return read_table_schema(schema_path(root, name))


def add_panels(
    root: Path,
    tables: Mapping[str, pd.DataFrame],
    schemas: Mapping[str, dict[str, Any]],
    inputs: Mapping[str, str],
    locations: Mapping[str, Location],
    *,
    sources: Path | None,
) -> Panels:
    """Filter ``coverage`` and add the state-system codes and the panels to a release.

    Parameters
    ----------
    root
        Project checkout (schemas, crosswalk, pins).
    tables, schemas, inputs, locations
        The assembled release tables, their schemas, the input hashes and where the rows
        come from (for problem reports).
    sources
        The source snapshot directory given to the build (``None``: curated only).

    Raises
    ------
    DataValidationError
        A coverage claim or a crosswalk row is invalid (one problem per line).
    SourceInputError
        The state-system lists changed since they were pinned, or are malformed.
    """
    out = dict(tables)
    all_schemas = dict(schemas)
    hashes = dict(inputs)
    where = dict(locations)
    if "coverage" in tables:  # a package without claims (an old checkout) has no zeros
        coverage = tables["coverage"]
        file = resource_csv(root, "coverage").relative_to(root).as_posix()
        located = locations.get("coverage") or Location.csv(file, len(coverage))
        problems = coverage_problems(coverage, tables["leaders"], Locator("coverage", located))
        if problems:
            raise DataValidationError(problems, context="the coverage claims")
        present = set(tables["trips"]["origin"].astype(str).unique())
        kept = coverage["source"].astype(str).isin(present)
        if not kept.all():  # a subset of the file's rows: named by coverage_id from now on
            out["coverage"] = coverage[kept].reset_index(drop=True)
            where.pop("coverage", None)
    directory = find_state_system(sources)
    if directory is None:
        log.warning(
            "no state-system lists beside the sources (%s): the release leaves out %s",
            sources,
            ", ".join(DERIVED_TABLES),
        )
        return Panels(out, all_schemas, hashes, where)
    log.info("deriving %s from %s", ", ".join(DERIVED_TABLES), directory)
    for name, digest in verify_sources(directory, pins_path(root, DIRECTORY)).items():
        hashes[f"{DIRECTORY}/{name}"] = digest
    for name in DERIVED_TABLES:
        all_schemas[name] = _schema(root, name)
    membership = read_membership(directory, all_schemas["system_membership"])
    crosswalk = read_crosswalk(root)
    problems = check_crosswalk(crosswalk, tables["countries"], membership)
    if problems:
        raise DataValidationError(problems, context="the state-system crosswalk")
    out["system_membership"] = membership
    out["country_codes"] = typed_frame(
        country_code_spells(tables["countries"], crosswalk, membership),
        all_schemas["country_codes"],
    )
    claims = out.get("coverage")
    if claims is None:
        claims = typed_frame(pd.DataFrame(columns=_field_names(root, "coverage")),
                             _schema(root, "coverage"))  # fmt: skip
    for name, frame in build_panels(out | {"coverage": claims}).items():
        out[name] = typed_frame(frame, all_schemas[name])
    for name in DERIVED_TABLES:
        log.info("derived %s: %d rows", name, len(out[name]))
    return Panels(out, all_schemas, hashes, where)
