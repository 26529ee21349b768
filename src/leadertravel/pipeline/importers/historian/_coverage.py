"""Check that coordinates fall inside their country, using countryinfo outlines."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

__all__ = ["TOLERANCE_KM", "OutlineChecker"]

TOLERANCE_KM = 25.0
_KM_PER_DEGREE = 111.32


class OutlineChecker:
    """Tell how far a point lies outside a country's outline (countryinfo + shapely).

    Historic and user-assigned codes are checked against the outlines of all the
    alpha-2 codes they are searched under (e.g. SUN → its successor states). Distances are
    approximate (degrees times 111.32 km); points within ``TOLERANCE_KM`` of the outline count
    as inside, which absorbs coarse coastlines and small islands.
    """

    def __init__(
        self,
        search_countries: dict[str, tuple[str, ...]],
        alpha2: dict[str, str],
        *,
        current: dict[str, str],
    ):
        self._search = search_countries
        self._alpha2 = alpha2
        self._current = current  # alpha-2 → today's code; required (BY is BLR and BYS)
        self._shapes: dict[str, Any] = {}

    def _shape(self, code: str) -> Any:
        if code in self._shapes:
            return self._shapes[code]
        from countryinfo import CountryInfo
        from countryinfo.exceptions import CountryNotFoundError
        from shapely import make_valid
        from shapely.geometry import shape

        shapes: list[Any] = []
        for a2 in self._search.get(code, (self._alpha2.get(code, ""),)):
            if not a2:
                continue
            try:
                gj = CountryInfo(a2).geo_json()
            except CountryNotFoundError:
                continue
            shapes.extend(make_valid(shape(f["geometry"])) for f in gj.get("features", []))
        self._shapes[code] = shapes or None
        return self._shapes[code]

    def same_area(self, stop_country: str, place_country: str) -> bool:
        """Tell whether a place's country is one of the countries searched for a stop's country.

        Codes are compared, not alpha-2 codes: the searched alpha-2 codes are turned into the
        codes of the countries holding them today, so a place coded with a former country
        that shares an alpha-2 code (BYS for a stop in BLR) does not pass.

        Examples
        --------
        >>> a2 = {"SUN": "SU", "UKR": "UA", "SEN": "SN", "BLR": "BY", "BYS": "BY"}
        >>> cur = {"SU": "SUN", "UA": "UKR", "SN": "SEN", "BY": "BLR"}
        >>> c = OutlineChecker({"SUN": ("RU", "UA")}, a2, current=cur)
        >>> c.same_area("SUN", "UKR"), c.same_area("SUN", "SEN"), c.same_area("BLR", "BYS")
        (True, False, False)
        """
        if stop_country == place_country:
            return True
        area = self._search.get(stop_country, (self._alpha2.get(stop_country, ""),))
        return place_country in {self._current.get(a2) for a2 in area}

    def former_codes(self, places: Iterable[dict[str, Any]]) -> list[str]:
        """Return the ids of places coded with a country that no longer holds its alpha-2 code.

        A place lies in a country of today; a former code (BYS, CSK, SUN …) on a place
        means a gazetteer hit was coded wrongly.

        Examples
        --------
        >>> c = OutlineChecker({}, {"BLR": "BY", "BYS": "BY"}, current={"BY": "BLR"})
        >>> c.former_codes([{"place_id": "bys-minsk", "country_code": "BYS"}])
        ['bys-minsk']
        """
        today = set(self._current.values())
        return sorted(p["place_id"] for p in places if p["country_code"] not in today)

    def distance_outside_km(self, code: str, lat: float, lon: float) -> float | None:
        """Return 0 inside, the approximate distance outside in km, or None without outline."""
        from shapely.geometry import Point

        outline = self._shape(code)
        if outline is None:
            return None
        point = Point(lon, lat)
        degrees = min(float(part.distance(point)) for part in outline)
        return round(degrees * _KM_PER_DEGREE, 1)

    def exceptions(
        self, places: Iterable[dict[str, Any]]
    ) -> tuple[list[dict[str, Any]], list[str]]:
        """Return the places outside their country (beyond tolerance) and those unchecked."""
        outside: list[dict[str, Any]] = []
        unchecked: list[str] = []
        for p in places:
            dist = self.distance_outside_km(p["country_code"], p["lat"], p["lon"])
            if dist is None:
                unchecked.append(p["place_id"])
            elif dist > TOLERANCE_KM:
                outside.append(
                    {
                        "place_id": p["place_id"],
                        "country_code": p["country_code"],
                        "lat": p["lat"],
                        "lon": p["lon"],
                        "km_outside": dist,
                        "geocoded_by": p["geocoded_by"],
                    }
                )
        return outside, sorted(unchecked)
