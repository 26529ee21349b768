"""Plot benchmarks: the overview plots and trip maps on the full release, as a user runs them.

Each command runs in a fresh interpreter (imports included, as ``leadertravel plot …`` in a
shell), alternately with a baseline fresh ``leadertravel show trips`` (pandas + pyarrow +
one table load) so drifts of a shared machine affect both alike. The issue's target is
absolute (under 5 s each); the ratio to the baseline says how much of it is the plot.

    python benchmarks/bench_plots.py [--releases /tmp/lt-bench-real] [--repeat 3]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
TARGET_S = 5.0
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
    parser.add_argument("--repeat", type=int, default=3)
    opts = parser.parse_args()
    if not (opts.releases / "index.json").is_file():
        from leadertravel.pipeline.release.builder import build_release

        print(f"building the release from the shipped data into {opts.releases} …", flush=True)
        build_release(root=REPO, releases=opts.releases, sources=opts.sources)
    where = ["--source", str(opts.releases), "--cache-dir", str(opts.releases / ".bench-cache")]
    run(["show", "trips", *where])  # fill the cache once
    slowest = 0.0
    with tempfile.TemporaryDirectory() as out:
        for template in COMMANDS:
            name = template.split(" -o ")[0] + (" (html)" if template.endswith("html") else "")
            args = [a.format(out=out) for a in template.split()] + where
            ours, base = [], []
            for _ in range(opts.repeat):
                base.append(run(["show", "trips", *where]))
                ours.append(run(args))
            best = min(ours)
            slowest = max(slowest, best)
            verdict = "ok" if best < TARGET_S else "SLOW"
            print(
                f"{name:45s} {best:5.2f} s (best of {opts.repeat}; baseline {min(base):.2f} s, "
                f"ratio {best / min(base):.2f})  target < {TARGET_S:.0f} s: {verdict}"
            )
    return 0 if slowest < TARGET_S else 1


if __name__ == "__main__":
    raise SystemExit(main())
