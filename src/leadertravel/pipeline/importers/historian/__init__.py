"""Importer of the U.S. Office of the Historian travel records (history-state-travels).

``import_historian(sources_dir, root=...)`` verifies the pinned XML files, maps country
slugs to codes by name and date (the alias table, then the Office's gazetteer), merges
duplicate records, chains visits into trips, splits locales into stops, geocodes them
offline (the Office's gazetteer ahead of GeoNames) and derives legs and inferred border
crossings; see ``docs/historian-import.md``. ``TravelsImporter`` is its plugin for the
release build (:mod:`leadertravel.pipeline.importers`).
"""

from __future__ import annotations

from leadertravel.pipeline.importers.historian._gazetteers import free_at_exit
from leadertravel.pipeline.importers.historian._import import HistorianImport, import_historian
from leadertravel.pipeline.importers.historian._plugin import TravelsImporter

__all__ = ["HistorianImport", "TravelsImporter", "free_at_exit", "import_historian"]
