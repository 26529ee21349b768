"""The itinerary map of one trip, asserted from the figure's objects and the written files."""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image

import leadertravel as lt
from leadertravel._plot import _outlines
from leadertravel._plot._style import LAND, LAND_VISITED, mode_style

SEED_TRIP = "kim-jong-un-2023-09-10"  # the September 2023 train journey to Vostochny
HANOI_TRIP = "kim-jong-un-2019-02-23"  # by train across China: two country-level stops


def _axes(fig: Any, gid: str) -> Any:
    return next(ax for ax in fig.axes if ax.get_gid() == gid)


def _artists(fig: Any) -> Counter[str]:
    ax = _axes(fig, "map")
    return Counter(line.get_gid() for line in ax.lines)


def _expected_sources(load: Any, trip_id: str) -> int:
    """Distinct sources cited by the trip and its stops, legs and crossings (via pandas)."""
    trip = [("trip_id", "==", trip_id)]
    ids = {trip_id}
    for table, key in (
        ("stops", "stop_id"),
        ("legs", "leg_id"),
        ("border_crossings", "crossing_id"),
    ):
        ids |= set(load(table, filters=trip)[key])
    cites = load("citations")
    mine = cites[cites["record_id"].isin(ids) & (cites["table_name"] != "places")]
    return mine["source_id"].nunique()


@pytest.fixture(scope="module")
def seed_fig(release: dict[str, Any]) -> Any:
    return lt.plot_trip(SEED_TRIP, **release)


def test_seed_trip_markers_routes_and_legend(seed_fig: Any, load: Any) -> None:
    stops = load("stops", filters=[("trip_id", "==", SEED_TRIP)])
    legs = load("legs", filters=[("trip_id", "==", SEED_TRIP)])
    crossings = load("border_crossings", filters=[("trip_id", "==", SEED_TRIP)])
    drawn = _artists(seed_fig)
    # one marker per distinct place (Artyom is stops 4 and 6), one per crossing point
    assert drawn["marker:stop"] == stops["place_id"].nunique() == 5
    assert drawn["marker:home"] == 1
    assert drawn["marker:crossing"] == crossings["crossing_place_id"].nunique() == 1
    # one line per leg, styled by its mode: 5 rail legs, 2 with the mode not recorded
    modes = Counter(legs["transport_mode"].astype(str))
    assert {k: v for k, v in drawn.items() if k.startswith("route:")} == {
        f"route:{m}": n for m, n in modes.items()
    }
    assert modes == {"rail": 5, "unknown": 2}
    rail = [ln for ln in _axes(seed_fig, "map").lines if ln.get_gid() == "route:rail"]
    assert {ln.get_color() for ln in rail} == {mode_style("rail").color}
    legend = [t.get_text() for t in _axes(seed_fig, "itinerary").get_legend().get_texts()]
    assert legend == [
        "Rail",
        "Mode not recorded",
        "Start and end",
        "Stop (numbered in order)",
        "Border crossing point",
    ]


def test_seed_trip_title_and_crossing_point(seed_fig: Any, load: Any) -> None:
    texts = {t.get_gid(): t.get_text() for t in _axes(seed_fig, "header").texts}
    assert texts["heading"].startswith("Kim Jong Un · 10–19 Sep 2023")
    summary = texts["summary"]
    n = _expected_sources(load, SEED_TRIP)
    assert n > 1 and f"· {n} sources cited ·" in summary
    assert "6 stops · 7 legs · 2 border crossings" in summary
    # the first rail leg passes through the Tumen river bridge, where the crossing marker is
    bridge = load("places", filters=[("place_id", "==", "rus-khasan-tumangang-bridge")]).iloc[0]
    marker = next(ln for ln in _axes(seed_fig, "map").lines if ln.get_gid() == "marker:crossing")
    assert marker.get_xydata()[0] == pytest.approx([bridge["lon"], bridge["lat"]])
    first_leg = next(ln for ln in _axes(seed_fig, "map").lines if ln.get_gid() == "route:rail")
    xy = first_leg.get_xydata()
    assert np.abs(xy - [bridge["lon"], bridge["lat"]]).sum(axis=1).min() < 1e-9
    # land of the visited country is tinted, its neighbours are not
    land = next(c for c in _axes(seed_fig, "map").collections if c.get_gid() == "land")
    colors = dict(zip(land.codes, land.get_facecolors(), strict=True))
    from matplotlib.colors import to_rgba

    assert tuple(colors["RUS"]) == pytest.approx(to_rgba(LAND_VISITED))
    assert tuple(colors["CHN"]) == pytest.approx(to_rgba(LAND))


