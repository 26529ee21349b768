"""Which rules' conditions hold on each leg (whatever its mode is now)."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from leadertravel.pipeline.modes._rules import NEVER_OCEAN, ModeRules

_IMPORTER_NOTE = " [importer]"


def _source_remarks(remarks: pd.Series) -> np.ndarray:
    """Each stop's remarks up to its first importer note, stripped (``""`` for none).

    One pass over the Python strings: the pandas string methods (split, take the first
    part, strip) gave the same objects in three passes, three times slower.

    Examples
    --------
    >>> _source_remarks(pd.Series(["By sea. [importer] Placed.", None, " Flew "])).tolist()
    ['By sea.', '', 'Flew']
    """
    text = remarks.astype("string").fillna("").tolist()
    return np.array([t.split(_IMPORTER_NOTE, 1)[0].strip() for t in text], dtype=object)


def _stop_ends(
    tables: dict[str, pd.DataFrame], legs: pd.DataFrame, *, previous_trip: bool
) -> dict[str, pd.DataFrame]:
    """For each leg, the stop it arrives at and the stop it departs from (NA at home).

    With ``previous_trip``, also ``previous-trip``: for a trip's first leg, the last stop
    of the same leader's previous trip, with ``gap_days`` from that trip's end to this
    trip's start (NA for every other leg).
    """
    stops = tables["stops"]
    kinds = tables["places"].set_index("place_id")["kind"].astype("string")
    frame = pd.DataFrame(
        {
            "trip_id": stops["trip_id"].astype("string").to_numpy(),
            "seq": stops["seq"].astype("int64").to_numpy(),
            "remarks": _source_remarks(stops["remarks"]),
            "kind": stops["place_id"].astype("string").map(kinds).to_numpy(),
        }
    ).sort_values(["trip_id", "seq"], kind="stable")
    # A run of consecutive stops with the same remarks is one record split into places:
    # its remarks speak of arriving at the first and leaving from the last.
    same_prev = (frame["trip_id"] == frame["trip_id"].shift()) & (
        frame["remarks"] == frame["remarks"].shift()
    )
    same_next = (frame["trip_id"] == frame["trip_id"].shift(-1)) & (
        frame["remarks"] == frame["remarks"].shift(-1)
    )
    frame["arrive_remarks"] = frame["remarks"].where(~same_prev, "")
    frame["depart_remarks"] = frame["remarks"].where(~same_next, "")
    key = pd.MultiIndex.from_arrays([frame["trip_id"], frame["seq"]])
    indexed = frame.set_index(key)
    trip = legs["trip_id"].astype("string").to_numpy()
    seq = legs["seq"].astype("int64").to_numpy()
    arriving = indexed.reindex(pd.MultiIndex.from_arrays([trip, seq]))
    departing = indexed.reindex(pd.MultiIndex.from_arrays([trip, seq - 1]))
    out = {
        "arriving": arriving.reset_index(drop=True),
        "departing": departing.reset_index(drop=True),
    }
    if previous_trip:
        out["previous-trip"] = _previous_trip_end(tables["trips"], frame, trip, seq)
    return out


def _previous_trip_end(
    trips: pd.DataFrame, stops: pd.DataFrame, trip: np.ndarray, seq: np.ndarray
) -> pd.DataFrame:
    """Return the last stop of the leader's previous trip for the first leg of each trip.

    Where the grouping rule split one journey into two trips (a gap of days between two
    records), the remark that speaks of the way on is on that stop; ``gap_days`` says how
    long after that trip ended this one began.
    """
    order = trips.sort_values(["leader_id", "start_date", "trip_id"], kind="stable")
    before = order.groupby("leader_id", sort=False)
    previous_trip = before["trip_id"].shift().astype("string").to_numpy()
    gap_days = (
        pd.to_datetime(order["start_date"]) - pd.to_datetime(before["end_date"].shift())
    ).dt.days.to_numpy()
    # each first leg's trip, looked up once among the ordered trips (-1: not a first leg)
    at = np.full(len(trip), -1, dtype=np.int64)
    first = seq == 1
    at[first] = pd.Index(order["trip_id"].astype("string")).get_indexer(trip[first])
    previous = np.full(len(trip), None, dtype=object)
    previous[at >= 0] = previous_trip[at[at >= 0]]
    known = pd.notna(previous)
    last = stops.groupby("trip_id", sort=False).tail(1).set_index("trip_id")
    end = last.reindex(previous).reset_index(drop=True)
    gap = np.full(len(trip), np.nan)
    gap[known] = gap_days[at[known]]
    end["gap_days"] = gap
    return end


def _region_masks(
    tables: dict[str, pd.DataFrame], legs: pd.DataFrame, rules: ModeRules
) -> tuple[np.ndarray, np.ndarray]:
    places = tables["places"].set_index("place_id")["country_code"].astype("string")
    last = legs.groupby("trip_id", sort=False)["seq"].transform("max")
    masks = []
    for end, home in (("from", legs["seq"] == 1), ("to", legs["seq"] == last)):
        place_country = legs[f"{end}_place_id"].astype("string").map(places)
        country = legs[f"{end}_country_code"].astype("string")
        by_country = np.where(
            home.fillna(False).to_numpy(dtype=bool),
            _regions(country, rules.home_regions),
            _regions(country, rules.all_regions),
        )
        by_place = _regions(place_country, rules.home_regions)
        masks.append(np.where(place_country.notna().to_numpy(), by_place, by_country))
    return masks[0], masks[1]


def _regions(codes: pd.Series, regions: dict[str, int]) -> np.ndarray:
    """Return the region mask of each country code, 0 where missing or unknown.

    Looked up once per distinct code (``pd.factorize``), not once per leg.

    Examples
    --------
    >>> _regions(pd.Series(["FRA", None, "USA", "FRA"], dtype="string"), {"FRA": 2}).tolist()
    [2, 0, 0, 2]
    """
    index, uniques = pd.factorize(codes)
    masks = np.array([regions.get(str(c), 0) for c in uniques] + [0], dtype=np.int64)
    return masks[index]  # index -1 (a missing code) takes the last mask, 0


def _remarks_read(ends: dict[str, pd.DataFrame]) -> dict[str, pd.Series]:
    """Return the remarks a rule reads on each side (a leg arrives at its stop, leaves others)."""
    return {
        side: stop["arrive_remarks" if side == "arriving" else "depart_remarks"]
        for side, stop in ends.items()
    }


class _Texts:
    """The stop remarks each leg's rules read, searched once per distinct text and pattern.

    ``texts`` maps a side (``arriving``, ``departing``, ``previous-trip``) to one text per
    leg. Most legs share a remark with others (or with the other side, or have none), so a
    pattern is searched once in each distinct text of all sides together and the answers
    are spread back to the legs by their codes; a leg without that stop searches the empty
    text. The answers are those of searching every leg's text in turn.

    Examples
    --------
    >>> texts = _Texts({"arriving": pd.Series(["by sea", None, "by sea", "flew"], dtype="string")})
    >>> texts.search("arriving", re.compile("sea")).tolist()
    [True, False, True, False]
    """

    def __init__(self, texts: dict[str, pd.Series]) -> None:
        every = [t.fillna("").to_numpy(dtype=object) for t in texts.values()]
        codes, uniques = pd.factorize(np.concatenate(every))
        ends = np.cumsum([len(t) for t in every])[:-1]
        self._codes = dict(zip(texts, np.split(codes, ends), strict=True))
        self._uniques: list[str] = list(uniques)
        self._found: dict[re.Pattern[str], np.ndarray] = {}

    def search(self, side: str, pattern: re.Pattern[str]) -> np.ndarray:
        """Return, for every leg, whether ``pattern`` is found in its text on ``side``."""
        if pattern not in self._found:
            self._found[pattern] = np.array(
                [pattern.search(x) is not None for x in self._uniques], dtype=bool
            )
        return self._found[pattern][self._codes[side]]


def match_rules(tables: dict[str, pd.DataFrame], rules: ModeRules) -> pd.DataFrame:
    """Return, for every leg, which rules' conditions hold (whatever its mode is now).

    Returns
    -------
    pandas.DataFrame
        One boolean column per rule (in rule order), one row per leg of
        ``tables["legs"]`` (same order, fresh index).
    """
    legs = tables["legs"].reset_index(drop=True)
    ends = _stop_ends(
        tables, legs, previous_trip=any(r.legs == "previous-trip" for r in rules.rules)
    )
    starts = (
        legs["trip_id"].astype("string").map(tables["trips"].set_index("trip_id")["start_date"])
    )
    start = pd.to_datetime(starts).to_numpy()
    distance = pd.to_numeric(legs["distance_km"]).to_numpy(dtype="float64", na_value=np.nan)
    a, b = _region_masks(tables, legs, rules)
    ocean = (a > 0) & (b > 0) & ((a & b) == 0) & (((a | b) & NEVER_OCEAN) == 0)
    has_from_stop = ends["departing"]["seq"].notna().to_numpy()
    has_to_stop = ends["arriving"]["seq"].notna().to_numpy()
    texts = _Texts(_remarks_read(ends))
    out: dict[str, np.ndarray] = {}
    for rule in rules.rules:
        ok = np.ones(len(legs), dtype=bool)
        if rule.stop_remarks is not None or rule.stop_place_kind:
            at = np.zeros(len(legs), dtype=bool)
            sides = ("arriving", "departing") if rule.legs == "both" else (rule.legs,)
            for side in sides:
                stop = ends[side]
                hit = np.ones(len(legs), dtype=bool)
                if rule.stop_remarks is not None:
                    hit &= texts.search(side, rule.stop_remarks)
                if rule.stop_place_kind:
                    hit &= stop["kind"].isin(rule.stop_place_kind).to_numpy()
                if rule.max_gap_days is not None:
                    gap = pd.to_numeric(stop["gap_days"]).to_numpy(dtype="float64", na_value=np.nan)
                    hit &= np.nan_to_num(gap, nan=np.inf) <= rule.max_gap_days
                at |= hit
            ok &= at
        if rule.min_km is not None:
            ok &= np.nan_to_num(distance, nan=-1.0) >= rule.min_km
        if rule.crossing == "ocean":
            ok &= ocean
        if rule.between_stops:
            ok &= has_from_stop & has_to_stop
        if rule.from_date is not None:
            ok &= start >= np.datetime64(rule.from_date)
        if rule.to_date is not None:
            ok &= start < np.datetime64(rule.to_date)
        out[rule.rule] = ok
    return pd.DataFrame(out, index=legs.index, columns=[r.rule for r in rules.rules])
