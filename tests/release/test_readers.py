"""DuckDB and Polars read every Parquet file of a release with the declared types."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb
import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from leadertravel._schema import arrow_schema, enum_of
from leadertravel.pipeline.release.builder import write_release

DUCKDB = {
    "string": "VARCHAR",
    "integer": "BIGINT",
    "number": "DOUBLE",
    "boolean": "BOOLEAN",
    "date": "DATE",
    "datetime": "TIMESTAMP WITH TIME ZONE",
    "year": "SMALLINT",
}
POLARS = {
    "string": pl.String,
    "integer": pl.Int64,
    "number": pl.Float64,
    "boolean": pl.Boolean,
    "date": pl.Date,
    "datetime": pl.Datetime("us", "UTC"),
    "year": pl.Int16,
}


@pytest.fixture(scope="module")
def release(tmp_path_factory: pytest.TempPathFactory, small: Any) -> Path:
    return write_release(small, releases=tmp_path_factory.mktemp("releases"))


def test_arrow_schema_is_the_declared_one(release: Path, small: Any) -> None:
    for name, schema in small.schemas.items():
        table = pq.read_table(release / f"{name}.parquet")
        expected = arrow_schema(schema)
        assert table.schema.names == expected.names, name
        for got, want in zip(table.schema, expected, strict=True):
            assert got.equals(want, check_metadata=True), (name, got, want)
        for field in schema["fields"]:
            vocabulary = enum_of(field)
            if vocabulary is not None and table.num_rows:
                chunk = table[field["name"]].chunk(0)
                assert chunk.dictionary.to_pylist() == vocabulary, (name, field["name"])
        assert table.schema.metadata[b"leadertravel:table"] == name.encode()


def test_duckdb_reads_declared_types(release: Path, small: Any) -> None:
    con = duckdb.connect()
    for name, schema in small.schemas.items():
        rel = con.sql(f"SELECT * FROM read_parquet('{release / name}.parquet')")
        got = dict(zip(rel.columns, map(str, rel.types), strict=True))
        want = {f["name"]: DUCKDB[f["type"]] for f in schema["fields"]}
        assert got == want, name
        count = con.sql(f"SELECT count(*) FROM read_parquet('{release / name}.parquet')")
        assert count.fetchall() == [(len(small.tables[name]),)]
    # Filtered reads see real values.
    stops = con.sql(
        f"SELECT count(*) FROM read_parquet('{release / 'stops'}.parquet') "
        "WHERE seq = 1 AND arrival_date <= departure_date"
    ).fetchall()
    assert stops == [(len(small.tables["trips"]),)]


def test_polars_reads_declared_types(release: Path, small: Any) -> None:
    for name, schema in small.schemas.items():
        frame = pl.read_parquet(release / f"{name}.parquet")
        for field in schema["fields"]:
            dtype = frame.schema[field["name"]]
            if enum_of(field) is not None:
                assert dtype == pl.Categorical, (name, field["name"], dtype)
            else:
                assert dtype == POLARS[field["type"]], (name, field["name"], dtype)
        assert frame.height == len(small.tables[name])
    legs = pl.read_parquet(release / "legs.parquet")
    assert legs["distance_km"].min() >= 0
    assert set(legs["transport_mode"].cast(pl.String).unique()) <= {
        "air",
        "helicopter",
        "rail",
        "road",
        "sea",
        "foot",
        "unknown",
    }


def _manifest(release: Path) -> list[dict[str, Any]]:
    import json

    return list(json.loads((release / "datapackage.json").read_text())["resources"])


# Dask 2026.8 itself still calls reset_index(inplace=True), which pandas 3.1 deprecates.
@pytest.mark.filterwarnings(
    "ignore:The inplace keyword in DataFrame.reset_index:pandas.errors.Pandas4Warning"
)
def test_dask_reads_every_table_with_the_manifests_rows_and_types(release: Path) -> None:
    """Dask with Arrow-backed dtypes: each column has the release's Arrow type (Dask turns
    Arrow strings into pandas' Arrow-backed ``string`` dtype)."""
    import dask.dataframe as dd
    import pandas as pd

    for resource in _manifest(release):
        frame = dd.read_parquet(release / resource["path"], dtype_backend="pyarrow")
        expected = arrow_schema(resource["schema"])
        assert list(frame.columns) == expected.names, resource["name"]
        for want in expected:
            dtype = frame.dtypes[want.name]
            if want.type == pa.string():
                assert dtype == pd.StringDtype("pyarrow"), (resource["name"], want.name, dtype)
                continue
            assert isinstance(dtype, pd.ArrowDtype), (resource["name"], want.name, dtype)
            assert dtype.pyarrow_dtype.equals(want.type), (resource["name"], want.name, dtype)
        assert len(frame) == resource["rows"], resource["name"]
    legs = dd.read_parquet(release / "legs.parquet", dtype_backend="pyarrow")
    rail = legs[legs["transport_mode"] == "rail"]["distance_km"].sum().compute()
    table = pq.read_table(release / "legs.parquet").to_pandas()
    assert rail == pytest.approx(table.loc[table["transport_mode"] == "rail", "distance_km"].sum())


def test_polars_lazy_scan_has_the_manifests_rows_and_types(release: Path) -> None:
    for resource in _manifest(release):
        lazy = pl.scan_parquet(release / resource["path"])
        schema = lazy.collect_schema()
        for field in resource["schema"]["fields"]:
            dtype = schema[field["name"]]
            if enum_of(field) is not None:
                assert dtype == pl.Categorical, (resource["name"], field["name"], dtype)
            else:
                assert dtype == POLARS[field["type"]], (resource["name"], field["name"], dtype)
        rows = lazy.select(pl.len()).collect().item()
        assert rows == resource["rows"], resource["name"]
    # a lazy query: filter and aggregate before anything is read in full
    first = (
        pl.scan_parquet(release / "stops.parquet")
        .filter(pl.col("seq") == 1)
        .select(pl.col("trip_id").n_unique())
        .collect()
        .item()
    )
    trips = next(r for r in _manifest(release) if r["name"] == "trips")
    assert first == trips["rows"]
