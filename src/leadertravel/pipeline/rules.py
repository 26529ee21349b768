"""Semantic rules a Table Schema cannot state, checked on typed frames.

Each rule is a small function of the tables registered in :data:`RULES` with the tables
it reads; :func:`check_rules` runs every rule whose tables could be read and returns every
problem, not just the first. Keys and the citable tables come from the Table Schemas.
The rules work on whole columns (pandas), so they cost seconds on a million stops.

A new rule goes here: write ``_my_rule(c: _Context) -> list[Problem]`` reporting through
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

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from leadertravel.pipeline.problems import Location, Locator, Problem, show, table_order

__all__ = ["RULES", "Rule", "check_rules"]

Tables = Mapping[str, pd.DataFrame]


@dataclass(frozen=True)
class _Context:
    """What a rule sees: the tables, their schemas and how to locate their rows."""

    tables: Tables
    schemas: Mapping[str, Mapping[str, Any]]
    locators: Mapping[str, Locator]

    def key(self, table: str) -> str:
        """Return the table's (first) primary-key field, from its schema."""
        return str((self.schemas[table].get("primaryKey") or [""])[0])

    def by_key(self, table: str, columns: list[str]) -> pd.DataFrame:
        """Return ``columns`` of ``table`` indexed by its key.

        A repeated key keeps its first row (the repeat is a primary-key problem already).
        """
        indexed = self.tables[table].set_index(self.key(table))[columns]
        if indexed.index.is_unique:  # cached: the lookups need it anyway
            return indexed
        return indexed[~indexed.index.duplicated()]

    def report(
        self,
        table: str,
        rows: pd.DataFrame,
        field: str | None,
        rule: str,
        message: Callable[[pd.Series], str],
    ) -> list[Problem]:
        """One problem per row of ``rows`` (a slice of ``table``, indexed by position)."""
        if rows.empty:
            return []
        values = None if field is None else rows[field].tolist()
        messages = [message(row) for _, row in rows.iterrows()]
        return self.locators[table].problems(
            rows.index.to_numpy(), field=field, rule=rule, values=values, message=messages
        )


def _date(value: Any) -> str:
    return "unknown" if pd.isna(value) else show(value)


def _trip_dates(c: _Context) -> list[Problem]:
    trips = c.tables["trips"]
    bad = trips[(trips["start_date"] > trips["end_date"]).fillna(False)]
    return c.report(
        "trips",
        bad,
        "end_date",
        "trip-dates",
        lambda r: f"end_date is before start_date {_date(r['start_date'])}",
    )


def _ordered(table: str, first: str, second: str, rule: str) -> Callable[[_Context], list[Problem]]:
    def check(c: _Context) -> list[Problem]:
        frame = c.tables[table]
        bad = frame[(frame[first] > frame[second]).fillna(False)]
        return c.report(
            table, bad, second, rule, lambda r: f"{second} is before {first} {_date(r[first])}"
        )

    check.__name__ = f"_{rule.replace('-', '_')}"
    return check


_DATED = (
    ("stops", ("arrival_date", "departure_date")),
    ("legs", ("depart_date", "arrive_date")),
    ("border_crossings", ("crossed_on",)),
)


def _within_trip(c: _Context) -> list[Problem]:
    trips = c.by_key("trips", ["start_date", "end_date"])
    out: list[Problem] = []
    for table, fields in _DATED:
        frame = c.tables[table]
        span = trips.reindex(frame["trip_id"])
        span.index = frame.index
        for field in fields:
            day = frame[field]
            outside = ((day < span["start_date"]) | (day > span["end_date"])).fillna(False)
            bad = frame.assign(_start=span["start_date"], _end=span["end_date"])[outside]
            out += c.report(
                table,
                bad,
                field,
                "within-trip",
                lambda r: (
                    f"outside its trip {r['trip_id']} ({_date(r['_start'])} to {_date(r['_end'])})"
                ),
            )
    return out


def _seq(c: _Context) -> list[Problem]:
    out: list[Problem] = []
    for table in ("stops", "legs", "border_crossings"):
        frame = c.tables[table]
        if frame.empty:
            continue
        rank = (
            frame.sort_values(["trip_id", "seq"], kind="stable").groupby("trip_id").cumcount() + 1
        )
        bad = frame[(frame["seq"] != rank.reindex(frame.index)).fillna(False)]
        out += c.report(
            table,
            bad,
            "seq",
            "seq",
            lambda r: f"seq of trip {r['trip_id']} must run 1, 2, 3 … without gaps or repeats",
        )
    return out


