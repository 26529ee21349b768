"""Dyad-year and country-year panels from the release's trips, stops and codes (pure pandas).

One implementation serves both the release builder (which writes the ``dyad_years`` and
``country_years`` tables) and the loader helpers :func:`dyad_years` and
:func:`country_years`, so the two agree by construction; the tests check it anyway.

The definitions (also in the Table Schemas of the two tables):

- **Presence.** A trip is present in a country on every day from each stop's arrival date
  to its departure date, both included. A missing arrival date is the last date known
  before it in the trip (the previous stop's departure or arrival, else the trip's start);
  a missing departure date is the next date known after it (else the trip's end).
- **States.** Each day is mapped to a state of the chosen system through
  ``country_codes`` (COW or G&W code valid on that day), for the country visited and for
  the traveller's country (``leaders.country_code``) alike. Days in a country that is not a
  member that day (a colony, Hong Kong, the Vatican …) and days at home do not count. With
  ``system="iso3"`` the project's own country codes are the units and every foreign stop
  counts.
- **Offices.** A trip counts under its ``trips.office``; a head of state and government
  (a U.S. president) counts under both ``head_of_state`` and ``head_of_government``, a
  president-elect under ``other``.
- **Counts.** ``trips``: distinct trips present at least one day of the year; ``leaders``:
  distinct travellers among them; ``days``: distinct calendar days with at least one of
  them present.
- **Honest zeros.** A zero is written only where complete coverage claims (``coverage``)
  cover every day of the year for that origin, destination and office, over the states
  that were members of the system in that year. Elsewhere a dyad-year has a row only when
  the release holds trips for it (``complete`` false: a lower bound); a dyad-year without
  a row is not covered and is missing, never zero.

Modules: ``_defs`` (vocabulary), ``_arrays`` (integer-array helpers), ``_units`` (codes →
states by day), ``_presence`` (trip days → unit days), ``_coverage`` (the cells complete
claims cover), ``_count`` (:func:`build_panels`), ``_helpers`` (the loader functions).
"""

from __future__ import annotations

from leadertravel._panels._count import build_panels
from leadertravel._panels._defs import INPUT_COLUMNS, PANEL_OFFICES, SYSTEMS, System
from leadertravel._panels._helpers import (
    country_years,
    country_years_from,
    dyad_years,
    dyad_years_from,
)

__all__ = [
    "INPUT_COLUMNS",
    "PANEL_OFFICES",
    "SYSTEMS",
    "System",
    "build_panels",
    "country_years",
    "country_years_from",
    "dyad_years",
    "dyad_years_from",
]
