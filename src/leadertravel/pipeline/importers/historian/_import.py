"""Import the Office of the Historian travel records into the project's tables.

The steps live in their own modules: :mod:`._inputs` (the snapshot and the curated
inputs), :mod:`._group` (visits chained into trips), :mod:`._places` (where each stop and
home lie), :mod:`._rows` (the cited rows of every table) and :mod:`._report` (coverage and
merges); :func:`import_historian` runs them in order.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from leadertravel.pipeline.importers.historian._group import group_visits
from leadertravel.pipeline.importers.historian._inputs import HOME, SOURCE_ID, read_travels_inputs
from leadertravel.pipeline.importers.historian._legs import Node
from leadertravel.pipeline.importers.historian._places import Placer, home_place
from leadertravel.pipeline.importers.historian._report import (
    log_summary,
    merge_report,
    travels_coverage,
)
from leadertravel.pipeline.importers.historian._rows import journey_rows, leader_rows, term_rows
from leadertravel.pipeline.importers.historian._shared import (
    Citations,
    HistorianBase,
    import_tables,
    prepared_base,
)

__all__ = ["SOURCE_ID", "HistorianImport", "import_historian"]


@dataclass
class HistorianImport:
    """What :func:`import_historian` returns."""

    tables: dict[str, pd.DataFrame]
    coverage: dict[str, Any]
    merges: pd.DataFrame
    seconds: float = field(default=0.0, compare=False)


def import_historian(
    sources_dir: Path,
    *,
    root: Path,
    gap_days: int = 1,
    remarks_gap_days: int = 4,
    online: bool = False,
    curated_places: pd.DataFrame | None = None,
    gsh_dir: Path | None = None,
    base: HistorianBase | None = None,
) -> HistorianImport:
    """Import the Office of the Historian travels into typed project tables.

    Parameters
    ----------
    sources_dir
        The snapshot directory (``../shared/sources/history-state-travels``).
    root
        Project checkout: ``data/pins``, ``data/historian``, ``data/reference`` and the
        Table Schemas are read from it.
    gap_days, remarks_gap_days
        Chaining gaps of the trip grouping rules: the general one, and the longer one for
        visits before 1950 that repeat the previous visit's remarks (see ``_group``).
    online
        Let the geocoder ask Nominatim for names nothing offline knows (results cached in
        ``data/historian/places_cache.csv``).
    curated_places, gsh_dir, base
        The curated ``places`` (reused where a locality names one); the Office's gazetteer
        (default: ``history-state-gsh`` beside ``sources_dir``); or instead of both the
        base shared with the visits importer (:func:`._shared.historian_base`).

    Raises
    ------
    SourceInputError
        Missing directory, a file that differs from its pin, malformed XML, an unknown slug.
    """
    started = time.perf_counter()
    base = prepared_base(
        Path(sources_dir),
        root=root,
        source_id=SOURCE_ID,
        base=base,
        gsh_dir=gsh_dir,
        curated_places=curated_places,
        online=online,
    )
    inputs = read_travels_inputs(Path(sources_dir), root, base)
    groups = group_visits(
        inputs.visits, inputs.terms, gap_days=gap_days, remarks_gap_days=remarks_gap_days
    )
    home_id, country = home_place(
        HOME, base.places, base.geocoder, curated=base.curated_places, origin=SOURCE_ID
    )
    placer = Placer(
        base.geocoder,
        base.places,
        base.checker,
        origin=SOURCE_ID,
        country_places=inputs.country_places,
    )
    cites = Citations(SOURCE_ID)
    rows = journey_rows(
        groups,
        inputs,
        placer=placer,
        home=Node(home_id, country, None, None),
        base=base,
        gaps=(gap_days, remarks_gap_days),
        cites=cites,
    )
    rows = {
        "leaders": leader_rows(inputs.records, country, cites),
        "terms": term_rows(inputs.terms, groups, country, cites),
        **rows,
    }
    used = {home_id} | {s["place_id"] for s in rows["stops"] if s["place_id"]}
    tables, place_rows = import_tables(
        base, rows, cites, used_places=used, places_support="locality named in the records"
    )
    coverage = travels_coverage(
        inputs.records,
        inputs.merges,
        tables,
        {p["place_id"]: p for p in place_rows},
        base.checker,
        gap_days=gap_days,
        coded_by=inputs.coded_by,
        refused_locales=base.refused_locales,
    )
    seconds = time.perf_counter() - started
    log_summary(coverage, seconds)
    return HistorianImport(tables, coverage, merge_report(inputs.merges), seconds)
