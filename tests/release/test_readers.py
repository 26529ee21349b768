"""DuckDB and Polars read every Parquet file of a release with the declared types."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb
import polars as pl
import pyarrow.parquet as pq
import pytest

from leadertravel._schema import arrow_schema, enum_of
from leadertravel.build.release import write_release

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
