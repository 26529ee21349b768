"""Rules on the journey tables: dates, sequence numbers, the leg chain, crossings, overlaps.

The rules that follow a row to its trip (or a crossing to its leg) find it by row
position (:meth:`Context.rows_of`, one Arrow hash lookup shared by every rule) and group
rows by integer trip codes (:func:`trip_codes`) rather than by the text of ``trip_id``,
so that a million stops cost numpy passes over integers, not pandas sorts, joins and
index look-ups on strings. Missing values keep the meaning pandas gives them: a missing
``trip_id`` belongs to no trip when rows are grouped, and finds a trip whose id is missing
too when rows are looked up or joined.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from leadertravel.pipeline.problems import Problem
from leadertravel.pipeline.rules._context import Context, date_text, same, take, text


def trip_dates(c: Context) -> list[Problem]:
    trips = c.tables["trips"]
    bad = trips[(trips["start_date"] > trips["end_date"]).fillna(False)]
    return c.report(
        "trips",
        bad,
        "end_date",
        "trip-dates",
        lambda r: f"end_date is before start_date {date_text(r['start_date'])}",
    )


def ordered(table: str, first: str, second: str, rule: str) -> Callable[[Context], list[Problem]]:
    def check(c: Context) -> list[Problem]:
        frame = c.tables[table]
        bad = frame[(frame[first] > frame[second]).fillna(False)]
        return c.report(
            table, bad, second, rule, lambda r: f"{second} is before {first} {date_text(r[first])}"
        )

    check.__name__ = f"_{rule.replace('-', '_')}"
    return check


def trip_codes(c: Context, *tables: str) -> list[np.ndarray]:
    """Each row's ``trip_id`` of ``tables`` as an integer, equal ids equal codes across them.

    An id of a trip codes as that trip's row position (its first row, for a repeated
    id); an id no trip has as a number after them, one per id; a missing id as -1.

    Examples
    --------
    >>> from leadertravel.pipeline.rules._context import Context
    >>> trips = pd.DataFrame({"trip_id": pd.array(["t1", "t2"], "string")})
    >>> stops = pd.DataFrame({"trip_id": pd.array(["t2", "zz", None, "t1"], "string")})
    >>> c = Context({"trips": trips, "stops": stops}, {"trips": {"primaryKey": ["trip_id"]}}, {})
    >>> [codes.tolist() for codes in trip_codes(c, "trips", "stops")]
    [[0, 1], [1, 2, -1, 0]]
    """
    known = "trips" in c.tables  # the rules of the other tables run without it too
    missing = [c.tables[t]["trip_id"].isna().to_numpy() for t in tables]
    codes = [
        np.where(m, -1, c.rows_of(t, "trip_id", "trips") if known else -1)
        for t, m in zip(tables, missing, strict=True)
    ]
    unknown = [(code < 0) & ~m for code, m in zip(codes, missing, strict=True)]
    if any(u.any() for u in unknown):
        ids = [text(c.tables[t]["trip_id"]).filter(u) for t, u in zip(tables, unknown, strict=True)]
        others = pc.unique(pa.concat_arrays(ids))
        after = len(c.tables["trips"]) if known else 0
        for code, u, values in zip(codes, unknown, ids, strict=True):
            code[u] = after + pc.index_in(values, value_set=others).to_numpy()
    return codes


def _trip_order(codes: np.ndarray, seq: pd.Series) -> np.ndarray:
    """Row positions grouped by trip, by ``seq`` within a trip (missing last), then row.

    When the codes and numbers fit, they are packed into one integer per row, ``code``
    times the span of ``seq`` plus ``seq``, and sorted once, stably (linear for rows in
    order already); otherwise sorted by the keys one after another (``np.lexsort``).
    """
    missing = seq.isna().to_numpy()
    number = seq.to_numpy(dtype=np.int64, na_value=0)
    present = number[~missing]
    low = int(present.min(initial=0))
    span = int(present.max(initial=0)) - low + 2  # the last place is for a missing seq
    if len(codes) and (int(codes.max()) + 2) * span < 2**62:
        place = np.where(missing, span - 1, number - low)
        return np.argsort((codes + 1) * span + place, kind="stable")
    return np.lexsort((np.arange(len(codes)), number, missing, codes))


def _next_in_trip(codes: np.ndarray, order: np.ndarray) -> np.ndarray:
    """Position of the row after each row of its trip in ``order`` (-1: last or no trip)."""
    in_order = codes[order]
    follows = (in_order[1:] == in_order[:-1]) & (in_order[:-1] >= 0)
    after = np.full(len(codes), -1, dtype=np.int64)
    after[order[:-1][follows]] = order[1:][follows]
    return after


def _rank_in_trip(codes: np.ndarray, order: np.ndarray) -> np.ndarray:
    """Each row's 1-based place in its trip in ``order`` (what ``cumcount() + 1`` gives)."""
    in_order = codes[order]
    starts = np.flatnonzero(np.r_[True, in_order[1:] != in_order[:-1]])
    runs = np.repeat(starts, np.diff(np.r_[starts, len(codes)]))
    rank = np.empty(len(codes), dtype=np.int64)
    rank[order] = np.arange(len(codes)) - runs + 1
    return rank


