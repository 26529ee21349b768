"""DuckDB, Polars and pooch read or fetch the same release and agree with the loader."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import duckdb
import polars as pl
import pooch
import pytest

import leadertravel as lt

if TYPE_CHECKING:
    from conftest import ReleaseServer

V1 = "0.1.0"
TABLES = ["leaders", "stops", "trips"]


@pytest.mark.parametrize("table", TABLES)
def test_duckdb_reads_the_release_files_like_the_loader(server: ReleaseServer, table: str) -> None:
    published = server.root / V1 / f"{table}.parquet"
    arrow = lt.load_arrow(table, source=server.url)
    con = duckdb.connect()
    count = con.sql(f"select count(*) from read_parquet('{published}')").fetchall()[0][0]
    assert count == arrow.num_rows == len(lt.load(table, source=server.url))
    file_types = con.sql(f"describe select * from read_parquet('{published}')").fetchall()
    loader_types = con.sql("describe select * from arrow").fetchall()
    assert [(r[0], r[1]) for r in file_types] == [(r[0], r[1]) for r in loader_types]
    # and DuckDB on the loader's cached path (lt.path) sees the same rows
    cached = lt.path(table, source=server.url)
    same = con.sql(
        f"select count(*) from (select * from read_parquet('{cached}') "
        f"except select * from read_parquet('{published}'))"
    ).fetchall()[0][0]
    assert same == 0


@pytest.mark.parametrize("table", TABLES)
def test_polars_over_http_agrees_with_the_loader(server: ReleaseServer, table: str) -> None:
    remote = pl.read_parquet(f"{server.url}{V1}/{table}.parquet")
    mine = pl.from_arrow(lt.load_arrow(table, source=server.url))
    assert isinstance(mine, pl.DataFrame)
    assert remote.schema == mine.schema
    assert remote.equals(mine)
    frame = lt.load(table, source=server.url)
    assert remote.height == len(frame) and remote.columns == list(frame.columns)


def test_pooch_with_sha256sums_as_registry(server: ReleaseServer, tmp_path: Path) -> None:
    sums = (server.root / V1 / "SHA256SUMS").read_text(encoding="utf-8")
    registry = {
        name: f"sha256:{digest}" for digest, name in (ln.split("  ") for ln in sums.splitlines())
    }
    assert set(registry) == {
        "datapackage.json",
        "leaders.parquet",
        "stops.parquet",
        "trips.parquet",
    }
    fetcher = pooch.create(
        path=tmp_path / "pooch", base_url=f"{server.url}{V1}/", registry=registry
    )
    for table in TABLES:
        fetched = Path(fetcher.fetch(f"{table}.parquet"))
        assert fetched.read_bytes() == lt.path(table, source=server.url).read_bytes()
        assert pl.read_parquet(fetched).height == len(lt.load(table, source=server.url))
    # pooch refuses the same corruption the loader refuses
    server.fault(f"{V1}/trips.parquet", "corrupt")
    (tmp_path / "pooch" / "trips.parquet").unlink()
    with pytest.raises(ValueError, match="SHA256"):
        fetcher.fetch("trips.parquet")
