"""The visits importer's plugin for the release build."""

from __future__ import annotations

from typing import TYPE_CHECKING

from leadertravel.pipeline.importers import ImportResult
from leadertravel.pipeline.importers.historian._plugin import HistorianImporter
from leadertravel.pipeline.importers.visits._import import ORIGIN, import_visits

if TYPE_CHECKING:
    from pathlib import Path

    from leadertravel.pipeline.importers import ImportContext
    from leadertravel.pipeline.importers.historian._shared import HistorianBase

__all__ = ["VisitsImporter"]


class VisitsImporter(HistorianImporter):
    """Visits by Foreign Leaders (history-state-visits), with the build's shared gazetteer."""

    source_id = ORIGIN

    def imported(self, context: ImportContext, snapshot: Path, base: HistorianBase) -> ImportResult:
        """Import the visits (see :func:`import_visits`)."""
        result = import_visits(
            snapshot, root=context.root, online=context.online_geocoding, base=base
        )
        return ImportResult(
            result.tables, result.coverage, {"leader_identity.csv": result.identity}
        )
