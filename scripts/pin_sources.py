"""Re-pin the source snapshots a build reads by sha256 (``make pins``).

Writes ``data/pins/<snapshot>.sha256`` for each snapshot a build reads: the inputs of the
registered importers and the panels' state-system lists (``sha256sum`` format, paths
relative to the snapshot directory). Review what changed in a source before re-pinning:
the pins are what makes a build fail when an input changes unnoticed.
"""

from __future__ import annotations

import argparse
import logging
from pathlib import Path

from leadertravel.pipeline.pins import pins_path, read_pins, snapshot_names, write_pins
from leadertravel.pipeline.project import DEFAULT_SOURCES, project_root


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sources",
        type=Path,
        default=DEFAULT_SOURCES,
        help="the directory of source snapshots (default: %(default)s)",
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    log = logging.getLogger("leadertravel")
    root = project_root()
    for name in snapshot_names():
        target = pins_path(root, name)
        before = read_pins(target) if target.is_file() else {}
        after = write_pins(args.sources / name, target)
        changed = sorted(k for k in after if before.get(k) != after[k])
        removed = sorted(set(before) - set(after))
        log.info("pinned %d files of %s in %s", len(after), args.sources / name, target)
        for rel in changed:
            log.info("  %s %s", "changed" if rel in before else "added", rel)
        for rel in removed:
            log.info("  removed %s", rel)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
