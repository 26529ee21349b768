"""``leadertravel validate``: frictionless and the semantic rules on the curated package."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path
from typing import Any

__all__ = ["register", "run_validate"]

log = logging.getLogger("leadertravel")


def register(sub: Any) -> None:
    """Add the ``validate`` command."""
    parser: argparse.ArgumentParser = sub.add_parser(
        "validate",
        help="validate the curated data package (schemas, keys, semantic rules)",
        description=(
            "Validate datapackage/datapackage.json with frictionless (types, constraints, "
            "primary and foreign keys) and check the semantic rules. Prints one line per "
            "problem (file:row: field [rule] value: message) and exits 1 if there is any."
        ),
    )
    parser.add_argument("--root", type=Path, default=None, help="project checkout (default: found)")
    parser.set_defaults(func=run_validate)


def run_validate(args: argparse.Namespace) -> int:
    """Validate and print problems or a summary; return the exit status."""
    from leadertravel.build._paths import project_root
    from leadertravel.build.validate import read_curated, validate_package

    root = args.root or project_root()
    problems = validate_package(root)
    if problems:
        for problem in problems:
            sys.stdout.write(f"{problem}\n")
        log.error("%d problem(s) in the data package at %s", len(problems), root)
        return 1
    package = read_curated(root)
    sys.stdout.write(
        f"data package {package.descriptor['name']} {package.descriptor['version']}: valid\n"
    )
    width = max(map(len, package.tables))
    for name, frame in package.tables.items():
        sys.stdout.write(f"  {name:<{width}}  {len(frame):>6} rows  {package.files[name]}\n")
    return 0
