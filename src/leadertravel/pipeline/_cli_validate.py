"""``leadertravel validate``: the Table Schemas and the semantic rules on the curated package."""

from __future__ import annotations

import argparse
import logging
import sys
from typing import Any

from leadertravel._cli_args import add_command, add_root

__all__ = ["register", "run_validate"]

log = logging.getLogger("leadertravel")


def register(sub: Any) -> None:
    """Add the ``validate`` command."""
    parser = add_command(
        sub,
        "validate",
        run_validate,
        help="validate the curated data package (schemas, keys, semantic rules)",
        description=(
            "Validate the CSVs datapackage/datapackage.json lists against their Table "
            "Schemas (types, constraints, primary and foreign keys, as frictionless checks "
            "them) and the semantic rules. Prints one line per problem "
            "(file:row: field [rule] 'value': message), referenced tables first, and exits "
            "1 if there is any."
        ),
    )
    add_root(parser)


def run_validate(args: argparse.Namespace) -> int:
    """Validate and print problems or a summary; return the exit status."""
    from leadertravel.pipeline.project import find_root
    from leadertravel.pipeline.validate import check_curated

    root = find_root(args.root)
    curated = check_curated(root)
    if curated.problems:
        for problem in curated.problems:
            sys.stdout.write(f"{problem}\n")
        log.error("%d problem(s) in the data package at %s", len(curated.problems), root)
        return 1
    descriptor = curated.descriptor
    sys.stdout.write(
        f"data package {descriptor['name']} {descriptor['version']} at {root}: valid\n"
    )
    width = max(map(len, curated.tables))
    for name, frame in curated.tables.items():
        sys.stdout.write(f"  {name:<{width}}  {len(frame):>6} rows  {curated.files[name]}\n")
    return 0
