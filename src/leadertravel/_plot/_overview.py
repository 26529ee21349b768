"""Overview plots of a whole release: trips per year, and a world map of visits.

A *visit* is one trip with at least one stop in a country. On the world map a stop counts
for the country its place lies in today (a 1972 stop in Moscow colours Russia); a stop
without a place counts for its recorded country, and former entities without an outline
of their own (SUN, YUG …) are listed under the map instead of drawn.
"""

from __future__ import annotations

import datetime as dt
import difflib
import itertools
import re
import textwrap
from dataclasses import dataclass
from typing import Any

import pandas as pd

from leadertravel._errors import RecordNotFound
from leadertravel._plot._deps import require
from leadertravel._plot._geo import aspect
from leadertravel._plot._mpl import land
from leadertravel._plot._outlines import NATURAL_EARTH, outlines
from leadertravel._plot._style import LAND, SEA
from leadertravel._plot._trip import Loader

__all__ = ["Selection", "parse_period", "trips_per_year_figure", "world_figure"]

_PERIOD = re.compile(
    r"^(?:(?P<decade>\d{3}0)s|(?P<y1>\d{4})(?:\s*[-–/]\s*(?P<y2>\d{4}))?"
    r"|(?P<d1>\d{4}-\d{2}-\d{2})\s*(?:/|\.\.)\s*(?P<d2>\d{4}-\d{2}-\d{2}))$"
)


def parse_period(text: str) -> tuple[dt.date, dt.date]:
    """Parse a period: '2018', '2017-2019', '1990s' or '2018-03-01/2018-06-30' (inclusive).

    Examples
    --------
    >>> parse_period("2018")
    (datetime.date(2018, 1, 1), datetime.date(2018, 12, 31))
    >>> parse_period("1990s")[1], parse_period("2018-03-01/2018-06-30")[0]
    (datetime.date(1999, 12, 31), datetime.date(2018, 3, 1))
    >>> parse_period("last year")
    Traceback (most recent call last):
    ...
    ValueError: period 'last year' is not understood; expected YEAR (2018), YEAR-YEAR \
(2017-2019), a decade (1990s) or DATE/DATE (2018-03-01/2018-06-30)
    """
    match = _PERIOD.match(text.strip())
    start: dt.date | None = None
    end: dt.date | None = None
    if match:
        g = match.groupdict()
        try:
            if g["decade"]:
                start, end = dt.date(int(g["decade"]), 1, 1), dt.date(int(g["decade"]) + 9, 12, 31)
            elif g["y1"]:
                start = dt.date(int(g["y1"]), 1, 1)
                end = dt.date(int(g["y2"] or g["y1"]), 12, 31)
            else:
                start, end = dt.date.fromisoformat(g["d1"]), dt.date.fromisoformat(g["d2"])
        except ValueError:
            start = end = None
    if start is None or end is None or start > end:
        msg = (
            f"period {text!r} is not understood; expected YEAR (2018), YEAR-YEAR (2017-2019), "
            "a decade (1990s) or DATE/DATE (2018-03-01/2018-06-30)"
        )
        raise ValueError(msg)
    return start, end


def _not_found(what: str, value: str, known: list[str], hint: str) -> RecordNotFound:
    close = difflib.get_close_matches(value, known, n=3, cutoff=0.5)
    guess = f"; did you mean {', '.join(close)}?" if close else ""
    return RecordNotFound(f"no {what} {value!r} in the release{guess} {hint}")


@dataclass(frozen=True)
class Selection:
    """Which trips an overview shows: of one leader, of one country's leaders, in a period."""

    leader: str | None = None
    country: str | None = None
    period: str | None = None
    received: bool = False

    def trips(self, loader: Loader) -> tuple[pd.DataFrame, str]:
        """Return the selected trips (with the leader's name and country) and a caption for them."""
        trips = loader.load(
            "trips", columns=["trip_id", "leader_id", "office", "start_date", "origin"]
        )
        leaders = loader.load("leaders", columns=["leader_id", "name", "country_code"])
        trips = trips.merge(leaders, on="leader_id", how="left")
        words: list[str] = []
        if self.leader is not None:
            ids = leaders["leader_id"].astype(str)
            names = leaders["name"].astype(str)
            hit = ids == self.leader
            if not hit.any():
                hit = names.str.casefold() == self.leader.casefold()
            if not hit.any():
                raise _not_found(
                    "leader",
                    self.leader,
                    [*ids, *names],
                    "(give a leader_id, e.g. kim-jong-un, or a name)",
                )
            chosen = set(ids[hit])
            trips = trips[trips["leader_id"].isin(chosen)]
            words.append(", ".join(names[hit]))
        if self.country is not None:
            country = self.country_name(loader)
            if not self.received:
                trips = trips[trips["country_code"] == self.country]
                words.append(f"leaders of {country}")
        if self.period is not None:
            start, end = parse_period(self.period)
            day = trips["start_date"].dt.date
            trips = trips[(day >= start) & (day <= end)]
            words.append(f"trips starting {start:%-d %b %Y} – {end:%-d %b %Y}")
        return trips.reset_index(drop=True), "; ".join(words) or "all trips"

    def country_name(self, loader: Loader) -> str:
        """Return the selected country's name (raises `RecordNotFound` for an unknown code)."""
        countries = loader.load("countries", columns=["code", "name"])
        codes = countries["code"].astype(str).tolist()
        if self.country not in codes:
            raise _not_found(
                "country", str(self.country), codes, "(give an ISO 3166 alpha-3 code, e.g. RUS)"
            )
        return str(countries.loc[countries["code"] == self.country, "name"].iloc[0])


