"""Publishing copies a release, verifies it and never overwrites a version."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from leadertravel._errors import HashMismatch, ReleaseExists, ReleaseNotFound
from leadertravel.pipeline.release.builder import write_release
from leadertravel.pipeline.release.publish import publish_release


def test_publish_copies_verifies_and_indexes(
    tmp_path: Path, inputs: Callable[..., Any], snap: Any
) -> None:
    built, public = tmp_path / "built", tmp_path / "public"
    write_release(inputs("0.1.0"), releases=built)
    target = publish_release("0.1.0", source=built, dest=public)
    assert snap(target) == snap(built / "0.1.0")
    assert json.loads((public / "index.json").read_text()) == json.loads(
        (built / "index.json").read_text()
    )
    write_release(inputs("0.1.1"), releases=built)
    publish_release("0.1.1", source=built, dest=public)
    index = json.loads((public / "index.json").read_text())
    assert index["latest"] == "0.1.1"
    assert [v["version"] for v in index["versions"]] == ["0.1.1", "0.1.0"]
    before = snap(public)
    with pytest.raises(ReleaseExists):
        publish_release("0.1.0", source=built, dest=public)
    with pytest.raises(ReleaseNotFound):
        publish_release("0.3.0", source=built, dest=public)
    assert snap(public) == before


def test_publish_refuses_an_altered_release(tmp_path: Path, inputs: Callable[..., Any]) -> None:
    built, public = tmp_path / "built", tmp_path / "public"
    release = write_release(inputs("0.1.0"), releases=built)
    with (release / "trips.parquet").open("ab") as fh:
        fh.write(b"\0")
    with pytest.raises(HashMismatch, match=r"trips\.parquet"):
        publish_release("0.1.0", source=built, dest=public)
    assert not (public / "0.1.0").exists()
    assert not (public / "index.json").exists()
