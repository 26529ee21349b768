"""Eight processes cold-loading the same version at once all succeed, with one download."""

from __future__ import annotations

import functools
import multiprocessing
from pathlib import Path
from typing import TYPE_CHECKING

import leadertravel as lt

if TYPE_CHECKING:
    from conftest import ReleaseServer


def test_eight_processes_cold_load_the_same_version(server: ReleaseServer, cache_dir: Path) -> None:
    # forkserver with leadertravel preloaded: eight real processes that start in milliseconds
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(["leadertravel"])
    server.fault("0.1.0/stops.parquet", "slow", times=1, delay=0.3)  # hold the lock a while
    fetch = functools.partial(
        lt.path, "stops", version="0.1.0", source=server.url, cache_dir=cache_dir
    )
    with ctx.Pool(8) as pool:
        paths = pool.starmap(fetch, [()] * 8, chunksize=1)
    assert len(set(paths)) == 1
    assert len(lt.load("stops", version="0.1.0", source=server.url, cache_dir=cache_dir)) == 12
    assert server.count("datapackage.json") >= 2, server.requests  # several were cold at once
    assert server.count("stops.parquet") == 1  # the lock made the others wait, not refetch
    assert not list(cache_dir.rglob("*.part")) and not list(cache_dir.rglob("*.tmp"))
    assert len(list(cache_dir.rglob("stops.parquet"))) == 1
