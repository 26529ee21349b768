"""The Historian importers' plugin glue: the shared base per build, their common plugin class."""

from __future__ import annotations

from abc import ABC, abstractmethod
from pathlib import Path
from typing import TYPE_CHECKING

from leadertravel.pipeline.importers import ImportResult
from leadertravel.pipeline.importers.historian._gazetteers import bulk_setup
from leadertravel.pipeline.importers.historian._gsh import GSH_SOURCE
from leadertravel.pipeline.importers.historian._import import SOURCE_ID, import_historian
from leadertravel.pipeline.importers.historian._shared import HistorianBase, historian_base

if TYPE_CHECKING:
    from leadertravel.pipeline.importers import ImportContext

__all__ = ["HistorianImporter", "TravelsImporter", "shared_base"]


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


class HistorianImporter(ABC):
    """An Office of the Historian importer: its snapshot and the build's shared gazetteer.

    A subclass names its ``source_id`` (the snapshot directory too) and implements
    :meth:`imported`; ``inputs`` and ``run`` follow.
    """

    source_id: str

    @property
    def inputs(self) -> tuple[str, ...]:
        """The importer's snapshot and the Office's gazetteer, both pinned."""
        return (self.source_id, GSH_SOURCE)

    def run(self, context: ImportContext) -> ImportResult:
        """Import the snapshot with the build's shared base (see :meth:`imported`).

        An import makes rows by the ten thousand and frees few of them: the garbage
        collector is paused meanwhile (:func:`~._gazetteers.bulk_setup`, nothing frozen),
        which spares its passes over the build's live objects; its state is restored after.
        """
        with bulk_setup(freeze=False):
            snapshot = context.input_dir(self.source_id)
            return self.imported(context, snapshot, shared_base(context))

    @abstractmethod
    def imported(self, context: ImportContext, snapshot: Path, base: HistorianBase) -> ImportResult:
        """Import ``snapshot`` with ``base``; return the tables, coverage and reports."""


class TravelsImporter(HistorianImporter):
    """Foreign Travels of the President and Secretary of State (history-state-travels)."""

    source_id = SOURCE_ID

    def imported(self, context: ImportContext, snapshot: Path, base: HistorianBase) -> ImportResult:
        """Import the travels (see :func:`import_historian`)."""
        result = import_historian(
            snapshot,
            root=context.root,
            gap_days=context.gap_days,
            online=context.online_geocoding,
            base=base,
        )
        return ImportResult(result.tables, result.coverage, {"merges.csv": result.merges})
