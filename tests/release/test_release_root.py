"""The release root stays consistent: checked index, one writer at a time, no leftovers."""

from __future__ import annotations

import dataclasses
import json
import logging
import shutil
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from filelock import FileLock

from leadertravel._errors import (
    BuildError,
    DataValidationError,
    ManifestError,
    ReleaseExists,
    VersionBumpError,
)
from leadertravel._format import render_sums
from leadertravel._fsutil import sha256_file
from leadertravel.pipeline.release import builder as release_module
from leadertravel.pipeline.release import root as root_module
from leadertravel.pipeline.release.builder import write_release
from leadertravel.pipeline.release.publish import publish_release
from leadertravel.pipeline.release.root import PUBLISHING_PREFIX, lock_path


def _dated(inputs: Any, created: str) -> Any:
    return dataclasses.replace(inputs, package={**inputs.package, "created": created})


def _add_entry(releases: Path, entry: dict[str, str]) -> None:
    path = releases / "index.json"
    index = json.loads(path.read_text())
    index["versions"].append(entry)
    path.write_text(json.dumps(index))


@pytest.mark.parametrize("bad", ["0.0.9-rc1", "0.0.9\n"])
def test_a_bad_index_entry_is_refused_before_anything_is_written(
    bad: str, tmp_path: Path, inputs: Callable[..., Any], snap: Any
) -> None:
    releases = tmp_path / "releases"
    write_release(inputs("0.1.0"), releases=releases)
    _add_entry(releases, {"version": bad, "released": "2026-01-01", "path": f"{bad}/x"})
    before = snap(releases)
    with pytest.raises(ManifestError, match=r"index\.json.*0\.0\.9") as caught:
        write_release(inputs("0.2.0"), releases=releases)
    assert repr(bad) in str(caught.value)
    assert snap(releases) == before  # no 0.2.0/ that would block the retry
    index = json.loads((releases / "index.json").read_text())
    index["versions"] = [v for v in index["versions"] if v.get("version") == "0.1.0"]
    (releases / "index.json").write_text(json.dumps(index))
    assert write_release(inputs("0.2.0"), releases=releases) == releases / "0.2.0"


def test_a_version_with_a_trailing_newline_is_refused(
    tmp_path: Path, inputs: Callable[..., Any]
) -> None:
    with pytest.raises(VersionBumpError, match=r"'0\.1\.0\\n' is not MAJOR\.MINOR\.PATCH"):
        write_release(inputs("0.1.0"), releases=tmp_path / "r", version="0.1.0\n")
    assert not (tmp_path / "r").exists()


