"""Plot benchmarks: the overview plots and trip maps on the full release, as a user runs them.

Each command runs in a fresh interpreter (imports included, as ``leadertravel plot …`` in a
shell), alternately with a baseline fresh ``leadertravel show trips`` (pandas + pyarrow +
one table load) so drifts of a shared machine affect both alike. The issue's target is
absolute (under 5 s each); the ratio to the baseline says how much of it is the plot.

    python benchmarks/bench_plots.py [--quick] [--releases /tmp/lt-bench-real] [--repeat 3]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import Figure, report

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
TARGET_S = 5.0
TOLERANCE_S = 0.25
COMMANDS = [
    "plot trips-per-year -o {out}/tpy.png",
    "plot world -o {out}/world.png",
    "plot world --leader kim-jong-un -o {out}/kim.png",
    "plot world --country CHN --received -o {out}/chn.png",
    "map kim-jong-un-2023-09-10 -o {out}/map.png",
    "map kim-jong-un-2023-09-10 -o {out}/map.html",
]


def run(args: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "leadertravel", "-q", *args], check=True,
                   stdout=subprocess.DEVNULL)  # fmt: skip
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--releases", type=Path, default=Path(tempfile.gettempdir()) / "lt-bench-real"
    )
    parser.add_argument(
        "--sources", type=Path, default=REPO.parent / "shared/sources/history-state-travels"
    )
    parser.add_argument("--repeat", type=int, default=None, help="pairs (default 3, quick 1)")
    parser.add_argument("--quick", action="store_true", help="one pair per command")
    opts, _ = parser.parse_known_args()
    repeat = opts.repeat or (1 if opts.quick else 3)
    if not (opts.releases / "index.json").is_file():
        from leadertravel.pipeline.release.builder import build_release

        print(f"building the release from the shipped data into {opts.releases} …", flush=True)
        build_release(root=REPO, releases=opts.releases, sources=opts.sources)
    where = ["--source", str(opts.releases), "--cache-dir", str(opts.releases / ".bench-cache")]
    run(["show", "trips", *where])  # fill the cache once
    figures = []
    with tempfile.TemporaryDirectory() as out:
        for template in COMMANDS:
            name = template.split(" -o ")[0] + (" (html)" if template.endswith("html") else "")
            args = [a.format(out=out) for a in template.split()] + where
            ours, base = [], []
            for i in range(repeat):  # paired, alternating which runs first
                if i % 2:
                    ours.append(run(args))
                    base.append(run(["show", "trips", *where]))
                else:
                    base.append(run(["show", "trips", *where]))
                    ours.append(run(args))
            ratio = statistics.median(o / b for o, b in zip(ours, base, strict=True))
            figures.append(
                Figure(
                    f"leadertravel {name}",
                    ours,
                    TARGET_S,
                    TOLERANCE_S,
                    unit="s",
                    note=f"{ratio:.2f}x a fresh `leadertravel show trips` run beside it",
                    group="plots",
                )
            )
    return 1 if report(figures, title="plots, fresh interpreters (wall time)") else 0


if __name__ == "__main__":
    raise SystemExit(main())
