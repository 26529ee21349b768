"""Curated journeys and imported records of the same meetings agree on their dates.

The curated trips are Kim Jong Un's side of the summits; the Office of the Historian
records are the U.S. president's side. They stay separate records of different
travellers, but the meeting day of each must fall inside the president's visit.
"""

from __future__ import annotations

import pandas as pd
import pytest

from leadertravel.pipeline.importers.historian import HistorianImport
from leadertravel.pipeline.validate import read_curated

from .conftest import ROOT

# curated stop (Kim's side) · the president's visit it meets · the meeting day
MEETINGS = [
    ("kim-jong-un-2018-06-10-s01", "SGP", "2018-06-12"),  # Singapore summit
    ("kim-jong-un-2019-02-23-s03", "VNM", "2019-02-27"),  # Hanoi summit, first day
    ("kim-jong-un-2019-06-30-s01", "KOR", "2019-06-30"),  # Panmunjom with Trump
]


@pytest.fixture(scope="module")
def curated_stops() -> pd.DataFrame:
    return read_curated(ROOT).tables["stops"].set_index("stop_id")


@pytest.fixture(scope="module")
def trump_stops(historian: HistorianImport) -> pd.DataFrame:
    trips = historian.tables["trips"]
    stops = historian.tables["stops"]
    ids = trips.loc[trips["leader_id"] == "trump-donald-j", "trip_id"]
    return stops[stops["trip_id"].isin(ids)]


@pytest.mark.parametrize(("stop_id", "country", "day"), MEETINGS)
def test_meeting_day_falls_in_both_records(
    curated_stops: pd.DataFrame,
    trump_stops: pd.DataFrame,
    stop_id: str,
    country: str,
    day: str,
) -> None:
    when = pd.Timestamp(day)
    kim = curated_stops.loc[stop_id]
    assert kim["country_code"] == country
    assert kim["arrival_date"] <= when <= kim["departure_date"]
    visits = trump_stops[
        (trump_stops["country_code"] == country)
        & (trump_stops["arrival_date"] <= when)
        & (trump_stops["departure_date"] >= when)
    ]
    assert len(visits) >= 1, f"no Trump visit to {country} covers {day}"
