"""The ``leadertravel`` command line.

Each group of commands lives in its own module exposing ``register(subparsers)``; this
module only assembles them. The modules import nothing heavy at import time, so
``leadertravel versions`` never loads frictionless or geopy.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from collections.abc import Sequence

__all__ = ["main"]

# Modules that contribute sub-commands, in the order they appear in --help.
_COMMAND_MODULES = (
    "leadertravel.build._cli_demo",
    "leadertravel.build._cli_validate",
    "leadertravel.build._cli_release",
    "leadertravel._cli_loader",
    "leadertravel._cli_itinerary",
)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="leadertravel",
        description="Leaders' foreign travel as versioned, verified tables.",
    )
    parser.add_argument("-v", "--verbose", action="count", default=0, help="more logging")
    parser.add_argument("-q", "--quiet", action="store_true", help="only warnings and errors")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in _COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as err:
            if err.name != name:  # a real missing dependency inside the module
                raise
            continue  # that command group is not part of this installation
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the process exit status."""
    args = _parser().parse_args(argv)
    level = logging.WARNING if args.quiet else (logging.DEBUG if args.verbose else logging.INFO)
    logging.basicConfig(level=level, format="%(message)s", stream=sys.stderr)
    status: int = args.func(args)
    return status


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
