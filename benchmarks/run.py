"""Run every benchmark script in this folder, one after the other (``make bench``).

Each script measures its own baselines in the same run and prints its figures as it goes
(`harness.Figure`: min / median / max over paired runs, target ± tolerance, verdict);
this runner only sequences them, so their figures are not disturbed by one another,
collects every figure through ``$LEADERTRAVEL_BENCH_RESULTS`` and prints them in one
summary table at the end. It fails if a script fails or a figure is MISSED.

    python benchmarks/run.py [--quick] [--only bench_loader.py,…] [script options…]

``--quick`` (for CI or a first look) makes every script use its small sizes and fewer
repeats; other options are passed to every script (each ignores what it does not know).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from harness import RESULTS_ENV, load_note, summary

SCRIPTS = ("bench_build.py", "bench_loader.py", "bench_latency.py", "bench_plots.py")


def main(argv: list[str]) -> int:
    here = Path(__file__).resolve().parent
    scripts = list(SCRIPTS)
    if "--only" in argv:
        at = argv.index("--only")
        scripts = argv[at + 1].split(",")
        argv = argv[:at] + argv[at + 2 :]
    status = 0
    began = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="lt-bench-") as tmp:
        results = Path(tmp) / "figures.jsonl"
        results.touch()
        env = os.environ | {RESULTS_ENV: str(results)}
        print(f"benchmarks {', '.join(scripts)}; {load_note()}", flush=True)
        for name in scripts:
            print(f"\n=== {name}", flush=True)
            code = subprocess.call([sys.executable, str(here / name), *argv], env=env)
            if code:
                print(f"=== {name} exited with {code}", flush=True)
            status |= code
        missed = summary(str(results))
    print(f"all benchmarks: {time.perf_counter() - began:.0f} s")
    return 1 if status or missed else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
