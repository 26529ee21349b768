"""Read the Office of the Historian's gazetteer (history-state-gsh).

Three folders of the snapshot are used (see its ``SOURCE.md``):

* ``data/countries-old/<id>.xml`` — the country ids of the travels and visits data, with
  their label and ISO 3166-1 alpha-2 code (``iso2``, empty or a private code for some
  historical entities);
* ``data/territories/<id>.xml`` — years of validity (``valid-since``, ``valid-until``) with
  predecessors and successors;
* ``data/locales/<id>.xml`` — places with the Office's own coordinates, the territory they
  lie in today and alternate names.

Only the facts the importers use are kept; every file is pinned by sha256 like the other
snapshots (``data/pins/history-state-gsh.sha256``), and only pinned files are parsed: hidden
files (names starting with ``.``, such as the ``._<id>.xml`` files macOS writes on other
file systems) are no part of the snapshot, neither pinned nor checked nor parsed.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from leadertravel._errors import SourceInputError
from leadertravel.pipeline.importers.historian._parse import parse_xml, text

__all__ = ["GSH_SOURCE", "Gsh", "GshCountry", "GshLocale", "GshTerritory", "read_gsh"]

GSH_SOURCE = "history-state-gsh"
_KEEP = 4
_READ: dict[frozenset[tuple[str, str]], Gsh] = {}
"""Snapshots read in this process, by the sha256 of their files (see :func:`read_gsh`)."""


@dataclass(frozen=True)
class GshCountry:
    """One ``countries-old`` entry: a country id and its ISO alpha-2 code (upper case)."""

    country_id: str
    label: str
    iso2: str


@dataclass(frozen=True)
class GshTerritory:
    """One ``territories`` entry with its years of validity."""

    territory_id: str
    name: str
    valid_since: int | None
    valid_until: int | None
    predecessors: tuple[str, ...]
    successors: tuple[str, ...]

    def valid_in(self, year: int) -> bool:
        """Tell whether the territory existed in ``year`` (years are inclusive).

        Examples
        --------
        >>> GshTerritory("russia", "Russia", 1991, 9999, (), ()).valid_in(1959)
        False
        """
        return (self.valid_since or year) <= year <= (self.valid_until or year)


@dataclass(frozen=True)
class GshLocale:
    """One ``locales`` entry: a place with the Office's coordinates."""

    locale_id: str
    name: str
    territory_id: str
    lat: float
    lon: float
    alternate_names: tuple[str, ...]


@dataclass(frozen=True)
class Gsh:
    """The parts of the gazetteer the importers use, keyed by id."""

    countries: dict[str, GshCountry]
    territories: dict[str, GshTerritory]
    locales: dict[str, GshLocale]


def _year(value: str, rel: str, tag: str) -> int | None:
    if not value:
        return None
    try:
        return int(value)  # years BCE are negative ('-0800')
    except ValueError as err:
        msg = f"{rel}: <{tag}> is {value!r}; expected a year"
        raise SourceInputError(msg) from err


def _coordinate(elem: ET.Element, tag: str, rel: str) -> float:
    value = text(elem.findtext(tag))
    try:
        return float(value)
    except ValueError as err:
        msg = f"{rel}: <{tag}> is {value!r}; expected decimal degrees"
        raise SourceInputError(msg) from err


def _files(
    gsh_dir: Path, folder: str, contents: Mapping[str, bytes] | None
) -> list[tuple[str, ET.Element]]:
    """Parse the ``*.xml`` files of ``data/<folder>``, in name order, with their paths.

    From ``contents`` (relative path → bytes) when given, else from the directory; hidden
    files are skipped either way (:func:`~leadertravel.pipeline.pins.read_verified` reads
    none).
    """
    if contents is None:
        xml = (gsh_dir / "data" / folder).glob("*.xml")
        paths = sorted(p for p in xml if not p.name.startswith("."))
        found: list[tuple[str, Path | bytes]] = [
            (p.relative_to(gsh_dir).as_posix(), p) for p in paths
        ]
    else:
        prefix = f"data/{folder}/"
        names = (rel[len(prefix) :] for rel in contents if rel.startswith(prefix))
        found = [
            (rel := prefix + name, contents[rel])
            for name in sorted(n for n in names if n.endswith(".xml") and "/" not in n)
        ]
    if not found:
        msg = f"{gsh_dir / 'data' / folder}: no XML files; expected the gsh snapshot's {folder}/"
        raise SourceInputError(msg)
    return [(rel, parse_xml(source, rel)) for rel, source in found]


def read_gsh(
    gsh_dir: Path,
    *,
    pins: Mapping[str, str] | None = None,
    contents: Mapping[str, bytes] | None = None,
) -> Gsh:
    """Read ``countries-old``, ``territories`` and ``locales`` of the gsh snapshot.

    Parameters
    ----------
    gsh_dir
        The snapshot's directory.
    pins
        The sha256 of every file of the snapshot, already checked against its pins: a
        snapshot with the same hashes read before in this process is then not read again
        (the result is shared; treat it as read-only).
    contents
        The snapshot's files as read when they were checked (relative posix path → bytes,
        :func:`~leadertravel.pipeline.pins.read_verified`): parsed instead of the files.
        Hidden files (``.name.xml``), never pinned, are not among them and are not parsed
        from the directory either.

    Raises
    ------
    SourceInputError
        On malformed XML, a missing folder, a bad year or coordinate.
    """
    if pins is None:
        return _read_gsh(gsh_dir, contents)
    key = frozenset(pins.items())  # the content, wherever the copy lies
    found = _READ.get(key)
    if found is None:
        found = _READ[key] = _read_gsh(gsh_dir, contents)
        while len(_READ) > _KEEP:
            del _READ[next(iter(_READ))]  # the oldest
    return found


def _read_gsh(gsh_dir: Path, contents: Mapping[str, bytes] | None) -> Gsh:
    countries = {}
    for _, root in _files(gsh_dir, "countries-old", contents):
        cid = text(root.findtext("id"))
        countries[cid] = GshCountry(
            cid, text(root.findtext("label")), text(root.findtext("iso2")).upper()
        )
    territories = {}
    for rel, root in _files(gsh_dir, "territories", contents):
        tid = text(root.findtext("id"))
        territories[tid] = GshTerritory(
            territory_id=tid,
            name=text(root.findtext("short-form-name")),
            valid_since=_year(text(root.findtext("valid-since")), rel, "valid-since"),
            valid_until=_year(text(root.findtext("valid-until")), rel, "valid-until"),
            predecessors=tuple(text(p.text) for p in root.iter("predecessor") if text(p.text)),
            successors=tuple(text(s.text) for s in root.iter("successor") if text(s.text)),
        )
    locales = {}
    for rel, root in _files(gsh_dir, "locales", contents):
        lid = text(root.findtext("id"))
        names = (text(a.findtext("label")) for a in root.iter("alternate-name"))
        locales[lid] = GshLocale(
            locale_id=lid,
            name=text(root.findtext("name")),
            territory_id=text(root.findtext("current-territory")),
            lat=_coordinate(root, "latitude", rel),
            lon=_coordinate(root, "longitude", rel),
            alternate_names=tuple(n for n in names if n),
        )
    return Gsh(countries, territories, locales)
