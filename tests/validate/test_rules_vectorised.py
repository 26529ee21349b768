"""The rules' integer shortcuts agree with the plain pandas operations they replace.

The journey rules group rows by integer trip codes and follow references by row position
(:mod:`leadertravel.pipeline.rules._journey`); here each shortcut is compared with the
pandas operation on the text of ``trip_id`` that it stands for — sort, ``groupby``,
``cumcount``, ``shift`` and ``reindex`` — on the curated tables, shuffled and broken the
ways bad input breaks them (repeated, missing and unknown trip ids, missing and repeated
``seq``).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from leadertravel.pipeline.rules._context import Context
from leadertravel.pipeline.rules._journey import (
    _next_in_trip,
    _rank_in_trip,
    _trip_order,
    trip_codes,
)
from leadertravel.pipeline.validate import check_curated

REPO = Path(__file__).resolve().parents[2]
JOURNEY = ("trips", "stops", "legs", "border_crossings")


@pytest.fixture(scope="module")
def curated() -> dict[str, pd.DataFrame]:
    result = check_curated(REPO)
    assert result.problems == []
    assert all(len(result.tables[t]) for t in JOURNEY)
    return result.tables


def _broken(tables: dict[str, pd.DataFrame], seed: int) -> Context:
    """The journey tables shuffled, with trip ids and seq missing, unknown and repeated."""
    rng = np.random.default_rng(seed)
    out = {}
    for name in JOURNEY:
        frame = tables[name].sample(frac=1, random_state=seed).reset_index(drop=True)
        rows = rng.choice(len(frame), size=max(1, len(frame) // 5), replace=False)
        third = len(rows) // 3
        frame.loc[rows[:third], "trip_id"] = None
        frame.loc[rows[third : 2 * third], "trip_id"] = "no-such-trip"
        if "seq" in frame:
            frame.loc[rows[2 * third :], "seq"] = None
            frame.loc[rows[:third], "seq"] = 1
        out[name] = pd.concat([frame, frame.iloc[rows[:2]]], ignore_index=True)  # repeats
    schemas = {"trips": {"primaryKey": ["trip_id"]}}
    return Context(out, schemas, {})


@pytest.mark.parametrize("seed", range(4))
def test_trip_codes_are_equal_exactly_where_the_ids_are(
    curated: dict[str, pd.DataFrame], seed: int
) -> None:
    c = _broken(curated, seed)
    codes = np.concatenate(trip_codes(c, *JOURNEY))
    ids = pd.concat([c.tables[t]["trip_id"] for t in JOURNEY], ignore_index=True)
    assert ((codes == -1) == ids.isna().to_numpy()).all()
    known = codes >= 0
    plain, _ = pd.factorize(ids[known])
    assert (pd.factorize(codes[known])[0] == plain).all()
    # a trip's own rows code as the position of its first row
    first = ~c.tables["trips"]["trip_id"].duplicated() & c.tables["trips"]["trip_id"].notna()
    assert (trip_codes(c, "trips")[0][first] == np.flatnonzero(first)).all()


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("table", ["stops", "legs", "border_crossings"])
def test_rank_and_next_in_trip_are_pandas_cumcount_and_shift(
    curated: dict[str, pd.DataFrame], seed: int, table: str
) -> None:
    c = _broken(curated, seed)
    frame = c.tables[table]
    (codes,) = trip_codes(c, table)
    order = _trip_order(codes, frame["seq"])
    by_trip = frame.assign(_pos=np.arange(len(frame))).sort_values(
        ["trip_id", "seq"], kind="stable"
    )
    groups = by_trip.groupby("trip_id")
    rank = (groups.cumcount() + 1).reindex(frame.index)
    grouped = codes >= 0
    assert (_rank_in_trip(codes, order)[grouped] == rank[grouped].to_numpy()).all()
    after = groups["_pos"].shift(-1).reindex(frame.index).fillna(-1).astype(int).to_numpy()
    assert (_next_in_trip(codes, order) == after).all()


@pytest.mark.parametrize("seed", range(4))
def test_rows_of_finds_what_reindex_finds(curated: dict[str, pd.DataFrame], seed: int) -> None:
    c = _broken(curated, seed)
    trips = c.tables["trips"].assign(_pos=np.arange(len(c.tables["trips"])))
    first = trips.set_index("trip_id")["_pos"]
    first = first[~first.index.duplicated()]
    for table in ("stops", "legs", "border_crossings"):
        plain = first.reindex(c.tables[table]["trip_id"]).fillna(-1).astype(int).to_numpy()
        assert (c.rows_of(table, "trip_id", "trips") == plain).all(), table
