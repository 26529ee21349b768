"""The public plotting functions: trip maps (figure, HTML page) and overview plots.

They read tables through `leadertravel.load` (same ``version``, ``source``, ``cache_dir``
and ``offline`` options) and import matplotlib, pyshp and shapely only when called, so
``import leadertravel`` stays thin. A missing extra raises `MissingDependency` with the
install command.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from leadertravel._fsutil import write_atomic_with

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["plot_trip", "plot_trips_per_year", "plot_world", "trip_html"]

PathLike = str | os.PathLike[str]
#: Output formats of the figures (by file suffix); HTML is `trip_html`'s.
FIGURE_FORMATS = ("png", "svg", "pdf")


def _save_figure(fig: Any, output: PathLike, *, dpi: float) -> None:
    path = Path(output)
    fmt = path.suffix.lower().lstrip(".")
    if fmt not in FIGURE_FORMATS:
        msg = (
            f"cannot write a figure to {str(path)!r}: the suffix {path.suffix!r} is not one of "
            f"{', '.join('.' + f for f in FIGURE_FORMATS)} (interactive maps: .html, see trip_html)"
        )
        raise ValueError(msg)
    write_atomic_with(path, lambda tmp: fig.savefig(tmp, format=fmt, dpi=dpi), nonempty=True)


def _saved(fig: Figure, output: PathLike | None, *, dpi: float) -> Figure:
    """Write ``fig`` to ``output`` when one is given; return it."""
    if output is not None:
        _save_figure(fig, output, dpi=dpi)
    return fig


def plot_trip(
    trip_id: str,
    *,
    output: PathLike | None = None,
    figsize: tuple[float, float] = (13.0, 7.6),
    dpi: float = 110,
    version: str = "latest",
    source: PathLike | None = None,
    cache_dir: PathLike | None = None,
    offline: bool | None = None,
) -> Figure:
    """Draw the itinerary map of one trip as a matplotlib figure.

    The map shows country outlines (countries with a stop tinted), the start and each stop
    in order with its name and dates, every leg styled by transport mode, border crossings
    at their crossing points, country-level stops (no place recorded) as a label at the
    country without a pin, and the stretches whose route is not recorded as dotted grey
    lines; beside it the itinerary and the legend. The title names the leader, the dates
    and how many sources the trip's records cite.

    Parameters
    ----------
    trip_id
        E.g. ``"kim-jong-un-2023-09-10"``.
    output
        Also write the figure to this file (``.png``, ``.svg`` or ``.pdf``), atomically.
    figsize, dpi
        Size in inches and resolution of ``output``.
    version, source, cache_dir, offline
        Which release, as for `leadertravel.load`.

    Returns
    -------
    matplotlib.figure.Figure
        Not attached to pyplot; display it in a notebook or save it with ``savefig``.
        Elements carry ``gid`` s: ``route:<mode>``, ``route:gap``, ``marker:<kind>``
        (home, stop, approximate, crossing), ``country-stop:<code>``, ``land``.

    Raises
    ------
    RecordNotFound
        No trip has this id (the message suggests close ones).
    MissingDependency
        The ``plot`` extra is not installed: ``pip install 'leadertravel[plot]'``.

    Examples
    --------
    >>> import leadertravel as lt
    >>> fig = lt.plot_trip("kim-jong-un-2023-09-10", output="map.png")  # doctest: +SKIP
    """
    from leadertravel._plot._deps import require

    require("matplotlib", feature="plot_trip")
    from leadertravel._plot._figure import render_figure
    from leadertravel._plot._scene import make_scene
    from leadertravel._plot._trip import Loader, load_trip

    loader = Loader(version=version, source=source, cache_dir=cache_dir, offline=offline)
    return _saved(
        render_figure(make_scene(load_trip(trip_id, loader)), figsize=figsize), output, dpi=dpi
    )


def trip_html(
    trip_id: str,
    *,
    output: PathLike | None = None,
    version: str = "latest",
    source: PathLike | None = None,
    cache_dir: PathLike | None = None,
    offline: bool | None = None,
) -> str:
    """Return the interactive itinerary map of one trip as a self-contained HTML page.

    The page holds everything inline (an SVG map, its styles and a small script for
    tooltips, zoom and pan, the itinerary); it loads nothing from anywhere, so it works
    offline and can be mailed as one file. It shows what `plot_trip` shows.

    Parameters
    ----------
    trip_id
        E.g. ``"kim-jong-un-2023-09-10"``.
    output
        Also write the page to this file (atomically).
    version, source, cache_dir, offline
        Which release, as for `leadertravel.load`.

    Raises
    ------
    RecordNotFound
        No trip has this id.
    MissingDependency
        The ``plot`` extra (the country outlines) is not installed.

    Examples
    --------
    >>> import leadertravel as lt
    >>> page = lt.trip_html("kim-jong-un-2023-09-10", output="map.html")  # doctest: +SKIP
    """
    from leadertravel._plot._html import render_html
    from leadertravel._plot._scene import make_scene
    from leadertravel._plot._trip import Loader, load_trip

    loader = Loader(version=version, source=source, cache_dir=cache_dir, offline=offline)
    page = render_html(make_scene(load_trip(trip_id, loader)))
    if output is not None:

        def write(tmp: Path) -> None:
            tmp.write_text(page, encoding="utf-8")

        write_atomic_with(Path(output), write, nonempty=True)
    return page


def plot_trips_per_year(
    *,
    leader: str | None = None,
    country: str | None = None,
    period: str | None = None,
    output: PathLike | None = None,
    dpi: float = 110,
    version: str = "latest",
    source: PathLike | None = None,
    cache_dir: PathLike | None = None,
    offline: bool | None = None,
) -> Figure:
    """Draw stacked bars of trips per year (of their start) by office and source.

    Parameters
    ----------
    leader
        Only this leader's trips (a ``leader_id`` such as ``"kim-jong-un"``, or a name).
    country
        Only the trips of this country's leaders (alpha-3 code, e.g. ``"USA"``).
    period
        Only trips starting in ``"2018"``, ``"2017-2019"``, ``"1990s"`` or
        ``"2018-03-01/2018-06-30"``.
    output, dpi
        Also write the figure to this file (``.png``, ``.svg`` or ``.pdf``).
    version, source, cache_dir, offline
        Which release, as for `leadertravel.load`.

    Raises
    ------
    RecordNotFound
        Unknown leader or country.
    ValueError
        A period that is not understood.
    MissingDependency
        The ``plot`` extra is not installed.
    """
    from leadertravel._plot._overview import Selection, trips_per_year_figure
    from leadertravel._plot._trip import Loader

    loader = Loader(version=version, source=source, cache_dir=cache_dir, offline=offline)
    selection = Selection(leader=leader, country=country, period=period)
    return _saved(trips_per_year_figure(selection, loader), output, dpi=dpi)


def plot_world(
    *,
    leader: str | None = None,
    country: str | None = None,
    period: str | None = None,
    received: bool = False,
    output: PathLike | None = None,
    dpi: float = 110,
    version: str = "latest",
    source: PathLike | None = None,
    cache_dir: PathLike | None = None,
    offline: bool | None = None,
) -> Figure:
    """Draw a world map of visits: countries coloured by how many trips stopped there.

    A visit is one trip with at least one stop in a country; a stop counts for the
    country its place lies in today, and former entities without an outline (SUN, YUG …)
    are listed under the map.

    Parameters
    ----------
    leader, period, output, dpi, version, source, cache_dir, offline
        As for `plot_trips_per_year`; ``leader``: visits made by this leader.
    country
        Visits made by this country's leaders; with ``received=True``, visits received by
        this country, coloured by the visitors' countries.
    received
        Show visits received by ``country`` instead of made.

    Raises
    ------
    RecordNotFound, MissingDependency
        As for `plot_trips_per_year`.
    ValueError
        A period that is not understood, or ``received`` without ``country``.
    """
    from leadertravel._plot._overview import Selection, world_figure
    from leadertravel._plot._trip import Loader

    if received and country is None:
        msg = "received=True shows the visits a country received; give country='CHN' (for one)"
        raise ValueError(msg)
    loader = Loader(version=version, source=source, cache_dir=cache_dir, offline=offline)
    selection = Selection(leader=leader, country=country, period=period, received=received)
    return _saved(world_figure(selection, loader), output, dpi=dpi)
