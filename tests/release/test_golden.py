"""A release is byte-identical to the one the code built before (the refactor guard).

``tests/release/golden/`` is a frozen copy of the package's descriptor and schemas with a
minimal data set that exercises the parsers (long decimals, exponents, datetimes with
offsets, booleans as ``1``/``True``/``FALSE``, an integer above 2**53, quotes and a
multi-line value in a CSV, a header-only table). ``golden/SHA256SUMS`` is what the
builder of release 0.1.0 wrote for it. If the release format or the Parquet writer
options change on purpose, rebuild it (``leadertravel build --no-sources --root
tests/release/golden --releases /tmp/g``), copy the new ``SHA256SUMS`` here and say why
in the commit.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from leadertravel.pipeline.release.builder import build_release

GOLDEN = Path(__file__).resolve().parent / "golden"


def test_release_bytes_are_unchanged(tmp_path: Path) -> None:
    root = tmp_path / "golden"
    shutil.copytree(GOLDEN, root, symlinks=True)
    release = build_release(root=root, releases=tmp_path / "releases")
    assert (release / "SHA256SUMS").read_text() == (GOLDEN / "SHA256SUMS").read_text()