def test_a_failed_index_write_removes_the_new_version(
    tmp_path: Path, inputs: Callable[..., Any], snap: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    releases = tmp_path / "releases"
    write_release(inputs("0.1.0"), releases=releases)
    before = snap(releases)

    def disk_full(path: Path, data: bytes, **kwargs: Any) -> None:
        raise OSError(28, "No space left on device", str(path))

    monkeypatch.setattr(root_module, "write_atomic", disk_full)
    with pytest.raises(OSError, match="No space left"):
        write_release(inputs("0.2.0"), releases=releases)
    assert snap(releases) == before
    monkeypatch.undo()
    assert write_release(inputs("0.2.0"), releases=releases).is_dir()  # the retry works


def test_an_unlisted_version_directory_is_named_as_such(
    tmp_path: Path, inputs: Callable[..., Any]
) -> None:
    releases = tmp_path / "releases"
    write_release(inputs("0.1.0"), releases=releases)
    (releases / "0.2.0").mkdir()
    with pytest.raises(ReleaseExists, match=r"not listed in .*index\.json"):
        write_release(inputs("0.2.0"), releases=releases)


def test_stale_staging_left_by_a_killed_build_is_removed(
    tmp_path: Path, inputs: Callable[..., Any]
) -> None:
    releases = tmp_path / "releases"
    write_release(inputs("0.1.0"), releases=releases)
    stale = releases / ".tmp-0.2.0-k1ll3d"
    stale.mkdir()
    (stale / "trips.parquet").write_bytes(b"half")
    (releases / ".index.json.abc.tmp").write_bytes(b"{")
    write_release(inputs("0.2.0"), releases=releases)
    assert sorted(p.name for p in releases.iterdir()) == [
        "0.1.0",
        "0.2.0",
        "index.html",
        "index.json",
    ]


def test_builds_into_one_root_take_turns(tmp_path: Path, inputs: Callable[..., Any]) -> None:
    releases = tmp_path / "releases"
    write_release(inputs("0.1.0"), releases=releases)
    staging = releases / ".tmp-0.1.1-running"  # another build, still writing
    staging.mkdir()
    errors: list[BaseException] = []

    def build() -> None:
        try:
            write_release(inputs("0.1.1"), releases=releases)
        except BaseException as err:  # noqa: BLE001 - handed to the test thread
            errors.append(err)

    with FileLock(lock_path(releases)):
        worker = threading.Thread(target=build)
        worker.start()
        worker.join(timeout=1.0)
        assert worker.is_alive()  # waits for the lock
        assert staging.is_dir()  # and leaves the running build's directory alone
        shutil.rmtree(staging)  # that build fails and cleans up
    worker.join(timeout=60)
    assert not worker.is_alive() and not errors
    index = json.loads((releases / "index.json").read_text())
    assert [v["version"] for v in index["versions"]] == ["0.1.1", "0.1.0"]
    # A second build of the same version now sees the first one's index.
    with pytest.raises(ReleaseExists):
        write_release(inputs("0.1.1"), releases=releases)


def test_release_date_must_not_go_backwards(
    tmp_path: Path, inputs: Callable[..., Any], snap: Any, caplog: pytest.LogCaptureFixture
) -> None:
    releases = tmp_path / "releases"
    write_release(_dated(inputs("0.1.0"), "2026-11-23T00:00:00Z"), releases=releases)
    before = snap(releases)
    with pytest.raises(BuildError, match=r"dated 2026-11-01, before .*0\.1\.0 \(2026-11-23\)"):
        write_release(_dated(inputs("0.1.1"), "2026-11-01T00:00:00Z"), releases=releases)
    assert snap(releases) == before
    with caplog.at_level(logging.WARNING, logger="leadertravel.pipeline"):
        write_release(_dated(inputs("0.1.1"), "2026-11-23T12:00:00Z"), releases=releases)
    assert "update" in caplog.text and "'created'" in caplog.text
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="leadertravel.pipeline"):
        write_release(_dated(inputs("0.1.2"), "2026-12-01T00:00:00Z"), releases=releases)
    assert "'created'" not in caplog.text
    index = json.loads((releases / "index.json").read_text())
    assert [v["released"] for v in index["versions"]] == ["2026-12-01", "2026-11-23", "2026-11-23"]


@pytest.mark.parametrize("created", ["2026-02-30T00:00:00Z", "soon", ""])
def test_created_must_be_a_real_date(
    tmp_path: Path, inputs: Callable[..., Any], created: str
) -> None:
    releases = tmp_path / "releases"
    with pytest.raises(ManifestError, match=r"'created' is .*set it to the release date"):
        write_release(_dated(inputs("0.1.0"), created), releases=releases)
    assert not releases.exists()


def _rewrite_sums(directory: Path) -> None:
    names = sorted(p.name for p in directory.iterdir() if p.name != "SHA256SUMS")
    (directory / "SHA256SUMS").write_bytes(
        render_sums({n: sha256_file(directory / n)[0] for n in names})
    )


def test_publish_refuses_a_manifest_of_another_version(
    tmp_path: Path, inputs: Callable[..., Any], snap: Any
) -> None:
    built, public = tmp_path / "built", tmp_path / "public"
    write_release(inputs("0.1.0"), releases=built)
    publish_release("0.1.0", source=built, dest=public)
    shutil.copytree(built / "0.1.0", built / "9.0.0")  # hashes fine, manifest says 0.1.0
    before = snap(public)
    with pytest.raises(ManifestError, match=r"declares version '0\.1\.0' but .* '9\.0\.0'"):
        publish_release("9.0.0", source=built, dest=public)
    assert snap(public) == before
    assert json.loads((public / "index.json").read_text())["latest"] == "0.1.0"


def test_publish_refuses_a_format_this_builder_does_not_write(
    tmp_path: Path, inputs: Callable[..., Any]
) -> None:
    built, public = tmp_path / "built", tmp_path / "public"
    release = write_release(inputs("0.1.0"), releases=built)
    manifest = json.loads((release / "datapackage.json").read_text())
    manifest["format_version"] = 2
    (release / "datapackage.json").write_text(json.dumps(manifest))
    _rewrite_sums(release)
    with pytest.raises(ManifestError, match="format_version 2"):
        publish_release("0.1.0", source=built, dest=public)
    assert not public.exists()


