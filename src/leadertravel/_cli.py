"""The ``leadertravel`` command line.

Each group of commands lives in its own module exposing ``register(subparsers)``; this
module only assembles them and owns what every command shares: logging, the program's
``--version``, and how a failure ends. An expected failure (any
:class:`~leadertravel.LeadertravelError`, an operating-system error, a missing optional
dependency) prints one line and exits 1 — a validation failure one line per problem;
anything else prints one line naming it as a bug and exits 2. ``-v`` adds the
traceback. A closed pipe (``leadertravel cache info | head``) ends quietly.

The modules import nothing heavy at import time, so ``leadertravel versions`` never
loads frictionless or geopy.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import sys
from collections.abc import Sequence
from importlib import metadata

__all__ = ["main"]

log = logging.getLogger("leadertravel")

# Modules that contribute sub-commands, in the order they appear in --help.
_COMMAND_MODULES = (
    "leadertravel.pipeline._cli_demo",
    "leadertravel.pipeline._cli_validate",
    "leadertravel.pipeline._cli_release",
    "leadertravel.pipeline._cli_docs",
    "leadertravel._cli_loader",
    "leadertravel._cli_export",
    "leadertravel._cli_itinerary",
    "leadertravel._cli_plot",
)
#: Exit status of a command killed by SIGPIPE, as a shell reports it.
_BROKEN_PIPE = 141
_EXTRA = "pip install 'leadertravel[build]'"


def _version() -> str:
    try:
        return metadata.version("leadertravel")
    except metadata.PackageNotFoundError:  # pragma: no cover - running from a source tree
        return "unknown (not installed)"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="leadertravel",
        description="Leaders' foreign travel as versioned, verified tables.",
        epilog=(
            "validate, build, publish and demo need a project checkout (found at or above "
            "the working directory, or --root, or $LEADERTRAVEL_PROJECT_ROOT); build with "
            f"--sources also needs the build extra ({_EXTRA})."
        ),
    )
    parser.add_argument(
        "--version", action="version", version=f"leadertravel {_version()}", help="show the "
        "program's version (a data version is chosen with each command's --version)"
    )  # fmt: skip
    parser.add_argument(
        "-v", "--verbose", action="count", default=0, help="more logging; tracebacks of failures"
    )
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


def _report(err: BaseException, command: str) -> int:
    """Print one line (or one per validation problem) for a failure; the exit status."""
    from leadertravel._errors import DataValidationError, LeadertravelError

    if isinstance(err, DataValidationError):
        for problem in err.problems:
            sys.stdout.write(f"{problem}\n")
        log.error("%s failed: %d problem(s), listed above", command, len(err.problems))
        return 1
    if isinstance(err, LeadertravelError):
        log.error("%s failed: %s", command, err)
        return 1
    if isinstance(err, ModuleNotFoundError):
        log.error(
            "%s needs the optional module %r, which is not installed: %s",
            command,
            err.name,
            _EXTRA,
        )
        return 1
    if isinstance(err, OSError):
        log.error("%s failed: %s", command, err)
        return 1
    log.error(
        "%s failed unexpectedly (%s: %s). This is a bug: rerun with -v for the traceback "
        "and report it",
        command,
        type(err).__name__,
        err,
    )
    return 2


def _quiet_broken_pipe() -> int:
    # Python would complain again when flushing stdout at exit: point it at /dev/null.
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # stdout is not a real file (e.g. captured by a test)
        pass
    finally:
        os.close(devnull)
    return _BROKEN_PIPE


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the process exit status.

    Without ``argv`` (the installed ``leadertravel`` script) the process's own arguments are
    read, and the process ends after the command (``args.ends_process``: a command may then
    leave long-lived objects to the operating system instead of freeing them).
    """
    args = _parser().parse_args(argv)
    args.ends_process = argv is None
    level = logging.WARNING if args.quiet else (logging.DEBUG if args.verbose else logging.INFO)
    logging.basicConfig(level=level, format="%(message)s", stream=sys.stderr)
    try:
        status: int = args.func(args)
        sys.stdout.flush()
    except BrokenPipeError:
        return _quiet_broken_pipe()
    except KeyboardInterrupt:
        log.error("interrupted")
        return 130
    except Exception as err:  # the one place a command's failure ends
        if args.verbose:
            raise
        try:
            return _report(err, f"leadertravel {args.command}")
        except BrokenPipeError:
            return _quiet_broken_pipe()
    return status


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
