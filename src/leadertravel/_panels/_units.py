"""How the project's country codes map to the units (states) of one system, by day."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from leadertravel._panels._arrays import day_numbers, distinct, positions, year_bounds
from leadertravel._panels._defs import FIRST_DAY, NO_DAY, NO_UNIT


@dataclass(frozen=True)
class Units:
    """How the project's country codes map to the units of one system, by day."""

    system: str
    codes: pd.Index  # project country codes (position = integer id)
    spell_keys: np.ndarray  # code id * 2**20 + day offset of valid_from, sorted
    spell_end: np.ndarray  # last day of each spell
    spell_unit: np.ndarray  # unit of each spell, NO_UNIT when none
    labels: dict[int, str]  # unit → abbreviation (cow, gw) or code (iso3)
    members: dict[int, np.ndarray]  # year → member units

    def lookup(self, code_ids: np.ndarray, days: np.ndarray) -> np.ndarray:
        """Return the unit of each (code id, day); ``NO_UNIT`` where there is none."""
        if self.system == "iso3":
            return code_ids.astype(np.int64)
        keys = code_ids.astype(np.int64) * 2**20 + (days - FIRST_DAY)
        at = np.searchsorted(self.spell_keys, keys, side="right") - 1
        ok = (code_ids >= 0) & (days >= FIRST_DAY) & (at >= 0)
        at = np.where(ok, at, 0)
        ok &= (self.spell_keys[at] >> 20) == code_ids
        ok &= days <= self.spell_end[at]
        return np.where(ok, self.spell_unit[at], NO_UNIT)

    def units_in_year(self, code_id: int, year: int) -> set[int]:
        """Units a project code maps to on some day of ``year``."""
        if code_id < 0:
            return set()
        if self.system == "iso3":
            return {code_id} if code_id in self.members.get(year, ()) else set()
        first, last = year_bounds(year)
        lo = np.searchsorted(self.spell_keys, code_id * 2**20, side="left")
        hi = np.searchsorted(self.spell_keys, (code_id + 1) * 2**20, side="left")
        out = set()
        for i in range(lo, hi):
            start = int(self.spell_keys[i] - code_id * 2**20) + FIRST_DAY
            if start <= last and self.spell_end[i] >= first and self.spell_unit[i] != NO_UNIT:
                out.add(int(self.spell_unit[i]))
        return out


def code_index(country_codes: pd.DataFrame) -> pd.Index:
    """Return the project's country codes, sorted (position = the id used internally)."""
    return pd.Index(sorted(set(country_codes["code"].astype(str).tolist())))


def system_units(
    system: str, country_codes: pd.DataFrame, membership: pd.DataFrame, years: Sequence[int]
) -> Units:
    cc = country_codes.sort_values(["code", "valid_from"], kind="stable")
    codes = code_index(cc)
    code_ids = positions(codes, cc["code"])
    start = day_numbers(cc["valid_from"])
    end = day_numbers(cc["valid_to"])
    end = np.where(end == NO_DAY, np.iinfo(np.int64).max, end)
    keys = code_ids.astype(np.int64) * 2**20 + (start - FIRST_DAY)
    order = np.argsort(keys, kind="stable")
    members: dict[int, np.ndarray] = {}
    labels: dict[int, str] = {}
    if system == "iso3":
        unit: np.ndarray = np.arange(len(cc), dtype=np.int64)  # unused for iso3
        any_code = cc["cow_code"].notna().to_numpy() | cc["gw_code"].notna().to_numpy()
        labels = dict(enumerate(codes))
        for year in years:
            first, last = year_bounds(year)
            live = any_code & (start <= last) & (end >= first)
            members[year] = distinct(code_ids[live])
    else:
        unit = cc[f"{system}_code"].astype("Int64").fillna(NO_UNIT).to_numpy(dtype=np.int64)
        ms = membership[membership["system"].astype(str) == system]
        labels = dict(
            zip(ms["state_code"].astype(int), ms["abbreviation"].astype(str), strict=True)
        )
        m_start = day_numbers(ms["start"])
        m_end = day_numbers(ms["end"])
        m_end = np.where(m_end == NO_DAY, np.iinfo(np.int64).max, m_end)
        m_code = ms["state_code"].to_numpy(dtype=np.int64)
        for year in years:
            first, last = year_bounds(year)
            members[year] = distinct(m_code[(m_start <= last) & (m_end >= first)])
    return Units(system, codes, keys[order], end[order], unit[order], labels, members)
