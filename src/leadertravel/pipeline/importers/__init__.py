"""The importer interface: how a source snapshot becomes release tables.

An importer is a plugin with one small interface (:class:`Importer`):

* ``source_id`` — its source (also the ``origin`` of the rows it makes);
* ``inputs`` — the snapshot directories it reads under the build's sources directory
  (``--sources``, default ``../shared/sources``), each pinned by sha256 in
  ``data/pins/<name>.sha256``;
* ``run(context)`` — read the inputs and return an :class:`ImportResult`: tables (any of
  the package's tables, typed by its schemas), a JSON-serialisable coverage report that
  accounts for every source record, and named CSV reports.

:data:`IMPORTERS` lists the registered importers in the order they run; the assembly
(:func:`leadertravel.pipeline.assemble.assemble`) loops over them, merges their tables with
the curated ones and writes ``coverage.json`` (one entry per source) and the reports.
Importers that share expensive inputs (the Office of the Historian's gazetteer) keep them
in :attr:`ImportContext.shared`, which lives for one build.

Examples
--------
>>> [importer.source_id for importer in registered()]
['history-state-travels', 'history-state-visits']
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import pandas as pd

__all__ = ["IMPORTERS", "ImportContext", "ImportResult", "Importer", "input_pins", "registered"]

IMPORTERS = (
    "leadertravel.pipeline.importers.historian:TravelsImporter",
    "leadertravel.pipeline.importers.visits:VisitsImporter",
)
"""Registered importers (``module:class``), in the order they run."""


@dataclass
class ImportContext:
    """What a build gives every importer.

    Attributes
    ----------
    root
        Project checkout (``data/``, ``datapackage/``).
    sources
        Directory holding the source snapshots, one folder per input name.
    curated
        The curated tables, typed (e.g. ``places``, reused by the importers).
    gap_days
        The trip grouping parameter of the build (``--gap-days``).
    online_geocoding
        Whether an importer may ask an online geocoder (``--online-geocoding``).
    shared
        Inputs importers share within this build (built by the first that needs them).
    """

    root: Path
    sources: Path
    curated: Mapping[str, pd.DataFrame]
    gap_days: int = 1
    online_geocoding: bool = False
    shared: dict[str, Any] = field(default_factory=dict)

    def input_dir(self, name: str) -> Path:
        """Return the snapshot directory ``name`` under :attr:`sources`."""
        return self.sources / name


@dataclass
class ImportResult:
    """What an importer returns: tables, a coverage report and named CSV reports."""

    tables: dict[str, pd.DataFrame]
    coverage: dict[str, Any]
    reports: dict[str, pd.DataFrame] = field(default_factory=dict)


class Importer(Protocol):
    """One source's importer (see the module docstring)."""

    @property
    def source_id(self) -> str:
        """The source the importer reads (``sources.source_id``, the rows' ``origin``)."""
        ...

    @property
    def inputs(self) -> tuple[str, ...]:
        """Snapshot directories read under the sources directory, each pinned."""
        ...

    def run(self, context: ImportContext) -> ImportResult:
        """Read the inputs and return the tables, coverage and reports."""
        ...


def registered() -> list[Importer]:
    """Instantiate the importers of :data:`IMPORTERS`, in order."""
    found: list[Importer] = []
    for spec in IMPORTERS:
        module, _, name = spec.partition(":")
        found.append(getattr(importlib.import_module(module), name)())
    return found


def input_pins(root: Path, importers: list[Importer]) -> dict[str, str]:
    """Return ``{"<input>/<relative path>": sha256}`` of every pinned input file.

    These go into the release manifest's ``inputs``, so a release names the exact source
    files it was built from.
    """
    from leadertravel.pipeline.pins import pins_path, read_pins

    pins: dict[str, str] = {}
    for name in sorted({n for importer in importers for n in importer.inputs}):
        path = pins_path(root, name)
        if path.is_file():
            pins.update({f"{name}/{rel}": digest for rel, digest in read_pins(path).items()})
    return pins
