"""Importer of the U.S. Office of the Historian travel records (history-state-travels).

``import_historian(sources_dir, root=...)`` verifies the pinned XML files, maps country
slugs to codes by name and date, merges duplicate records, chains visits into trips, splits
locales into stops, geocodes them offline and derives legs and inferred border crossings;
see ``docs/historian-import.md``.
"""

from __future__ import annotations

from leadertravel.build.historian._import import HistorianImport, import_historian

__all__ = ["HistorianImport", "import_historian"]