def test_publish_cleans_stale_staging_and_checks_the_destination_index(
    tmp_path: Path, inputs: Callable[..., Any], snap: Any
) -> None:
    built, public = tmp_path / "built", tmp_path / "public"
    write_release(inputs("0.1.0"), releases=built)
    write_release(inputs("0.1.1"), releases=built)
    publish_release("0.1.0", source=built, dest=public)
    (public / ".tmp-publish-0.1.1-k1ll3d").mkdir()
    _add_entry(public, {"version": "1.0", "released": "2026-01-01", "path": "1.0/x"})
    before = snap(public)
    with pytest.raises(ManifestError, match=r"index\.json.*'1\.0'"):
        publish_release("0.1.1", source=built, dest=public)
    assert snap(public) == before and not (public / "0.1.1").exists()
    assert not (public / ".tmp-publish-0.1.1-k1ll3d").exists()  # removed under the lock


def test_a_failed_first_build_removes_its_root_but_not_the_lock(
    tmp_path: Path, inputs: Callable[..., Any]
) -> None:
    releases = tmp_path / "fresh"
    bad = inputs("0.1.0")
    bad.tables["stops"].loc[0, "place_id"] = "xyz-nowhere"  # dangling foreign key
    with pytest.raises(DataValidationError):
        write_release(bad, releases=releases)
    assert not releases.exists()  # nothing left where the release would go
    # The lock lives beside the root, so removing the root never pulls it from under a
    # build waiting for it; the next build takes the same lock and succeeds.
    assert lock_path(releases) == tmp_path / ".fresh.lock" and lock_path(releases).is_file()
    write_release(inputs("0.1.0"), releases=releases)
    assert sorted(p.name for p in releases.iterdir()) == ["0.1.0", "index.html", "index.json"]


_KILL_AT_INDEX = """
import os, signal, sys
from pathlib import Path
import leadertravel.pipeline.release.builder as release
import leadertravel.pipeline.release.root as root

real = root.write_atomic

def write_atomic(path, data, **kwargs):
    if path.name == "index.json":  # the version directory is in place, the index is not
        os.kill(os.getpid(), signal.SIGKILL)
    real(path, data, **kwargs)

root.write_atomic = write_atomic
release.build_release(root=Path(sys.argv[1]), releases=Path(sys.argv[2]), version=sys.argv[3])
"""


def test_a_build_killed_before_its_index_is_recovered_by_the_next(
    tmp_path: Path, project: Path, snap: Any, caplog: pytest.LogCaptureFixture
) -> None:
    import subprocess
    import sys

    releases = tmp_path / "releases"
    release_module.build_release(root=project, releases=releases)
    published = snap(releases / "0.1.0")
    index = (releases / "index.json").read_bytes()
    killed = subprocess.run(
        [sys.executable, "-c", _KILL_AT_INDEX, str(project), str(releases), "0.2.0"],
        capture_output=True,
        check=False,
    )
    assert killed.returncode == -9, killed.stderr.decode()
    assert (releases / "0.2.0" / "SHA256SUMS").is_file()  # in place, but never listed
    assert (releases / "index.json").read_bytes() == index
    with caplog.at_level(logging.WARNING, logger="leadertravel.pipeline"):
        assert release_module.build_release(root=project, releases=releases, version="0.2.0")
    assert any("removing" in r.message and "0.2.0" in r.message for r in caplog.records)
    listed = [v["version"] for v in json.loads((releases / "index.json").read_text())["versions"]]
    assert listed == ["0.2.0", "0.1.0"]
    assert snap(releases / "0.1.0") == published
    assert sorted(p.name for p in releases.iterdir()) == [
        "0.1.0",
        "0.2.0",
        "index.html",
        "index.json",
    ]


def test_a_marker_of_a_listed_version_never_removes_it(
    tmp_path: Path, inputs: Callable[..., Any], snap: Any
) -> None:
    releases = tmp_path / "releases"
    write_release(inputs("0.1.0"), releases=releases)
    before = snap(releases)
    # killed after writing the index, before removing its marker: 0.1.0 is published
    (releases / f"{PUBLISHING_PREFIX}0.1.0").write_text("0.1.0\n")
    write_release(inputs("0.2.0"), releases=releases)
    assert {k: v for k, v in snap(releases).items() if k.startswith("0.1.0/")} == {
        k: v for k, v in before.items() if k.startswith("0.1.0/")
    }
    assert sorted(p.name for p in releases.iterdir()) == [
        "0.1.0",
        "0.2.0",
        "index.html",
        "index.json",
    ]
