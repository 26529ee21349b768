"""The visits importer's plugin for the release build."""

from __future__ import annotations

from typing import TYPE_CHECKING

from leadertravel.pipeline.importers import ImportResult
from leadertravel.pipeline.importers.historian._gsh import GSH_SOURCE
from leadertravel.pipeline.importers.historian._plugin import shared_base
from leadertravel.pipeline.importers.visits._import import ORIGIN, import_visits

if TYPE_CHECKING:
    from leadertravel.pipeline.importers import ImportContext

__all__ = ["VisitsImporter"]


class VisitsImporter:
    """Visits by Foreign Leaders (history-state-visits), with the build's shared gazetteer."""

    source_id = ORIGIN
    inputs = (ORIGIN, GSH_SOURCE)

    def run(self, context: ImportContext) -> ImportResult:
        """Import the visits (see :func:`import_visits`)."""
        result = import_visits(
            context.input_dir(ORIGIN),
            root=context.root,
            online=context.online_geocoding,
            base=shared_base(context),
        )
        return ImportResult(
            result.tables, result.coverage, {"leader_identity.csv": result.identity}
        )
