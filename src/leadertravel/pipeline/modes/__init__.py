"""Infer the transport mode of imported legs by documented rules kept in ``data/modes/``.

Importers derive legs from visit records that rarely say how the traveller moved, so their
legs start as ``transport_mode = 'unknown'``. :func:`infer_modes` sets the mode where one
rule of ``data/modes/rules.csv`` (tried in file order, first match wins) is reliable,
marks the leg ``mode_inferred = true`` and names the rule in ``mode_rule``; inferred border
crossings of such a leg take its mode. Curated legs and legs whose mode is already known
are never changed. The rules, their basis and their known failure cases are described in
``docs/transport-modes.md``.

A rule is a conjunction of conditions on one leg:

* ``stop_remarks`` — a regular expression (case-insensitive) found in the source's remarks
  of the stop at the leg's end (``legs = arriving``), start (``departing``) or either
  (``both``); the importer's own notes (after ``[importer]``) are not read. When
  consecutive stops of a trip carry the same remarks (one record split into several
  places), the remark is read as the record's: it applies to the leg into the first of
  them and the leg out of the last.
  With ``legs = previous-trip`` the remark is read on the last stop of the same leader's
  previous trip, for this trip's first leg, when that trip ended at most ``max_gap_days``
  before this one began (a voyage the grouping rule split into two trips).
* ``stop_place_kind`` — the kind of that stop's place (``air_base airport`` …).
* ``min_km`` — the leg's geodesic distance is known and at least this.
* ``crossing = ocean`` — the leg's ends lie in different world regions
  (``data/modes/world_regions.csv``: the Americas, Afro-Eurasia, Oceania; Antarctica is
  never counted). An end with a place takes its place's country; an end without one takes
  its country and, unless it is the trip's home end, the regions of that country's distant
  territories too, so a stop filed under the United Kingdom without a place could lie in
  the Caribbean and does not count as across the ocean.
* ``between_stops`` — the leg runs from a stop to a stop (not from or to home).
* ``from_date`` / ``to_date`` — the trip started on or after / before the day.

A rule whose mode is ``unknown`` sets nothing; it stops later rules from claiming the leg
(a documented case where they would be wrong).

Examples
--------
>>> from pathlib import Path
>>> import leadertravel
>>> rules = read_mode_rules(Path(leadertravel.__file__).resolve().parents[2])
>>> [(r.rule, r.kind) for r in rules.rules][-1]
('air-ocean-jet-age', 'era')
>>> rules.home_regions["FRA"] == rules.all_regions["FRA"]  # France's territories lie farther
False
"""

from __future__ import annotations

from leadertravel.pipeline.modes._agreement import mode_agreement
from leadertravel.pipeline.modes._infer import apply_mode_rules, infer_modes
from leadertravel.pipeline.modes._match import match_rules
from leadertravel.pipeline.modes._rules import ModeRule, ModeRules, read_mode_rules

__all__ = [
    "ModeRule",
    "ModeRules",
    "apply_mode_rules",
    "infer_modes",
    "match_rules",
    "mode_agreement",
    "read_mode_rules",
]
