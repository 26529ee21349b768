"""The source pins: ``make pins`` covers every snapshot a build reads, and reproduces the
committed pin files byte for byte from the shipped sources."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

from leadertravel._errors import SourceInputError
from leadertravel.pipeline.pins import (
    hash_tree,
    pins_path,
    read_pins,
    read_verified,
    snapshot_names,
    verify_sources,
    write_pins,
)

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


def _rglob_tree(root: Path) -> list[str]:
    """The files hash_tree covers, found the plain way (rglob, is_file, hidden parts)."""
    rels = []
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root)
        if path.is_file() and not any(part.startswith(".") for part in rel.parts):
            rels.append(rel.as_posix())
    return rels


def test_hash_tree_lists_what_rglob_lists(tmp_path: Path, historian_sources: Path) -> None:
    root = tmp_path / "snap"
    for rel in ("a.xml", "b-c/x.xml", "b/y.xml", "b/.hidden", ".git/config", "b/d/z.xml"):
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(rel, encoding="utf-8")
    (root / "link.xml").symlink_to(root / "a.xml")  # a link to a file is a file
    (root / "linked-dir").symlink_to(root / "b")  # a link to a directory is not followed
    (root / "broken.xml").symlink_to(root / "missing.xml")
    hashes = hash_tree(root)
    assert list(hashes) == _rglob_tree(root) == [
        "a.xml", "b/d/z.xml", "b/y.xml", "b-c/x.xml", "link.xml",
    ]  # fmt: skip
    assert hashes["link.xml"] == hashes["a.xml"]
    for snapshot in sorted(historian_sources.iterdir()):
        assert list(hash_tree(snapshot)) == _rglob_tree(snapshot), snapshot.name


def _fault(tree: Path, pins_file: Path, fault: str) -> None:
    if fault == "changed":
        (tree / "a.xml").write_text("<a>changed</a>", encoding="utf-8")
    elif fault == "missing":
        (tree / "sub" / "b.xml").unlink()
    elif fault == "unpinned":
        (tree / "c.xml").write_text("<c/>", encoding="utf-8")
    elif fault == "no directory":
        shutil.rmtree(tree)


@pytest.mark.parametrize("fault", [None, "changed", "missing", "unpinned", "no directory"])
def test_read_verified_checks_as_verify_sources_does(tmp_path: Path, fault: str | None) -> None:
    """One read per file gives verify_sources' hashes and messages, and the bytes it checked."""
    tree = tmp_path / "snapshot"
    (tree / "sub").mkdir(parents=True)
    (tree / "a.xml").write_text("<a/>", encoding="utf-8")
    (tree / "sub" / "b.xml").write_bytes(b"<b>\xc3\xa9</b>")
    (tree / ".hidden.xml").write_text("<h/>", encoding="utf-8")  # never pinned, never read
    pins_file = tmp_path / "snapshot.sha256"
    write_pins(tree, pins_file)
    _fault(tree, pins_file, fault or "")
    if fault is None:
        hashes, contents = read_verified(tree, pins_file)
        assert hashes == verify_sources(tree, pins_file) == read_pins(pins_file)
        assert contents == {"a.xml": b"<a/>", "sub/b.xml": b"<b>\xc3\xa9</b>"}
        return
    with pytest.raises(SourceInputError) as plain:
        verify_sources(tree, pins_file)
    with pytest.raises(SourceInputError) as once:
        read_verified(tree, pins_file)
    assert str(once.value) == str(plain.value)
