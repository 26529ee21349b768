"""Loader benchmarks: each figure is a ratio against a baseline measured in the same run.

1. warm-cache ``lt.load("stops")`` ÷ ``pq.read_table(path).to_pandas()`` of the same file
   (target ≤ 1.10);
2. cold ``lt.load("stops")`` over loopback HTTP ÷ (plain urllib download + the same read)
   (target ≤ 1.20);
3. ``import leadertravel`` ÷ ``import pandas, pyarrow`` in fresh interpreters (≤ 1.05);
4. a filtered load of one leader's stops ÷ the full load (≤ 0.2);
5. warm ``lt.load("stops")`` ÷ the same load with the check of the bytes read skipped
   (the cost of re-verifying every cached file on every load, issue 9 item 1; ≤ 1.05),
   and the same for the small ``trips`` table.

The release is the synthetic one of ``benchmarks/synthetic.py`` (1M stops by default),
written once to ``--releases`` (reused if already there) and served by ``http.server`` on
127.0.0.1.

    python benchmarks/bench_loader.py [--stops 1000000] [--releases /tmp/lt-bench-releases]
"""

from __future__ import annotations

import argparse
import functools
import http.server
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import leadertravel as lt  # noqa: E402

TABLE = "stops"
TARGETS = {
    "warm": 1.10,
    "cold": 1.20,
    "import": 1.05,
    "filtered": 0.20,
    "verify": 1.05,
    "verify-small": 1.05,
}


def best_of(fn: Callable[[], Any], repeat: int) -> float:
    """Minimum wall time of ``repeat`` calls (the least disturbed run)."""
    return compare(fn, lambda: None, repeat)[0]


def compare(ours: Callable[[], Any], base: Callable[[], Any], repeat: int) -> tuple[float, float]:
    """Minimum wall times of two functions, run alternately so drifts affect both alike."""
    times: tuple[list[float], list[float]] = ([], [])
    for _ in range(repeat):
        for fn, sink in ((base, times[1]), (ours, times[0])):
            start = time.perf_counter()
            fn()
            sink.append(time.perf_counter() - start)
    return min(times[0]), min(times[1])


def ensure_release(releases: Path, n_stops: int) -> str:
    """Build the synthetic release unless one is there; return its version."""
    if not (releases / "index.json").is_file():
        from synthetic import build_synthetic_release

        print(f"building a synthetic release of {n_stops:,} stops in {releases} …", flush=True)
        build_synthetic_release(releases, n_stops, rules=False)
    return str(lt.versions(source=releases, cache_dir=releases / ".bench-cache")["version"][0])


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        return None


def serve(root: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    handler = functools.partial(Quiet, directory=str(root))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True).start()
    return httpd, f"http://127.0.0.1:{httpd.server_address[1]}/"


def bench_warm(releases: Path, work: Path, repeat: int) -> tuple[float, float]:
    cache = work / "warm-cache"
    path = lt.path(TABLE, source=releases, cache_dir=cache)
    lt.load(TABLE, source=releases, cache_dir=cache)  # warm everything up once
    return compare(
        lambda: lt.load(TABLE, source=releases, cache_dir=cache),
        lambda: pq.read_table(path).to_pandas(),
        repeat,
    )


def bench_verify(releases: Path, work: Path, repeat: int, table: str) -> tuple[float, float]:
    """Warm load ÷ warm load without checking the bytes read (the baseline)."""
    import leadertravel._fetch as fetch

    cache = work / "warm-cache"
    lt.path(table, source=releases, cache_dir=cache)

    def unchecked() -> None:
        real = fetch._intact
        fetch._intact = lambda *args, **kwargs: ""  # type: ignore[assignment]
        try:
            lt.load(table, source=releases, cache_dir=cache)
        finally:
            fetch._intact = real

    return compare(lambda: lt.load(table, source=releases, cache_dir=cache), unchecked, repeat)


def bench_cold(url: str, version: str, work: Path, repeat: int) -> tuple[float, float]:
    counter = iter(range(10_000))

    def cold_load() -> None:
        lt.load(TABLE, source=url, cache_dir=work / f"cold-{next(counter)}", progress=False)

    def plain() -> None:
        target = work / f"plain-{next(counter)}.parquet"
        with (
            urllib.request.urlopen(f"{url}{version}/{TABLE}.parquet") as resp,
            target.open("wb") as out,
        ):
            shutil.copyfileobj(resp, out, 1 << 20)
        pq.read_table(target).to_pandas()

    return compare(cold_load, plain, repeat)


