"""What the commands of the ``leadertravel`` command line share.

A command group is one module with ``register(subparsers)`` listed in
``_COMMAND_MODULES`` of :mod:`leadertravel._cli`; ``register`` adds each command with
:func:`add_command` and the options every command of its kind takes with the ``add_*``
helpers below, so a release option, the checkout or the release root reads the same in
every command. Nothing heavy is imported here.
"""

from __future__ import annotations

import argparse
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

__all__ = [
    "Handler",
    "add_command",
    "add_release_options",
    "add_releases",
    "add_root",
    "guarded",
]

#: A command's function: the parsed arguments in, the process exit status out.
Handler = Callable[[argparse.Namespace], int]


def add_command(
    subparsers: Any, name: str, run: Handler, *, help: str, description: str | None = None
) -> argparse.ArgumentParser:
    """Add the command ``name`` that runs ``run(args)``; return its parser for its options.

    ``help`` is the line in ``leadertravel --help``; ``description`` (default: ``help``)
    heads ``leadertravel NAME --help``.

    Examples
    --------
    >>> parser = argparse.ArgumentParser(prog="leadertravel")
    >>> sub = parser.add_subparsers(dest="command", required=True)
    >>> hello = add_command(sub, "hello", lambda args: 0, help="say nothing, succeed")
    >>> parser.parse_args(["hello"]).func(None)
    0
    """
    parser: argparse.ArgumentParser = subparsers.add_parser(
        name, help=help, description=description or help
    )
    parser.set_defaults(func=run)
    return parser


def guarded(handler: Handler) -> Handler:
    """Wrap a loader command: a leadertravel error is one ``error: …`` line and status 1."""

    def run(args: argparse.Namespace) -> int:
        from leadertravel._errors import LeadertravelError

        try:
            return handler(args)
        except LeadertravelError as err:
            logging.getLogger("leadertravel").error("error: %s", err)
            return 1

    return run


def add_release_options(parser: argparse.ArgumentParser, *, version: bool = True) -> None:
    """Add where a release comes from: ``--source``, ``--cache-dir``, ``--offline``, ``--version``.

    ``--version`` (the release, ``args.release``) is left out with ``version=False``.
    """
    parser.add_argument(
        "--source", help="release root URL or directory (default: $LEADERTRAVEL_SOURCE)"
    )
    parser.add_argument(
        "--cache-dir", help="cache root (default: $LEADERTRAVEL_CACHE_DIR or the user cache)"
    )
    parser.add_argument(
        "--offline",
        action="store_true",
        default=None,
        help="use the cache only, never connect",
    )
    if version:
        parser.add_argument(
            "--version",
            dest="release",
            default="latest",
            help="release version, e.g. 0.2.0 (default: latest)",
        )


def add_root(parser: argparse.ArgumentParser) -> None:
    """Add ``--root`` (the project checkout) to a command that reads one."""
    parser.add_argument(
        "--root",
        type=Path,
        default=None,
        help="project checkout (default: $LEADERTRAVEL_PROJECT_ROOT, else the nearest "
        "directory at or above the working directory holding datapackage/datapackage.json)",
    )


def add_releases(parser: argparse.ArgumentParser) -> None:
    """Add ``--releases`` (the local release root a build writes into)."""
    parser.add_argument(
        "--releases", type=Path, default=Path("releases"), help="release root (default: releases)"
    )
