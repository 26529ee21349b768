"""Loader benchmarks: each figure a ratio against a baseline measured in the same run.

Paired, alternating runs (`harness.rounds`: each round runs both sides forth and back and
keeps each side's fastest); the verdict is on the median of the per-round ratios, with the
tolerance printed next to each target.

Issue 16 item 2, for EACH table of the real release (built from the shipped data and
``../shared/sources`` into ``--real-releases``, reused when there) and for the synthetic
``stops`` table of ``--stops`` rows (default 1,000,000):

1. warm ``lt.load(table)`` ÷ ``pq.read_table(path).to_pandas()`` (target ≤ 1.25; 1M rows:
   ≤ 1.10, the earlier target on that table);
2. warm ``lt.load(table)`` ÷ a baseline giving the same dtypes: ``pq.read_table(path)``,
   ``to_pandas`` with pyarrow's nullable ``types_mapper``, then ``astype`` of the columns
   still differing (categoricals, ``datetime64[s]``) — the dtypes worked out beforehand
   (target ≤ 1.10). Both frames are checked equal first.

And, on the synthetic release (issue 9):

3. cold ``lt.load("stops")`` over loopback HTTP ÷ (plain urllib download + the same read)
   (≤ 1.20);
4. ``import leadertravel`` ÷ ``import pandas, pyarrow`` in fresh interpreters (≤ 1.05);
5. a filtered load of one leader's stops ÷ the full load (≤ 0.20);
6. warm ``lt.load`` ÷ the same load with the check of the bytes read skipped, for
   ``stops`` and the small ``trips`` (≤ 1.05: the cost of checking every cached file on
   every load).

    python benchmarks/bench_loader.py [--quick] [--stops 1000000] [--releases DIR]
        [--real-releases DIR] [--repeat N]
"""

from __future__ import annotations

import argparse
import functools
import http.server
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

import leadertravel as lt  # noqa: E402
from harness import Figure, paired, ratios, report, rounds  # noqa: E402

TABLE = "stops"
GROUP = "loader"
#: pyarrow's conversion straight to the nullable dtypes the loader gives these types
NULLABLE = {
    pa.int64(): pd.Int64Dtype(),
    pa.int16(): pd.Int16Dtype(),
    pa.float64(): pd.Float64Dtype(),
    pa.bool_(): pd.BooleanDtype(),
    pa.string(): pd.StringDtype(),
}


def ensure_release(releases: Path, n_stops: int) -> str:
    """Build the synthetic release unless one is there; return its version."""
    if not (releases / "index.json").is_file():
        from synthetic import build_synthetic_release

        print(f"building a synthetic release of {n_stops:,} stops in {releases} …", flush=True)
        build_synthetic_release(releases, n_stops, rules=False)
    return str(lt.versions(source=releases, cache_dir=releases / ".bench-cache")["version"][0])


def ensure_real_release(releases: Path, sources: Path) -> bool:
    """Build the real release (shipped data + sources) unless one is there."""
    if (releases / "index.json").is_file():
        return True
    from leadertravel.pipeline.release.builder import build_release

    print(f"building the real release into {releases} …", flush=True)
    try:
        build_release(root=REPO, releases=releases, sources=sources if sources.is_dir() else None)
    except Exception as err:  # noqa: BLE001 - a benchmark reports and goes on
        print(f"real release: not built ({type(err).__name__}: {str(err)[:200]})")
        return False
    return True


def same_dtypes(path: Path, frame: pd.DataFrame) -> Callable[[], pd.DataFrame]:
    """The baseline of figure 2: plain pyarrow + pandas calls giving ``frame``'s dtypes."""
    first = pq.read_table(path).to_pandas(types_mapper=NULLABLE.get, date_as_object=False)
    casts = {c: frame[c].dtype for c in frame.columns if str(first[c].dtype) != str(frame[c].dtype)}
    casts |= {c: frame[c].dtype for c in frame.columns if frame[c].dtype == "category"}

    def run() -> pd.DataFrame:
        out = pq.read_table(path).to_pandas(types_mapper=NULLABLE.get, date_as_object=False)
        return out.astype(casts)

    got = run()
    assert {c: got[c].dtype for c in got} == {c: frame[c].dtype for c in frame}, path
    assert got.equals(frame), f"{path}: the same-dtypes baseline must give the same frame"
    return run