def bench_import(repeat: int, work: Path) -> tuple[float, float]:
    # As installed packages are: with bytecode caches (kept out of the tree by a prefix),
    # even where PYTHONDONTWRITEBYTECODE is set.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str(work / "pycache")

    def run(statement: str) -> float:
        # Time the import statement inside a fresh interpreter: interpreter start-up is
        # the same for both sides and only adds noise, so it is left out.
        code = f"import time; t = time.perf_counter(); {statement}; print(time.perf_counter() - t)"
        out = subprocess.run(
            [sys.executable, "-c", code], check=True, env=env, capture_output=True, text=True
        )
        return float(out.stdout)

    run("import leadertravel")  # write the bytecode caches once
    ours, base = [], []
    for _ in range(repeat):  # interleaved, so drifts affect both alike
        base.append(run("import pandas, pyarrow"))
        ours.append(run("import leadertravel"))
    return statistics.median(ours), statistics.median(base)


def bench_filtered(releases: Path, work: Path, repeat: int) -> tuple[float, float, int]:
    cache = work / "warm-cache"
    trips = lt.load("trips", columns=["trip_id", "leader_id"], source=releases, cache_dir=cache)
    leader = str(trips["leader_id"].iloc[len(trips) // 2])
    # trip ids start with the leader id and stops are sorted by stop_id (docs/conventions.md)
    flt = [("trip_id", ">=", f"{leader}-"), ("trip_id", "<", f"{leader}-~")]

    def filtered() -> Any:
        return lt.load(TABLE, filters=flt, source=releases, cache_dir=cache)

    one = filtered()
    expected = set(trips.loc[trips["leader_id"] == leader, "trip_id"])
    assert set(one["trip_id"]) == expected, "the filter must select exactly the leader's trips"
    ours, full = compare(filtered, lambda: lt.load(TABLE, source=releases, cache_dir=cache), repeat)
    return ours, full, len(one)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stops", type=int, default=1_000_000)
    parser.add_argument("--releases", type=Path, default=None, help="reuse/build here")
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="lt-bench-loader-"))
    releases = args.releases or work / "releases"
    try:
        version = ensure_release(releases, args.stops)
        path = lt.path(TABLE, source=releases, cache_dir=work / "warm-cache")
        meta = pq.ParquetFile(path).metadata
        print(
            f"release {version}: {TABLE} has {meta.num_rows:,} rows, {meta.num_row_groups} row "
            f"groups, {path.stat().st_size / 1e6:.1f} MB"
        )
        httpd, url = serve(releases)
        results = {}
        ours, base = bench_warm(releases, work, args.repeat)
        results["warm"] = (ours, base, "warm load ÷ pq.read_table().to_pandas()")
        ours, base = bench_cold(url, version, work, args.repeat)
        results["cold"] = (ours, base, "cold load over HTTP ÷ (download + read)")
        httpd.shutdown()
        ours, base = bench_import(max(args.repeat, 9), work)
        results["import"] = (ours, base, "import leadertravel ÷ import pandas, pyarrow")
        ours, base, rows = bench_filtered(releases, work, args.repeat)
        results["filtered"] = (ours, base, f"filtered load (1 leader, {rows} stops) ÷ full load")
        ours, base = bench_verify(releases, work, args.repeat, TABLE)
        results["verify"] = (ours, base, "warm load ÷ the same, bytes not re-checked")
        ours, base = bench_verify(releases, work, max(args.repeat, 21), "trips")
        results["verify-small"] = (ours, base, "warm load of trips ÷ the same, not re-checked")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    failed = 0
    for key, (ours, base, label) in results.items():
        ratio = ours / base
        ok = ratio <= TARGETS[key]
        failed += not ok
        print(
            f"{label:52s} {ours * 1000:9.1f} ms / {base * 1000:9.1f} ms = {ratio:5.2f} "
            f"(target ≤ {TARGETS[key]:.2f}) {'ok' if ok else 'MISSED'}"
        )
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
