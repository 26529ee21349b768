"""Importer of the U.S. Office of the Historian's visits by foreign leaders (history-state-visits).

``import_visits(sources_dir, root=...)`` verifies the pinned XML files, splits each visitor
string into the people it names (title and name), resolves one leader per person across
visits and titles, derives the office from the title and the country, codes the visit's
kind from its description, takes the U.S. places the description names as stops, and
derives legs (home → the U.S. places → home) and inferred border crossings; see
``docs/visits-import.md``. ``VisitsImporter`` is its plugin for the release build.
"""

from __future__ import annotations

from leadertravel.pipeline.importers.visits._import import VisitsImport, import_visits
from leadertravel.pipeline.importers.visits._plugin import VisitsImporter

__all__ = ["VisitsImport", "VisitsImporter", "import_visits"]
