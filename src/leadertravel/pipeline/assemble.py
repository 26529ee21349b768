"""Gather every table of a release: curated CSVs, reference tables, imported sources.

:func:`assemble` is the one entry point the release builder calls. It reads the curated
package once and types it (a file that cannot be read or a value that does not parse
stops the build before any import, with every problem of the package), runs every
registered importer (:mod:`leadertravel.pipeline.importers`) when a sources directory is
given, merges the bodies of data table by table and infers the transport mode of imported
legs where a documented rule is reliable (:mod:`leadertravel.pipeline.modes`). The merged
tables are validated once, by the release builder
(:func:`leadertravel.pipeline.validate.validate_tables`), which names curated rows by
``file:row`` through :attr:`Assembly.locations`.
"""

from __future__ import annotations

import functools
import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from leadertravel._errors import BuildError, DataValidationError
from leadertravel._format import COVERAGE
from leadertravel._fsutil import sha256_file
from leadertravel._schema import enum_of, pandas_dtype
from leadertravel.pipeline.curated import read_package
from leadertravel.pipeline.importers import ImportContext, ImportResult, input_pins, registered
from leadertravel.pipeline.modes import apply_mode_rules
from leadertravel.pipeline.panels import add_panels
from leadertravel.pipeline.problems import Location
from leadertravel.pipeline.project import DESCRIPTOR, SCHEMAS
from leadertravel.pipeline.typed import typed_frame
from leadertravel.pipeline.validate import check_package

__all__ = ["Assembly", "assemble"]

log = logging.getLogger("leadertravel.pipeline")


@dataclass(frozen=True)
class Assembly:
    """Every table of a release, typed, validated, ready to be written.

    Attributes
    ----------
    package
        The curated descriptor ``datapackage/datapackage.json``.
    schemas
        Table name → Table Schema.
    tables
        Table name → typed frame (columns in schema order, fresh RangeIndex).
    reports
        File name → bytes of extra files for the release (``coverage.json``, ``merges.csv``).
    inputs
        Input file (relative to the project root, or to the source directory) → sha256.
    locations
        Table name → where each row comes from (the curated CSV's rows, then the
        importer's), for problem reports.
    """

    package: dict[str, Any]
    schemas: dict[str, dict[str, Any]]
    tables: dict[str, pd.DataFrame]
    reports: dict[str, bytes] = field(default_factory=dict)
    inputs: dict[str, str] = field(default_factory=dict)
    locations: dict[str, Location] = field(default_factory=dict)


def _sha256(path: Path) -> str:
    return sha256_file(path)[0]


def _input_hashes(root: Path) -> dict[str, str]:
    """Hash the descriptor, the schemas and every file under ``data/``."""
    files = [root / DESCRIPTOR]
    files += sorted((root / SCHEMAS).glob("*.schema.json"))
    files += sorted(p for p in (root / "data").rglob("*") if p.is_file())
    return {p.relative_to(root).as_posix(): _sha256(p) for p in files}


@functools.cache
def _scalar_dtype(ftype: str) -> Any:
    """Return the loader's pandas dtype of a type (``"enum"``: of an enum's categories).

    Examples
    --------
    >>> str(_scalar_dtype("integer")), str(_scalar_dtype("enum"))
    ('Int64', 'str')
    """
    if ftype == "enum":
        return pandas_dtype({"name": "e", "constraints": {"enum": ["e"]}}).categories.dtype
    return pd.api.types.pandas_dtype(pandas_dtype({"name": ftype, "type": ftype}))


def _typed_already(frame: pd.DataFrame, schema: Mapping[str, Any]) -> bool:
    """Tell whether ``typed_frame(frame, schema)`` would give ``frame`` back unchanged.

    The importers hand over typed tables (``rows_frame`` types their rows); typing them
    again, a conversion to Arrow and back of every column, changes nothing then. That is
    so exactly when the columns are the schema's fields in order, each of the loader's
    dtype (an enum's categories in the enum's order) and holding only values the typing
    keeps as they are: no ``""`` in a text column, no non-finite number, no date with a
    time of day. A field with a ``format`` is always typed again. Anything else goes
    through :func:`typed_frame`, with its errors; ``tests/historian/test_typed_merge.py``
    pins that it returns every real importer table unchanged.
    """
    fields = schema["fields"]
    if list(frame.columns) != [f["name"] for f in fields]:
        return False
    for spec, (_, column) in zip(fields, frame.items(), strict=True):
        ftype = spec.get("type", "string")
        vocabulary = enum_of(spec) if ftype == "string" else None
        if "format" in spec:
            return False
        if vocabulary is not None:
            dtype = column.dtype
            if not isinstance(dtype, pd.CategoricalDtype) or "" in vocabulary:
                return False
            if dtype.ordered or list(dtype.categories) != vocabulary:
                return False
            if dtype.categories.dtype != _scalar_dtype("enum"):
                return False
            continue
        if column.dtype != _scalar_dtype(ftype):
            return False
        if ftype == "string":
            if bool(pc.any(pc.equal(pa.array(column.array), "")).as_py()):
                return False
        elif ftype == "number":
            if bool(pc.any(pc.invert(pc.is_finite(pa.array(column.array)))).as_py()):
                return False
        elif ftype == "date":
            days = column.to_numpy()
            if bool((days[~np.isnat(days)].astype(np.int64) % 86_400).any()):
                return False
    return True


