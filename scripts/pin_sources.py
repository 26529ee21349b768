"""Re-pin the Office of the Historian source files by sha256 (``make pins``).

Writes ``data/pins/history-state-travels.sha256`` (``sha256sum`` format, paths relative to
the source directory). Review what changed in the source before re-pinning: the pins are
what makes a build fail when the input changes unnoticed.
"""

from __future__ import annotations

import argparse
import logging
from pathlib import Path

from leadertravel.build.historian._pins import pins_path, read_pins, write_pins
from leadertravel.build.project import DEFAULT_SOURCES, project_root


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sources",
        type=Path,
        default=DEFAULT_SOURCES,
        help="the history-state-travels snapshot directory (default: %(default)s)",
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    log = logging.getLogger("leadertravel")
    root = project_root()
    target = pins_path(root)
    before = read_pins(target) if target.is_file() else {}
    after = write_pins(args.sources, target)
    changed = sorted(k for k in after if before.get(k) != after[k])
    removed = sorted(set(before) - set(after))
    log.info("pinned %d files of %s in %s", len(after), args.sources, target)
    for rel in changed:
        log.info("  %s %s", "changed" if rel in before else "added", rel)
    for rel in removed:
        log.info("  removed %s", rel)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
