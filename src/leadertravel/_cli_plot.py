"""Map and plot commands of the ``leadertravel`` command line (the ``plot`` extra).

``map TRIP_ID -o FILE.html|FILE.png|.svg|.pdf`` draws one trip's itinerary;
``plot trips-per-year`` and ``plot world`` draw overviews of a release. Nothing is imported
until a command runs; without the extra the command says how to install it.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from leadertravel._cli_args import add_command, add_release_options, guarded

__all__ = ["register"]

_MAP_SUFFIXES = (".html", ".png", ".svg", ".pdf")
_PLOT_SUFFIXES = (".png", ".svg", ".pdf")


def _output(suffixes: tuple[str, ...]) -> Any:
    def check(text: str) -> Path:
        path = Path(text)
        if path.suffix.lower() not in suffixes:
            msg = f"{text!r}: expected a file ending in {', '.join(suffixes)}"
            raise argparse.ArgumentTypeError(msg)
        return path

    return check


def _period(text: str) -> str:
    from leadertravel._plot._overview import parse_period

    try:
        parse_period(text)
    except ValueError as err:
        raise argparse.ArgumentTypeError(str(err)) from err
    return text


def _release(args: argparse.Namespace) -> dict[str, Any]:
    return {
        "version": args.release,
        "source": args.source,
        "cache_dir": args.cache_dir,
        "offline": args.offline,
    }


def _done(path: Path) -> int:
    sys.stdout.write(f"wrote {path} ({path.stat().st_size:,} bytes)\n")
    return 0


def _map(args: argparse.Namespace) -> int:
    import leadertravel as lt

    if args.output.suffix.lower() == ".html":
        lt.trip_html(args.trip_id, output=args.output, **_release(args))
    else:
        lt.plot_trip(args.trip_id, output=args.output, dpi=args.dpi, **_release(args))
    return _done(args.output)


def _overview(args: argparse.Namespace) -> int:
    import leadertravel as lt

    options: dict[str, Any] = {
        "leader": args.leader,
        "country": args.country,
        "period": args.period,
        "output": args.output,
        "dpi": args.dpi,
        **_release(args),
    }
    if args.plot == "world":
        lt.plot_world(received=args.received, **options)
    else:
        lt.plot_trips_per_year(**options)
    return _done(args.output)


def _selection(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--leader", help="one leader: leader_id (kim-jong-un) or name")
    parser.add_argument("--country", help="leaders of this country (alpha-3 code, e.g. USA)")
    parser.add_argument(
        "--period",
        type=_period,
        help="trips starting in 2018, 2017-2019, 1990s or 2018-03-01/2018-06-30",
    )
    parser.add_argument("--dpi", type=float, default=110, help="resolution (default 110)")


def register(subparsers: Any) -> None:
    """Add ``map`` and ``plot`` to the ``leadertravel`` command line."""
    p = add_command(
        subparsers,
        "map",
        guarded(_map),
        help="draw one trip's itinerary map (.html interactive, or .png/.svg/.pdf)",
        description="Draw one trip's itinerary: stops, legs by transport mode, border "
        "crossings. HTML pages are self-contained and work offline. Needs the plot extra: "
        "pip install 'leadertravel[plot]'.",
    )
    p.add_argument("trip_id", help="e.g. kim-jong-un-2023-09-10")
    p.add_argument(
        "-o",
        "--output",
        required=True,
        type=_output(_MAP_SUFFIXES),
        help="FILE.html, FILE.png, FILE.svg or FILE.pdf",
    )
    p.add_argument("--dpi", type=float, default=110, help="resolution of a PNG (default 110)")
    add_release_options(p)

    plot = subparsers.add_parser(
        "plot", help="overview plots of a release (trips per year, world map)"
    )
    kinds = plot.add_subparsers(dest="plot", metavar="KIND", required=True)
    helps = {
        "trips-per-year": "stacked bars of trips per year by office and source",
        "world": "world map of visits made (or received with --received)",
    }
    for kind, text in helps.items():
        p = kinds.add_parser(kind, help=text)
        p.add_argument(
            "-o",
            "--output",
            required=True,
            type=_output(_PLOT_SUFFIXES),
            help="FILE.png, FILE.svg or FILE.pdf",
        )
        _selection(p)
        if kind == "world":
            p.add_argument(
                "--received",
                action="store_true",
                help="visits received by --country, coloured by the visitors' countries",
            )
        add_release_options(p)
        p.set_defaults(func=_checked(p))


def _checked(parser: argparse.ArgumentParser) -> Any:
    """Return the overview handler; --received without --country is a usage error."""

    def run(args: argparse.Namespace) -> int:
        if getattr(args, "received", False) and args.country is None:
            parser.error("--received needs --country (the country whose visitors to show)")
        return guarded(_overview)(args)

    return run
