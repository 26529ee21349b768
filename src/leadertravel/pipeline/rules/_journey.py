"""Rules on the journey tables: dates, sequence numbers, the leg chain, crossings, overlaps."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from leadertravel.pipeline.problems import Problem
from leadertravel.pipeline.rules._context import Context, date_text, isin, same


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


_DATED = (
    ("stops", ("arrival_date", "departure_date")),
    ("legs", ("depart_date", "arrive_date")),
    ("border_crossings", ("crossed_on",)),
)


def within_trip(c: Context) -> list[Problem]:
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


def leg_chain(c: Context) -> list[Problem]:
    legs = c.tables["legs"].sort_values(["trip_id", "seq"], kind="stable")
    nxt = legs.groupby("trip_id")[["from_place_id", "from_country_code", "leg_id"]].shift(-1)
    has_next = nxt["leg_id"].notna()
    broken = has_next & ~(
        same(legs["to_place_id"], nxt["from_place_id"])
        & same(legs["to_country_code"], nxt["from_country_code"])
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


def legs_follow_stops(c: Context) -> list[Problem]:
    stops, legs = c.tables["stops"], c.tables["legs"]
    out: list[Problem] = []
    n_stops = stops.groupby("trip_id").size()
    n_legs = legs.groupby("trip_id").size()
    counts = pd.concat([n_stops.rename("stops"), n_legs.rename("legs")], axis=1).fillna(0)
    wrong = counts[(counts["stops"] > 0) & (counts["legs"] != counts["stops"] + 1)]
    trips = c.tables["trips"]
    bad_trips = trips[isin(trips["trip_id"], wrong.index)]
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
        same(joined["to_place_id"], joined["place_id"])
        & same(joined["to_country_code"], joined["country_code"])
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


def crossing_countries(c: Context) -> list[Problem]:
    crossings = c.tables["border_crossings"]
    leg = c.by_key("legs", ["trip_id", "from_country_code", "to_country_code"]).reindex(
        crossings["leg_id"]
    )
    leg.index = crossings.index
    out: list[Problem] = []
    known = leg["trip_id"].notna()
    for side in ("from_country_code", "to_country_code"):
        differs = known & ~same(crossings[side], leg[side])
        bad = crossings.assign(_leg=leg[side], _side=side)[differs]
        out += c.report(
            "border_crossings",
            bad,
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
        crossings.assign(_t=leg["trip_id"])[other],
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
