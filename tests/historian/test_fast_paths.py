"""The importers' fast paths give exactly what the plain computations give, on real data."""

from __future__ import annotations

import csv
import random
import shutil
from pathlib import Path

import pandas as pd
import pytest
from geopy.distance import geodesic

from leadertravel._errors import SourceInputError
from leadertravel.pipeline.importers.historian import HistorianImport, _geodesic
from leadertravel.pipeline.importers.historian._gazetteers import (
    AIRPORT_FIELDS,
    Gazetteers,
    _name_index,
    read_airports,
)
from leadertravel.pipeline.importers.historian._geodesic import TRUSTED_KM, distance_km, rounded_km
from leadertravel.pipeline.importers.historian._gsh import GSH_SOURCE, read_gsh
from leadertravel.pipeline.importers.historian._legs import geodesic_km
from leadertravel.pipeline.importers.historian._locales import norm
from leadertravel.pipeline.importers.historian._namesearch import (
    NameSearch,
    _pieces,
    _text,
    compact,
    compact_forms,
    compact_text,
)
from leadertravel.pipeline.importers.visits import VisitsImport
from leadertravel.pipeline.pins import pins_path, read_pins, read_verified, write_pins

from .conftest import GSH, ROOT


def _leg_points(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    places = tables["places"].set_index("place_id")[["lat", "lon"]]
    legs = tables["legs"].dropna(subset=["from_place_id", "to_place_id"])
    a = places.add_suffix("_a").reindex(legs["from_place_id"]).to_numpy()
    b = places.add_suffix("_b").reindex(legs["to_place_id"]).to_numpy()
    ends = pd.DataFrame({"lat_a": a[:, 0], "lon_a": a[:, 1], "lat_b": b[:, 0], "lon_b": b[:, 1]})
    return ends.assign(distance_km=legs["distance_km"].to_numpy())


@pytest.mark.parametrize("source", ["travels", "visits"])
def test_distances_are_geopys_on_every_real_leg(
    source: str, historian: HistorianImport, visits: VisitsImport
) -> None:
    tables = (historian if source == "travels" else visits).tables
    ends = _leg_points(tables)
    assert len(ends) == {"travels": 6333, "visits": 1112}[source]
    for lat_a, lon_a, lat_b, lon_b, km in ends.itertuples(index=False):
        a, b = (lat_a, lon_a), (lat_b, lon_b)
        plain = float(geodesic(a, b).km)
        assert distance_km(a, b) == plain  # bit for bit, unrounded
        assert geodesic_km(*sorted([a, b])) == round(plain, 1) == km  # the published value


def test_distance_refuses_points_out_of_range() -> None:
    with pytest.raises(ValueError, match=r"\(10.0, 190.0\) is outside"):
        distance_km((0.0, 0.0), (10.0, 190.0))
    with pytest.raises(ValueError, match=r"\(-91.0, 0.0\) is outside"):
        rounded_km((-91.0, 0.0), (0.0, 0.0))


def _random_pairs(n: int) -> list[tuple[tuple[float, float], tuple[float, float]]]:
    """``n`` pairs anywhere on the globe, ``n`` short ones, and some nearly antipodal."""
    rng = random.Random(16)
    anywhere = [
        (
            (rng.uniform(-90, 90), rng.uniform(-180, 180)),
            (rng.uniform(-90, 90), rng.uniform(-180, 180)),
        )
        for _ in range(n)
    ]
    short = []
    for _ in range(n):
        lat, lon = rng.uniform(-89, 89), rng.uniform(-179, 179)
        short.append(((lat, lon), (lat + rng.uniform(-1, 1), lon + rng.uniform(-1, 1))))
    antipodal = [
        ((lat, 0.0), (-lat + rng.uniform(-0.5, 0.5), rng.uniform(179, 180)))
        for lat in (rng.uniform(-60, 60) for _ in range(50))
    ]
    return [*anywhere, *short, *antipodal, ((12.5, 7.25), (12.5, 7.25))]


def test_rounded_distance_is_the_exact_one_rounded_anywhere() -> None:
    """Vincenty's estimate stays far inside the trusted margin; the rounding is exact's."""
    for a, b in _random_pairs(1500):
        exact = distance_km(a, b)
        assert rounded_km(a, b) == round(exact, 1), (a, b)
        estimate = _geodesic._vincenty_km(*a, *b)
        if estimate is not None and estimate < _geodesic._FAR_KM:
            assert abs(estimate - exact) < TRUSTED_KM / 100, (a, b)


def test_rounded_distance_near_a_boundary_is_computed_exactly(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    a, b = (51.5, -0.12), (50.85, 4.35)
    exact = distance_km(a, b)  # 320.80074…: the boundaries around it are 320.75 and 320.85
    # estimates just inside the margin, on both sides of both boundaries: an estimate
    # trusted there would give 320.7 or 320.9
    near = [edge + side * TRUSTED_KM / 2 for edge in (320.75, 320.85) for side in (-1, 1)]
    assert [round(off, 1) for off in near] == [320.7, 320.8, 320.8, 320.9]
    for off in near:
        monkeypatch.setattr(_geodesic, "_vincenty_km", lambda *_, off=off: off)
        assert rounded_km(a, b) == round(exact, 1) == 320.8  # not the estimate's tenth
    monkeypatch.setattr(_geodesic, "_vincenty_km", lambda *_: 320.83)  # settled: trusted
    assert rounded_km(a, b) == 320.8


def _plain_positions(gazetteers: Gazetteers, a2: str, key: str) -> list[int]:
    at = gazetteers.country_index(a2).get(key)
    return [] if at is None else [at] if isinstance(at, int) else list(at)


@pytest.mark.parametrize(
    ("a2", "step"),
    # every key where names carry accents and letters NFKD keeps (eth, thorn, ae, o with
    # stroke, dotless i, d with stroke), a sample of the largest (saints, hyphens, apostrophes)
    [
        *[("IS", 1), ("GE", 1), ("LU", 1), ("DK", 1), ("NO", 1), ("VN", 1), ("CA", 7)],
        *[("PL", 19), ("TR", 17), ("DE", 120), ("FR", 120), ("US", 300)],
    ],
)
def test_name_search_finds_what_the_plain_index_finds(a2: str, step: int) -> None:
    gazetteers = Gazetteers.shared()
    cities = gazetteers.by_country[a2]
    keys = sorted(gazetteers.country_index(a2))[::step]
    assert len(keys) > 200
    for key in keys:
        found = [id(c) for c in gazetteers.cities_named(a2, key)]
        assert found == [id(cities[at]) for at in _plain_positions(gazetteers, a2, key)], key
        for other in (key + "x", key[1:], key.replace(" ", ""), key.replace("saint", "st")):
            found = [id(c) for c in gazetteers.cities_named(a2, other)]
            assert found == [id(cities[at]) for at in _plain_positions(gazetteers, a2, other)]


def test_compact_text_is_the_compact_form_of_every_countrys_text() -> None:
    """Decomposing only the names that are not ASCII gives the text compacted whole."""
    gazetteers = Gazetteers.shared()
    assert len(gazetteers.by_country) > 240
    for a2, cities in gazetteers.by_country.items():
        text, pieces = compact_text(cities)
        assert text == compact(_text(cities)), a2
        assert pieces == len(_pieces(cities)) == text.count(b"\x00") - 1
    sample = [{"name": "Łódź", "alternatenames": ["Lodz", "Лодзь", "Ł\x00x"]}]
    assert compact_text(sample) == (compact(_text(sample)), 4)  # a name holding a separator
    search = NameSearch(sample, plain=lambda: _name_index(sample))
    assert search._text is None and search.positions("lodz") == (0,)


def test_name_search_answers_the_builds_questions(historian: HistorianImport) -> None:
    """Every (country, name) the real imports asked has the plain index's answer."""
    gazetteers = Gazetteers.shared()
    asked = [(a2, key) for a2, search in gazetteers._search.items() for key in search._found]
    assert len(asked) > 1000
    for a2, key in asked:
        cities = gazetteers.by_country.get(a2, [])
        expected = [id(cities[at]) for at in _plain_positions(gazetteers, a2, key)]
        assert [id(c) for c in gazetteers.cities_named(a2, key)] == expected


def test_name_search_falls_back_to_the_plain_index() -> None:
    cities = [
        {"name": "Saint-Lô", "alternatenames": ["St.-Lo", "a\x00b"]},  # a name with a separator
        {"name": "Stlo", "alternatenames": []},
    ]
    search = NameSearch(cities, plain=lambda: _name_index(cities))
    assert search._text is None
    assert search.positions("saint lo") == (0,) and search.positions("stlo") == (1,)
    saints = " ".join(["saint"] * 5)
    many = [{"name": saints.title(), "alternatenames": ["St St St St St"]}]
    search = NameSearch(many, plain=lambda: _name_index(many))
    assert compact_forms(saints) is None and search.positions(saints) == (0,)
    assert search.positions("") == search.positions("zürich") == ()


def test_compact_forms_cover_each_spelling_of_saint() -> None:
    forms = compact_forms("saint jean saint louis")
    assert forms is not None and len(forms) == 9
    for name in ("St. Jean-St-Louis", "Ste Jean Saint Louis", "SAINT-JEAN-STE-LOUIS"):
        assert norm(name) == "saint jean saint louis" and compact(name) in forms


def test_airports_are_airportsdatas_own() -> None:
    """What the geocoder keeps of each airport equals ``airportsdata.load("ICAO")``, in order."""
    import airportsdata

    plain = airportsdata.load("ICAO")
    ours = Gazetteers.shared().airports_by_icao
    assert len(ours) == len(plain) > 28_000
    assert list(ours) == list(plain)
    for icao, airport in plain.items():
        assert ours[icao] == {k: airport[k] for k in AIRPORT_FIELDS}, icao  # floats included
    assert {type(ours["EGLL"][k]) for k in ("lat", "lon")} == {float}


def test_airports_with_another_header_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "airports.csv"
    path.write_text('"icao","iata","name"\n"EGLL","LHR","Heathrow"\n', encoding="utf-8")
    with pytest.raises(SourceInputError, match=r"airports.csv: columns \['icao', 'iata', 'name'\]"):
        read_airports(path)


def _airports_file(tmp_path: Path, *, blank_at: tuple[int, ...], short: str = "") -> Path:
    """The header and first rows of airportsdata's CSV, blank lines at ``blank_at``."""
    import airportsdata

    real = Path(airportsdata.__file__).parent / "airports.csv"
    lines = real.read_text(encoding="utf-8").splitlines(keepends=True)[:8]
    for at in sorted(blank_at, reverse=True):
        lines.insert(at, "\n")
    path = tmp_path / "airports.csv"
    path.write_text("".join(lines) + short, encoding="utf-8")
    return path


def test_airports_skip_blank_lines_as_airportsdata_does(tmp_path: Path) -> None:
    path = _airports_file(tmp_path, blank_at=(3, 5, 10))  # 10: after the last row
    with path.open(encoding="utf-8", newline="") as fh:  # what airportsdata.load does
        plain = {r["icao"]: r for r in csv.DictReader(fh, quoting=csv.QUOTE_NONNUMERIC)}
    ours = read_airports(path)
    assert len(ours) == len(plain) == 7
    assert ours == {icao: {k: r[k] for k in AIRPORT_FIELDS} for icao, r in plain.items()}


def test_airports_with_a_short_row_are_refused(tmp_path: Path) -> None:
    path = _airports_file(tmp_path, blank_at=(3,), short='"XXXX","","Nowhere"\n')
    with pytest.raises(SourceInputError, match=r"airports.csv:10: too few fields for airportsdata"):
        read_airports(path)


def test_the_gazetteer_parsed_from_its_checked_bytes_is_the_one_read_from_its_files() -> None:
    hashes, contents = read_verified(GSH, pins_path(ROOT, GSH_SOURCE))
    assert len(contents) > 1900 and hashes == read_pins(pins_path(ROOT, GSH_SOURCE))
    from_files = read_gsh(GSH)
    assert read_gsh(GSH, contents=contents) == from_files
    assert len(from_files.locales) > 1000 and len(from_files.countries) > 200
    with pytest.raises(SourceInputError, match=r"locales: no XML files; expected the gsh"):
        read_gsh(GSH, contents={k: v for k, v in contents.items() if "/locales/" not in k})


def test_hidden_gazetteer_files_are_not_parsed(tmp_path: Path) -> None:
    """Only the pinned, checked files of the gazetteer are parsed: a hidden ``.xml`` file
    (never pinned) is not, malformed (macOS's ``._<name>.xml``) or valid."""
    gsh = tmp_path / "gsh"
    for folder in ("countries-old", "territories", "locales"):
        (gsh / "data" / folder).mkdir(parents=True)
        first = min((GSH / "data" / folder).glob("*.xml"))
        shutil.copy(first, gsh / "data" / folder / first.name)
    locales = gsh / "data" / "locales"
    (locale,) = locales.iterdir()
    (locales / f"._{locale.name}").write_bytes(b"\x00\x05\x16\x07 Mac OS X resource fork")
    copy = locale.read_text(encoding="utf-8").replace(f">{locale.stem}<", ">copy<")
    assert ">copy<" in copy
    (locales / ".copy.xml").write_text(copy, encoding="utf-8")
    pins = tmp_path / "gsh.sha256"
    assert len(write_pins(gsh, pins)) == 3  # hidden files are never pinned
    hashes, contents = read_verified(gsh, pins)
    assert sorted(contents) == sorted(read_pins(pins))
    gazetteer = read_gsh(gsh, pins=hashes, contents=contents)
    assert list(gazetteer.locales) == [locale.stem]
    assert read_gsh(gsh) == gazetteer  # read from the files, not the checked bytes
