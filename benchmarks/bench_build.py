"""Benchmark the release builder; every figure is printed with its same-run baseline.

1. The real build (curated tables + the Office of the Historian import), wall time, and
   its ``--check`` rebuild.
2. Validation: the vectorized checks (``leadertravel.build.checks``) against
   ``frictionless validate`` on the same CSV files (a synthetic package of ``--csv-stops``
   stops, and the real curated package) -> speed-up ratio; and on the real built release
   as downloaded (``leadertravel.build.release_checks``: both validators on the same
   Parquet files, alternated, ``--release-repeats`` pairs).
3. A synthetic release of ``--stops`` stops (default 1,000,000), in a child process:
   generation, build (checks, rules, Parquet, manifest), and peak memory; baseline: a
   plain ``pyarrow.parquet.write_table`` of the same tables. Targets: < 2 min, < 4 GB.

    python benchmarks/bench_build.py [--stops N] [--csv-stops N] [--skip-real]
"""

from __future__ import annotations

import argparse
import json
import logging
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))


def _seconds(began: float) -> float:
    return time.perf_counter() - began


def real_build(workdir: Path) -> Path | None:
    """Build the real release twice: curated tables only, and with the imported sources.

    Returns the release built with the sources (``None`` if that build failed).
    """
    from leadertravel.build.project import DEFAULT_SOURCES, project_root
    from leadertravel.build.release import build_release, check_release

    root = project_root()
    built = None
    for label, sources in (
        ("curated only", None),
        ("curated + sources", (root / DEFAULT_SOURCES).resolve()),
    ):
        releases = workdir / f"real-{'sources' if sources else 'curated'}"
        began = time.perf_counter()
        try:
            release = build_release(root=root, releases=releases, sources=sources)
        except Exception as err:  # noqa: BLE001 - a benchmark reports and goes on
            print(f"real build ({label}): failed ({type(err).__name__}: {str(err)[:300]})")
            continue
        build_s = _seconds(began)
        built = release if sources else built
        manifest = json.loads((release / "datapackage.json").read_text())
        rows = {r["name"]: r["rows"] for r in manifest["resources"]}
        began = time.perf_counter()
        check_release("latest", root=root, releases=releases, sources=sources)
        check_s = _seconds(began)
        print(
            f"real build ({label}): {build_s:.1f} s, --check rebuild {check_s:.1f} s "
            f"(byte-identical); {rows.get('trips', 0):,} trips, {rows.get('stops', 0):,} "
            f"stops, {rows.get('legs', 0):,} legs"
        )
    return built


def release_validation(release: Path, repeats: int) -> None:
    """Both validators on one built release, alternated; medians and their ratio."""
    import statistics

    from leadertravel.build.release_checks import check_release_files, frictionless_problems

    ours, theirs, counts = [], [], set()
    for _ in range(repeats):
        began = time.perf_counter()
        mine = check_release_files(release)
        ours.append(_seconds(began))
        began = time.perf_counter()
        other = frictionless_problems(release)
        theirs.append(_seconds(began))
        counts.add((len(mine), len(other)))
    rows = sum(
        r["rows"] for r in json.loads((release / "datapackage.json").read_text())["resources"]
    )
    a, b = statistics.median(ours), statistics.median(theirs)
    print(
        f"validation, built release as downloaded ({rows:,} rows, Parquet): vectorized "
        f"{a:.2f} s, frictionless validate {b:.1f} s -> {b / a:.0f}x faster "
        f"(medians of {repeats} alternated pairs; problems: "
        f"{', '.join(f'{m} vs {o}' for m, o in sorted(counts))})"
    )


def _write_csv_package(directory: Path, tables: dict[str, Any]) -> Path:
    """Write tables as a frictionless data package of CSV files (like data/)."""
    from leadertravel.build.project import project_root

    root = project_root()
    descriptor = json.loads((root / "datapackage" / "datapackage.json").read_text())
    resources = []
    for entry in descriptor["resources"]:
        name = entry["name"]
        schema = json.loads((root / "datapackage" / entry["schema"]).read_text())
        (directory / f"{name}.schema.json").write_text(json.dumps(schema))
        frame = tables[name].copy()
        for column in frame.columns:
            if str(frame[column].dtype).startswith("datetime64[s"):
                frame[column] = frame[column].dt.strftime("%Y-%m-%d")
            elif str(frame[column].dtype) == "boolean":
                frame[column] = frame[column].map({True: "true", False: "false"})
        frame.to_csv(directory / f"{name}.csv", index=False, lineterminator="\n")
        resources.append(
            {
                "name": name,
                "path": f"{name}.csv",
                "profile": "tabular-data-resource",
                "schema": f"{name}.schema.json",
            }
        )
    path = directory / "datapackage.json"
    path.write_text(json.dumps({"name": "bench", "resources": resources}))
    return path


def _vectorized(descriptor: Path) -> tuple[float, int]:
    from leadertravel._schema import read_table_schema
    from leadertravel.build.checks import check_tables
    from leadertravel.build.curated import read_csv

    began = time.perf_counter()
    package = json.loads(descriptor.read_text())
    tables, locations, schemas = {}, {}, {}
    for entry in package["resources"]:
        name = entry["name"]
        read = read_csv(descriptor.parent / entry["path"], file=entry["path"], table=name)
        tables[name], locations[name] = read.table, read.location
        schemas[name] = read_table_schema(descriptor.parent / entry["schema"])
    problems = check_tables(tables, schemas, locations=locations).problems
    return _seconds(began), len(problems)


