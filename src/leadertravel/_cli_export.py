"""``leadertravel export TABLE --format csv|xlsx|dta``: a release table for other tools.

The loader and the writers are imported only when the command runs.
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path
from typing import Any

from leadertravel._cli_args import add_command, add_release_options

__all__ = ["register"]

log = logging.getLogger("leadertravel")


def register(subparsers: Any) -> None:
    """Add the ``export`` command to the ``leadertravel`` command line."""
    p = add_command(
        subparsers,
        "export",
        _export,
        help="write a table as CSV, Excel or Stata, typed, with the field descriptions",
        description=(
            "Load TABLE of a release (verified, cached) and write it as CSV (with its "
            "Table Schema beside it), Excel (descriptions as header comments and a "
            "'fields' sheet) or Stata 14+ .dta (descriptions as variable labels, enums as "
            "value labels)."
        ),
    )
    p.add_argument("table", help="table name, e.g. trips")
    p.add_argument("--format", dest="fmt", choices=["csv", "xlsx", "dta"], required=True)
    p.add_argument(
        "-o", "--output", type=Path, default=None, help="file to write (default: TABLE.FORMAT)"
    )
    add_release_options(p)


def _export(args: argparse.Namespace) -> int:
    import leadertravel as lt
    from leadertravel._errors import LeadertravelError
    from leadertravel._export import export_frame
    from leadertravel._resolve import Context

    options = {"source": args.source, "cache_dir": args.cache_dir, "offline": args.offline}
    path: Path = args.output or Path(f"{args.table}.{args.fmt}")
    try:  # one resolved version for the schema and the rows
        release = Context.make(args.source, args.cache_dir, offline=args.offline).release(
            args.release
        )
        resource = release.resource(args.table)
        frame = lt.load(args.table, version=release.version, **options)
    except LeadertravelError as err:
        log.error("error: %s", err)
        return 1
    try:
        written = export_frame(
            frame, path, schema=resource.schema, fmt=args.fmt, title=resource.description
        )
    except ImportError as err:
        log.error(
            "error: %s export needs %s: pip install 'leadertravel[export]'", args.fmt, err.name
        )
        return 1
    except (ValueError, OSError) as err:
        log.error("error: cannot write %s: %s", path, err)
        return 1
    for file in written:
        sys.stdout.write(f"{file}\n")
    log.info("%s: %d rows of %s %s", path, len(frame), args.table, release.version)
    return 0
