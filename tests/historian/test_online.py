"""The optional Nominatim fallback: off unless asked, and its answers are cached in data/."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from leadertravel.pipeline.importers.historian._geocode import OfflineGeocoder

COUNTRIES = {"IRL": "IE", "GBR": "GB"}


def _geocoder(*, online: bool, cache: Path) -> OfflineGeocoder:
    return OfflineGeocoder(
        curated=[], search_countries={}, alpha2=COUNTRIES, online=online, cache_path=cache
    )


def test_offline_by_default_leaves_unknown_names_unplaced(tmp_path: Path) -> None:
    cache = tmp_path / "places_cache.csv"
    geocoder = _geocoder(online=False, cache=cache)
    assert geocoder.geocode("Moneygall", country_codes="IRL") is None
    assert geocoder.geocode("Moneygall", country_codes="IRL", exactly_one=False) == []
    assert not cache.exists()


@pytest.mark.network
def test_nominatim_answer_is_cached_for_the_next_offline_build(tmp_path: Path) -> None:
    cache = tmp_path / "places_cache.csv"
    hit = _geocoder(online=True, cache=cache).geocode("Moneygall", country_codes="IRL")
    assert hit is not None
    assert hit.raw["geocoded_by"] == "nominatim"
    assert hit.raw["country_code"] == "IRL"
    assert 51.4 < hit.latitude < 55.5 and -10.7 < hit.longitude < -5.9  # inside Ireland
    with cache.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert [r["locality"] for r in rows] == ["Moneygall"]
