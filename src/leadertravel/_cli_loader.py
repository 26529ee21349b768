"""Loader commands of the ``leadertravel`` command line.

``versions``, ``show TABLE``, ``describe TABLE``, ``fetch`` and ``cache info|clear``. The
loader (pandas, pyarrow) is imported only when one of them runs.
"""

from __future__ import annotations

import argparse
import logging
import sys
from typing import TYPE_CHECKING, Any

from leadertravel._cli_args import add_command, add_release_options, guarded

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["register"]


def _options(args: argparse.Namespace) -> dict[str, Any]:
    return {"source": args.source, "cache_dir": args.cache_dir, "offline": args.offline}


def _print(frame: pd.DataFrame) -> None:
    import pandas as pd

    with pd.option_context("display.width", 200, "display.max_colwidth", 60):
        sys.stdout.write(frame.to_string(index=False) + "\n")


def _versions(args: argparse.Namespace) -> int:
    import leadertravel as lt

    frame = lt.versions(**_options(args))
    frame["released"] = frame["released"].dt.strftime("%Y-%m-%d")
    frame["latest"] = frame["latest"].map({True: "*", False: ""})
    _print(frame)
    return 0


def _show(args: argparse.Namespace) -> int:
    import leadertravel as lt

    frame = lt.load(args.table, version=args.release, **_options(args))
    _print(frame.head(args.limit))
    sys.stdout.write(f"({len(frame)} rows, {frame.shape[1]} columns)\n")
    return 0


def _describe(args: argparse.Namespace) -> int:
    import leadertravel as lt

    frame = lt.describe(args.table, version=args.release, **_options(args))
    attrs = frame.attrs
    sys.stdout.write(
        f"{attrs['table']} (release {attrs['version']}, {attrs['rows']} rows, "
        f"primary key {', '.join(attrs['primary_key'])})\n"
    )
    if attrs.get("description"):
        sys.stdout.write(f"{attrs['description']}\n")
    sys.stdout.write("\n")
    _print(frame[["field", "type", "dtype", "required", "enum", "constraints", "description"]])
    return 0


def _fetch(args: argparse.Namespace) -> int:
    from leadertravel._fetch import verified_all
    from leadertravel._resolve import Context

    context = Context.make(args.source, args.cache_dir, offline=args.offline)
    release = context.release(args.release)  # resolved once: every table of one release
    for name in verified_all(context, release):
        path = context.cache.file_path(release.version, release.resources[name].path)
        logging.getLogger("leadertravel").info("%s", path)
    sys.stdout.write(f"release {release.version}: {len(release.resources)} tables verified\n")
    return 0


def _cache(args: argparse.Namespace) -> int:
    import leadertravel as lt

    if args.action == "info":
        frame = lt.cache_info(cache_dir=args.cache_dir)
        sys.stdout.write(f"cache: {frame.attrs['cache_dir']}\n")
        if frame.empty:
            sys.stdout.write("(empty)\n")
        else:
            _print(frame)
            sys.stdout.write(f"total: {int(frame['bytes'].sum())} bytes\n")
        return 0
    removed = lt.clear_cache(args.release, cache_dir=args.cache_dir)
    sys.stdout.write(f"removed {removed} cached file(s)\n")
    return 0


def register(subparsers: Any) -> None:
    """Add the loader commands to the ``leadertravel`` command line."""
    p = add_command(
        subparsers, "versions", guarded(_versions), help="list published versions, newest first"
    )
    add_release_options(p, version=False)

    p = add_command(subparsers, "show", guarded(_show), help="print the first rows of a table")
    p.add_argument("table", help="table name, e.g. trips")
    p.add_argument("--limit", type=int, default=20, help="rows to print (default 20)")
    add_release_options(p)

    p = add_command(
        subparsers,
        "describe",
        guarded(_describe),
        help="fields, types and descriptions of a table",
    )
    p.add_argument("table", help="table name, e.g. trips")
    add_release_options(p)

    p = add_command(
        subparsers, "fetch", guarded(_fetch), help="download and verify every table of a release"
    )
    add_release_options(p)

    p = add_command(subparsers, "cache", guarded(_cache), help="show or clear the local cache")
    p.add_argument("action", choices=["info", "clear"])
    p.add_argument("--cache-dir", help="cache root")
    p.add_argument("--version", dest="release", default=None, help="clear only this version")
