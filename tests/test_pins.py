"""The source pins: ``make pins`` covers every snapshot a build reads, and reproduces the
committed pin files byte for byte from the shipped sources."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

from leadertravel._errors import SourceInputError
from leadertravel.pipeline.pins import pins_path, read_pins, snapshot_names

REPO = Path(__file__).resolve().parents[1]


def test_every_pin_file_is_a_snapshot_the_build_reads() -> None:
    committed = sorted(p.name.removesuffix(".sha256") for p in (REPO / "data/pins").glob("*"))
    assert committed == snapshot_names()
    assert "state-system" in snapshot_names()  # the panels' lists, not an importer's input


def test_make_pins_reproduces_the_committed_pins(
    historian_sources: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    checkout = tmp_path / "checkout"
    shutil.copytree(REPO / "datapackage", checkout / "datapackage")
    (checkout / "data").mkdir()
    sys.path.insert(0, str(REPO / "scripts"))
    try:
        import pin_sources
    finally:
        sys.path.remove(str(REPO / "scripts"))
    monkeypatch.chdir(checkout)
    assert pin_sources.main(["--sources", str(historian_sources)]) == 0
    for name in snapshot_names():
        made = pins_path(checkout, name).read_bytes()
        assert made == pins_path(REPO, name).read_bytes(), name


@pytest.mark.parametrize(
    ("line", "rule"),
    [
        ("F" * 64 + "  a.csv", "lowercase hex"),
        ("f" * 63 + "  a.csv", "lowercase hex"),
        ("f" * 64 + " a.csv", "lowercase hex"),
        ("f" * 64 + "  a.csv\n" + "0" * 64 + "  a.csv", "pinned twice"),
    ],
)
def test_malformed_pins_are_one_line_naming_the_rule(tmp_path: Path, line: str, rule: str) -> None:
    path = tmp_path / "x.sha256"
    path.write_text(line + "\n", encoding="utf-8")
    with pytest.raises(SourceInputError, match=rule):
        read_pins(path)