def _label(value: Any) -> str:
    return str(value).replace("_", " ")


def trips_per_year_figure(selection: Selection, loader: Loader) -> Any:
    """Stacked bars: trips per year (of their start), by office and source (``origin``)."""
    figure_mod = require("matplotlib.figure", feature="plot_trips_per_year")
    loader = loader.pinned()
    trips, caption = selection.trips(loader)
    fig = figure_mod.Figure(figsize=(12.0, 5.5), dpi=100, layout="constrained")
    ax = fig.add_subplot(gid="trips-per-year")
    fig.suptitle(
        f"Trips per year by office and source — {caption}",
        fontsize=12,
        weight="bold",
        x=0.01,
        ha="left",
    )
    version = loader.version
    if trips.empty:
        ax.text(
            0.5,
            0.5,
            "No trips match this selection",
            ha="center",
            va="center",
            transform=ax.transAxes,
            gid="empty",
        )
        ax.set_axis_off()
        return fig
    group = trips["office"].map(_label).astype(str) + " · " + trips["origin"].astype(str)
    counts = pd.crosstab(trips["start_date"].dt.year, group)
    years = range(int(counts.index.min()), int(counts.index.max()) + 1)
    counts = counts.reindex(years, fill_value=0)
    order = counts.sum().sort_values(ascending=False).index
    colors = [
        "#0072B2",
        "#E69F00",
        "#009E73",
        "#CC79A7",
        "#D55E00",
        "#56B4E9",
        "#F0E442",
        "#555555",
    ]
    collections = require("matplotlib.collections", feature="plot_trips_per_year")
    patches = require("matplotlib.patches", feature="plot_trips_per_year")
    bottom = pd.Series(0, index=counts.index)
    handles = []
    for i, column in enumerate(order):
        color = colors[i % len(colors)]
        heights = counts[column]
        bars = [
            [(x - 0.42, b), (x + 0.42, b), (x + 0.42, b + h), (x - 0.42, b + h)]
            for x, b, h in zip(counts.index, bottom, heights, strict=True)
            if h > 0
        ]  # one collection per stack layer: fast even for 160 years
        ax.add_collection(
            collections.PolyCollection(
                bars, facecolors=color, edgecolors="none", gid=f"bars:{column}"
            )
        )
        handles.append(patches.Patch(color=color, label=column))
        bottom = bottom + heights
    ax.set_xlim(counts.index.min() - 1, counts.index.max() + 1)
    ax.set_ylim(0, int(bottom.max()) * 1.05 + 0.5)
    ax.set_xlabel("year the trip started")
    ax.set_ylabel("trips")
    ax.legend(
        handles=handles,
        title="office · source",
        fontsize=8.5,
        title_fontsize=9,
        frameon=False,
        loc="upper left",
    )
    ax.set_title(
        f"{len(trips):,} trips · leadertravel {version}", fontsize=9, loc="left", color="#333333"
    )
    ax.grid(axis="y", color="#dddddd", linewidth=0.6)
    ax.set_axisbelow(True)
    return fig


