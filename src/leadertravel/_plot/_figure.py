"""The trip map as a matplotlib figure (for PNG, SVG or PDF, and for notebooks).

Built on `matplotlib.figure.Figure` directly, never through pyplot: no global state, no
GUI backend, and nothing is shown unless the caller asks. Every drawn element carries a
``gid`` ('route:rail', 'marker:stop', 'country-stop:CHN', 'land:RUS' …) so tests and
callers can find what is on the map without reading pixels.
"""

from __future__ import annotations

import textwrap
from typing import Any

from leadertravel._plot._deps import require
from leadertravel._plot._mpl import land
from leadertravel._plot._scene import Scene, place_labels
from leadertravel._plot._style import LAND, LAND_VISITED, MARKERS, SEA, ModeStyle

__all__ = ["render_figure"]

_MARKER_STYLE: dict[str, dict[str, Any]] = {
    "home": {
        "marker": "s",
        "markersize": 9,
        "markerfacecolor": MARKERS["home"],
        "markeredgecolor": "#1b1b1b",
        "markeredgewidth": 1.6,
    },
    "stop": {
        "marker": "o",
        "markersize": 7.5,
        "markerfacecolor": MARKERS["stop"],
        "markeredgecolor": "#ffffff",
        "markeredgewidth": 1.2,
    },
    "approximate": {
        "marker": "o",
        "markersize": 9,
        "markerfacecolor": "#ffffff",
        "markeredgecolor": MARKERS["stop"],
        "markeredgewidth": 1.5,
    },
    "crossing": {
        "marker": "D",
        "markersize": 7.5,
        "markerfacecolor": MARKERS["crossing"],
        "markeredgecolor": "#ffffff",
        "markeredgewidth": 1.0,
    },
    "country": {
        "marker": "s",
        "markersize": 10,
        "markerfacecolor": LAND_VISITED,
        "markeredgecolor": MARKERS["country"],
        "markeredgewidth": 1.0,
    },
}


#: Lines of the itinerary beside the map (the legend takes the lower third).
_MAX_ROWS = 28


def _line_kwargs(style: ModeStyle) -> dict[str, Any]:
    kw: dict[str, Any] = {"color": style.color, "linewidth": style.width * 0.8}
    kw["linestyle"] = (0, style.dashes) if style.dashes else "-"
    return kw


def _draw_map(ax: Any, scene: Scene) -> None:
    lon_min, lon_max, lat_min, lat_max = scene.extent
    ax.set_facecolor(SEA)
    fills = [LAND_VISITED if o.code in scene.visited else LAND for o in scene.outlines]
    land(ax, scene.outlines, fills, linewidth=0.4)
    for line in scene.lines:
        xs, ys = zip(*line.coords, strict=True)
        ax.plot(
            xs,
            ys,
            gid=f"route:{line.kind}",
            zorder=3,
            solid_capstyle="round",
            **_line_kwargs(line.style),
        )
    # Label sides are chosen in display pixels, as the SVG map does.
    ax.set_xlim(lon_min, lon_max)
    ax.set_ylim(lat_min, lat_max)
    ax.set_aspect(scene.aspect)
    ax.figure.canvas.draw_idle()
    to_px = ax.transData.transform
    anchors = [tuple(to_px(m.at)) for m in scene.markers]
    anchors = [(x, -y) for x, y in anchors]  # y down, as in SVG
    (x0, y0), (x1, y1) = to_px((lon_min, lat_max)), to_px((lon_max, lat_min))
    sides = place_labels(
        anchors,
        [m.label for m in scene.markers],
        size=12,
        avoid=[],
        frame=(float(x0), float(-y0), float(x1), float(-y1)),
    )
    offsets = {
        "right": ((7, 0), "left", "center"),
        "left": ((-7, 0), "right", "center"),
        "above": ((0, 7), "center", "bottom"),
        "below": ((0, -7), "center", "top"),
    }
    for marker, side in zip(scene.markers, sides, strict=True):
        ax.plot(
            *marker.at,
            linestyle="none",
            gid=f"marker:{marker.kind}",
            zorder=5,
            **_MARKER_STYLE[marker.kind],
        )
        (dx, dy), ha, va = offsets[side]
        ax.annotate(
            marker.label,
            marker.at,
            xytext=(dx, dy),
            textcoords="offset points",
            ha=ha,
            va=va,
            fontsize=8.5,
            zorder=6,
            gid=f"label:{marker.kind}",
            bbox={"boxstyle": "round,pad=0.15", "fc": "#ffffffcc", "ec": "none"},
        )
    for label in scene.labels:
        ax.plot(
            *label.at,
            linestyle="none",
            gid=f"country-stop:{label.code}",
            zorder=4,
            **_MARKER_STYLE["country"],
        )
        ax.annotate(
            f"{label.text}\n(place not recorded)",
            label.at,
            xytext=(0, -9),
            textcoords="offset points",
            ha="center",
            va="top",
            fontsize=8.5,
            style="italic",
            color=MARKERS["country"],
            zorder=6,
        )
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_color("#c9d3dd")


