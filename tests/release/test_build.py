"""Releases are complete, deterministic and checkable."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow.parquet as pq
import pytest

from leadertravel._cli import main
from leadertravel._errors import HashMismatch, ReleaseNotFound, ReproducibilityError
from leadertravel._format import BYTES_KEY
from leadertravel.pipeline.release.builder import build_release, check_release, write_release
from leadertravel.pipeline.release.descriptor import resource_schema

REPO = Path(__file__).resolve().parents[2]
# every table the package describes (the descriptor is the one list)
TABLES = {
    r["name"]
    for r in json.loads((REPO / "datapackage" / "datapackage.json").read_text())["resources"]
}


def test_building_twice_is_byte_identical(tmp_path: Path, inputs: Any, snap: Any) -> None:
    first = write_release(inputs(), releases=tmp_path / "a")
    second = write_release(inputs(), releases=tmp_path / "b")
    assert snap(first) == snap(second)
    assert snap(tmp_path / "a") == snap(tmp_path / "b")  # index.json too
    assert len(snap(first)) == len(TABLES) + 5  # + manifest, sums, changelog, citation, dictionary


def test_release_layout_and_manifest(tmp_path: Path, inputs: Any, small: Any) -> None:
    release = write_release(inputs(), releases=tmp_path)
    assert release == tmp_path / "0.1.0"
    manifest = json.loads((release / "datapackage.json").read_text())
    assert manifest["format_version"] == 1
    assert manifest["version"] == "0.1.0"
    assert manifest["created"] == small.package["created"]
    assert manifest["licenses"] == small.package["licenses"]
    names = [r["name"] for r in manifest["resources"]]
    assert names == sorted(TABLES)
    for resource in manifest["resources"]:
        path = release / resource["path"]
        assert resource["path"] == f"{resource['name']}.parquet"
        assert resource["mediatype"] == "application/vnd.apache.parquet"
        assert resource[BYTES_KEY] == path.stat().st_size
        assert resource["rows"] == pq.read_metadata(path).num_rows
        assert resource["rows"] == len(small.tables[resource["name"]])
        assert resource["hash"].startswith("sha256:") and len(resource["hash"]) == 71
        assert resource["schema"] == resource_schema(small.schemas[resource["name"]])
    stops = next(r for r in manifest["resources"] if r["name"] == "stops")
    assert stops["rows"] == 300
    index = json.loads((tmp_path / "index.json").read_text())
    assert index == {
        "format_version": 1,
        "name": "leadertravel",
        "latest": "0.1.0",
        "versions": [
            {"version": "0.1.0", "released": "2026-11-23", "path": "0.1.0/datapackage.json"}
        ],
    }
    assert "First release." in (release / "CHANGELOG.md").read_text()
    citation = (release / "CITATION.cff").read_text()
    assert 'version: "0.1.0"' in citation and 'date-released: "2026-11-23"' in citation


@pytest.mark.skipif(shutil.which("sha256sum") is None, reason="needs coreutils sha256sum")
def test_sha256sum_check_passes(tmp_path: Path, inputs: Any) -> None:
    release = write_release(inputs(), releases=tmp_path)
    done = subprocess.run(
        ["sha256sum", "-c", "SHA256SUMS"], cwd=release, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.count(": OK") == len(TABLES) + 4


def test_rows_sorted_by_primary_key(tmp_path: Path, inputs: Any, small: Any) -> None:
    release = write_release(inputs(), releases=tmp_path)
    for name in ("stops", "citations"):
        key = small.schemas[name]["primaryKey"]
        frame = pq.read_table(release / f"{name}.parquet").to_pandas()
        rows = [tuple(str(v) for v in row) for row in frame[key].itertuples(index=False)]
        assert rows == sorted(rows)


def test_check_passes_then_fails_after_tampering(tmp_path: Path, project: Path) -> None:
    releases = tmp_path / "releases"
    release = build_release(root=project, releases=releases)
    assert "stops.parquet" in check_release("latest", root=project, releases=releases)
    assert check_release("0.1.0", root=project, releases=releases)
    # A byte flipped in a published file is tampering, reported before any rebuild.
    data = bytearray((release / "CITATION.cff").read_bytes())
    data[-2] ^= 1
    (release / "CITATION.cff").write_bytes(bytes(data))
    with pytest.raises(HashMismatch, match=r"0\.1\.0/CITATION\.cff: sha256 .*SHA256SUMS"):
        check_release("0.1.0", root=project, releases=releases)
    with pytest.raises(ReleaseNotFound, match=r"9\.9\.9"):
        check_release("9.9.9", root=project, releases=releases)


def test_check_fails_when_inputs_changed(tmp_path: Path, project: Path) -> None:
    releases = tmp_path / "releases"
    build_release(root=project, releases=releases)
    sources = project / "data" / "curated" / "sources.csv"
    sources.write_text(sources.read_text().replace("Synthetic benchmark data", "Other title"))
    with pytest.raises(ReproducibilityError, match=r"sources\.parquet"):
        check_release("0.1.0", root=project, releases=releases)


def test_cli_build_check_and_publish(
    tmp_path: Path, project: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    monkeypatch.setenv("LEADERTRAVEL_PROJECT_ROOT", str(project))
    releases = tmp_path / "releases"
    assert main(["build", "--no-sources", "--releases", str(releases)]) == 0
    assert capsys.readouterr().out.strip() == str(releases / "0.1.0")
    assert main(["build", "--no-sources", "--releases", str(releases), "--check", "latest"]) == 0
    # Building the same version again is refused, and leaves the release as it was.
    assert main(["build", "--no-sources", "--releases", str(releases)]) == 1
    public = tmp_path / "public"
    assert main(["publish", "0.1.0", "--from", str(releases), "--to", str(public)]) == 0
    assert (public / "0.1.0" / "stops.parquet").is_file()
    assert main(["publish", "0.1.0", "--from", str(releases), "--to", str(public)]) == 1


def test_check_of_an_older_version_compares_with_its_predecessor(
    tmp_path: Path, project: Path
) -> None:
    releases = tmp_path / "releases"
    build_release(root=project, releases=releases)
    # Same data, a larger bump than required (allowed): the changelog names it.
    build_release(root=project, releases=releases, version="1.0.0")
    changelog = (releases / "1.0.0" / "CHANGELOG.md").read_text()
    assert "Changes since 0.1.0 (a major release)." in changelog
    assert check_release("1.0.0", root=project, releases=releases)
    assert check_release("0.1.0", root=project, releases=releases)
    index = json.loads((releases / "index.json").read_text())
    assert [v["version"] for v in index["versions"]] == ["1.0.0", "0.1.0"]


def test_merge_takes_repeated_rows_once_and_refuses_a_clash() -> None:
    """An imported row equal to an earlier one merges; one key with other content stops."""
    from leadertravel._errors import BuildError
    from leadertravel.pipeline.assemble import _merge

    def frame(rows: list[tuple[str, str | None]]) -> pd.DataFrame:
        return pd.DataFrame(rows, columns=["id", "name"]).astype("string")

    curated = frame([("a", "Alpha"), ("b", None), ("b", None)])  # a curated repeat stays
    imported = frame([("c", "Gamma"), ("b", None), ("c", "Gamma"), ("d", "Delta")])
    merged = _merge("places", curated, imported, ["id"])
    assert merged.to_dict("list") == {
        "id": ["a", "b", "b", "c", "d"],
        "name": ["Alpha", None, None, "Gamma", "Delta"],
    }
    assert merged.index.equals(pd.RangeIndex(5))
    with pytest.raises(
        BuildError, match=r"places: curated and imported rows share the key\(s\) \['a'\]"
    ):
        _merge("places", curated, frame([("a", "Other")]), ["id"])
    with pytest.raises(BuildError, match=r"share the key\(s\) \['e'\]"):
        _merge("places", curated, frame([("e", "One"), ("e", "Two")]), ["id"])