def _isin(values: pd.Series, allowed: Any) -> pd.Series:
    """``values.isin(allowed)`` computed by Arrow (pandas builds a Python set for strings)."""
    array = pa.array(values.astype(object), type=pa.string(), from_pandas=True)
    pool = pa.array(pd.Series(list(allowed), dtype=object), type=pa.string(), from_pandas=True)
    found = pc.fill_null(pc.is_in(array, value_set=pool), False)
    return pd.Series(found.to_numpy(zero_copy_only=False), index=values.index)


def _same(a: pd.Series, b: pd.Series) -> pd.Series:
    """Element-wise equality where two missing values count as equal."""
    return ((a == b) | (a.isna() & b.isna())).fillna(False).astype(bool)


def _leg_chain(c: _Context) -> list[Problem]:
    legs = c.tables["legs"].sort_values(["trip_id", "seq"], kind="stable")
    nxt = legs.groupby("trip_id")[["from_place_id", "from_country_code", "leg_id"]].shift(-1)
    has_next = nxt["leg_id"].notna()
    broken = has_next & ~(
        _same(legs["to_place_id"], nxt["from_place_id"])
        & _same(legs["to_country_code"], nxt["from_country_code"])
    )
    bad = legs.assign(_next=nxt["leg_id"], _np=nxt["from_place_id"], _nc=nxt["from_country_code"])[
        broken
    ]
    return c.report(
        "legs",
        bad,
        "to_place_id",
        "leg-chain",
        lambda r: (
            f"ends at {r['to_place_id']} ({r['to_country_code']}) but the next leg "
            f"{r['_next']} starts at {r['_np']} ({r['_nc']})"
        ),
    )


def _legs_follow_stops(c: _Context) -> list[Problem]:
    stops, legs = c.tables["stops"], c.tables["legs"]
    out: list[Problem] = []
    n_stops = stops.groupby("trip_id").size()
    n_legs = legs.groupby("trip_id").size()
    counts = pd.concat([n_stops.rename("stops"), n_legs.rename("legs")], axis=1).fillna(0)
    wrong = counts[(counts["stops"] > 0) & (counts["legs"] != counts["stops"] + 1)]
    trips = c.tables["trips"]
    bad_trips = trips[_isin(trips["trip_id"], wrong.index)]
    out += c.report(
        "trips",
        bad_trips,
        "trip_id",
        "legs-follow-stops",
        lambda r: (
            f"has {int(wrong.loc[r['trip_id'], 'stops'])} stops but "
            f"{int(wrong.loc[r['trip_id'], 'legs'])} legs; expected stops + 1"
        ),
    )
    joined = (
        legs.reset_index()
        .merge(
            stops[["trip_id", "seq", "place_id", "country_code", "stop_id"]],
            on=["trip_id", "seq"],
            how="inner",
        )
        .set_index("index")
    )
    mismatch = ~(
        _same(joined["to_place_id"], joined["place_id"])
        & _same(joined["to_country_code"], joined["country_code"])
    )
    out += c.report(
        "legs",
        joined[mismatch],
        "to_place_id",
        "legs-follow-stops",
        lambda r: (
            f"leg {r['seq']} ends at {r['to_place_id']} ({r['to_country_code']}) but stop "
            f"{r['stop_id']} is at {r['place_id']} ({r['country_code']})"
        ),
    )
    return out


def _crossings(c: _Context) -> list[Problem]:
    crossings = c.tables["border_crossings"]
    leg = c.by_key("legs", ["trip_id", "from_country_code", "to_country_code"]).reindex(
        crossings["leg_id"]
    )
    leg.index = crossings.index
    out: list[Problem] = []
    known = leg["trip_id"].notna()
    for side in ("from_country_code", "to_country_code"):
        differs = known & ~_same(crossings[side], leg[side])
        bad = crossings.assign(_leg=leg[side], _side=side)[differs]
        out += c.report(
            "border_crossings",
            bad,
            side,
            "crossing-countries",
            lambda r: f"differs from its leg {r['leg_id']}'s {r['_side']} {r['_leg']}",
        )
    same = crossings[_same(crossings["from_country_code"], crossings["to_country_code"])]
    out += c.report(
        "border_crossings",
        same,
        "to_country_code",
        "crossing-countries",
        lambda r: "a crossing must enter a different country than it leaves",
    )
    other = known & ~_same(crossings["trip_id"], leg["trip_id"])
    out += c.report(
        "border_crossings",
        crossings.assign(_t=leg["trip_id"])[other],
        "leg_id",
        "crossing-trip",
        lambda r: f"leg belongs to trip {r['_t']}, not {r['trip_id']}",
    )
    return out


