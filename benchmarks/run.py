"""Run every benchmark script in this folder, one after the other (``make bench``).

Each script measures its own baseline in the same run and prints ratios; this runner
only sequences them so their figures are not disturbed by one another.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

SCRIPTS = ("bench_build.py", "bench_loader.py", "bench_latency.py", "bench_plots.py")


def main() -> int:
    here = Path(__file__).resolve().parent
    status = 0
    for name in SCRIPTS:
        print(f"\n=== {name}", flush=True)
        status |= subprocess.call([sys.executable, str(here / name), *sys.argv[1:]])
    return status


if __name__ == "__main__":
    raise SystemExit(main())
