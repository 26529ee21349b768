"""Panels on a tiny hand-made release, against counts worked out by hand.

The release (all dates 2019-2020):

- ``pres`` (USA, head of state and government) trip T1 2019-12-30 … 2020-01-03: London
  2019-12-30 … 2020-01-01, then Paris from 2020-01-02 with no departure date (so until the
  trip's end, 2020-01-03). Trip T4 2020-07-01 to "XKX", a state of the test system only
  from 2020-06-01.
- ``sec`` (USA, foreign minister) trip T2 2020-03-01 … 03-02 to Hong Kong (no system code).
- ``pm`` (GBR, head of government, curated) trip T3 2020-05-10 … 05-12: Washington with no
  arrival date (so from the trip's start) until 05-11, then a stop at home on 05-12.
- Coverage: USA's presidents and foreign ministers complete for 2019-2020 (travels data);
  the visits data claimed complete for destination USA, but the release has no visits
  records, so that claim counts for nothing; the curated claim for ``pm`` ends on
  2020-06-30, so no year of it is complete.
- In G&W the United Kingdom is a member only from 2020-01-01.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import pytest

from leadertravel._panels import build_panels, country_years_from, dyad_years_from
from leadertravel._schema import read_table_schema
from leadertravel.pipeline.checks import check_tables
from leadertravel.pipeline.typed import typed_frame

HOS, HOG, FM = "head_of_state", "head_of_government", "foreign_minister"
HOSG, TRAVELS = "head_of_state_and_government", "history-state-travels"
OPEN = None


def _frame(rows: list[tuple[Any, ...]], columns: str) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=columns.split())
    for column in frame.columns:
        if column.endswith(("date", "_from", "_to", "start", "end")):
            frame[column] = pd.to_datetime(frame[column]).astype("datetime64[s]")
    return frame


@pytest.fixture(scope="module")
def tables() -> dict[str, pd.DataFrame]:
    trips = _frame(
        [
            ("t1", "pres", HOSG, "2019-12-30", "2020-01-03", TRAVELS),
            ("t2", "sec", FM, "2020-03-01", "2020-03-02", TRAVELS),
            ("t3", "pm", HOG, "2020-05-10", "2020-05-12", "curated"),
            ("t4", "pres", HOSG, "2020-07-01", "2020-07-01", TRAVELS),
        ],
        "trip_id leader_id office start_date end_date origin",
    )
    stops = _frame(
        [
            ("t1", 1, "GBR", "2019-12-30", "2020-01-01"),
            ("t1", 2, "FRA", "2020-01-02", None),
            ("t2", 1, "HKG", "2020-03-01", "2020-03-02"),
            ("t3", 1, "USA", None, "2020-05-11"),
            ("t3", 2, "GBR", "2020-05-12", "2020-05-12"),
            ("t4", 1, "XKX", "2020-07-01", "2020-07-01"),
        ],
        "trip_id seq country_code arrival_date departure_date",
    )
    leaders = _frame([("pres", "USA"), ("sec", "USA"), ("pm", "GBR")], "leader_id country_code")
    country_codes = _frame(
        [
            ("USA", "1816-01-01", OPEN, 2, "USA", 2, "USA"),
            ("GBR", "1816-01-01", "2019-12-31", 200, "UKG", None, None),
            ("GBR", "2020-01-01", OPEN, 200, "UKG", 200, "UKG"),
            ("FRA", "1816-01-01", OPEN, 220, "FRN", 220, "FRN"),
            ("HKG", "1816-01-01", OPEN, None, None, None, None),
            ("XKX", "1816-01-01", "2020-05-31", None, None, None, None),
            ("XKX", "2020-06-01", OPEN, 347, "KOS", 347, "KOS"),
        ],
        "code valid_from valid_to cow_code cow_abb gw_code gw_abb",
    )
    for column in ("cow_code", "gw_code"):
        country_codes[column] = country_codes[column].astype("Int64")
    membership = _frame(
        [
            (system, code, abb, start, OPEN)
            for system in ("cow", "gw")
            for code, abb, start in (
                (2, "USA", "1816-01-01"),
                (200, "UKG", "1816-01-01" if system == "cow" else "2020-01-01"),
                (220, "FRN", "1816-01-01"),
                (347, "KOS", "2020-06-01"),
            )
        ],
        "system state_code abbreviation start end",
    )
    coverage = _frame(
        [
            ("history-state-travels", None, "USA", None,
             "head_of_state_and_government foreign_minister", "2019-01-01", "2020-12-31", True),
            ("history-state-visits", None, None, "USA", None, "2019-01-01", "2020-12-31", True),
            ("curated", "pm", None, None, "head_of_government", "2020-01-01", "2020-06-30", True),
        ],
        "source leader_id origin_country_code destination_country_code offices "
        "covered_from covered_to complete",
    )  # fmt: skip
    return {
        "trips": trips,
        "stops": stops,
        "leaders": leaders,
        "country_codes": country_codes,
        "system_membership": membership,
        "coverage": coverage,
    }


def _rows(frame: pd.DataFrame, keys: list[str]) -> dict[tuple[Any, ...], tuple[Any, ...]]:
    values = [c for c in frame.columns if c not in keys]
    return {
        tuple(r[k] for k in keys): tuple(None if pd.isna(r[v]) else r[v] for v in values)
        for r in frame.to_dict("records")
    }


def test_directed_dyad_years_by_hand(tables: dict[str, pd.DataFrame]) -> None:
    got = _rows(dyad_years_from(tables, "cow"), ["ccode1", "ccode2", "year", "office"])
    expected = {
        # the trip over New Year counts in both years; London 2 days, then 1
        (2, 200, 2019, HOS): ("USA", "UKG", 1, 1, 2, True),
        (2, 200, 2019, HOG): ("USA", "UKG", 1, 1, 2, True),
        (2, 200, 2020, HOS): ("USA", "UKG", 1, 1, 1, True),
        (2, 200, 2020, HOG): ("USA", "UKG", 1, 1, 1, True),
        # Paris without a departure date: until the trip's end, 2 days
        (2, 220, 2020, HOS): ("USA", "FRN", 1, 1, 2, True),
        (2, 220, 2020, HOG): ("USA", "FRN", 1, 1, 2, True),
        # a state from 2020-06-01: a member in 2020, not in 2019
        (2, 347, 2020, HOS): ("USA", "KOS", 1, 1, 1, True),
        (2, 347, 2020, HOG): ("USA", "KOS", 1, 1, 1, True),
        # covered zeros: the foreign minister's Hong Kong trip is no state visit
        (2, 200, 2019, FM): ("USA", "UKG", 0, 0, 0, True),
        (2, 200, 2020, FM): ("USA", "UKG", 0, 0, 0, True),
        (2, 220, 2019, FM): ("USA", "FRN", 0, 0, 0, True),
        (2, 220, 2020, FM): ("USA", "FRN", 0, 0, 0, True),
        (2, 347, 2020, FM): ("USA", "KOS", 0, 0, 0, True),
        (2, 220, 2019, HOS): ("USA", "FRN", 0, 0, 0, True),
        (2, 220, 2019, HOG): ("USA", "FRN", 0, 0, 0, True),
        # not covered (the curated claim covers half a year; the visits claim's source is
        # absent): the count found, never a zero, and complete is false
        (200, 2, 2020, HOG): ("UKG", "USA", 1, 1, 2, False),
    }
    assert got == expected
    # what is not there is missing: no UK→France row, no USA 'other' rows, no home stays
    assert (200, 220, 2020, HOG) not in got
    assert (200, 200, 2020, HOG) not in got
    assert not any(key[3] == "other" for key in got)


def test_membership_differs_by_system(tables: dict[str, pd.DataFrame]) -> None:
    got = _rows(dyad_years_from(tables, "gw"), ["gwcode1", "gwcode2", "year", "office"])
    assert (2, 200, 2019, HOS) not in got  # the UK is not a G&W member in 2019 here
    assert got[(2, 200, 2020, HOS)] == ("USA", "UKG", 1, 1, 1, True)
    assert got[(2, 220, 2019, HOS)] == ("USA", "FRN", 0, 0, 0, True)


def test_iso3_counts_territories_without_zero_filling_them(
    tables: dict[str, pd.DataFrame],
) -> None:
    got = _rows(dyad_years_from(tables, "iso3"), ["iso3_1", "iso3_2", "year", "office"])
    assert got[("USA", "HKG", 2020, FM)] == (1, 1, 2, False)
    assert got[("USA", "GBR", 2019, FM)] == (0, 0, 0, True)
    assert ("USA", "HKG", 2019, FM) not in got


def test_offices_as_one_group_count_a_trip_once(tables: dict[str, pd.DataFrame]) -> None:
    got = dyad_years_from(tables, "cow", offices=[HOS, HOG], by_office=False)
    assert "office" not in got.columns
    rows = _rows(got, ["ccode1", "ccode2", "year"])
    assert rows[(2, 200, 2019)] == ("USA", "UKG", 1, 1, 2, True)
    # complete only where both offices are: the UK's head of state is not covered
    assert rows[(200, 2, 2020)] == ("UKG", "USA", 1, 1, 2, False)


def test_undirected_sums_both_directions(tables: dict[str, pd.DataFrame]) -> None:
    got = _rows(
        dyad_years_from(tables, "cow", directed=False, years=[2020]),
        ["ccode1", "ccode2", "year", "office"],
    )
    assert got[(2, 200, 2020, HOG)] == ("USA", "UKG", 2, 2, 3, False)
    assert got[(2, 200, 2020, HOS)] == ("USA", "UKG", 1, 1, 1, False)  # UK side uncovered
    assert all(key[0] < key[1] for key in got)


def test_country_years_by_hand(tables: dict[str, pd.DataFrame]) -> None:
    got = _rows(country_years_from(tables, "cow"), ["ccode", "year", "office"])
    assert got[(2, 2019, HOS)] == ("USA", 1, 1, 2, True, None, None, None, False)
    assert got[(2, 2020, HOS)] == ("USA", 2, 1, 4, True, None, None, None, False)
    assert got[(2, 2020, FM)] == ("USA", 0, 0, 0, True, None, None, None, False)
    assert got[(2, 2020, HOG)] == ("USA", 2, 1, 4, True, 1, 1, 2, False)
    assert got[(200, 2020, HOG)] == ("UKG", 1, 1, 2, False, 1, 1, 1, False)
    assert got[(200, 2019, HOG)] == ("UKG", None, None, None, False, 1, 1, 2, False)
    assert (200, 2020, FM) not in got


def test_years_and_offices_filter(tables: dict[str, pd.DataFrame]) -> None:
    got = dyad_years_from(tables, "cow", offices=FM, years=range(2020, 2021))
    assert set(got["year"]) == {2020}
    assert set(got["office"].astype(str)) == {FM}
    with pytest.raises(ValueError, match="unknown office"):
        dyad_years_from(tables, "cow", offices=["president"])
    with pytest.raises(ValueError, match="unknown system"):
        dyad_years_from(tables, "ccode")  # type: ignore[arg-type]


def test_release_tables_agree_with_the_helpers(
    tables: dict[str, pd.DataFrame], repo_root: Any
) -> None:
    built = build_panels(tables)
    schemas = {
        name: read_table_schema(repo_root / "datapackage" / "schemas" / f"{name}.schema.json")
        for name in built
    }
    typed = {name: typed_frame(frame, schemas[name]) for name, frame in built.items()}
    assert check_tables(typed, schemas).problems == []
    for system, code in (("cow", "ccode"), ("gw", "gwcode")):
        release = typed["dyad_years"][typed["dyad_years"]["system"] == system]
        helper = dyad_years_from(tables, system)  # type: ignore[arg-type]
        keys = ["code1", "code2", "year", "office"]
        mine = helper.rename(columns={f"{code}1": "code1", f"{code}2": "code2"})[
            [*keys, "trips", "leaders", "days", "complete"]
        ]
        theirs = release[[*keys, "trips", "leaders", "days", "complete"]]
        assert _rows(mine.astype({"office": str}), keys) == _rows(
            theirs.astype({"office": str}), keys
        )
        c_release = typed["country_years"][typed["country_years"]["system"] == system]
        c_helper = country_years_from(tables, system)  # type: ignore[arg-type]
        assert len(c_release) == len(c_helper)
        assert c_release["trips_made"].sum() == c_helper["trips_made"].sum()