def _trip_overlap(c: _Context) -> list[Problem]:
    trips = c.tables["trips"].sort_values(["leader_id", "start_date", "trip_id"], kind="stable")
    prev_end = trips.groupby("leader_id")["end_date"].shift(1)
    prev_id = trips.groupby("leader_id")["trip_id"].shift(1)
    overlap = (trips["start_date"] <= prev_end).fillna(False)
    bad = trips.assign(_p=prev_id, _e=prev_end)[overlap]
    return c.report(
        "trips",
        bad,
        "start_date",
        "trip-overlap",
        lambda r: f"overlaps trip {r['_p']} of the same leader, which ends {_date(r['_e'])}",
    )


def _citable(c: _Context) -> list[str]:
    """Return the tables a citation may name: the enum of ``citations.table_name``."""
    field = next(f for f in c.schemas["citations"]["fields"] if f["name"] == "table_name")
    return [str(t) for t in field.get("constraints", {}).get("enum", []) if t in c.tables]


def _cites_source(c: _Context) -> list[Problem]:
    cited = c.tables["citations"]
    out: list[Problem] = []
    for table in _citable(c):
        frame = c.tables[table]
        fields = {f["name"] for f in c.schemas[table]["fields"]}
        if "origin" not in fields or "source_id" in fields:
            continue  # not curated records, or they name their source themselves
        key = c.key(table)
        ids = cited.loc[cited["table_name"] == table, "record_id"]
        uncited = frame[((frame["origin"] == "curated") & ~_isin(frame[key], ids)).fillna(False)]
        out += c.report(
            table,
            uncited.assign(_table=table),
            key,
            "cites-source",
            lambda r: (
                f"no row in citations names this {r['_table']} record; "
                "add one (table_name, record_id, source_id)"
            ),
        )
    return out


def _citation_target(c: _Context) -> list[Problem]:
    cited = c.tables["citations"]
    dangling = pd.Series(False, index=cited.index)
    for table in _citable(c):
        mine = cited.index[(cited["table_name"] == table).fillna(False).to_numpy(dtype=bool)]
        if mine.empty:
            continue
        ids = c.tables[table][c.key(table)]
        dangling[mine] = ~_isin(cited.loc[mine, "record_id"], ids).to_numpy()
    return c.report(
        "citations",
        cited[dangling],
        "record_id",
        "citation-target",
        lambda r: f"no {r['table_name']} record has this id",
    )


@dataclass(frozen=True)
class Rule:
    """A semantic rule: its stable name, the tables it reads, the check."""

    name: str
    tables: tuple[str, ...]
    check: Callable[[_Context], list[Problem]]


_JOURNEY = ("trips", "stops", "legs", "border_crossings")
RULES: tuple[Rule, ...] = (
    Rule("trip-dates", ("trips",), _trip_dates),
    Rule(
        "stop-dates", ("stops",), _ordered("stops", "arrival_date", "departure_date", "stop-dates")
    ),
    Rule("leg-dates", ("legs",), _ordered("legs", "depart_date", "arrive_date", "leg-dates")),
    Rule("within-trip", _JOURNEY, _within_trip),
    Rule("seq", ("stops", "legs", "border_crossings"), _seq),
    Rule("leg-chain", ("legs",), _leg_chain),
    Rule("legs-follow-stops", ("trips", "stops", "legs"), _legs_follow_stops),
    Rule("crossing-countries", ("legs", "border_crossings"), _crossings),
    Rule("trip-overlap", ("trips",), _trip_overlap),
    Rule("cites-source", ("citations",), _cites_source),
    Rule("citation-target", ("citations",), _citation_target),
)


def check_rules(
    tables: Tables,
    schemas: Mapping[str, Mapping[str, Any]],
    *,
    locations: Mapping[str, Location] | None = None,
    unreadable: Collection[str] = (),
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
    context = _Context(frames, schemas, locators)
    problems: list[Problem] = []
    for rule in RULES:
        if all(t in locators for t in rule.tables):
            problems += rule.check(context)
    return sorted(problems)
