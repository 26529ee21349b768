"""The panels: inputs prepared for one system, counted into dyad-years and country-years."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from leadertravel._panels._arrays import day_numbers, distinct, pack, unpack, year_of
from leadertravel._panels._coverage import complete_keys
from leadertravel._panels._defs import INPUT_COLUMNS, MADE, NO_DAY, PANEL_OFFICES, RECEIVED, SYSTEMS
from leadertravel._panels._presence import TripDays, trip_days, unit_presence
from leadertravel._panels._units import Units, code_index, system_units


def _years(tables: Mapping[str, pd.DataFrame], years: Iterable[int] | None) -> list[int]:
    if years is not None:
        return sorted({int(y) for y in years})
    trips, coverage = tables["trips"], tables["coverage"]
    columns = [trips["start_date"], trips["end_date"]]
    columns += [coverage["covered_from"], coverage["covered_to"]]
    days = np.concatenate([day_numbers(c) for c in columns])
    days = days[days != NO_DAY]
    if len(days) == 0:
        return []
    values = year_of(days)
    return list(range(int(values.min()), int(values.max()) + 1))


def _office_filter(offices: Iterable[str] | None) -> list[int]:
    if offices is None:
        return list(range(len(PANEL_OFFICES)))
    chosen = [offices] if isinstance(offices, str) else list(offices)
    unknown = [o for o in chosen if o not in PANEL_OFFICES]
    if unknown:
        msg = f"unknown office(s) {unknown}; expected some of {list(PANEL_OFFICES)}"
        raise ValueError(msg)
    return [PANEL_OFFICES.index(o) for o in chosen]


def _combine_offices(frame: pd.DataFrame, chosen: list[int], keys: list[str]) -> pd.DataFrame:
    """Cells complete for every chosen office, as one office (-1)."""
    subset = frame[frame["office"].isin(chosen)]
    counts = subset.groupby(keys, sort=False).size()
    whole = counts[counts == len(chosen)].reset_index()[keys]
    return whole.assign(office=-1)


@dataclass(frozen=True)
class Inputs:
    units: Units
    presence: pd.DataFrame
    cells: pd.DataFrame
    made: pd.DataFrame
    received: pd.DataFrame
    years: list[int]


def prepare(
    tables: Mapping[str, pd.DataFrame],
    system: str,
    offices: Iterable[str] | None,
    years: Iterable[int] | None,
    by_office: bool,
    days: TripDays | None = None,
) -> Inputs:
    if system not in SYSTEMS:
        msg = f"unknown system {system!r}; expected one of {list(SYSTEMS)}"
        raise ValueError(msg)
    missing = [name for name in INPUT_COLUMNS if name not in tables]
    if missing:
        msg = f"the panels need the tables {missing}; pass every table of one release"
        raise KeyError(msg)
    chosen = _office_filter(offices)
    year_list = _years(tables, years)
    units = system_units(system, tables["country_codes"], tables["system_membership"], year_list)
    if days is None:
        days = trip_days(tables, units.codes)
    presence = unit_presence(days, units)
    presence = presence[presence["office"].isin(chosen) & presence["year"].isin(year_list)]
    cells, made, received = complete_keys(tables, units, year_list)
    if by_office:
        cells = cells[cells["office"].isin(chosen)]
        made = made[made["office"].isin(chosen)]
        received = received[received["office"].isin(chosen)]
    else:
        presence = presence.assign(office=-1)
        cells = _combine_offices(cells, chosen, ["o", "d", "year"])
        made = _combine_offices(made, chosen, ["u", "year"])
        received = _combine_offices(received, chosen, ["u", "year"])
    return Inputs(units, presence, cells, made, received, year_list)


def count_distinct(presence: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Distinct trips, leaders and days per group of ``keys`` (integer columns)."""
    names = {"trip": "trips", "leader": "leaders", "day": "days"}
    if presence.empty:
        columns = [*keys, *names.values()]
        return pd.DataFrame({c: np.array([], dtype=np.int64) for c in columns})
    packed, bounds = pack([presence[k].to_numpy(dtype=np.int64) for k in keys])
    group, uniques = pd.factorize(packed)
    out = dict(zip(keys, unpack(np.asarray(uniques, dtype=np.int64), bounds), strict=True))
    for column, name in names.items():
        values = presence[column].to_numpy(dtype=np.int64)
        values = values - values.min()
        radix = int(values.max()) + 1
        pairs = pd.unique(group.astype(np.int64) * radix + values)
        out[name] = np.bincount(pairs // radix, minlength=len(uniques))
    return pd.DataFrame(out)


def office_labels(codes: pd.Series) -> pd.Series:
    return pd.Series(
        pd.Categorical.from_codes(
            codes.to_numpy(dtype=np.int64), categories=pd.Index(list(PANEL_OFFICES))
        ),
        index=codes.index,
    )


def office_names(codes: pd.Series) -> pd.Series:
    """Return the office names of ``codes`` as text: ``office_labels(codes).astype(str)``.

    Examples
    --------
    >>> office_names(pd.Series([1, 0])).tolist()
    ['head_of_government', 'head_of_state']
    """
    names = np.asarray(PANEL_OFFICES, dtype=object)[codes.to_numpy(dtype=np.int64)]
    return pd.Series(names, index=codes.index, dtype=str)


def outer_keys(
    frames: Sequence[pd.DataFrame], keys: list[str]
) -> tuple[dict[str, np.ndarray], list[np.ndarray]]:
    """Return the distinct keys of ``frames`` in key order, and each frame's rows in them.

    The keys (integer columns) of each frame are distinct. This is an outer merge of the
    frames on ``keys`` followed by a sort, done on one int64 per row: the key columns are
    packed (:func:`pack` keeps their lexicographic order), the packed keys sorted once
    (:func:`distinct`) and each frame's rows found by ``np.searchsorted``.
    ``tests/panels/test_real_release.py`` pins the counts equal to the merge-based ones.

    Examples
    --------
    >>> a = pd.DataFrame({"u": [2, 1], "year": [1990, 1990]})
    >>> b = pd.DataFrame({"u": [1, 3], "year": [1990, 1989]})
    >>> union, (in_a, in_b) = outer_keys([a, b], ["u", "year"])
    >>> union["u"].tolist(), union["year"].tolist(), in_a.tolist(), in_b.tolist()
    ([1, 2, 3], [1990, 1990, 1989], [1, 0], [0, 2])
    """
    sizes = [len(f) for f in frames]
    if sum(sizes) == 0:
        empty = np.array([], dtype=np.int64)
        return {k: empty for k in keys}, [empty for _ in frames]
    columns = [np.concatenate([f[k].to_numpy(dtype=np.int64) for f in frames]) for k in keys]
    packed, bounds = pack(columns)
    union = distinct(packed)
    where = np.split(np.searchsorted(union, packed), np.cumsum(sizes)[:-1])
    return dict(zip(keys, unpack(union, bounds), strict=True)), where


def _spread(n: int, rows: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Return an int64 array of ``n`` zeros with ``values`` at ``rows``."""
    out = np.zeros(n, dtype=np.int64)
    out[rows] = values
    return out


def _flag(n: int, rows: np.ndarray) -> np.ndarray:
    """Return a boolean array of ``n``, true at ``rows``."""
    out = np.zeros(n, dtype=bool)
    out[rows] = True
    return out


def dyad_counts(inputs: Inputs) -> pd.DataFrame:
    keys = ["o", "d", "year", "office"]
    observed = count_distinct(inputs.presence, keys)
    union, (seen, complete) = outer_keys([observed, inputs.cells], keys)
    n = len(union["o"])
    out = pd.DataFrame(union)
    for column in ("trips", "leaders", "days"):
        out[column] = _spread(n, seen, observed[column].to_numpy(dtype=np.int64))
    out["complete"] = _flag(n, complete)
    return out


def country_counts(inputs: Inputs) -> pd.DataFrame:
    keys = ["u", "year", "office"]
    made = count_distinct(inputs.presence.rename(columns={"o": "u"}), keys)
    received = count_distinct(inputs.presence.rename(columns={"d": "u"}), keys)
    frames = [made, received, inputs.made, inputs.received]
    union, (in_made, in_received, complete_made, complete_received) = outer_keys(frames, keys)
    n = len(union["u"])
    out = pd.DataFrame(union)
    for counts, rows, complete, names in (
        (made, in_made, complete_made, MADE),
        (received, in_received, complete_received, RECEIVED),
    ):
        flag = _flag(n, complete)
        unknown = ~_flag(n, rows) & ~flag  # no trip counted and no claim of completeness
        for column, name in zip(("trips", "leaders", "days"), names[:3], strict=True):
            values = _spread(n, rows, counts[column].to_numpy(dtype=np.int64))
            out[name] = pd.arrays.IntegerArray(values, unknown)
        out[names[3]] = flag
    return out


#: Each panel office code's rank among the offices by name (``foreign_minister`` first).
_OFFICE_RANK = np.argsort(np.argsort(np.array(PANEL_OFFICES, dtype=object)))


def by_office_name(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Return ``frame``'s rows ordered by ``keys`` with the office (the last) by its name.

    The counts come ordered by office code (:data:`PANEL_OFFICES` order); a release
    orders rows by the text of enum columns (``sort_by_key``). Ordered here, on packed
    integer keys (:func:`pack`), the panels reach the release already in its order, so
    that it need not sort and take 176,000 rows of text. ``office`` holds codes (0 to 3).

    Examples
    --------
    >>> frame = pd.DataFrame({"u": [1, 1, 2], "office": [0, 2, 1]})
    >>> by_office_name(frame, ["u", "office"])["office"].tolist()  # by name: 2, 1, 0, 3
    [2, 0, 1]
    """
    if frame.empty:
        return frame
    columns = [frame[k].to_numpy(dtype=np.int64) for k in keys[:-1]]
    columns.append(_OFFICE_RANK[frame[keys[-1]].to_numpy(dtype=np.int64)])
    packed, _ = pack(columns)
    order = np.argsort(packed, kind="stable")
    return frame.take(order).reset_index(drop=True)


def build_panels(tables: Mapping[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """Return the release tables ``dyad_years`` and ``country_years`` (COW and G&W).

    Parameters
    ----------
    tables
        At least ``trips``, ``stops``, ``leaders``, ``country_codes``,
        ``system_membership`` and ``coverage`` of one release.

    Returns
    -------
    dict of DataFrame
        ``dyad_years`` and ``country_years`` with the columns of their Table Schemas
        (untyped; the builder types them), rows in the release's primary-key order
        (the office by name: :func:`by_office_name`).
    """
    dyads, countries = [], []
    days = trip_days(tables, code_index(tables["country_codes"]))
    for system in ("cow", "gw"):
        inputs = prepare(tables, system, None, None, by_office=True, days=days)
        labels = inputs.units.labels
        d = by_office_name(dyad_counts(inputs), ["o", "d", "year", "office"])
        dyads.append(
            pd.DataFrame(
                {
                    "system": system,
                    "code1": d["o"],
                    "abb1": d["o"].map(labels),
                    "code2": d["d"],
                    "abb2": d["d"].map(labels),
                    "year": d["year"],
                    "office": office_names(d["office"]),
                    "trips": d["trips"],
                    "leaders": d["leaders"],
                    "days": d["days"],
                    "complete": d["complete"],
                }
            )
        )
        c = by_office_name(country_counts(inputs), ["u", "year", "office"])
        countries.append(
            pd.DataFrame(
                {
                    "system": system,
                    "code": c["u"],
                    "abb": c["u"].map(labels),
                    "year": c["year"],
                    "office": office_names(c["office"]),
                    **{k: c[k] for k in (*MADE, *RECEIVED)},
                }
            )
        )
    return {
        "dyad_years": pd.concat(dyads, ignore_index=True),
        "country_years": pd.concat(countries, ignore_index=True),
    }
