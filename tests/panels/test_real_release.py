"""Panels of the real release (curated + Office of the Historian): regression figures, and
the loader helpers agree with the release tables read back through the loader."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import leadertravel as lt
from leadertravel._panels import build_panels
from leadertravel._panels._count import (
    Inputs,
    count_distinct,
    country_counts,
    dyad_counts,
    prepare,
)
from leadertravel._panels._defs import MADE, RECEIVED
from leadertravel.pipeline.curated import read_descriptor
from leadertravel.pipeline.panels import DERIVED_TABLES

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def release_root(shipped_release: Path) -> Path:
    """The session's real release (curated + Office of the Historian), read-only."""
    return shipped_release


@pytest.fixture(scope="module")
def cache_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where this module's loads cache the release (not beside the shared release)."""
    return tmp_path_factory.mktemp("panels-cache")


@pytest.fixture(scope="module")
def release(release_root: Path, cache_root: Path) -> Iterator[dict[str, pd.DataFrame]]:
    """Every table of the real release, loaded back with ``lt.load_all``."""
    yield lt.load_all(source=release_root, cache_dir=cache_root / "cache", offline=False)


def test_release_carries_the_panel_tables(
    release: dict[str, pd.DataFrame], repo_root: Path
) -> None:
    described = read_descriptor(repo_root / "datapackage" / "datapackage.json")["resources"]
    assert set(release) == {r["name"] for r in described} | set(DERIVED_TABLES)
    # every body of data is in this release, so every claim is kept
    assert sorted(release["coverage"]["coverage_id"]) == [
        "curated-kim-jong-il-journeys",
        "curated-kim-jong-un-journeys",
        "curated-putin-2024-asia",
        "history-state-travels-us-officials",
        "history-state-visits-foreign-leaders",
    ]


