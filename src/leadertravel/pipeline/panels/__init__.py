"""Derive the analysis tables of a release: state-system codes, coverage and panels.

:func:`add_panels` is the builder's last assembly step. From the assembled tables, the
pinned state-system lists (``state-system/`` beside the source snapshot: the COW states2016
and Gleditsch-Ward lists, ``data/pins/state-system.sha256``) and the curated crosswalk
``data/reference/state_system_crosswalk.csv`` it makes:

- ``system_membership``: the membership spells of both lists, values unchanged (the lists'
  ``9999-12-31`` becomes a null end);
- ``country_codes``: for every code of ``countries``, spells from 1816-01-01 on during which
  its COW and G&W codes (or none) stay the same;
- ``coverage``: the claims of ``data/reference/coverage.csv`` whose body of data the
  release holds records of (``trips.origin``), so no claim speaks for missing records;
- ``dyad_years`` and ``country_years``: computed by :mod:`leadertravel._panels`, the same
  code the loader helpers ``lt.dyad_years`` and ``lt.country_years`` run.

Without the state-system lists (a build from the curated tables alone) only ``coverage``
is filtered and the four derived tables are left out, with a warning.

Modules: ``_inputs`` (the lists and the crosswalk, read and checked), ``_spells`` (the
``country_codes`` spells), ``_coverage`` (checks of the coverage claims), ``_add``
(:func:`add_panels`).
"""

from __future__ import annotations

from leadertravel.pipeline.panels._add import DERIVED_TABLES, Panels, add_panels
from leadertravel.pipeline.panels._inputs import (
    CROSSWALK,
    DIRECTORY,
    find_state_system,
    read_crosswalk,
    read_membership,
)
from leadertravel.pipeline.panels._spells import country_code_spells

__all__ = [
    "CROSSWALK",
    "DERIVED_TABLES",
    "DIRECTORY",
    "Panels",
    "add_panels",
    "country_code_spells",
    "find_state_system",
    "read_crosswalk",
    "read_membership",
]
