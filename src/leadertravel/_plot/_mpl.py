"""Matplotlib helpers shared by the trip figure and the world map."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from leadertravel._plot._deps import require
from leadertravel._plot._outlines import Outline

__all__ = ["land"]


def land(ax: Any, outlines: Sequence[Outline], colors: Sequence[Any], *, linewidth: float) -> Any:
    """Draw country outlines as one collection (fast; holes drawn even-odd); return it.

    The collection's ``gid`` is 'land' and its ``codes`` attribute lists the countries in
    drawing order, so ``collection.get_facecolors()[i]`` is the colour of ``codes[i]``.
    """
    mpath = require("matplotlib.path", feature="a map")
    collections = require("matplotlib.collections", feature="a map")
    paths = [
        mpath.Path.make_compound_path(*(mpath.Path(ring, closed=True) for ring in o.rings))
        for o in outlines
    ]
    coll = collections.PathCollection(
        paths,
        facecolors=list(colors),
        edgecolors="#9a9a92",
        linewidths=linewidth,
        transform=ax.transData,
        zorder=1,
        gid="land",
    )
    coll.codes = [o.code for o in outlines]
    ax.add_collection(coll, autolim=False)
    return coll
