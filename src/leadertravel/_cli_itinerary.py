"""``leadertravel itinerary TRIP_ID``: print one trip as a readable timeline.

By default the trip is read from the curated CSVs of the checkout (``--root``), which is
what a reviewer checks against the sources; ``--release VERSION`` reads it from a
published release through the loader instead (any trip, imported ones included). Nothing
heavy is imported until the command runs.
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from leadertravel._cli_args import add_command, add_release_options, add_root

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["register", "run_itinerary"]

log = logging.getLogger("leadertravel")


def register(sub: Any) -> None:
    """Add the ``itinerary`` command."""
    parser = add_command(
        sub,
        "itinerary",
        run_itinerary,
        help="print one trip as a timeline: stops, legs, crossings, places, sources",
        description=__doc__,
    )
    parser.add_argument("trip_id", help="trip id, e.g. kim-jong-un-2019-04-24")
    add_root(parser)
    parser.add_argument(
        "--release",
        default=None,
        metavar="VERSION",
        help="read a published release instead of the checkout, e.g. latest or 0.2.0",
    )
    add_release_options(parser, version=False)  # with --release


def _from_checkout(root: Path | None) -> dict[str, pd.DataFrame]:
    from leadertravel.pipeline.project import project_root
    from leadertravel.pipeline.validate import read_curated

    return read_curated(root or project_root()).tables


def _from_release(args: argparse.Namespace) -> dict[str, pd.DataFrame]:
    import leadertravel as lt
    from leadertravel._itinerary import ITINERARY_TABLES

    options: dict[str, Any] = {
        "version": args.release,
        "source": args.source,
        "cache_dir": args.cache_dir,
        "offline": args.offline,
    }
    tables = {}
    for name in ITINERARY_TABLES:
        rows = (
            [("trip_id", "==", args.trip_id)]
            if name in {"stops", "legs", "border_crossings"}
            else None
        )
        tables[name] = lt.load(name, filters=rows, **options)
    return tables


def run_itinerary(args: argparse.Namespace) -> int:
    """Print the itinerary of ``args.trip_id``; return the exit status."""
    from leadertravel._errors import LeadertravelError
    from leadertravel._itinerary import render_itinerary, similar_trip_ids

    try:
        tables = _from_release(args) if args.release else _from_checkout(args.root)
    except (LeadertravelError, FileNotFoundError) as err:
        log.error("error: %s", err)
        return 1
    try:
        text = render_itinerary(tables, args.trip_id)
    except KeyError:
        where = f"release {args.release}" if args.release else "the curated data"
        hint = similar_trip_ids(tables["trips"], args.trip_id)
        fix = (
            f"; did you mean {', '.join(hint)}?"
            if hint
            else "; list ids with 'leadertravel show trips'"
        )
        log.error("error: no trip %r in %s%s", args.trip_id, where, fix)
        return 1
    sys.stdout.write(text)
    return 0
