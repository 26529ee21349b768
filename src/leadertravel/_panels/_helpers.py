"""The loader's panel helpers :func:`dyad_years` and :func:`country_years`."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from leadertravel._panels._count import Inputs, country_counts, dyad_counts, office_labels, prepare
from leadertravel._panels._defs import INPUT_COLUMNS, PANEL_OFFICES, System

if TYPE_CHECKING:
    from leadertravel._api import PathLike

_CODE_NAMES = {"cow": ("ccode", "stateabb"), "gw": ("gwcode", "gwabb"), "iso3": ("iso3", None)}


def dyad_years_from(
    tables: Mapping[str, pd.DataFrame],
    system: System = "cow",
    *,
    directed: bool = True,
    offices: Iterable[str] | str | None = None,
    years: Iterable[int] | None = None,
    by_office: bool = True,
) -> pd.DataFrame:
    """Dyad-year counts from already loaded tables (see :func:`dyad_years`)."""
    inputs = prepare(tables, system, offices, years, by_office)
    frame = dyad_counts(inputs)
    if not directed:
        frame = _undirected(frame)
    return _present(frame, inputs, system, by_office, dyad=True)


def _undirected(frame: pd.DataFrame) -> pd.DataFrame:
    keys = ["o", "d", "year", "office"]
    flipped = frame.rename(columns={"o": "d", "d": "o"})
    lo = frame[frame["o"] < frame["d"]]
    hi = flipped[flipped["o"] < flipped["d"]]
    both = lo.merge(hi, on=keys, how="outer", suffixes=("_a", "_b"))
    out = both[keys].copy()
    for column in ("trips", "leaders", "days"):
        out[column] = (both[f"{column}_a"].fillna(0) + both[f"{column}_b"].fillna(0)).astype(
            np.int64
        )
    out["complete"] = both["complete_a"].fillna(False).astype(bool) & both["complete_b"].fillna(
        False
    ).astype(bool)
    return out.sort_values(keys, kind="stable").reset_index(drop=True)


def _present(
    frame: pd.DataFrame, inputs: Inputs, system: str, by_office: bool, *, dyad: bool
) -> pd.DataFrame:
    code, abb = _CODE_NAMES[system]
    labels = inputs.units.labels
    columns: dict[str, Any] = {}
    sides = (("o", "1"), ("d", "2")) if dyad else (("u", ""),)
    for key, suffix in sides:
        if system == "iso3":
            columns[f"{code}{'_' + suffix if suffix else ''}"] = (
                frame[key].map(labels).astype("string")
            )
        else:
            columns[f"{code}{suffix}"] = frame[key].astype("Int64")
            columns[f"{abb}{suffix}"] = frame[key].map(labels).astype("string")
    columns["year"] = frame["year"].astype("Int64")
    if by_office:
        columns["office"] = pd.Series(
            office_labels(frame["office"]).to_numpy(), index=frame.index
        ).astype(pd.CategoricalDtype(list(PANEL_OFFICES)))
    rest = [c for c in frame.columns if c not in ("o", "d", "u", "year", "office")]
    for column in rest:
        if column.startswith("complete"):
            columns[column] = frame[column].astype("boolean")
        else:
            columns[column] = frame[column].astype("Int64")
    return pd.DataFrame(columns).reset_index(drop=True)


def country_years_from(
    tables: Mapping[str, pd.DataFrame],
    system: System = "cow",
    *,
    offices: Iterable[str] | str | None = None,
    years: Iterable[int] | None = None,
    by_office: bool = True,
) -> pd.DataFrame:
    """Country-year counts from already loaded tables (see :func:`country_years`)."""
    inputs = prepare(tables, system, offices, years, by_office)
    return _present(country_counts(inputs), inputs, system, by_office, dyad=False)


def _load_inputs(
    version: str,
    source: PathLike | None,
    cache_dir: PathLike | None,
    offline: bool | None,
) -> dict[str, pd.DataFrame]:
    from leadertravel._api import load, versions
    from leadertravel._errors import TableNotFound

    if version == "latest":
        listed = versions(source=source, cache_dir=cache_dir, offline=offline)
        version = str(listed.loc[listed["latest"], "version"].iloc[0])
    loaded = {}
    for name, columns in INPUT_COLUMNS.items():
        try:
            loaded[name] = load(
                name,
                version=version,
                columns=columns,
                source=source,
                cache_dir=cache_dir,
                offline=offline,
            )
        except TableNotFound as err:
            msg = (
                f"{err}. The panels need the table {name!r}, which releases built with the "
                "state-system lists carry; use a newer version (lt.versions()) or pass "
                "tables= yourself"
            )
            raise TableNotFound(msg) from err
    return loaded


def dyad_years(
    system: System = "cow",
    *,
    directed: bool = True,
    offices: Iterable[str] | str | None = None,
    years: Iterable[int] | None = None,
    by_office: bool = True,
    tables: Mapping[str, pd.DataFrame] | None = None,
    version: str = "latest",
    source: PathLike | None = None,
    cache_dir: PathLike | None = None,
    offline: bool | None = None,
) -> pd.DataFrame:
    """Directed (or undirected) dyad-year counts of leaders' trips, with honest zeros.

    Computed from the release's ``trips``, ``stops``, ``leaders``, ``country_codes``,
    ``system_membership`` and ``coverage`` with the definitions of the ``dyad_years``
    table (``lt.describe("dyad_years")``); asked the same question (COW or G&W, directed,
    every office) it returns the release table's rows.

    Parameters
    ----------
    system
        ``"cow"`` (columns ``ccode1``, ``stateabb1``, ``ccode2``, ``stateabb2`` as in
        peacesciencer), ``"gw"`` (``gwcode1``, ``gwabb1`` …) or ``"iso3"`` (the project's
        country codes, ``iso3_1``, ``iso3_2``: every foreign stop counts; zeros over the
        codes that were members of either system that year).
    directed
        ``False`` gives one row per unordered pair (code 1 < code 2) summing both
        directions; ``complete`` only when both directions are complete (a missing
        direction counts 0 and makes the sum a lower bound).
    offices
        Office categories to keep (``head_of_state``, ``head_of_government``,
        ``foreign_minister``, ``other``); default all.
    years
        Years to keep (e.g. ``range(1990, 2000)``); default every year of the trips and
        coverage claims.
    by_office
        ``True``: one row per office. ``False``: the chosen offices as one group, a trip
        counted once (a U.S. president's trip is not counted twice), complete only where
        every chosen office is.
    tables
        Already loaded tables (e.g. ``lt.load_all()``); default: load them.
    version, source, cache_dir, offline
        As for :func:`leadertravel.load`; ``"latest"`` is resolved once.

    Returns
    -------
    pandas.DataFrame
        Code columns, ``year``, ``office`` (when ``by_office``), ``trips``, ``leaders``,
        ``days``, ``complete``. A dyad-year without a row is not covered: after a join it
        is missing, never zero.

    Examples
    --------
    >>> import leadertravel as lt
    >>> panel = lt.dyad_years("cow", years=range(2018, 2020))  # doctest: +SKIP
    >>> panel[(panel.ccode1 == 731) & (panel.ccode2 == 710)]  # doctest: +SKIP
    """
    loaded = tables if tables is not None else _load_inputs(version, source, cache_dir, offline)
    return dyad_years_from(
        loaded, system, directed=directed, offices=offices, years=years, by_office=by_office
    )


def country_years(
    system: System = "cow",
    *,
    offices: Iterable[str] | str | None = None,
    years: Iterable[int] | None = None,
    by_office: bool = True,
    tables: Mapping[str, pd.DataFrame] | None = None,
    version: str = "latest",
    source: PathLike | None = None,
    cache_dir: PathLike | None = None,
    offline: bool | None = None,
) -> pd.DataFrame:
    """Country-year counts: trips abroad made and visits received, with honest zeros.

    The definitions of the ``country_years`` table (``lt.describe("country_years")``);
    parameters as for :func:`dyad_years` (code column ``ccode``, ``gwcode`` or ``iso3``).

    Returns
    -------
    pandas.DataFrame
        Code columns, ``year``, ``office`` (when ``by_office``), ``trips_made``,
        ``leaders_travelling``, ``days_abroad``, ``complete_made``, ``visits_received``,
        ``visiting_leaders``, ``days_hosting``, ``complete_received``; a count is missing
        where it is neither covered nor observed.

    Examples
    --------
    >>> import leadertravel as lt
    >>> usa = lt.country_years("cow", years=[2019])  # doctest: +SKIP
    >>> usa[usa.ccode == 2]  # doctest: +SKIP
    """
    loaded = tables if tables is not None else _load_inputs(version, source, cache_dir, offline)
    return country_years_from(loaded, system, offices=offices, years=years, by_office=by_office)
