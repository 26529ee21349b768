"""A release is byte-identical to the one the code built before (the refactor guard).

``tests/release/golden/`` is a frozen copy of the package's descriptor and schemas with a
minimal data set that exercises the parsers (long decimals, exponents, datetimes with
offsets, booleans as ``1``/``True``/``FALSE``, an integer above 2**53, quotes and a
multi-line value in a CSV, a header-only table). ``golden/SHA256SUMS`` is what the
builder of release 0.1.0 wrote for it; ``golden/RELEASE_ROOT.sha256`` is every file of the
release root after building 0.1.0 and then 0.1.1 from it (both versions' files, the
follow-up's changelog against 0.1.0, ``index.json`` and ``index.html``), in
``sha256sum`` format. If the release format or the Parquet writer options change on
purpose, rebuild them (``leadertravel build --no-sources --root tests/release/golden
--releases /tmp/g``, then again with ``--version 0.1.1``), copy the new sums here and say
why in the commit.
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

from leadertravel.pipeline.release.builder import build_release
from leadertravel.pipeline.release.publish import publish_release

GOLDEN = Path(__file__).resolve().parent / "golden"


def _sums(root: Path) -> str:
    """Every file under ``root`` as ``sha256sum`` would list it, sorted by path."""
    return "".join(
        f"{hashlib.sha256(p.read_bytes()).hexdigest()}  {p.relative_to(root).as_posix()}\n"
        for p in sorted(root.rglob("*"))
        if p.is_file()
    )


def test_release_bytes_are_unchanged(tmp_path: Path) -> None:
    root = tmp_path / "golden"
    shutil.copytree(GOLDEN, root, symlinks=True)
    release = build_release(root=root, releases=tmp_path / "releases")
    assert (release / "SHA256SUMS").read_text() == (GOLDEN / "SHA256SUMS").read_text()


def test_release_root_bytes_are_unchanged(tmp_path: Path) -> None:
    """Two versions built into one root, then published to another: every byte as before."""
    root = tmp_path / "golden"
    shutil.copytree(GOLDEN, root, symlinks=True)
    releases, site = tmp_path / "releases", tmp_path / "site"
    build_release(root=root, releases=releases)
    build_release(root=root, releases=releases, version="0.1.1")
    expected = (GOLDEN / "RELEASE_ROOT.sha256").read_text()
    assert _sums(releases) == expected
    for version in ("0.1.0", "0.1.1"):
        publish_release(version, source=releases, dest=site)
    assert _sums(site) == expected
