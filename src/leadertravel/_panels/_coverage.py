"""Honest zeros: the cells and country-years that complete coverage claims cover."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from leadertravel._panels._arrays import day_numbers, texts, year_bounds, year_of
from leadertravel._panels._defs import OFFICE_MAP, PANEL_OFFICES
from leadertravel._panels._units import Units


def complete_keys(
    tables: Mapping[str, pd.DataFrame], units: Units, years: Sequence[int]
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Complete (o, d, year, office) cells, and complete made and received country-years."""
    coverage = tables["coverage"]
    present = set(tables["trips"]["origin"].astype(str))
    claims = coverage[
        coverage["complete"].fillna(False).astype(bool)
        & coverage["source"].astype(str).isin(present)
    ]
    leaders = tables["leaders"]
    home = dict(
        zip(leaders["leader_id"].astype(str), leaders["country_code"].astype(str), strict=True)
    )
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
    cells: list[list[np.ndarray]] = [[], [], [], []]
    made: list[list[np.ndarray]] = [[], [], []]
    received: list[list[np.ndarray]] = [[], [], []]
    for (origin, dest, office), spans in intervals.items():
        for year in _full_years(spans):
            if year not in year_set:
                continue
            members = units.members.get(year, np.array([], dtype=np.int64))
            os_ = members if origin is None else _specific(units, code_id, origin, year)
            ds = members if dest is None else _specific(units, code_id, dest, year)
            if len(os_) == 0 or len(ds) == 0:
                continue
            grid_o = np.repeat(os_, len(ds))
            grid_d = np.tile(ds, len(os_))
            ok = grid_o != grid_d
            n = int(ok.sum())
            for part, values in zip(cells, (grid_o[ok], grid_d[ok], year, office), strict=True):
                part.append(np.broadcast_to(np.asarray(values, dtype=np.int64), (n,)))
            for target, us in (
                (made, os_ if dest is None else None),
                (received, ds if origin is None else None),
            ):
                if us is not None:
                    for part, values in zip(target, (us, year, office), strict=True):
                        part.append(np.broadcast_to(np.asarray(values, dtype=np.int64), (len(us),)))

    def stack(parts: list[list[np.ndarray]], columns: list[str]) -> pd.DataFrame:
        data = {
            c: np.concatenate(p) if p else np.array([], dtype=np.int64)
            for c, p in zip(columns, parts, strict=True)
        }
        return pd.DataFrame(data).drop_duplicates()

    return (
        stack(cells, ["o", "d", "year", "office"]),
        stack(made, ["u", "year", "office"]),
        stack(received, ["u", "year", "office"]),
    )


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