def warm_figures(
    table: str,
    source: Path,
    cache: Path,
    repeat: int,
    *,
    plain_target: float,
    label: str,
    best_of: int,
) -> list[Figure]:
    """Figures 1 and 2 for one table: ours ÷ plain read, ours ÷ same-dtypes read."""
    path = lt.path(table, source=source, cache_dir=cache)
    frame = lt.load(table, source=source, cache_dir=cache)
    rows = f"{len(frame):,} rows"
    times = rounds(
        {
            "ours": lambda: lt.load(table, source=source, cache_dir=cache),
            "plain": lambda: pq.read_table(path).to_pandas(),
            "same": same_dtypes(path, frame),
        },
        repeat,
        best_of=best_of,
    )
    ms = 1000 * sorted(times["ours"])[len(times["ours"]) // 2]
    note = f"{rows}, {ms:.1f} ms"
    return [
        Figure(
            f"warm load {label} ÷ read_table().to_pandas()",
            ratios(times, "ours", "plain"),
            target=plain_target,
            tolerance=0.05,
            note=note,
            group=GROUP,
        ),
        Figure(
            f"warm load {label} ÷ same-dtypes read",
            ratios(times, "ours", "same"),
            target=1.10,
            tolerance=0.05,
            note=note,
            group=GROUP,
        ),
    ]


def real_tables(releases: Path, repeat: int, best_of: int) -> list[Figure]:
    cache = releases / ".bench-cache"
    frames = lt.load_all(source=releases, cache_dir=cache)  # fills the cache
    figures = []
    for table in frames:
        figures += warm_figures(
            table,
            releases,
            cache,
            repeat,
            plain_target=1.25,
            label=f"{table} (real)",
            best_of=best_of,
        )
    return figures


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        return None


def serve(root: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    handler = functools.partial(Quiet, directory=str(root))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True).start()
    return httpd, f"http://127.0.0.1:{httpd.server_address[1]}/"


def bench_verify(releases: Path, work: Path, repeat: int, table: str) -> list[float]:
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

    return paired(
        lambda: lt.load(table, source=releases, cache_dir=cache), unchecked, repeat, best_of=2
    )


def bench_cold(url: str, version: str, work: Path, repeat: int) -> list[float]:
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

    return paired(cold_load, plain, repeat)


def bench_import(repeat: int, work: Path) -> list[float]:
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
    pairs = []
    for i in range(repeat):  # paired and alternated, so drifts affect both alike
        if i % 2:
            ours, base = run("import leadertravel"), run("import pandas, pyarrow")
        else:
            base, ours = run("import pandas, pyarrow"), run("import leadertravel")
        pairs.append(ours / base)
    return pairs


def bench_filtered(releases: Path, work: Path, repeat: int) -> tuple[list[float], int]:
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
    full = paired(
        filtered, lambda: lt.load(TABLE, source=releases, cache_dir=cache), repeat, best_of=2
    )
    return full, len(one)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="100,000 stops, fewer repeats")
    parser.add_argument("--stops", type=int, default=None, help="default 1,000,000")
    parser.add_argument("--releases", type=Path, default=None, help="reuse/build here")
    parser.add_argument(
        "--real-releases", type=Path, default=Path(tempfile.gettempdir()) / "lt-bench-real"
    )
    parser.add_argument("--sources", type=Path, default=REPO.parent / "shared" / "sources")
    parser.add_argument("--repeat", type=int, default=None, help="pairs per figure")
    args, _ = parser.parse_known_args()
    stops = args.stops or (100_000 if args.quick else 1_000_000)
    repeat = args.repeat or (5 if args.quick else 9)
    work = Path(tempfile.mkdtemp(prefix="lt-bench-loader-"))
    releases = args.releases or work / "releases"
    figures: list[Figure] = []
    try:
        if ensure_real_release(args.real_releases, args.sources):
            figures += real_tables(args.real_releases, 15 if not args.quick else 7, best_of=3)
        version = ensure_release(releases, stops)
        cache = work / "warm-cache"
        path = lt.path(TABLE, source=releases, cache_dir=cache)
        meta = pq.ParquetFile(path).metadata
        print(
            f"synthetic release {version}: {TABLE} has {meta.num_rows:,} rows, "
            f"{meta.num_row_groups} row groups, {path.stat().st_size / 1e6:.1f} MB"
        )
        figures += warm_figures(
            TABLE,
            releases,
            cache,
            repeat,
            plain_target=1.10,
            label=f"stops ({stops // 1000}k)",
            best_of=2,
        )
        httpd, url = serve(releases)
        cold = bench_cold(url, version, work, repeat)
        httpd.shutdown()
        figures.append(
            Figure("cold load over HTTP ÷ (download + read)", cold, 1.20, 0.05, group=GROUP)
        )
        imports = bench_import(max(repeat, 15), work)
        figures.append(
            Figure("import leadertravel ÷ import pandas, pyarrow", imports, 1.05, 0.05, group=GROUP)
        )
        filtered, rows = bench_filtered(releases, work, repeat)
        few = meta.num_row_groups < 8  # statistics then cannot skip much: not the figure
        figures.append(
            Figure(
                f"filtered load (1 leader, {rows} stops) ÷ full load",
                filtered,
                0.20,
                0.02,
                skip=f"{meta.num_row_groups} row groups: too few to skip any" if few else "",
                group=GROUP,
            )
        )
        figures.append(
            Figure(
                "warm load stops ÷ the same, bytes not re-checked",
                bench_verify(releases, work, repeat, TABLE),
                1.05,
                0.05,
                group=GROUP,
            )
        )
        figures.append(
            Figure(
                "warm load trips ÷ the same, bytes not re-checked",
                bench_verify(releases, work, max(3 * repeat, 21), "trips"),
                1.05,
                0.05,
                group=GROUP,
            )
        )
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 1 if report(figures, title="loader (issues 9 and 16)") else 0


if __name__ == "__main__":
    raise SystemExit(main())
