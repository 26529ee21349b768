"""Publish a built release: ``python scripts/publish_release.py VERSION --from DIR --to DIR``.

A thin wrapper around ``leadertravel publish`` (logic in ``leadertravel.pipeline.release.publish``).
"""

import sys

from leadertravel._cli import main

if __name__ == "__main__":
    raise SystemExit(main(["publish", *sys.argv[1:]]))