def _visits(selection: Selection, loader: Loader) -> tuple[pd.Series, str, str]:
    """Visits per map country, a caption, and what is counted (for the colour bar)."""
    trips, caption = selection.trips(loader)
    stops = loader.load("stops", columns=["trip_id", "country_code", "place_id"])
    places = loader.load("places", columns=["place_id", "country_code"])
    stops = stops[stops["trip_id"].isin(trips["trip_id"])]
    where = stops["place_id"].map(
        dict(zip(places["place_id"], places["country_code"], strict=True))
    )
    stops = stops.assign(map_code=where.fillna(stops["country_code"]).astype(str))
    if selection.received and selection.country is not None:
        hit = (stops["country_code"] == selection.country) | (
            stops["map_code"] == selection.country
        )
        visiting = trips.set_index("trip_id").loc[stops.loc[hit, "trip_id"].unique()]
        counts = visiting.groupby("country_code").size()
        name = selection.country_name(loader)
        caption = f"visits received by {name}" + ("" if caption == "all trips" else f"; {caption}")
        return counts.astype(int), caption, f"visits to {name}, by the visitor's country"
    pairs = stops[["trip_id", "map_code"]].drop_duplicates()
    return pairs.groupby("map_code").size().astype(int), caption, "visits (trips with a stop there)"


def _bins(top: int) -> list[int]:
    edges = [1]
    for step in (2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000):
        if step > top:
            break
        edges.append(step)
    return [*edges, top + 1]


def world_figure(selection: Selection, loader: Loader) -> Any:
    """Draw a world map coloured by visits made (or, with ``received``, received)."""
    figure_mod = require("matplotlib.figure", feature="plot_world")
    mpath = require("matplotlib.path", feature="plot_world")
    patches = require("matplotlib.patches", feature="plot_world")
    colors_mod = require("matplotlib.colors", feature="plot_world")
    cm = require("matplotlib.cm", feature="plot_world")
    loader = loader.pinned()
    counts, caption, unit = _visits(selection, loader)
    version = loader.version
    world = outlines(0.1)
    fig = figure_mod.Figure(figsize=(13.0, 7.2), dpi=100, layout="constrained")
    ax = fig.add_subplot(gid="world")
    ax.set_facecolor(SEA)
    edges = _bins(int(counts.max()) if len(counts) else 1)
    ramp = require("matplotlib", feature="plot_world").colormaps["YlOrRd"].resampled(len(edges) + 1)
    cmap = colors_mod.ListedColormap([ramp(i + 1) for i in range(len(edges) - 1)])
    norm = colors_mod.BoundaryNorm(edges, cmap.N)
    fills = [
        cmap(norm(int(counts.get(code, 0)))) if counts.get(code, 0) else LAND for code in world
    ]
    land(ax, list(world.values()), fills, linewidth=0.25)
    for code, outline in world.items():
        n = int(counts.get(code, 0))
        lo, hi, la, lb = outline.bounds
        if n and (hi - lo) < 1.5 and (lb - la) < 1.5:  # too small to see: a dot as well
            ax.plot(
                *outline.label,
                marker="o",
                markersize=5,
                color=cmap(norm(n)),
                markeredgecolor="#333333",
                markeredgewidth=0.5,
                gid=f"dot:{code}",
                zorder=3,
            )
    if selection.received and selection.country in world:
        target = world[selection.country]
        path = mpath.Path.make_compound_path(*(mpath.Path(r, closed=True) for r in target.rings))
        ax.add_patch(
            patches.PathPatch(
                path,
                facecolor="none",
                edgecolor="#1b1b1b",
                linewidth=1.4,
                hatch="////",
                gid="target",
                zorder=2,
            )
        )
    extent = (-180.0, 180.0, -58.0, 84.0)
    ax.set_xlim(extent[0], extent[1])
    ax.set_ylim(extent[2], extent[3])
    ax.set_aspect(aspect((-180.0, 180.0, -30.0, 30.0)))
    ax.set_xticks([])
    ax.set_yticks([])
    mappable = cm.ScalarMappable(norm=norm, cmap=cmap)
    bar = fig.colorbar(
        mappable, ax=ax, orientation="horizontal", fraction=0.04, pad=0.02, shrink=0.75
    )
    labels = [str(a) if b - a == 1 else f"{a}–{b - 1}" for a, b in itertools.pairwise(edges)]
    bar.set_ticks([(a + b) / 2 for a, b in itertools.pairwise(edges)], labels=labels, fontsize=8)
    total = int(counts.sum())
    fig.suptitle(f"Where they went — {caption}", fontsize=12, weight="bold", x=0.01, ha="left")
    ax.set_title(
        f"{total:,} visits to {len(counts)} countries · leadertravel {version}",
        fontsize=9,
        loc="left",
        color="#333333",
    )
    missing = counts[[c not in world for c in counts.index]]
    note = f"Outlines: {NATURAL_EARTH}; today's borders."
    if len(missing):
        listed = ", ".join(f"{c} {n}" for c, n in missing.sort_values(ascending=False).items())
        note += f" Not drawn (no outline of their own): {listed}."
    bar.set_label(f"{unit}\n{textwrap.fill(note, 150)}", fontsize=8.5)
    fig.set_label(f"{total} visits")
    return fig
