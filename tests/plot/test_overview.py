"""Overview plots on the full shipped release: trips per year, world maps of visits."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from matplotlib.colors import to_rgba

import leadertravel as lt
from leadertravel._cli import main
from leadertravel._plot._style import LAND


def _bars(fig: Any) -> dict[str, dict[int, float]]:
    """Stack layer → {year: height} read back from the bar polygons."""
    ax = fig.axes[0]
    layers = {}
    for coll in ax.collections:
        gid = coll.get_gid() or ""
        if gid.startswith("bars:"):
            heights = {}
            for path in coll.get_paths():
                (x0, y0), (x1, y1) = path.vertices.min(axis=0), path.vertices.max(axis=0)
                heights[round((x0 + x1) / 2)] = y1 - y0
            layers[gid.removeprefix("bars:")] = heights
    return layers


def _fills(fig: Any) -> dict[str, tuple[float, ...]]:
    land = next(c for c in fig.axes[0].collections if c.get_gid() == "land")
    return {code: tuple(rgba) for code, rgba in zip(land.codes, land.get_facecolors(), strict=True)}


def test_trips_per_year_counts_every_trip(release: dict[str, Any], load: Any) -> None:
    trips = load("trips", columns=["trip_id", "office", "origin", "start_date"])
    fig = lt.plot_trips_per_year(**release)
    layers = _bars(fig)
    expected = trips.groupby(
        [trips["office"].astype(str).str.replace("_", " ") + " · " + trips["origin"].astype(str),
         trips["start_date"].dt.year]
    ).size()  # fmt: skip
    got = {(k, year): n for k, years in layers.items() for year, n in years.items()}
    assert got == {k: float(v) for k, v in expected.items()}
    assert sum(got.values()) == len(trips) > 1400
    legend = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    largest = expected.groupby(level=0).sum().idxmax()
    assert legend[0] == largest == "head of government · history-state-visits"  # largest first
    assert "head of state · curated" in legend
    assert f"{len(trips):,} trips" in fig.axes[0].get_title(loc="left")


def test_trips_per_year_of_one_leader_in_a_period(release: dict[str, Any], load: Any) -> None:
    fig = lt.plot_trips_per_year(leader="kim-jong-un", period="2018-2019", **release)
    trips = load("trips", filters=[("leader_id", "==", "kim-jong-un")])
    years = trips["start_date"].dt.year
    expected = years[(years >= 2018) & (years <= 2019)].value_counts().to_dict()
    assert _bars(fig) == {"head of state · curated": {y: float(n) for y, n in expected.items()}}
    assert "Kim Jong Un" in fig.get_suptitle() and "2018" in fig.get_suptitle()


def test_world_map_of_one_leader(release: dict[str, Any], load: Any) -> None:
    fig = lt.plot_world(leader="kim-jong-un", **release)
    fills = _fills(fig)
    trips = load("trips", filters=[("leader_id", "==", "kim-jong-un")])["trip_id"]
    stops = load("stops", filters=[("trip_id", "in", list(trips))])
    visited = set(stops["country_code"].astype(str))
    assert visited >= {"CHN", "RUS", "SGP", "VNM", "KOR"}
    coloured = {code for code, rgba in fills.items() if rgba != pytest.approx(to_rgba(LAND))}
    assert coloured == visited
    # China (most visits) is darker than Singapore (one visit)
    assert sum(fills["CHN"][:3]) < sum(fills["SGP"][:3])
    assert any(line.get_gid() == "dot:SGP" for line in fig.axes[0].lines)  # too small to see


def test_world_map_of_visits_received(release: dict[str, Any], load: Any) -> None:
    fig = lt.plot_world(country="CHN", received=True, period="2018", **release)
    fills = _fills(fig)
    coloured = {code for code, rgba in fills.items() if rgba != pytest.approx(to_rgba(LAND))}
    assert {"PRK", "USA"} <= coloured and "CHN" not in coloured
    assert "visits received by China" in fig.get_suptitle()


def test_bad_selections_are_clear_errors(release: dict[str, Any]) -> None:
    with pytest.raises(lt.RecordNotFound, match="did you mean kim-jong-un"):
        lt.plot_world(leader="kim-jong-um", **release)
    with pytest.raises(lt.RecordNotFound, match="no country 'XYZ'"):
        lt.plot_trips_per_year(country="XYZ", **release)
    with pytest.raises(ValueError, match="period 'soon' is not understood"):
        lt.plot_world(period="soon", **release)
    with pytest.raises(ValueError, match="give country="):
        lt.plot_world(received=True, **release)


def test_cli_map_and_plot(
    release: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = ["--source", str(release["source"]), "--cache-dir", str(release["cache_dir"])]
    html, png = tmp_path / "map.html", tmp_path / "world.png"
    assert main(["map", "kim-jong-un-2023-09-10", "-o", str(html), *src]) == 0
    assert html.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert (
        main(["plot", "world", "--country", "USA", "--period", "1990s", "-o", str(png), *src]) == 0
    )
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    out = capsys.readouterr().out
    assert f"wrote {html} (" in out and f"wrote {png} (" in out
    assert main(["map", "no-such-trip", "-o", str(tmp_path / "x.png"), *src]) == 1
    with pytest.raises(SystemExit) as stop:
        main(["map", "kim-jong-un-2023-09-10", "-o", str(tmp_path / "map.txt")])
    assert stop.value.code == 2
    with pytest.raises(SystemExit):
        main(["plot", "world", "--received", "-o", str(png)])
    assert "--received needs --country" in capsys.readouterr().err
    assert not (tmp_path / "x.png").exists()
