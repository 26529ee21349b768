"""``leadertravel dictionary`` and ``leadertravel page``: generated documents.

Imports nothing heavy at module level: the build code loads when a command runs.
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path
from typing import Any

from leadertravel._cli_args import add_command, add_releases

__all__ = ["register"]

log = logging.getLogger("leadertravel.pipeline")


def register(subparsers: Any) -> None:
    """Add the ``dictionary`` and ``page`` commands to the ``leadertravel`` parser."""
    dictionary = add_command(
        subparsers,
        "dictionary",
        _dictionary,
        help="write the data dictionary (docs/data-dictionary.md) from the Table Schemas",
        description=(
            "Render every table and field of the project's Table Schemas (type, "
            "constraints, vocabulary, keys, description) as Markdown. With --check, only "
            "report whether the file is up to date (exit 1 when stale)."
        ),
    )
    dictionary.add_argument(
        "-o",
        "--output",
        type=Path,
        default=None,
        help="file to write (default: docs/data-dictionary.md of the project; '-' for stdout)",
    )
    dictionary.add_argument(
        "--check", action="store_true", help="exit 1 if the file differs from the schemas"
    )

    page = add_command(
        subparsers,
        "page",
        _page,
        help="(re)write the download page index.html of a release root",
        description=(
            "Render <releases>/index.html from index.json and the versions it lists "
            "(builds and publications do this themselves after each index update)."
        ),
    )
    add_releases(page)


def _dictionary(args: argparse.Namespace) -> int:
    from leadertravel._format import DICTIONARY
    from leadertravel.pipeline.dictionary import project_tables, render_dictionary
    from leadertravel.pipeline.project import project_root

    root = project_root()
    text = render_dictionary(project_tables(root), heading="leadertravel: data dictionary")
    if args.output is not None and str(args.output) == "-":
        sys.stdout.write(text)
        return 0
    path: Path = args.output or root / "docs" / DICTIONARY
    if args.check:
        current = path.read_text(encoding="utf-8") if path.is_file() else None
        if current != text:
            log.error(
                "%s is stale: it differs from the Table Schemas; run `leadertravel dictionary` "
                "(or `make dictionary`) and commit it",
                path,
            )
            return 1
        log.info("%s is up to date", path)
        return 0
    path.write_text(text, encoding="utf-8", newline="\n")
    print(path)  # noqa: T201 - the command's result
    return 0


def _page(args: argparse.Namespace) -> int:
    from leadertravel._errors import LeadertravelError
    from leadertravel._format import INDEX
    from leadertravel.pipeline.release.site import write_page

    if not (args.releases / INDEX).is_file():
        log.error("%s has no %s: build or publish a release into it first", args.releases, INDEX)
        return 1
    try:
        path = write_page(args.releases)
    except LeadertravelError as err:
        log.error("page failed: %s", err)
        return 1
    print(path)  # noqa: T201 - the command's result
    return 0
