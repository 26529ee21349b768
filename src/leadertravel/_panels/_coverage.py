"""Honest zeros: the cells and country-years that complete coverage claims cover."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from leadertravel._panels._arrays import day_numbers, leader_homes, texts, year_bounds, year_of
from leadertravel._panels._defs import OFFICE_MAP, PANEL_OFFICES
from leadertravel._panels._units import Units


def complete_keys(
    tables: Mapping[str, pd.DataFrame], units: Units, years: Sequence[int]
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Complete (o, d, year, office) cells, and complete made and received country-years."""
    coverage = tables["coverage"]
    present = set(tables["trips"]["origin"].astype(str).unique())
    claims = coverage[
        coverage["complete"].fillna(False).astype(bool)
        & coverage["source"].astype(str).isin(present)
    ]
    home = leader_homes(tables["leaders"])
    intervals: dict[tuple[str | None, str | None, int], list[tuple[int, int]]] = {}
    columns = {
        c: texts(claims[c])
        for c in ("leader_id", "origin_country_code", "destination_country_code", "offices")
    }
    firsts, lasts = day_numbers(claims["covered_from"]), day_numbers(claims["covered_to"])
    for i in range(len(claims)):
        leader = columns["leader_id"][i]
        origin = columns["origin_country_code"][i]
        if leader is not None:
            origin = home.get(leader, origin)
        dest = columns["destination_country_code"][i]
        listed = columns["offices"][i]
        offices = list(OFFICE_MAP) if listed is None else listed.split()
        panel = {PANEL_OFFICES.index(p) for o in offices for p in OFFICE_MAP.get(o, ())}
        for office in panel:
            intervals.setdefault((origin, dest, office), []).append((int(firsts[i]), int(lasts[i])))
    year_set = set(years)
    code_id = {code: i for i, code in enumerate(units.codes)}
    specific: dict[tuple[str, int], np.ndarray] = {}  # units of a code in a year, once each

    def units_of(code: str | None, year: int) -> np.ndarray:
        if code is None:
            return units.members.get(year, _NONE)
        if (code, year) not in specific:
            specific[code, year] = _specific(units, code_id, code, year)
        return specific[code, year]

    cells = _Blocks(("o", "d"), ("year", "office"))
    made = _Blocks(("u",), ("year", "office"))
    received = _Blocks(("u",), ("year", "office"))
    for (origin, dest, office), spans in intervals.items():
        for year in _full_years(spans):
            if year not in year_set:
                continue
            os_, ds = units_of(origin, year), units_of(dest, year)
            if len(os_) == 0 or len(ds) == 0:
                continue
            grid_o = np.repeat(os_, len(ds))
            grid_d = np.tile(ds, len(os_))
            ok = grid_o != grid_d
            cells.add((grid_o[ok], grid_d[ok]), (year, office))
            if dest is None:
                made.add((os_,), (year, office))
            if origin is None:
                received.add((ds,), (year, office))
    return cells.frame(), made.frame(), received.frame()


_NONE = np.array([], dtype=np.int64)


class _Blocks:
    """Rows of integer keys gathered block by block, stacked once into a frame.

    In a block, the ``varying`` columns hold arrays of one length and the ``fixed`` columns
    one value each, repeated over the block's rows when the blocks are stacked (one
    ``np.repeat`` per column instead of an array per block). Repeated rows are dropped.

    Examples
    --------
    >>> blocks = _Blocks(("u",), ("year",))
    >>> blocks.add((np.array([2, 3]),), (1990,))
    >>> blocks.add((np.array([2]),), (1990,))
    >>> blocks.add((np.array([4]),), (1991,))
    >>> blocks.frame().to_dict("list")
    {'u': [2, 3, 4], 'year': [1990, 1990, 1991]}
    """

    def __init__(self, varying: tuple[str, ...], fixed: tuple[str, ...]) -> None:
        self.varying, self.fixed = varying, fixed
        self.arrays: list[tuple[np.ndarray, ...]] = []
        self.values: list[tuple[int, ...]] = []

    def add(self, arrays: tuple[np.ndarray, ...], values: tuple[int, ...]) -> None:
        """Add a block: one array per varying column, one value per fixed column."""
        self.arrays.append(arrays)
        self.values.append(values)

    def frame(self) -> pd.DataFrame:
        """Return the distinct rows, in the order added (int64 columns, varying first)."""
        data: dict[str, np.ndarray] = {}
        lengths = np.array([len(a[0]) for a in self.arrays], dtype=np.int64)
        for i, name in enumerate(self.varying):
            parts = [np.asarray(a[i], dtype=np.int64) for a in self.arrays]
            data[name] = np.concatenate(parts) if parts else _NONE
        for i, name in enumerate(self.fixed):
            values = np.array([v[i] for v in self.values], dtype=np.int64)
            data[name] = np.repeat(values, lengths)
        return pd.DataFrame(data).drop_duplicates()


def _specific(units: Units, code_id: Mapping[str, int], code: str, year: int) -> np.ndarray:
    found = units.units_in_year(code_id.get(code, -1), year)
    return np.array(sorted(found), dtype=np.int64)


def _full_years(spans: list[tuple[int, int]]) -> list[int]:
    """Years whose every day lies in the union of the closed day intervals ``spans``."""
    merged: list[list[int]] = []
    for first, last in sorted(spans):
        if merged and first <= merged[-1][1] + 1:
            merged[-1][1] = max(merged[-1][1], last)
        else:
            merged.append([first, last])
    out = []
    for first, last in merged:
        for year in range(
            int(year_of(np.array([first]))[0]), int(year_of(np.array([last]))[0]) + 1
        ):
            y_first, y_last = year_bounds(year)
            if first <= y_first and last >= y_last:
                out.append(year)
    return out
