"""Semantic rules a Table Schema cannot state, checked on typed frames.

Each rule is a small function of the tables registered in :data:`RULES` with the tables
it reads; :func:`check_rules` runs every rule whose tables could be read and returns every
problem, not just the first. Keys and the citable tables come from the Table Schemas.
The rules work on whole columns (pandas), so they cost seconds on a million stops.

A new rule goes here: write ``_my_rule(c: Context) -> list[Problem]`` (in ``_journey.py``,
``_citations.py`` or a new module of this package) reporting through
``c.report`` and add ``Rule("my-rule", ("tables", "it", "reads"), _my_rule)`` to
:data:`RULES`, with a case in ``tests/validate/test_rules.py``.

Rule names (stable; tests and tools match on them):

=====================  =====================================================================
trip-dates             a trip's start_date is on or before its end_date
stop-dates             a stop's arrival is on or before its departure
leg-dates              a leg's departure is on or before its arrival
within-trip            stop, leg and crossing dates fall inside their trip's dates
seq                    stops, legs and crossings of a trip are numbered 1..n without gaps
leg-chain              leg n ends where leg n + 1 starts (place and country)
legs-follow-stops      a trip with n stops has n + 1 legs and leg k ends at stop k
crossing-countries     a crossing's from/to countries are its leg's from/to countries
crossing-trip          a crossing belongs to the same trip as its leg
trip-overlap           no two trips of one leader overlap
cites-source           every curated record cites at least one source
citation-target        every citation names an existing record
=====================  =====================================================================
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from leadertravel.pipeline.problems import Location, Locator, Problem, table_order
from leadertravel.pipeline.rules._citations import citation_target, cites_source
from leadertravel.pipeline.rules._context import Context, Tables
from leadertravel.pipeline.rules._journey import (
    crossing_countries,
    leg_chain,
    legs_follow_stops,
    ordered,
    seq,
    trip_dates,
    trip_overlap,
    within_trip,
)

__all__ = ["RULES", "Rule", "check_rules"]


@dataclass(frozen=True)
class Rule:
    """A semantic rule: its stable name, the tables it reads, the check."""

    name: str
    tables: tuple[str, ...]
    check: Callable[[Context], list[Problem]]


_JOURNEY = ("trips", "stops", "legs", "border_crossings")
RULES: tuple[Rule, ...] = (
    Rule("trip-dates", ("trips",), trip_dates),
    Rule(
        "stop-dates", ("stops",), ordered("stops", "arrival_date", "departure_date", "stop-dates")
    ),
    Rule("leg-dates", ("legs",), ordered("legs", "depart_date", "arrive_date", "leg-dates")),
    Rule("within-trip", _JOURNEY, within_trip),
    Rule("seq", ("stops", "legs", "border_crossings"), seq),
    Rule("leg-chain", ("legs",), leg_chain),
    Rule("legs-follow-stops", ("trips", "stops", "legs"), legs_follow_stops),
    Rule("crossing-countries", ("legs", "border_crossings"), crossing_countries),
    Rule("trip-overlap", ("trips",), trip_overlap),
    Rule("cites-source", ("citations",), cites_source),
    Rule("citation-target", ("citations",), citation_target),
)


def check_rules(
    tables: Tables,
    schemas: Mapping[str, Mapping[str, Any]],
    *,
    locations: Mapping[str, Location] | None = None,
    unreadable: Collection[str] = (),
    lookups: Mapping[tuple[str, str, str], np.ndarray] | None = None,
) -> list[Problem]:
    """Check every semantic rule on typed tables and return all problems found.

    Parameters
    ----------
    tables
        Table name → typed frame (see :func:`leadertravel.pipeline.typed.to_frame`).
    schemas
        Table name → Table Schema (keys and the citable tables come from them).
    locations
        Table name → where its rows come from, for ``file:row`` locations; rows of
        other tables are named by their primary key.
    unreadable
        Tables that could not be read: rules that need one are skipped (the reading
        problem is the root cause; everything a rule said would repeat it).
    lookups
        Rows the foreign keys found already (``CheckResult.lookups`` of
        :func:`leadertravel.pipeline.checks.check_tables` on the same tables), so that
        the rules following them do not look them up again.

    Returns
    -------
    list of Problem
        In :meth:`Problem.sort_key` order; empty when every rule holds.
    """
    locations = locations or {}
    ranks = table_order(schemas)
    frames = {
        n: f
        if isinstance(f.index, pd.RangeIndex) and f.index.start == 0
        else f.reset_index(drop=True)
        for n, f in tables.items()
        if n not in unreadable
    }
    locators = {
        n: Locator(
            n,
            locations.get(n) or Location.table(n, len(f)),
            keys={k: f[k] for k in schemas[n].get("primaryKey") or [] if k in f},
            rank=ranks.get(n, 0),
        )
        for n, f in frames.items()
        if n in schemas
    }
    context = Context(frames, schemas, locators, dict(lookups or {}))
    problems: list[Problem] = []
    for rule in RULES:
        if all(t in locators for t in rule.tables):
            problems += rule.check(context)
    return sorted(problems)