def _merge(
    table: str, curated: pd.DataFrame, imported: pd.DataFrame, key: list[str]
) -> pd.DataFrame:
    """Curated rows, then imported ones.

    An imported row identical to an earlier row (e.g. a curated place the importer reuses)
    merges into it; one with the same key and other content is refused. Curated rows are
    all kept, so a repeated curated key is reported by the checks.

    Identical rows share their key, so whole rows are compared only among the rows whose
    key occurs more than once (few): the same answer as comparing every row, at a fraction
    of the cost.
    """
    both = pd.concat([curated, imported], ignore_index=True)
    shared = both.duplicated(key, keep=False).to_numpy()
    if shared.any():
        repeat = np.zeros(len(both), dtype=bool)
        repeat[shared] = both[shared].duplicated().to_numpy()
        repeat &= both.index >= len(curated)
        both = both[~repeat].reset_index(drop=True)
        shared = both.duplicated(key, keep=False).to_numpy()
    clashing = shared & (np.arange(len(both)) >= len(curated))
    if clashing.any():
        clash = both[clashing]
        ids = sorted(map(str, clash[key[0]].unique()))[:10]
        msg = (
            f"{table}: curated and imported rows share the key(s) {ids} with different "
            "content; rename the curated record or make the two identical"
        )
        raise BuildError(msg)
    return both


def assemble(
    root: Path,
    *,
    sources: Path | None = None,
    gap_days: int = 1,
    online_geocoding: bool = False,
) -> Assembly:
    """Validate the curated package, import sources and return every release table.

    Parameters
    ----------
    root
        Project checkout (``datapackage/``, ``data/``).
    sources
        Directory holding the source snapshots (``../shared/sources``: one folder per
        importer input, e.g. ``history-state-travels``); ``None`` builds from the curated
        and reference tables alone.
    gap_days
        Grouping parameter of the importer: visits chain into one trip when the next
        starts at most this many days after the previous one ends.
    online_geocoding
        Let the importer ask Nominatim (internet, one request a second) for place names
        the offline gazetteers lack; answers are saved to
        ``data/historian/places_cache.csv`` so the next build is offline again.

    Raises
    ------
    DataValidationError
        When a curated file cannot be read or a curated value does not parse (listing
        every problem of the curated package, as ``leadertravel validate`` does).
    SourceInputError
        When the source directory is missing, changed since it was pinned, or malformed.
    """
    package = read_package(root)
    curated = check_package(package, before_merge=True)
    if curated.problems:  # the full report, as `leadertravel validate` gives it
        problems = check_package(package).problems
        raise DataValidationError(problems, context="the curated data package")
    schemas = curated.schemas
    tables = dict(curated.tables)
    locations = dict(curated.package.locations)
    reports: dict[str, bytes] = {}
    inputs = _input_hashes(root)
    if sources is not None:
        importers = registered()
        context = ImportContext(
            root=root,
            sources=sources,
            curated=tables,
            gap_days=gap_days,
            online_geocoding=online_geocoding,
        )
        coverage: dict[str, Any] = {}
        for importer in importers:
            log.info("importing %s from %s", importer.source_id, sources)
            result = importer.run(context)
            _merge_result(importer.source_id, result, schemas, tables, locations, reports)
            coverage[importer.source_id] = result.coverage
        tables.update(apply_mode_rules(root, tables))  # same rows: the locations hold
        reports[COVERAGE] = (
            json.dumps(coverage, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
        ).encode("utf-8")
        inputs.update(input_pins(root, importers))
    done = add_panels(root, tables, schemas, inputs, locations, sources=sources)  # derived
    return Assembly(
        dict(curated.descriptor), done.schemas, done.tables, reports, done.inputs, done.locations
    )


def _merge_result(
    source_id: str,
    result: ImportResult,
    schemas: dict[str, dict[str, Any]],
    tables: dict[str, pd.DataFrame],
    locations: dict[str, Location],
    reports: dict[str, bytes],
) -> None:
    """Type one importer's tables by the schemas and merge them (and its reports) in."""
    for name, frame in result.tables.items():
        if name not in schemas:
            msg = f"the importer {source_id} returned a table {name!r} that no schema describes"
            raise BuildError(msg)
        typed = frame if _typed_already(frame, schemas[name]) else typed_frame(frame, schemas[name])
        merged = _merge(name, tables[name], typed, schemas[name]["primaryKey"])
        added = Location.table(name, len(merged) - len(tables[name]))
        locations[name] = locations[name].then(added)
        tables[name] = merged
    for file, report in result.reports.items():
        if file in reports:
            msg = f"the importer {source_id} returned a report {file!r} another importer wrote"
            raise BuildError(msg)
        reports[file] = report.to_csv(index=False, lineterminator="\n").encode("utf-8")
