"""How each transport mode and marker looks, shared by the SVG map and the matplotlib figure.

Colours are the Okabe–Ito palette (distinguishable with the common colour-vision
deficiencies); each mode also has its own dash pattern, so the legend works in grey too.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["GAP", "LAND", "LAND_VISITED", "MARKERS", "SEA", "ModeStyle", "mode_style"]


@dataclass(frozen=True)
class ModeStyle:
    """Colour, width and dash pattern (in line widths, as SVG and matplotlib take it)."""

    color: str
    width: float
    dashes: tuple[float, ...]  # empty: solid

    def legend(self, label: str, *, inferred: bool = False) -> str:
        """Return the legend text of a mode: its label ('Rail'), or 'Mode not recorded'."""
        text = "Mode not recorded" if self is _MODES["unknown"] else label
        return f"{text} (inferred by rule)" if inferred else text


_MODES = {
    "air": ModeStyle("#0072B2", 2.0, (6.0, 3.0)),
    "helicopter": ModeStyle("#56B4E9", 2.0, (2.0, 2.0)),
    "rail": ModeStyle("#D55E00", 3.0, ()),
    "road": ModeStyle("#E69F00", 2.5, (4.0, 1.5)),
    "sea": ModeStyle("#009E73", 2.5, (8.0, 2.0, 2.0, 2.0)),
    "foot": ModeStyle("#CC79A7", 2.0, (1.0, 1.5)),
    "unknown": ModeStyle("#555555", 1.5, (3.0, 2.0)),
}
#: A stretch whose route is not recorded (around a country-level stop).
GAP = ModeStyle("#8c8c8c", 1.2, (1.0, 3.0))
#: Land, land of a country the trip stops in, and sea.
LAND, LAND_VISITED, SEA = "#efeee8", "#f6e2b3", "#e3eef6"
#: Marker colours: stops, the start, border crossings, country-level stops.
MARKERS = {"stop": "#1b1b1b", "home": "#ffffff", "crossing": "#7b3294", "country": "#4a6fa5"}


def mode_style(mode: str) -> ModeStyle:
    """Return the style of a transport mode (unknown codes look like 'unknown').

    Examples
    --------
    >>> mode_style("rail").color, mode_style("rail").dashes
    ('#D55E00', ())
    >>> mode_style("unknown").legend("Unknown"), mode_style("air").legend("Air", inferred=True)
    ('Mode not recorded', 'Air (inferred by rule)')
    """
    return _MODES.get(mode, _MODES["unknown"])
