"""The importers' fast paths give exactly what the plain computations give, on real data."""

from __future__ import annotations

import pandas as pd
import pytest
from geopy.distance import geodesic

from leadertravel.pipeline.importers.historian import HistorianImport
from leadertravel.pipeline.importers.historian._geodesic import distance_km
from leadertravel.pipeline.importers.historian._legs import geodesic_km
from leadertravel.pipeline.importers.visits import VisitsImport


def _leg_points(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    places = tables["places"].set_index("place_id")[["lat", "lon"]]
    legs = tables["legs"].dropna(subset=["from_place_id", "to_place_id"])
    a = places.add_suffix("_a").reindex(legs["from_place_id"]).to_numpy()
    b = places.add_suffix("_b").reindex(legs["to_place_id"]).to_numpy()
    ends = pd.DataFrame({"lat_a": a[:, 0], "lon_a": a[:, 1], "lat_b": b[:, 0], "lon_b": b[:, 1]})
    return ends.assign(distance_km=legs["distance_km"].to_numpy())


@pytest.mark.parametrize("source", ["travels", "visits"])
def test_distances_are_geopys_on_every_real_leg(
    source: str, historian: HistorianImport, visits: VisitsImport
) -> None:
    tables = (historian if source == "travels" else visits).tables
    ends = _leg_points(tables)
    assert len(ends) == {"travels": 6333, "visits": 1112}[source]
    for lat_a, lon_a, lat_b, lon_b, km in ends.itertuples(index=False):
        a, b = (lat_a, lon_a), (lat_b, lon_b)
        plain = float(geodesic(a, b).km)
        assert distance_km(a, b) == pytest.approx(plain, rel=1e-14, abs=1e-9)
        assert geodesic_km(*sorted([a, b])) == round(plain, 1) == km  # the published value


def test_distance_refuses_points_out_of_range() -> None:
    with pytest.raises(ValueError, match=r"\(10.0, 190.0\) is outside"):
        distance_km((0.0, 0.0), (10.0, 190.0))