def _frictionless(descriptor: Path) -> tuple[float, int]:
    import frictionless

    began = time.perf_counter()
    report = frictionless.validate(str(descriptor))
    return _seconds(began), len(report.flatten(["type"]))


def validation(workdir: Path, csv_stops: int) -> None:
    from leadertravel.build.project import descriptor_path
    from synthetic import make_synthetic_tables

    directory = workdir / "csv"
    directory.mkdir()
    descriptor = _write_csv_package(directory, make_synthetic_tables(csv_stops, seed=3))
    n_rows = sum(sum(1 for _ in p.open()) - 1 for p in directory.glob("*.csv"))
    ours, our_n = _vectorized(descriptor)
    theirs, their_n = _frictionless(descriptor)
    print(
        f"validation, synthetic CSV package ({csv_stops:,} stops, {n_rows:,} rows): "
        f"vectorized {ours:.2f} s, frictionless {theirs:.1f} s -> "
        f"{theirs / ours:.0f}x faster (problems: {our_n} vs {their_n})"
    )
    real = descriptor_path()
    try:
        ours, our_n = _vectorized(real)
        theirs, their_n = _frictionless(real)
    except (OSError, ValueError, KeyError) as err:
        print(f"validation, curated package: skipped ({type(err).__name__}: {err})")
        return
    print(
        f"validation, curated package: vectorized {ours:.2f} s, frictionless {theirs:.2f} s "
        f"-> {theirs / max(ours, 1e-9):.0f}x faster (problems: {our_n} vs {their_n})"
    )


class _Marks(logging.Handler):
    """Record when the builder enters each phase (from its log messages)."""

    PHASES = (
        ("checking", "Table Schema checks"),
        ("checking the semantic rules", "semantic rules"),
        ("writing", "Parquet + manifest + changelog"),
    )

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.times: list[tuple[float, str]] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.times.append((time.perf_counter(), record.getMessage()))

    def phases(self, began: float) -> dict[str, float]:
        starts: dict[str, float] = {}
        for at, message in self.times:
            for prefix, label in sorted(self.PHASES, key=lambda p: -len(p[0])):
                if message.startswith(prefix) and label not in starts:
                    starts[label] = at
                    break
        end = self.times[-1][0] if self.times else began
        ordered = sorted(starts.items(), key=lambda kv: kv[1])
        bounds = [t for _, t in ordered[1:]] + [end]
        return {label: stop - start for (label, start), stop in zip(ordered, bounds, strict=True)}


def synthetic_child(releases: Path, stops: int) -> None:
    """Run in a child process: generate, build, and a plain Parquet write as baseline."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from leadertravel.build.release import write_release
    from synthetic import synthetic_inputs

    began = time.perf_counter()
    inputs = synthetic_inputs(stops)
    generate_s = _seconds(began)
    began = time.perf_counter()
    plain = releases.parent / "plain"
    plain.mkdir()
    for name, frame in inputs.tables.items():
        pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), plain / f"{name}.pq")
    baseline_s = _seconds(began)
    marks = _Marks()
    logging.getLogger("leadertravel.build").addHandler(marks)
    logging.getLogger("leadertravel.build").setLevel(logging.INFO)
    began = time.perf_counter()
    write_release(inputs, releases=releases)
    build_s = _seconds(began)
    phases = marks.phases(began)
    rows = sum(len(t) for t in inputs.tables.values())
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2  # KiB -> GiB
    print(
        json.dumps(
            {
                "generate_s": generate_s,
                "baseline_s": baseline_s,
                "build_s": build_s,
                "phases": phases,
                "rows": rows,
                "peak_gib": peak,
            }
        )
    )


def synthetic_build(workdir: Path, stops: int) -> None:
    releases = workdir / "synthetic" / "releases"
    releases.parent.mkdir()
    out = subprocess.run(
        [sys.executable, __file__, "--child", str(releases), "--stops", str(stops)],
        capture_output=True,
        text=True,
        check=True,
    )
    figures = json.loads(out.stdout.strip().splitlines()[-1])
    size = sum(p.stat().st_size for p in (releases / "0.1.0").iterdir()) / 1024**2
    print(
        f"synthetic release, {stops:,} stops ({figures['rows']:,} rows in all tables, "
        f"{size:.0f} MiB): build {figures['build_s']:.1f} s (target < 120 s), "
        f"{figures['build_s'] / figures['baseline_s']:.1f}x a plain Parquet write of the "
        f"same tables ({figures['baseline_s']:.1f} s); peak memory "
        f"{figures['peak_gib']:.2f} GiB incl. generation ({figures['generate_s']:.1f} s) "
        f"(target < 4 GB)"
    )
    print("  phases: " + ", ".join(f"{k} {v:.1f} s" for k, v in figures["phases"].items()))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--stops", type=int, default=1_000_000)
    parser.add_argument("--csv-stops", type=int, default=20_000)
    parser.add_argument("--skip-real", action="store_true")
    parser.add_argument("--release-repeats", type=int, default=2)
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args, _ = parser.parse_known_args()
    logging.basicConfig(level=logging.WARNING)
    if args.child is not None:
        synthetic_child(args.child, args.stops)
        return 0
    with tempfile.TemporaryDirectory(prefix="leadertravel-bench-build-") as tmp:
        workdir = Path(tmp)
        if not args.skip_real:
            built = real_build(workdir)
            if built is not None:
                release_validation(built, args.release_repeats)
        validation(workdir, args.csv_stops)
        synthetic_build(workdir, args.stops)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
