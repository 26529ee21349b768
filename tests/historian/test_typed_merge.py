"""The assembly takes the importers' typed tables as they are only where typing them
again would change nothing (``assemble._typed_already``)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest

from leadertravel._schema import read_table_schema
from leadertravel.pipeline.assemble import _typed_already
from leadertravel.pipeline.importers.historian import HistorianImport
from leadertravel.pipeline.importers.visits import VisitsImport
from leadertravel.pipeline.project import schema_path
from leadertravel.pipeline.typed import BadValueError, typed_frame

from .conftest import ROOT


def _schema(name: str) -> dict[str, Any]:
    return read_table_schema(schema_path(ROOT, name))


def test_the_real_importer_tables_are_taken_as_they_are(
    historian: HistorianImport, visits: VisitsImport
) -> None:
    """Every real importer table but ``sources`` (its ``url`` has a format) passes the
    test, and typing it again gives it back."""
    checked = 0
    for tables in (historian.tables, visits.tables):
        for name, frame in tables.items():
            schema = _schema(name)
            assert _typed_already(frame, schema) == (name != "sources"), name
            again = typed_frame(frame, schema)
            pd.testing.assert_frame_equal(again, frame, check_exact=True)
            assert list(again.dtypes) == list(frame.dtypes)
            checked += 1
    assert checked == len(historian.tables) + len(visits.tables) >= 14


def _legs(historian: HistorianImport) -> pd.DataFrame:
    return historian.tables["legs"].head(50).copy()


def test_what_typing_would_change_is_typed_again(historian: HistorianImport) -> None:
    """A text "", a non-finite number, a date with a time, categories out of order, a
    column out of place or of another dtype: each goes through ``typed_frame``."""
    schema = _schema("legs")
    legs = _legs(historian)
    assert _typed_already(legs, schema)
    blank = legs.assign(remarks=legs["remarks"].fillna("").astype("string"))
    assert not _typed_already(blank, schema)
    assert typed_frame(blank, schema)["remarks"].isna().any()
    reordered = legs[list(reversed(legs.columns))]
    assert not _typed_already(reordered, schema)
    as_object = legs.astype({"leg_id": object})
    assert not _typed_already(as_object, schema)
    mode = legs["transport_mode"]
    shuffled = mode.cat.set_categories(list(reversed(mode.cat.categories)))
    assert not _typed_already(legs.assign(transport_mode=shuffled), schema)
    as_objects = mode.cat.set_categories(pd.Index(list(mode.cat.categories), dtype=object))
    assert not _typed_already(legs.assign(transport_mode=as_objects), schema)
    assert not _typed_already(legs.assign(transport_mode=mode.cat.as_ordered()), schema)
    distance = legs["distance_km"].to_numpy(dtype="float64", na_value=np.nan)
    distance[0] = np.inf
    infinite = legs.assign(distance_km=pd.array(distance, dtype="Float64"))
    assert not _typed_already(infinite, schema)
    with pytest.raises(BadValueError):
        typed_frame(infinite, schema)
    trips = historian.tables["trips"].head(5).copy()
    trips_schema = _schema("trips")
    assert _typed_already(trips, trips_schema)
    timed = trips.assign(start_date=trips["start_date"] + pd.Timedelta(hours=5))
    assert not _typed_already(timed, trips_schema)
    assert typed_frame(timed, trips_schema)["start_date"].equals(trips["start_date"])  # the day
