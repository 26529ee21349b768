"""The release format's one home: each file parsed and rendered by one pair of functions."""

from __future__ import annotations

import json
from importlib.metadata import version
from pathlib import Path

import pytest

import leadertravel as lt
from leadertravel._errors import HashMismatch, ManifestError
from leadertravel._example import example_release
from leadertravel._format import (
    INDEX,
    MANIFEST,
    SUMS,
    parse_sums,
    render_json,
    render_sums,
    version_key,
)
from leadertravel._index import parse_index, render_index
from leadertravel._manifest import parse_datapackage, render_manifest, render_resource
from leadertravel.pipeline.release.stage import verify_release

HEX = "ab" * 32


def test_sums_round_trip_sorted_by_name() -> None:
    hashes = {"trips.parquet": HEX, "CHANGELOG.md": "0" * 64, "a-b_c.json": "f" * 64}
    data = render_sums(hashes)
    assert data.decode().splitlines()[0].endswith("  CHANGELOG.md")
    assert parse_sums(data, where=SUMS) == hashes


@pytest.mark.parametrize(
    ("line", "why"),
    [
        (f"{HEX[:-1]}  trips.parquet", "63 hex digits"),
        (f"{HEX.upper()}  trips.parquet", "upper-case hex"),
        (f"{HEX} trips.parquet", "one space"),
        (f"{HEX}  ../trips.parquet", "a path"),
        (f"{HEX}  sub/trips.parquet", "a directory"),
        (f"{HEX}  ", "no name"),
    ],
)
def test_sums_refuse_a_malformed_line(line: str, why: str) -> None:
    data = f"{'0' * 64}  a.md\n{line}\n".encode()
    with pytest.raises(ManifestError, match=r"SHA256SUMS:2: expected '<64 lowercase hex>"):
        parse_sums(data, where=SUMS)


def test_sums_refuse_a_name_listed_twice() -> None:
    data = f"{HEX}  a.md\n{'0' * 64}  a.md\n".encode()
    with pytest.raises(ManifestError, match=r"SHA256SUMS:2: 'a.md' is listed twice"):
        parse_sums(data, where=SUMS)


def test_verify_release_names_a_malformed_sums_line(tmp_path: Path) -> None:
    vdir = example_release(tmp_path / "releases") / "0.1.0"
    assert verify_release(vdir) == ["datapackage.json", "trips.parquet"]
    sums = vdir / SUMS
    sums.write_bytes(sums.read_bytes() + b"not a line\n")
    with pytest.raises(ManifestError, match=r"SHA256SUMS:3: expected"):
        verify_release(vdir)
    sums.write_bytes(sums.read_bytes().replace(b"not a line\n", b""))
    (vdir / "trips.parquet").write_bytes(b"PAR1" * 8)
    with pytest.raises(HashMismatch, match=r"trips\.parquet: sha256 .* expected"):
        verify_release(vdir)


def test_index_renders_newest_first_and_replaces_a_version() -> None:
    def entry(v: str, day: str) -> dict[str, str]:
        return {"version": v, "released": day, "path": f"{v}/{MANIFEST}"}

    data = render_index(
        "demo",
        [entry("0.9.0", "2026-01-01"), entry("0.10.0", "2026-02-01"), entry("0.9.0", "2026-01-02")],
    )
    obj = json.loads(data)
    assert list(obj) == ["format_version", "name", "latest", "versions"]
    assert [v["version"] for v in obj["versions"]] == ["0.10.0", "0.9.0"]
    assert obj["versions"][1]["released"] == "2026-01-02"  # the last entry of 0.9.0
    assert parse_index(data, where=INDEX).latest == "0.10.0"
    assert data == render_json(obj) and data.endswith(b"}\n")


def test_index_render_refuses_what_the_loader_would() -> None:
    with pytest.raises(ManifestError, match=r"the new index\.json: versions\[0\]: released"):
        render_index("demo", [{"version": "0.1.0", "released": "soon", "path": "0.1.0/x"}])
    with pytest.raises(ValueError, match=r"'1\.0' is not MAJOR\.MINOR\.PATCH"):
        version_key("1.0")


def test_manifest_round_trip_keeps_key_order() -> None:
    schema = {"fields": [{"name": "trip_id", "type": "string"}], "primaryKey": ["trip_id"]}
    entries = [
        render_resource("trips", sha256=HEX, size=100, rows=2, schema=schema),
        render_resource(
            "legs", sha256=HEX, size=50, rows=0, schema=schema, about={"title": "Legs", "x": 1}
        ),
    ]
    data = render_manifest(
        {"title": "T", "created": "2026-01-01T00:00:00Z", "licenses": [], "resources": ["old"]},
        version="0.3.0",
        resources=entries,
        inputs={"b": "2", "a": "1"},
    )
    obj = json.loads(data)
    assert list(obj) == [
        "name", "title", "version", "format_version", "created", "licenses", "inputs", "resources"
    ]  # fmt: skip
    assert list(obj["inputs"]) == ["a", "b"]
    assert [r["name"] for r in obj["resources"]] == ["legs", "trips"]
    assert "x" not in obj["resources"][0] and obj["resources"][0]["title"] == "Legs"
    release = parse_datapackage(data, where=MANIFEST, version="0.3.0")
    assert release.resource("trips").path == "trips.parquet"
    assert release.resource("trips").sha256 == HEX and release.resource("trips").bytes == 100


def test_example_release_is_written_as_the_builder_writes(tmp_path: Path) -> None:
    root = example_release(tmp_path / "releases")
    for path in (root / INDEX, root / "0.1.0" / MANIFEST):
        data = path.read_bytes()
        assert data == render_json(json.loads(data)), path.name
    sums = (root / "0.1.0" / SUMS).read_bytes()
    assert sorted(parse_sums(sums, where=SUMS)) == ["datapackage.json", "trips.parquet"]


def test_version_comes_from_the_package_metadata() -> None:
    assert lt.__version__ == version("leadertravel")
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        lt.nope  # noqa: B018
