"""Every public function that reads a release takes the same loader options.

The options are spelled out in each signature on purpose (numpydoc parameters, IDE help),
so adding one means editing every reader; this test is what makes a forgotten one fail.
DEVELOPERS.md ("a new loader option") lists the places.
"""

from __future__ import annotations

import argparse
import dataclasses
import inspect
from collections.abc import Callable
from typing import Any

import leadertravel as lt
from leadertravel._cli_args import add_release_options
from leadertravel._plot._trip import Loader
from leadertravel._resolve import Context

#: Options of a download, not of where the release is: only the functions that fetch a
#: table file take them.
DOWNLOAD_OPTIONS = ("refresh", "progress")
DOWNLOADERS = {"load", "load_all", "load_arrow", "path"}


def _options() -> dict[str, Any]:
    """The loader options and their defaults, as `lt.load` declares them.

    An option is a parameter of `Context.make` (where every call resolves them) or the
    version; `lt.load` is the reference reader.
    """
    resolved = {*inspect.signature(Context.make).parameters, "version"} - {"cls"}
    params = inspect.signature(lt.load).parameters
    assert resolved <= set(params), "lt.load must take every option Context.make reads"
    return {name: params[name].default for name in params if name in resolved}


def _readers() -> dict[str, Callable[..., Any]]:
    """Public functions that read a release: those taking ``source``."""
    found = {}
    for name in lt.__all__:
        obj = getattr(lt, name)
        if inspect.isfunction(obj) and "source" in inspect.signature(obj).parameters:
            found[name] = obj
    return found


def test_the_readers_are_the_ones_the_docs_list() -> None:
    assert sorted(_readers()) == [
        "country_years",
        "describe",
        "dyad_years",
        "load",
        "load_all",
        "load_arrow",
        "path",
        "plot_trip",
        "plot_trips_per_year",
        "plot_world",
        "trip_html",
        "versions",
    ]


def test_every_reader_takes_the_same_options_keyword_only_with_the_same_defaults() -> None:
    options = _options()
    assert set(options) == {"version", "source", "cache_dir", "offline", *DOWNLOAD_OPTIONS}
    problems = []
    for name, func in _readers().items():
        params = inspect.signature(func).parameters
        expected = dict(options)
        if name not in DOWNLOADERS:
            for option in DOWNLOAD_OPTIONS:
                expected.pop(option)
        if name == "versions":  # it lists the versions, so it takes none
            expected.pop("version")
        for option, default in expected.items():
            param = params.get(option)
            if param is None:
                problems.append(f"{name}() lacks {option}=")
            elif param.kind is not inspect.Parameter.KEYWORD_ONLY or param.default != default:
                problems.append(f"{name}({param}) should be keyword-only {option}={default!r}")
        extra = {p for p in params if p in options} - set(expected)
        problems += [f"{name}() takes {option}= (only downloads do)" for option in extra]
    assert problems == []


def test_the_plot_loader_and_the_cli_carry_the_same_options() -> None:
    """`_plot._trip.Loader` hands the options to every read; the CLI adds one flag each."""
    where = set(_options()) - set(DOWNLOAD_OPTIONS)
    assert {f.name for f in dataclasses.fields(Loader)} == where
    parser = argparse.ArgumentParser(add_help=False)
    add_release_options(parser)
    dests = {action.dest for action in parser._actions}
    assert dests == (where - {"version"}) | {"release"}  # --version is args.release