_DATED = (
    ("stops", ("arrival_date", "departure_date")),
    ("legs", ("depart_date", "arrive_date")),
    ("border_crossings", ("crossed_on",)),
)


def within_trip(c: Context) -> list[Problem]:
    trips = c.tables["trips"]
    out: list[Problem] = []
    for table, fields in _DATED:
        frame = c.tables[table]
        at = c.rows_of(table, "trip_id", "trips")
        start, end = take(trips["start_date"], at), take(trips["end_date"], at)
        for field in fields:
            day = frame[field]
            outside = ((day < start) | (day > end)).fillna(False)
            if not outside.any():
                continue
            bad = frame[outside].assign(_start=start[outside], _end=end[outside])
            out += c.report(
                table,
                bad,
                field,
                "within-trip",
                lambda r: (
                    f"outside its trip {r['trip_id']} "
                    f"({date_text(r['_start'])} to {date_text(r['_end'])})"
                ),
            )
    return out


def seq(c: Context) -> list[Problem]:
    out: list[Problem] = []
    for table in ("stops", "legs", "border_crossings"):
        frame = c.tables[table]
        if frame.empty:
            continue
        (codes,) = trip_codes(c, table)
        rank = _rank_in_trip(codes, _trip_order(codes, frame["seq"]))
        numbered = frame["seq"].notna().to_numpy() & (codes >= 0)
        wrong = numbered & (frame["seq"].to_numpy(dtype=np.int64, na_value=0) != rank)
        out += c.report(
            table,
            frame[wrong],
            "seq",
            "seq",
            lambda r: f"seq of trip {r['trip_id']} must run 1, 2, 3 … without gaps or repeats",
        )
    return out


def leg_chain(c: Context) -> list[Problem]:
    legs = c.tables["legs"]
    if legs.empty:
        return []
    (codes,) = trip_codes(c, "legs")
    after = _next_in_trip(codes, _trip_order(codes, legs["seq"]))
    nxt = {f: take(legs[f], after) for f in ("from_place_id", "from_country_code", "leg_id")}
    broken = nxt["leg_id"].notna() & ~(
        same(legs["to_place_id"], nxt["from_place_id"])
        & same(legs["to_country_code"], nxt["from_country_code"])
    )
    bad = legs[broken].assign(
        _next=nxt["leg_id"][broken],
        _np=nxt["from_place_id"][broken],
        _nc=nxt["from_country_code"][broken],
    )
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


