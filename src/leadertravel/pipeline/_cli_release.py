"""``leadertravel build`` and ``leadertravel publish``.

Imports nothing heavy at module level: the build code loads when a command runs.
"""

from __future__ import annotations

import argparse
import json
import logging
from pathlib import Path
from typing import Any

from leadertravel._cli_args import add_command, add_releases, add_root

__all__ = ["register"]

log = logging.getLogger("leadertravel.pipeline")


def register(subparsers: Any) -> None:
    """Add the ``build`` and ``publish`` commands to the ``leadertravel`` parser."""
    build = add_command(
        subparsers,
        "build",
        _build,
        help="validate everything and build a new versioned release",
        description=(
            "Validate the data package, import the sources and write release VERSION "
            "(default: the version in datapackage/datapackage.json) into the release "
            "root. With --check, rebuild a published version in a temporary directory "
            "and compare every file's hash instead."
        ),
    )
    sources = build.add_mutually_exclusive_group()
    sources.add_argument(
        "--sources",
        type=Path,
        default=None,
        help="directory of the source snapshots, one folder per importer input (default: "
        "../shared/sources relative to the project root)",
    )
    sources.add_argument(
        "--no-sources", action="store_true", help="build from the curated tables only"
    )
    add_root(build)
    add_releases(build)
    build.add_argument("--version", default=None, help="version to build (MAJOR.MINOR.PATCH)")
    build.add_argument(
        "--check",
        metavar="VERSION",
        default=None,
        help="rebuild VERSION (or 'latest') in a temp dir and compare hashes; writes nothing",
    )
    build.add_argument(
        "--gap-days",
        type=int,
        default=1,
        help="importer: chain visits into one trip when at most N days apart (default 1)",
    )
    build.add_argument(
        "--online-geocoding",
        action="store_true",
        help="importer: ask Nominatim (internet, 1 request/s) for place names the offline "
        "gazetteers lack; answers are saved to data/historian/places_cache.csv",
    )

    publish = add_command(
        subparsers,
        "publish",
        _publish,
        help="copy a built release to a release root, verifying hashes",
        description=(
            "Copy release VERSION from the release root --from to the release root --to, "
            "never overwriting a published version; hashes are verified after the copy "
            "and --to's index.json is updated atomically."
        ),
    )
    publish.add_argument("version", metavar="VERSION")
    publish.add_argument("--from", dest="source", type=Path, default=Path("releases"))
    publish.add_argument("--to", dest="dest", type=Path, required=True)


def _sources(args: argparse.Namespace, root: Path) -> Path | None:
    from leadertravel.pipeline.project import DEFAULT_SOURCES
    from leadertravel.pipeline.release.builder import existing_sources

    if args.no_sources:
        return None
    from leadertravel.pipeline.project import require_build_extra

    require_build_extra("leadertravel build with --sources (the importer)")
    return existing_sources(args.sources if args.sources is not None else root / DEFAULT_SOURCES)


def _print_coverage(release: Path) -> None:
    from leadertravel._format import COVERAGE

    path = release / COVERAGE
    if not path.is_file():
        return
    coverage = json.loads(path.read_text(encoding="utf-8"))
    print(f"Import coverage ({path}):")  # noqa: T201 - the command's result
    for source, report in coverage.items():
        print(f"  {source}:")  # noqa: T201
        for key, value in report.items():
            print(f"    {key}: {_summary(value)}")  # noqa: T201


def _summary(value: Any) -> str:
    """One short line per coverage entry: lists by their length (details in the file)."""
    if isinstance(value, list):
        return f"{len(value)} (listed in coverage.json)" if value else "0"
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, float) and 0 <= value <= 1:
        return f"{value:.1%}"
    return str(value)


def _build(args: argparse.Namespace) -> int:
    from leadertravel.pipeline.importers.historian import free_at_exit
    from leadertravel.pipeline.project import find_root
    from leadertravel.pipeline.release.builder import build_release, check_release

    if args.ends_process:  # the OS takes the gazetteers back at exit: not freed one by one
        free_at_exit(False)
    root = find_root(args.root)
    sources = _sources(args, root)
    if args.check is not None:
        files = check_release(
            args.check,
            root=root,
            releases=args.releases,
            sources=sources,
            gap_days=args.gap_days,
        )
        log.info("check passed: %d files identical, rebuilt from %s", len(files), root)
        return 0
    release = build_release(
        root=root,
        releases=args.releases,
        sources=sources,
        version=args.version,
        gap_days=args.gap_days,
        online_geocoding=args.online_geocoding,
    )
    _print_coverage(release)
    log.info("built from %s", root)
    print(release)  # noqa: T201 - the command's result: where the release is
    return 0


def _publish(args: argparse.Namespace) -> int:
    from leadertravel.pipeline.release.publish import publish_release

    target = publish_release(args.version, source=args.source, dest=args.dest)
    print(target)  # noqa: T201
    return 0
