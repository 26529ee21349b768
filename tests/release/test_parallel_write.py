"""Tables written side by side give the same release, byte for byte, as one at a time."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest

import leadertravel.pipeline.release.stage as stage
from leadertravel.pipeline.release.builder import write_release


def test_parallel_writers_give_the_same_files(
    tmp_path: Path, small: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = []
    for writers in (1, 3):
        monkeypatch.setattr(stage, "WRITERS", writers)
        release = write_release(small, releases=tmp_path / str(writers))
        files.append({p.name: p.read_bytes() for p in sorted(release.iterdir())})
    assert files[0] == files[1]
    assert sum(name.endswith(".parquet") for name in files[0]) == len(small.tables)
    # SHA256SUMS reuses the digests taken while writing: it lists what is on disk
    sums = dict(line.split("  ")[::-1] for line in files[0]["SHA256SUMS"].decode().splitlines())
    assert set(sums) == set(files[0]) - {"SHA256SUMS"}
    assert all(hashlib.sha256(files[0][name]).hexdigest() == sums[name] for name in sums)
