"""``leadertravel demo``: the main job — validate, build a release, load it back.

What ``make demo`` runs on a fresh machine: it validates the curated package, builds the
release that ``datapackage/datapackage.json`` declares from the shipped data and the
Office of the Historian snapshot (or, if that version is already in the release root,
rebuilds it in a temporary directory and checks the bytes are identical), then loads the
release through the public loader, exactly as an analyst would, and prints a summary.
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path
from typing import Any

from leadertravel._cli_args import add_command, add_releases, add_root

__all__ = ["register", "run_demo"]

log = logging.getLogger("leadertravel")

EXAMPLE_TRIP = "kim-jong-un-2023-09-10"


def register(sub: Any) -> None:
    """Add the ``demo`` command."""
    parser = add_command(
        sub,
        "demo",
        run_demo,
        help="validate, build a release from the shipped data and load it back",
        description=__doc__,
    )
    add_root(parser)
    parser.add_argument(
        "--sources",
        type=Path,
        default=None,
        help="directory of the source snapshots (default: ../shared/sources)",
    )
    add_releases(parser)
    parser.add_argument("--cache-dir", type=Path, default=None, help="loader cache directory")


def _out(text: str = "") -> None:
    sys.stdout.write(text + "\n")


def run_demo(args: argparse.Namespace) -> int:
    """Run the main job; return the exit status."""
    import leadertravel as lt
    from leadertravel._errors import ReproducibilityError
    from leadertravel.pipeline.curated import read_descriptor
    from leadertravel.pipeline.project import (
        DEFAULT_SOURCES,
        descriptor_path,
        find_root,
        require_build_extra,
    )
    from leadertravel.pipeline.release.builder import build_release, check_release, existing_sources

    root = find_root(args.root)
    require_build_extra("leadertravel demo (it imports the Office of the Historian records)")
    sources = existing_sources(args.sources or (root / DEFAULT_SOURCES))
    releases = args.releases.resolve()
    version = str(read_descriptor(descriptor_path(root))["version"])

    if (releases / version).is_dir():
        log.info("release %s exists in %s; rebuilding it to check the bytes", version, releases)
        try:
            check_release(version, root=root, releases=releases, sources=sources)
        except ReproducibilityError as err:
            msg = (
                f"{err}. If you changed the data on purpose, bump 'version' (and 'created') "
                f"in {descriptor_path(root)} and run the demo again: release {version} is "
                "published and immutable"
            )
            raise ReproducibilityError(msg) from err
        log.info("release %s: rebuild from %s is byte-identical", version, root)
    else:
        build_release(root=root, releases=releases, sources=sources, version=version)
        log.info("built release %s from %s in %s", version, root, releases / version)

    source = releases.as_uri()
    _out(f"\nleadertravel {version}, loaded from {source}")
    published = lt.versions(source=source, cache_dir=args.cache_dir)
    _out(f"published versions: {', '.join(published['version'])}")
    tables = lt.load_all(version=version, source=source, cache_dir=args.cache_dir)
    width = max(map(len, tables))
    for name, frame in tables.items():
        _out(f"  {name:<{width}}  {len(frame):>7,} rows")

    trips = tables["trips"]
    _out("\ntrips by origin and leader office:")
    _out(trips.groupby(["origin", "office"], observed=True).size().to_string())

    example = {
        "legs": ["seq", "from_place_id", "to_place_id", "depart_date", "transport_mode",
                 "vehicle", "distance_km"],
        "border_crossings": ["seq", "from_country_code", "to_country_code",
                             "crossing_place_id", "crossed_on", "transport_mode"],
    }  # fmt: skip
    for table, columns in example.items():
        rows = lt.load(
            table,
            version=version,
            source=source,
            cache_dir=args.cache_dir,
            filters=[("trip_id", "==", EXAMPLE_TRIP)],
            columns=columns,
        )
        if len(rows):
            _out(f"\n{table.replace('_', ' ')} of {EXAMPLE_TRIP}:")
            _out(rows.sort_values("seq").to_string(index=False))
    return 0
