"""Regression tests of the visits import on the real 2026 snapshot (history-state-visits)."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from leadertravel._schema import read_table_schema
from leadertravel.pipeline.importers.visits import VisitsImport
from leadertravel.pipeline.rules import check_rules

ROOT = Path(__file__).resolve().parents[2]


def _trip(visits: VisitsImport, trip_id: str) -> pd.Series:
    return visits.tables["trips"].set_index("trip_id").loc[trip_id]


def _stops(visits: VisitsImport, trip_id: str) -> pd.DataFrame:
    stops = visits.tables["stops"]
    return stops[stops["trip_id"] == trip_id].sort_values("seq")


def test_every_record_is_imported_or_dropped_with_a_reason(visits: VisitsImport) -> None:
    cov = visits.coverage
    assert cov["records_read"] == 3264
    assert cov["records_imported"] == 3264
    assert cov["records_dropped"] == []
    assert cov["records_missing"] == []
    assert cov["records_accounted"] == cov["records_read"]
    assert cov["from_ids"] == 203
    assert cov["unmapped_slugs"] == 0
    assert set(visits.tables["stops"]["source_record_id"]) == {
        str(i) for i in visits.tables["stops"]["source_record_id"]
    }


def test_counts(visits: VisitsImport) -> None:
    cov = visits.coverage
    assert cov["records_naming_several_people"] == ["855", "1345", "1422", "1957", "3150", "3246"]
    assert cov["leaders"] == 1304
    assert cov["trips"] == 3264  # 3,270 people's visits; 6 pairs overlap and form one trip
    assert cov["records_coded_by"] == {"alias": 540, "gsh": 2688, "gsh-succession": 36}
    assert cov["trips_by_office"] == {
        "head_of_government": 1473,
        "head_of_state": 708,
        "head_of_state_and_government": 985,
        "other": 42,
        "president_elect": 56,
    }
    assert cov["trips_without_title"] == 3
    assert cov["stops"] == 4383
    assert cov["stops_with_locality"] == 2454
    assert cov["stops_geocoded"] == 2452
    assert [s["locality"] for s in cov["stops_not_geocoded"]] == ["Deerfield", "Warm Springs"]


def test_trips_per_decade(visits: VisitsImport) -> None:
    assert visits.coverage["trips_by_decade"] == {
        "1870s": 2,
        "1880s": 2,
        "1890s": 1,
        "1900s": 1,
        "1910s": 5,
        "1920s": 9,
        "1930s": 23,
        "1940s": 91,
        "1950s": 121,
        "1960s": 271,
        "1970s": 288,
        "1980s": 351,
        "1990s": 650,
        "2000s": 678,
        "2010s": 495,
        "2020s": 276,
    }


def test_visit_types(visits: VisitsImport) -> None:
    types = visits.coverage["trips_by_visit_type"]
    assert types["state_visit"] == 177
    assert types["official_visit"] == 231  # 6 records spell it "Offical"
    assert types["working_visit"] + types["official_working_visit"] == 1008
    assert types["unspecified"] == 364
    assert sum(types.values()) == visits.coverage["trips"]


def test_first_record_king_kalakaua_of_hawaii(visits: VisitsImport) -> None:
    trip = _trip(visits, "kalakaua-xhi-1874-12-12")
    assert (trip["leader_id"], trip["office"], trip["office_title"]) == (
        "kalakaua-xhi",
        "head_of_state",
        "King",
    )
    assert trip["start_date"] == pd.Timestamp("1874-12-12")
    assert "Only the part of the journey in the United States" in trip["remarks"]
    stops = _stops(visits, "kalakaua-xhi-1874-12-12")
    assert list(stops["locality"]) == ["New York City", "Boston", "Chicago", "St. Louis", "Omaha"]
    assert stops["place_id"].notna().all() and (stops["date_precision"] == "visit").all()
    leader = visits.tables["leaders"].set_index("leader_id").loc["kalakaua-xhi"]
    assert leader["country_code"] == "XHI"


def test_last_records_and_a_misspelt_type(visits: VisitsImport) -> None:
    trip = _trip(visits, "isaac-herzog-isr-2024-11-12")
    assert (trip["office"], trip["visit_type"]) == ("head_of_state", "official_visit")
    assert "Offical" not in trip["remarks"] or "pattern" in trip["remarks"]
    subianto = _trip(visits, "prabowo-subianto-idn-2024-11-12")
    assert subianto["office"] == "head_of_state_and_government"


def test_no_place_named_is_a_country_stop_never_washington(visits: VisitsImport) -> None:
    stops = _stops(visits, "isaac-herzog-isr-2024-11-12")
    assert len(stops) == 1
    stop = stops.iloc[0]
    assert (stop["country_code"], stop["place_id"], stop["locality"]) == ("USA", None, None) or (
        pd.isna(stop["place_id"]) and pd.isna(stop["locality"])
    )
    assert "names no place" in stop["remarks"]
    legs = visits.tables["legs"]
    legs = legs[legs["trip_id"] == "isaac-herzog-isr-2024-11-12"].sort_values("seq")
    assert list(legs["from_country_code"]) == ["ISR", "USA"]
    assert legs["from_place_id"].isna().all() and legs["to_place_id"].isna().all()


def test_state_visit_of_the_shah(visits: VisitsImport) -> None:
    trip = _trip(visits, "mohammad-reza-pahlavi-irn-1973-07-24")
    assert (trip["visit_type"], trip["office"]) == ("state_visit", "head_of_state")
    assert list(_stops(visits, "mohammad-reza-pahlavi-irn-1973-07-24")["locality"]) == [
        "Williamsburg"
    ]


def test_khrushchev_1959_is_soviet_and_multi_city_in_text_order(visits: VisitsImport) -> None:
    trip_id = "khrushchev-sun-1959-09-15"
    trip = _trip(visits, trip_id)
    assert (trip["office"], trip["office_title"], trip["visit_type"]) == (
        "head_of_government",
        "Premier",
        "official_visit",
    )
    stops = _stops(visits, trip_id)
    assert list(stops["locality"]) == [
        "Washington",
        "Camp David",
        "New York City",
        "Los Angeles",
        "San Francisco",
        "Des Moines",
        "Ames",
    ]
    assert (stops["source_record_id"] == "2385").all()
    crossings = visits.tables["border_crossings"]
    crossings = crossings[crossings["trip_id"] == trip_id].sort_values("seq")
    assert list(zip(crossings["from_country_code"], crossings["to_country_code"], strict=True)) == [
        ("SUN", "USA"),
        ("USA", "SUN"),
    ]
    assert crossings["inferred"].all()
    leader = visits.tables["leaders"].set_index("leader_id").loc["khrushchev-sun"]
    assert leader["country_code"] == "SUN"


def test_two_visitors_get_a_trip_each(visits: VisitsImport) -> None:
    duda = _trip(visits, "andrzej-duda-pol-2024-03-12")
    tusk = _trip(visits, "donald-tusk-pol-2024-03-12")
    assert (duda["office"], tusk["office"]) == ("head_of_state", "head_of_government")
    assert "Donald Tusk" in duda["remarks"] and "Andrzej Duda" in tusk["remarks"]
    stops = visits.tables["stops"]
    assert sorted(stops.loc[stops["source_record_id"] == "3246", "trip_id"]) == [
        "andrzej-duda-pol-2024-03-12",
        "donald-tusk-pol-2024-03-12",
    ]


def test_one_leader_under_several_titles(visits: VisitsImport) -> None:
    trips = visits.tables["trips"]
    peres = trips[trips["leader_id"] == "shimon-peres-isr"]
    assert set(peres["office_title"]) == {"Prime Minister", "President"}
    assert set(peres["office"]) == {"head_of_government", "head_of_state"}
    assert len(peres) == 10
    obasanjo = trips[trips["leader_id"] == "olusegun-obasanjo-nga"]
    assert set(obasanjo["office_title"]) == {"Lieutenant General", "President", "President-elect"}


def test_identity_decisions_split_and_merge(visits: VisitsImport) -> None:
    trips = visits.tables["trips"]
    by_leader = trips.groupby("leader_id").size()
    assert by_leader["hussein-i-jor"] == 39  # King Hussein, 1959-1999
    assert by_leader["hussein-bin-abdullah-jor"] == 1  # the crown prince, 2023
    # every spelling of King Abdullah II: 45 records, two of which overlap (one trip)
    assert by_leader["abdullah-ii-jor"] == 44
    assert "abdullah-bin-abd-el-aziz-al-saud-sau" in by_leader  # Saudi Arabia's, another man
    assert by_leader["benjamin-netanyahu-isr"] == 29  # every record: Benjamin, Binyamin, Benyamin
    iceland = trips[trips["leader_id"].str.startswith("bjarni-benediktsson")]
    assert sorted(iceland["leader_id"].unique()) == [
        "bjarni-benediktsson-born-1970-isl",
        "bjarni-benediktsson-isl",
    ]
    report = visits.identity
    assert dict(report["kind"].value_counts()) == {"merge": 102, "titles": 78, "decision": 8}
    assert (report.loc[report["kind"] != "titles", "record_ids"].str.len() > 0).all()
    papandreou = trips[trips["leader_id"].str.contains("papandreou")]["leader_id"].unique()
    assert len(papandreou) == 3  # Georgios (1964, surname only), Andreas, George: never merged


@pytest.mark.parametrize(
    ("trip_id", "office"),
    [
        ("helmut-kohl-deu-1982-11-14", "head_of_government"),  # German chancellor
        ("jose-maria-aznar-esp-2001-11-27", "head_of_government"),  # Spain's "President"
        ("hussein-bin-abdullah-jor-2023-02-02", "other"),  # a crown prince
        ("francesco-cossiga-ita-1991-05-07", "head_of_state"),  # parliamentary republic
        ("luiz-inacio-lula-da-silva-bra-2023-02-10", "head_of_state_and_government"),
    ],
)
def test_offices(visits: VisitsImport, trip_id: str, office: str) -> None:
    assert _trip(visits, trip_id)["office"] == office


def test_un_general_assembly_places_new_york(visits: VisitsImport) -> None:
    stops = visits.tables["stops"]
    stop = stops[stops["source_record_id"] == "817"].iloc[0]  # Havel at the U.N., 1990
    assert stop["locality"] == "New York City"
    assert "United Nations" in stop["remarks"]
    assert stop["confidence"] == "medium"


def test_release_rules_and_citations(visits: VisitsImport) -> None:
    t = visits.tables
    schemas = {
        name: read_table_schema(ROOT / "datapackage" / "schemas" / f"{name}.schema.json")
        for name in t
    }
    assert [str(p) for p in check_rules(t, schemas)][:5] == []
    cites = t["citations"]
    for table, key in (("trips", "trip_id"), ("stops", "stop_id"), ("legs", "leg_id")):
        cited = set(cites.loc[cites["table_name"] == table, "record_id"])
        assert cited == set(t[table][key]), table
    # the Office's gazetteer gave the coordinates of San Juan, Puerto Rico
    assert set(t["sources"]["source_id"]) == {"history-state-visits", "history-state-gsh"}
    gsh = set(cites.loc[cites["source_id"] == "history-state-gsh", "record_id"])
    assert gsh == set(t["places"].loc[t["places"]["geocoded_by"] == "gsh", "place_id"])
    assert (t["trips"]["origin"] == "history-state-visits").all()
    assert (t["legs"]["transport_mode"] == "unknown").all()  # modes are set at assembly
    assert not t["legs"]["mode_inferred"].any()


def test_coverage_is_json(visits: VisitsImport) -> None:
    assert json.loads(json.dumps(visits.coverage)) == visits.coverage
