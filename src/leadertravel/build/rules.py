"""Semantic rules a Table Schema cannot state, checked on typed frames.

Each rule is a small function ``(tables, where) -> list[Problem]`` registered in
:data:`RULES`; :func:`check_rules` runs them all and returns every problem, not just the
first. The rules work on whole columns (pandas), so they cost seconds on a million stops.

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

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from leadertravel._problems import Problem

__all__ = ["RULES", "Where", "check_rules"]

Tables = Mapping[str, pd.DataFrame]

_PKEYS = {
    "leaders": "leader_id",
    "terms": "term_id",
    "trips": "trip_id",
    "stops": "stop_id",
    "legs": "leg_id",
    "border_crossings": "crossing_id",
    "places": "place_id",
}


@dataclass(frozen=True)
class Where:
    """How to name the location of a row in a problem report.

    Parameters
    ----------
    files
        Table name → file the table was read from. Frames of such tables are indexed by
        their CSV row number, which becomes :attr:`Problem.row`. Tables not listed are
        reported by table name, and the message names the record's primary key.
    """

    files: Mapping[str, str]

    def problems(
        self,
        table: str,
        rows: pd.DataFrame,
        field: str | None,
        rule: str,
        message: Callable[[pd.Series], str],
        value: str | None = None,
    ) -> list[Problem]:
        """Build one problem per row of ``rows`` (a slice of ``table``)."""
        out = []
        file = self.files.get(table, table)
        located = table in self.files
        key = _PKEYS.get(table)
        for index, row in rows.iterrows():
            text = message(row)
            if not located and key is not None:
                text = f"{key}={row[key]}: {text}"
            shown = (
                value
                if value is not None
                else (None if field is None or pd.isna(row[field]) else _fmt(row[field]))
            )
            out.append(Problem(file, int(index) if located else None, field, rule, shown, text))  # type: ignore[call-overload]
        return out


def _fmt(value: object) -> str:
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat() if value == value.normalize() else value.isoformat()
    return str(value)


def _date(value: Any) -> str:
    return "unknown" if pd.isna(value) else _fmt(value)


def _trip_dates(t: Tables, w: Where) -> list[Problem]:
    trips = t["trips"]
    bad = trips[trips["start_date"] > trips["end_date"]]
    return w.problems(
        "trips",
        bad,
        "end_date",
        "trip-dates",
        lambda r: f"end_date is before start_date {_date(r['start_date'])}",
    )


def _ordered(
    table: str, first: str, second: str, rule: str
) -> Callable[[Tables, Where], list[Problem]]:
    def check(t: Tables, w: Where) -> list[Problem]:
        frame = t[table]
        bad = frame[(frame[first] > frame[second]).fillna(False)]
        return w.problems(
            table, bad, second, rule, lambda r: f"{second} is before {first} {_date(r[first])}"
        )

    check.__name__ = f"_{rule}"
    return check


def _within_trip(t: Tables, w: Where) -> list[Problem]:
    trips = t["trips"].set_index("trip_id")[["start_date", "end_date"]]
    out: list[Problem] = []
    for table, fields in (
        ("stops", ("arrival_date", "departure_date")),
        ("legs", ("depart_date", "arrive_date")),
        ("border_crossings", ("crossed_on",)),
    ):
        frame = t[table]
        span = trips.reindex(frame["trip_id"])
        span.index = frame.index
        for field in fields:
            day = frame[field]
            outside = ((day < span["start_date"]) | (day > span["end_date"])).fillna(False)
            bad = frame.assign(_start=span["start_date"], _end=span["end_date"])[outside]
            out += w.problems(
                table,
                bad,
                field,
                "within-trip",
                lambda r: (
                    f"outside its trip {r['trip_id']} ({_date(r['_start'])} to {_date(r['_end'])})"
                ),
            )
    return out


def _seq(t: Tables, w: Where) -> list[Problem]:
    out: list[Problem] = []
    for table in ("stops", "legs", "border_crossings"):
        frame = t[table]
        if frame.empty:
            continue
        rank = (
            frame.sort_values(["trip_id", "seq"], kind="stable").groupby("trip_id").cumcount() + 1
        )
        bad = frame[frame["seq"] != rank.reindex(frame.index)]
        out += w.problems(
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


def _legs_sorted(t: Tables) -> pd.DataFrame:
    return t["legs"].sort_values(["trip_id", "seq"], kind="stable")


def _leg_chain(t: Tables, w: Where) -> list[Problem]:
    legs = _legs_sorted(t)
    nxt = legs.groupby("trip_id")[["from_place_id", "from_country_code", "leg_id"]].shift(-1)
    has_next = nxt["leg_id"].notna()
    broken = has_next & ~(
        _same(legs["to_place_id"], nxt["from_place_id"])
        & _same(legs["to_country_code"], nxt["from_country_code"])
    )
    bad = legs.assign(_next=nxt["leg_id"], _np=nxt["from_place_id"], _nc=nxt["from_country_code"])[
        broken
    ]
    return w.problems(
        "legs",
        bad,
        "to_place_id",
        "leg-chain",
        lambda r: (
            f"ends at {r['to_place_id']} ({r['to_country_code']}) but the next leg "
            f"{r['_next']} starts at {r['_np']} ({r['_nc']})"
        ),
    )


def _legs_follow_stops(t: Tables, w: Where) -> list[Problem]:
    stops, legs = t["stops"], t["legs"]
    out: list[Problem] = []
    n_stops = stops.groupby("trip_id").size()
    n_legs = legs.groupby("trip_id").size()
    counts = pd.concat([n_stops.rename("stops"), n_legs.rename("legs")], axis=1).fillna(0)
    wrong = counts[(counts["stops"] > 0) & (counts["legs"] != counts["stops"] + 1)]
    trips = t["trips"]
    bad_trips = trips[_isin(trips["trip_id"], wrong.index)]
    out += w.problems(
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
    out += w.problems(
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


def _crossings(t: Tables, w: Where) -> list[Problem]:
    crossings = t["border_crossings"]
    legs = t["legs"].set_index("leg_id")[["trip_id", "from_country_code", "to_country_code"]]
    leg = legs.reindex(crossings["leg_id"])
    leg.index = crossings.index
    out: list[Problem] = []
    known = leg["trip_id"].notna()
    for side in ("from_country_code", "to_country_code"):
        differs = known & ~_same(crossings[side], leg[side])
        bad = crossings.assign(_leg=leg[side], _side=side)[differs]
        out += w.problems(
            "border_crossings",
            bad,
            side,
            "crossing-countries",
            lambda r: f"differs from its leg {r['leg_id']}'s {r['_side']} {r['_leg']}",
        )
    same = crossings[_same(crossings["from_country_code"], crossings["to_country_code"])]
    out += w.problems(
        "border_crossings",
        same,
        "to_country_code",
        "crossing-countries",
        lambda r: "a crossing must enter a different country than it leaves",
    )
    other = known & ~_same(crossings["trip_id"], leg["trip_id"])
    out += w.problems(
        "border_crossings",
        crossings.assign(_t=leg["trip_id"])[other],
        "leg_id",
        "crossing-trip",
        lambda r: f"leg belongs to trip {r['_t']}, not {r['trip_id']}",
    )
    return out


def _trip_overlap(t: Tables, w: Where) -> list[Problem]:
    trips = t["trips"].sort_values(["leader_id", "start_date", "trip_id"], kind="stable")
    prev_end = trips.groupby("leader_id")["end_date"].shift(1)
    prev_id = trips.groupby("leader_id")["trip_id"].shift(1)
    overlap = (trips["start_date"] <= prev_end).fillna(False)
    bad = trips.assign(_p=prev_id, _e=prev_end)[overlap]
    return w.problems(
        "trips",
        bad,
        "start_date",
        "trip-overlap",
        lambda r: f"overlaps trip {r['_p']} of the same leader, which ends {_date(r['_e'])}",
    )


def _cites_source(t: Tables, w: Where) -> list[Problem]:
    cited = t["citations"]
    out: list[Problem] = []
    for table, key in _PKEYS.items():
        frame = t.get(table)
        if frame is None or "origin" not in frame.columns or table == "terms":
            continue
        ids = cited.loc[cited["table_name"] == table, "record_id"]
        uncited = frame[(frame["origin"] == "curated") & ~_isin(frame[key], ids)]
        uncited = uncited.assign(_table=table)
        out += w.problems(
            table,
            uncited,
            key,
            "cites-source",
            lambda r: (
                f"no row in citations names this {r['_table']} record; "
                "add one (table_name, record_id, source_id)"
            ),
        )
    return out


def _citation_target(t: Tables, w: Where) -> list[Problem]:
    cited = t["citations"]
    dangling = pd.Series(False, index=cited.index)
    for table, key in _PKEYS.items():
        frame = t.get(table)
        mine = cited.index[(cited["table_name"] == table).to_numpy(dtype=bool)]
        if frame is None or mine.empty:
            continue
        dangling[mine] = ~_isin(cited.loc[mine, "record_id"], frame[key]).to_numpy()
    return w.problems(
        "citations",
        cited[dangling],
        "record_id",
        "citation-target",
        lambda r: f"no {r['table_name']} record has this id",
    )


RULES: tuple[Callable[[Tables, Where], list[Problem]], ...] = (
    _trip_dates,
    _ordered("stops", "arrival_date", "departure_date", "stop-dates"),
    _ordered("legs", "depart_date", "arrive_date", "leg-dates"),
    _within_trip,
    _seq,
    _leg_chain,
    _legs_follow_stops,
    _crossings,
    _trip_overlap,
    _cites_source,
    _citation_target,
)


def check_rules(tables: Tables, *, files: Mapping[str, str] | None = None) -> list[Problem]:
    """Check every semantic rule on typed tables and return all problems found.

    Parameters
    ----------
    tables
        Table name → typed frame (see :mod:`leadertravel.build._frames`); needs at least
        trips, stops, legs, border_crossings and citations.
    files
        Table name → the file it was read from, for tables whose frames are indexed by
        CSV row number; problems in them are reported as ``file:row``.

    Returns
    -------
    list of Problem
        Sorted by file, row and rule; empty when every rule holds.
    """
    where = Where(files or {})
    problems: list[Problem] = []
    for rule in RULES:
        problems += rule(tables, where)
    return sorted(problems, key=lambda p: (p.file, p.row or 0, p.rule, p.field or "", p.message))