def _trip_seq(codes: np.ndarray, seq: pd.Series, position: str) -> pd.DataFrame:
    """Join keys (trip code, seq; missing values match each other) and row positions."""
    return pd.DataFrame(
        {
            "trip": codes,
            "missing": seq.isna().to_numpy(),
            "seq": seq.to_numpy(dtype=np.int64, na_value=0),
            position: np.arange(len(codes)),
        }
    )


def legs_follow_stops(c: Context) -> list[Problem]:
    stops, legs, trips = c.tables["stops"], c.tables["legs"], c.tables["trips"]
    trip, stop, leg = trip_codes(c, "trips", "stops", "legs")
    size = max(len(trips), int(max(stop.max(initial=-1), leg.max(initial=-1))) + 1)
    n_stops = np.bincount(stop[stop >= 0], minlength=size)
    n_legs = np.bincount(leg[leg >= 0], minlength=size)
    wrong = (n_stops > 0) & (n_legs != n_stops + 1)
    listed = trip >= 0
    listed[listed] = wrong[trip[listed]]
    out = c.report(
        "trips",
        trips[listed].assign(_stops=n_stops[trip[listed]], _legs=n_legs[trip[listed]]),
        "trip_id",
        "legs-follow-stops",
        lambda r: f"has {int(r['_stops'])} stops but {int(r['_legs'])} legs; expected stops + 1",
    )
    pairs = _trip_seq(leg, legs["seq"], "_leg").merge(
        _trip_seq(stop, stops["seq"], "_stop"), on=["trip", "missing", "seq"], how="inner"
    )
    at_leg, at_stop = pairs["_leg"].to_numpy(), pairs["_stop"].to_numpy()
    mismatch = ~(
        same(take(legs["to_place_id"], at_leg), take(stops["place_id"], at_stop))
        & same(take(legs["to_country_code"], at_leg), take(stops["country_code"], at_stop))
    ).to_numpy()
    at_leg, at_stop = at_leg[mismatch], at_stop[mismatch]  # only these rows are reported
    joined = legs.iloc[at_leg].assign(
        **{f: stops[f].iloc[at_stop].array for f in ("place_id", "country_code", "stop_id")}
    )
    out += c.report(
        "legs",
        joined,
        "to_place_id",
        "legs-follow-stops",
        lambda r: (
            f"leg {r['seq']} ends at {r['to_place_id']} ({r['to_country_code']}) but stop "
            f"{r['stop_id']} is at {r['place_id']} ({r['country_code']})"
        ),
    )
    return out


def crossing_countries(c: Context) -> list[Problem]:
    crossings, legs = c.tables["border_crossings"], c.tables["legs"]
    at = c.rows_of("border_crossings", "leg_id", "legs")
    leg = {f: take(legs[f], at) for f in ("trip_id", "from_country_code", "to_country_code")}
    out: list[Problem] = []
    known = leg["trip_id"].notna()
    for side in ("from_country_code", "to_country_code"):
        differs = known & ~same(crossings[side], leg[side])
        out += c.report(
            "border_crossings",
            crossings[differs].assign(_leg=leg[side][differs], _side=side),
            side,
            "crossing-countries",
            lambda r: f"differs from its leg {r['leg_id']}'s {r['_side']} {r['_leg']}",
        )
    looped = crossings[same(crossings["from_country_code"], crossings["to_country_code"])]
    out += c.report(
        "border_crossings",
        looped,
        "to_country_code",
        "crossing-countries",
        lambda r: "a crossing must enter a different country than it leaves",
    )
    other = known & ~same(crossings["trip_id"], leg["trip_id"])
    out += c.report(
        "border_crossings",
        crossings[other].assign(_t=leg["trip_id"][other]),
        "leg_id",
        "crossing-trip",
        lambda r: f"leg belongs to trip {r['_t']}, not {r['trip_id']}",
    )
    return out


def trip_overlap(c: Context) -> list[Problem]:
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
        lambda r: f"overlaps trip {r['_p']} of the same leader, which ends {date_text(r['_e'])}",
    )
