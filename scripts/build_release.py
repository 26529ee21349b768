"""Build a versioned release: ``python scripts/build_release.py [--sources DIR] [--releases DIR]``.

A thin wrapper around ``leadertravel build`` (logic in ``leadertravel.pipeline.release.builder``);
``--help`` lists the options, ``--check VERSION`` rebuilds and compares hashes.
"""

import sys

from leadertravel._cli import main

if __name__ == "__main__":
    raise SystemExit(main(["build", *sys.argv[1:]]))