def test_us_uk_presidential_trips_per_decade(release: dict[str, pd.DataFrame]) -> None:
    d = release["dyad_years"]
    us_uk = d[
        (d["system"] == "cow")
        & (d["code1"] == 2)
        & (d["code2"] == 200)
        & (d["office"] == "head_of_state")
    ]
    assert us_uk["complete"].all()
    assert len(us_uk) == 160  # 1866-2025, zeros included
    per_decade = us_uk.groupby(us_uk["year"] // 10 * 10)["trips"].sum()
    assert per_decade.loc[1900:].to_dict() == {
        1900: 0, 1910: 1, 1920: 0, 1930: 6, 1940: 8, 1950: 3, 1960: 6,
        1970: 3, 1980: 4, 1990: 9, 2000: 7, 2010: 7, 2020: 4,
    }  # fmt: skip


def test_known_rows(release: dict[str, pd.DataFrame]) -> None:
    d = release["dyad_years"].set_index(["system", "code1", "code2", "year", "office"])
    # Kim Jong Un: three trips to China in 2018 (March, May, June), none in 2020 …
    prk_chn = d.loc[("cow", 731, 710, 2018, "head_of_state")]
    assert (prk_chn["trips"], prk_chn["complete"]) == (3, True)
    assert d.loc[("cow", 731, 710, 2020, "head_of_state"), "trips"] == 0
    # … the Panmunjom steps into South Korea are visits, the returns home are not
    assert d.loc[("cow", 731, 732, 2018, "head_of_state"), "trips"] == 1
    assert ("cow", 731, 731, 2018, "head_of_state") not in d.index
    # Putin's curated trip: counted, not complete; no zero elsewhere for Russia
    assert d.loc[("cow", 365, 731, 2024, "head_of_state"), "complete"] == False  # noqa: E712
    assert ("cow", 365, 710, 2024, "head_of_state") not in d.index
    # after reunification the systems differ: COW 255, G&W 260
    assert d.loc[("cow", 2, 255, 2000, "head_of_state"), "complete"]
    assert ("gw", 2, 255, 2000, "head_of_state") not in d.index
    assert d.loc[("gw", 2, 260, 2000, "head_of_state"), "complete"]
    c = release["country_years"].set_index(["system", "code", "year", "office"])
    # 2019: Hanoi, Japan (May), UK/Ireland/France, Japan/Korea, Biarritz, Afghanistan, London
    usa = c.loc[("cow", 2, 2019, "head_of_state")]
    assert (usa["trips_made"], usa["complete_made"]) == (7, True)
    trips = release["trips"]
    heads = trips["office"].isin(["head_of_state", "head_of_state_and_government"])
    came = trips[(trips["origin"] == "history-state-visits") & heads]
    assert usa["visits_received"] == (came["start_date"].dt.year == 2019).sum() == 18
    assert len(release["dyad_years"]) == 176_452  # with the foreign leaders visits
    assert len(release["country_years"]) == 14_750
    # Kim Jong Il (complete 1994-2011): two trips to China in 2010 and in 2011 (the August 2011
    # journey to Russia came home through China), none in 2005; Russia in 2002
    for year, trips in ((2010, 2), (2011, 2), (2005, 0)):
        assert d.loc[("cow", 731, 710, year, "head_of_state"), "trips"] == trips, year
    assert d.loc[("cow", 731, 365, 2002, "head_of_state"), "trips"] == 1


def _same(helper: pd.DataFrame, table: pd.DataFrame, keys: list[str]) -> None:
    """Equal values, rows compared in key order (the release sorts offices by name)."""

    def ordered(frame: pd.DataFrame) -> pd.DataFrame:
        frame = frame.astype({"office": str}).sort_values(keys, kind="stable")
        return frame.reset_index(drop=True)

    pd.testing.assert_frame_equal(ordered(helper), ordered(table), check_dtype=False)


def test_helpers_agree_with_the_release_tables(release: dict[str, pd.DataFrame]) -> None:
    for system, code in (("cow", "ccode"), ("gw", "gwcode")):
        table = release["dyad_years"]
        table = table[table["system"] == system].drop(columns="system").reset_index(drop=True)
        helper = lt.dyad_years(system, tables=release).rename(
            columns={f"{code}1": "code1", f"{code}2": "code2",
                     f"{'stateabb' if system == 'cow' else 'gwabb'}1": "abb1",
                     f"{'stateabb' if system == 'cow' else 'gwabb'}2": "abb2"}
        )  # fmt: skip
        _same(helper, table, ["code1", "code2", "year", "office"])
        table = release["country_years"]
        table = table[table["system"] == system].drop(columns="system").reset_index(drop=True)
        helper = lt.country_years(system, tables=release).rename(
            columns={code: "code", "stateabb" if system == "cow" else "gwabb": "abb"}
        )
        _same(helper, table, ["code", "year", "office"])


def _plain_dyad_counts(inputs: Inputs) -> pd.DataFrame:
    """dyad_counts as a pandas outer merge and sort (the fast path's reference)."""
    keys = ["o", "d", "year", "office"]
    observed = count_distinct(inputs.presence, keys)
    out = observed.merge(inputs.cells.assign(complete=True), on=keys, how="outer")
    out["complete"] = out["complete"].fillna(False).astype(bool)
    for column in ("trips", "leaders", "days"):
        out[column] = out[column].fillna(0).astype(np.int64)
    return out.sort_values(keys, kind="stable").reset_index(drop=True)


def _plain_country_counts(inputs: Inputs) -> pd.DataFrame:
    """country_counts as pandas outer merges and a sort (the fast path's reference)."""
    keys = ["u", "year", "office"]
    counts = {"trips": 0, "leaders": 1, "days": 2}
    out = None
    for side, names, complete in (("o", MADE, inputs.made), ("d", RECEIVED, inputs.received)):
        counted = count_distinct(inputs.presence.rename(columns={side: "u"}), keys)
        counted = counted.rename(columns={c: names[i] for c, i in counts.items()})
        counted = counted.merge(complete.assign(**{names[3]: True}), on=keys, how="outer")
        out = counted if out is None else out.merge(counted, on=keys, how="outer")
    assert out is not None
    for names in (MADE, RECEIVED):
        out[names[3]] = out[names[3]].fillna(False).astype(bool)
        for column in names[:3]:
            values = out[column].astype("Int64")
            out[column] = values.mask(values.isna() & out[names[3]], 0)
    out = out[[*keys, *MADE, *RECEIVED]]
    return out.sort_values(keys, kind="stable").reset_index(drop=True)


@pytest.mark.parametrize("system", ["cow", "gw", "iso3"])
@pytest.mark.parametrize("by_office", [True, False])
def test_counts_equal_the_merge_based_counts(
    release: dict[str, pd.DataFrame], system: str, by_office: bool
) -> None:
    """The packed-key outer join of the counts (outer_keys) is the pandas merge."""
    inputs = prepare(release, system, None, None, by_office)
    dyads = dyad_counts(inputs)
    assert len(dyads) > 1_000 and (dyads["trips"] > 0).any()
    pd.testing.assert_frame_equal(dyads, _plain_dyad_counts(inputs), check_exact=True)
    countries = country_counts(inputs)
    assert countries["trips_made"].isna().any()
    if by_office:  # no cell is complete for every office at once
        assert dyads["complete"].any() and countries["complete_received"].any()
    pd.testing.assert_frame_equal(countries, _plain_country_counts(inputs), check_exact=True)


def test_independent_count_from_trips_and_stops(release: dict[str, pd.DataFrame]) -> None:
    """US secretaries of state in France, per year, counted directly from the stops."""
    trips, stops, leaders = release["trips"], release["stops"], release["leaders"]
    fm = trips[trips["office"] == "foreign_minister"].merge(leaders, on="leader_id")
    fm = fm[fm["country_code"] == "USA"]
    in_france = stops[stops["country_code"] == "FRA"].merge(fm, on="trip_id")
    years: dict[int, set[str]] = {}
    for row in in_france.itertuples():
        first = row.arrival_date if pd.notna(row.arrival_date) else row.start_date
        last = row.departure_date if pd.notna(row.departure_date) else row.end_date
        for year in range(first.year, last.year + 1):
            years.setdefault(year, set()).add(row.trip_id)
    d = release["dyad_years"]
    panel = d[
        (d["system"] == "cow")
        & (d["code1"] == 2)
        & (d["code2"] == 220)
        & (d["office"] == "foreign_minister")
        & (d["trips"] > 0)
    ]
    assert dict(zip(panel["year"], panel["trips"], strict=True)) == {
        y: len(t) for y, t in sorted(years.items()) if not 1942 <= y <= 1944
    }


def test_helpers_load_what_they_need(
    release_root: Path, cache_root: Path, release: dict[str, pd.DataFrame]
) -> None:
    cache = cache_root / "cache-helpers"
    loaded = lt.country_years("gw", years=[2019], source=release_root, cache_dir=cache)
    given = lt.country_years("gw", years=[2019], tables=release)
    pd.testing.assert_frame_equal(loaded, given)


def test_a_release_without_the_panel_tables(tmp_path: Path) -> None:
    from leadertravel._example import example_release

    root = example_release()
    with pytest.raises(lt.TableNotFound, match="The panels need the table 'country_codes'"):
        lt.dyad_years(source=root, cache_dir=tmp_path / "cache")


def test_build_panels_gives_the_release_order(release: dict[str, pd.DataFrame]) -> None:
    """The panels come in the release's row order (offices by name), so the builder need
    not sort them (`by_office_name`); the same rows as the release's."""
    built = build_panels(release)
    for name, key in (("dyad_years", ["system", "code1", "code2", "year", "office"]),
                      ("country_years", ["system", "code", "year", "office"])):  # fmt: skip
        ours = built[name][key].astype({"system": str, "office": str})
        theirs = release[name][key].astype({"system": str, "office": str})
        pd.testing.assert_frame_equal(ours, theirs, check_dtype=False)