def test_country_level_stops_have_no_pin(release: dict[str, Any], load: Any) -> None:
    fig = lt.plot_trip(HANOI_TRIP, **release)
    stops = load("stops", filters=[("trip_id", "==", HANOI_TRIP)])
    unplaced = stops[stops["place_id"].isna()]
    assert list(unplaced["country_code"]) == ["CHN", "CHN"]
    drawn = _artists(fig)
    assert drawn["country-stop:CHN"] == 1  # a label at China, no stop marker
    assert drawn["marker:stop"] == stops["place_id"].nunique() == 2  # Dong Dang, Hanoi
    assert drawn["route:gap"] == 2  # the route through China is not recorded, both ways
    texts = [t.get_text() for t in _axes(fig, "map").texts]
    assert "1, 5 · China\n(place not recorded)" in texts
    side = [t.get_text() for t in _axes(fig, "itinerary").texts]
    assert "1  China (place not recorded) — 23–26 Feb" in side
    legend = [t.get_text() for t in _axes(fig, "itinerary").get_legend().get_texts()]
    assert "Route not recorded" in legend
    assert "Country-level stop (place not recorded)" in legend


def test_png_output_size_and_not_blank(release: dict[str, Any], tmp_path: Path) -> None:
    out = tmp_path / "map.png"
    lt.plot_trip(SEED_TRIP, output=out, figsize=(10, 6), dpi=100, **release)
    assert 30_000 < out.stat().st_size < 2_000_000
    image = np.asarray(Image.open(out).convert("RGB"))
    assert image.shape == (600, 1000, 3)
    not_white = (image < 245).any(axis=2).mean()
    assert not_white > 0.3
    rail = np.array([0xD5, 0x5E, 0x00])
    assert (np.abs(image.astype(int) - rail).sum(axis=2) < 40).sum() > 300  # the route
    assert not list(tmp_path.glob(".map.png.*"))  # no temporary file left


def test_unknown_trip_and_bad_suffix(release: dict[str, Any], tmp_path: Path) -> None:
    with pytest.raises(lt.RecordNotFound, match="did you mean kim-jong-un-2023-09-10"):
        lt.plot_trip("kim-jong-un-2023-09-1", **release)
    with pytest.raises(LookupError):
        lt.trip_html("no-such-trip", **release)
    with pytest.raises(ValueError, match=r"'\.gif' is not one of \.png, \.svg, \.pdf"):
        lt.plot_trip(SEED_TRIP, output=tmp_path / "map.gif", **release)
    assert not list(tmp_path.iterdir())


def test_missing_extra_is_a_typed_error(
    release: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # as if not installed
    with pytest.raises(lt.MissingDependency, match=r"pip install 'leadertravel\[plot\]'") as err:
        lt.plot_trip(SEED_TRIP, **release)
    assert isinstance(err.value, ImportError) and isinstance(err.value, lt.LeadertravelError)
    monkeypatch.setattr(_outlines, "_PACKAGE", "no_such_outline_package")
    with pytest.raises(lt.MissingDependency, match="country outlines"):
        _outlines._data_file()


def test_html_page_holds_the_same_map(release: dict[str, Any], load: Any) -> None:
    import re

    page = lt.trip_html(SEED_TRIP, **release)
    kinds = Counter(re.findall(r'<g class="marker" data-kind="(\w+)"', page))
    assert kinds == {"home": 1, "stop": 5, "crossing": 1}
    modes = Counter(re.findall(r'<polyline class="route" data-mode="(\w+)"', page))
    assert modes == {"rail": 5, "unknown": 2}
    legend = re.findall(r'<span data-legend="(\w+)">', page)
    assert legend == ["rail", "unknown", "home", "stop", "crossing"]
    assert 'data-ref="stop-4 stop-6"' in page  # Artyom, twice
    assert f"· {_expected_sources(load, SEED_TRIP)} sources cited ·" in page
    assert '<path class="land visited" data-country="RUS"' in page
    hanoi = lt.trip_html(HANOI_TRIP, **release)
    assert re.findall(
        r'<g class="country-stop" data-kind="country" data-country="(\w+)"', hanoi
    ) == ["CHN"]
    assert len(re.findall(r'data-mode="gap"', hanoi)) == 2
    assert '<li value="1" class="unknown" data-ref="stop-1"><b>China (place not recorded)' in hanoi
