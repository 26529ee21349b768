"""The ``country_codes`` spells: which COW and G&W code a country has, when."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

import pandas as pd

from leadertravel.pipeline.panels._inputs import FIRST_DAY, LISTS, OPEN_DAY, ordinals


def _member_days(membership: pd.DataFrame, system: str) -> dict[int, list[tuple[int, int]]]:
    spells: dict[int, list[tuple[int, int]]] = {}
    rows = membership[membership["system"] == system]
    starts = ordinals(rows["start"], FIRST_DAY)
    ends = ordinals(rows["end"], OPEN_DAY)
    for code, start, end in zip(rows["state_code"], starts, ends, strict=True):
        spells.setdefault(int(code), []).append((start, end))
    return spells


def _state_on(
    periods: list[tuple[int, int, dict[str, int | None]]],
    spells: Mapping[str, Mapping[int, list[tuple[int, int]]]],
    day: int,
    system: str,
) -> int | None:
    """Return the code's state in ``system`` on ``day``: the crosswalk's, if then a member."""
    for start, end, states in periods:
        state = states[system]
        if state is None or not start <= day <= end:
            continue
        if any(m_start <= day <= m_end for m_start, m_end in spells[system].get(state, [])):
            return state
    return None


def country_code_spells(
    countries: pd.DataFrame, crosswalk: pd.DataFrame, membership: pd.DataFrame
) -> pd.DataFrame:
    """Return the rows of ``country_codes``: per code, spells of constant COW and G&W codes.

    On a day, a code's state in a system is the crosswalk's state for that day when that
    state is a member on that day (per ``membership``), else none. Spells start on
    1816-01-01 and follow one another without gaps; the last one has no end.

    Parameters
    ----------
    countries, crosswalk, membership
        Typed ``countries``, crosswalk and ``system_membership`` frames.
    """
    spells = {system: _member_days(membership, system) for system in LISTS}
    abbs = {
        system: dict(
            zip(
                membership.loc[membership["system"] == system, "state_code"].astype(int),
                membership.loc[membership["system"] == system, "abbreviation"].astype(str),
                strict=True,
            )
        )
        for system in LISTS
    }
    periods_of: dict[str, list[tuple[int, int, dict[str, int | None]]]] = {}
    starts = ordinals(crosswalk["valid_from"], FIRST_DAY)
    ends = ordinals(crosswalk["valid_to"], OPEN_DAY)
    states_of = {
        system: [None if pd.isna(v) else int(v) for v in crosswalk[f"{system}_code"]]
        for system in LISTS
    }
    for i, code in enumerate(crosswalk["code"].astype(str)):
        states = {system: states_of[system][i] for system in LISTS}
        periods_of.setdefault(code, []).append((max(starts[i], FIRST_DAY), ends[i], states))
    out = []
    for code in sorted(countries["code"].astype(str)):
        periods = periods_of.get(code, [])
        cuts = {FIRST_DAY}
        for start, end, states in periods:
            cuts |= {start, end + 1}
            for system, state in states.items():
                for m_start, m_end in spells[system].get(-1 if state is None else state, []):
                    cuts |= {m_start, m_end + 1}
        days = sorted(d for d in cuts if FIRST_DAY <= d <= OPEN_DAY)
        current: list[list[Any]] = []
        for i, day in enumerate(days):
            value = (_state_on(periods, spells, day, "cow"), _state_on(periods, spells, day, "gw"))
            last = days[i + 1] - 1 if i + 1 < len(days) else OPEN_DAY
            if current and current[-1][2] == value:
                current[-1][1] = last
            else:
                current.append([day, last, value])
        for start, end, (cow, gw) in current:
            out.append(
                {
                    "code": code,
                    "valid_from": date.fromordinal(start),
                    "valid_to": None if end >= OPEN_DAY else date.fromordinal(end),
                    "cow_code": cow,
                    "cow_abb": None if cow is None else abbs["cow"][cow],
                    "gw_code": gw,
                    "gw_abb": None if gw is None else abbs["gw"][gw],
                }
            )
    return pd.DataFrame(out)