def _legend(ax: Any, scene: Scene) -> None:
    lines_mod = require("matplotlib.lines", feature="plot_trip")
    styles = {line.kind: line.style for line in scene.lines}
    handles = []
    for kind, text in scene.legend():
        if kind in styles:
            handle = lines_mod.Line2D([], [], label=text, **_line_kwargs(styles[kind]))
        else:
            handle = lines_mod.Line2D([], [], linestyle="none", label=text, **_MARKER_STYLE[kind])
        handles.append(handle)
    ax.legend(
        handles=handles,
        loc="lower left",
        bbox_to_anchor=(0.0, 0.0),
        ncol=1,
        fontsize=8.5,
        frameon=False,
        handlelength=3,
        title="Legend",
        title_fontproperties={"weight": "bold", "size": 9},
        alignment="left",
    )


def _itinerary(ax: Any, scene: Scene) -> None:
    trip = scene.trip
    ax.axis("off")
    rows: list[tuple[str, dict[str, Any]]] = [("Stops", {"weight": "bold"})]
    if trip.home is not None:
        rows.append((f"0  start: {trip.home.name}", {"color": "#555555"}))
    for s in trip.stops:
        text = f"{s.seq}  {s.name} — {s.dates}" + (" (approximate)" if s.approximate else "")
        style = {"color": MARKERS["country"], "style": "italic"} if s.at is None else {}
        rows += [(line, style) for line in textwrap.wrap(text, 46, subsequent_indent="    ")]
    rows.append(("", {}))
    rows.append(("Border crossings", {"weight": "bold"}))
    for c in trip.crossings:
        rows += [(line, {}) for line in textwrap.wrap(c.label, 46, subsequent_indent="    ")]
    if not trip.crossings:
        rows.append(("none", {"color": "#555555"}))
    if scene.unplaced:
        names = ", ".join(f"{s.seq}. {s.country}" for s in scene.unplaced)
        rows.append(("", {}))
        rows += [
            (ln, {"color": "#555555"})
            for ln in textwrap.wrap(f"Not on the map (no outline): {names}", 46)
        ]
    if len(rows) > _MAX_ROWS:  # keep clear of the legend below; the HTML page lists all
        more = len(rows) - _MAX_ROWS + 1
        rows = [
            *rows[: _MAX_ROWS - 1],
            (f"… {more} more lines: see the HTML map", {"color": "#555555"}),
        ]
    step = min(0.034, 0.64 / len(rows))
    for i, (text, style) in enumerate(rows):
        ax.text(0.0, 1.0 - i * step, text, transform=ax.transAxes, va="top", fontsize=8.5, **style)


def render_figure(scene: Scene, *, figsize: tuple[float, float] = (13.0, 7.6)) -> Any:
    """Return the matplotlib `Figure` of ``scene``: the map, its legend, the itinerary."""
    figure_mod = require("matplotlib.figure", feature="plot_trip")
    fig = figure_mod.Figure(figsize=figsize, dpi=100, layout="constrained")
    grid = fig.add_gridspec(2, 2, width_ratios=(2.6, 1.0), height_ratios=(0.1, 1.0))
    header = fig.add_subplot(grid[0, :], gid="header")
    ax = fig.add_subplot(grid[1, 0], gid="map")
    side = fig.add_subplot(grid[1, 1], gid="itinerary")
    trip = scene.trip
    office = f" ({trip.office_title})" if trip.office_title else ""
    title = textwrap.fill(trip.title, 150) + "\n" if trip.title else ""
    # The header is an axes of its own, so the layout keeps it clear of the map.
    header.axis("off")
    header.text(0.0, 1.0, f"{trip.heading}{office}", fontsize=13, weight="bold", va="top",
                transform=header.transAxes, gid="heading")  # fmt: skip
    header.annotate(f"{title}{trip.summary}", (0.0, 1.0), xycoords="axes fraction",
                    xytext=(0, -20), textcoords="offset points", va="top", fontsize=9,
                    color="#333333", gid="summary")  # fmt: skip
    _draw_map(ax, scene)
    _legend(side, scene)
    _itinerary(side, scene)
    note = textwrap.fill(f"{scene.note} Outlines: {scene.credit}.", 150)
    fig.supxlabel(note, fontsize=7, color="#555555", x=0.01, ha="left")
    return fig
