"""The Historian importers' plugin glue: the shared base per build, the travels importer."""

from __future__ import annotations

from typing import TYPE_CHECKING

from leadertravel.pipeline.importers import ImportResult
from leadertravel.pipeline.importers.historian._gsh import GSH_SOURCE
from leadertravel.pipeline.importers.historian._import import SOURCE_ID, import_historian
from leadertravel.pipeline.importers.historian._shared import HistorianBase, historian_base

if TYPE_CHECKING:
    from leadertravel.pipeline.importers import ImportContext

__all__ = ["TravelsImporter", "shared_base"]


def shared_base(context: ImportContext) -> HistorianBase:
    """Return the gazetteer, country map and place registry of this build (built once)."""
    base = context.shared.get("historian")
    if not isinstance(base, HistorianBase):
        base = historian_base(
            context.root,
            context.input_dir(GSH_SOURCE),
            curated_places=context.curated.get("places"),
            online=context.online_geocoding,
        )
        context.shared["historian"] = base
    return base


class TravelsImporter:
    """Foreign Travels of the President and Secretary of State (history-state-travels)."""

    source_id = SOURCE_ID
    inputs = (SOURCE_ID, GSH_SOURCE)

    def run(self, context: ImportContext) -> ImportResult:
        """Import the travels with the build's shared gazetteer (see :func:`import_historian`)."""
        result = import_historian(
            context.input_dir(SOURCE_ID),
            root=context.root,
            gap_days=context.gap_days,
            online=context.online_geocoding,
            base=shared_base(context),
        )
        return ImportResult(result.tables, result.coverage, {"merges.csv": result.merges})
