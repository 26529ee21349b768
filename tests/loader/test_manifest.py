"""Parsing and checking index.json and datapackage.json (no server needed)."""

from __future__ import annotations

import json

import pytest

import leadertravel as lt
from leadertravel._format import BYTES_KEY, check_file_name, check_version
from leadertravel._index import parse_index
from leadertravel._manifest import parse_datapackage

GOOD_HASH = "sha256:" + "0" * 64


def _index(**over: object) -> bytes:
    obj = {
        "format_version": 1,
        "latest": "0.2.0",
        "versions": [
            {"version": "0.1.0", "released": "2026-11-01", "path": "0.1.0/datapackage.json"},
            {"version": "0.2.0", "released": "2026-11-23", "path": "0.2.0/datapackage.json"},
        ],
    }
    obj.update(over)
    return json.dumps(obj).encode()


def _package(**res: object) -> bytes:
    resource = {
        "name": "trips",
        "path": "trips.parquet",
        "hash": GOOD_HASH,
        BYTES_KEY: 1000,
        "rows": 1,
        "schema": {"fields": [{"name": "trip_id", "type": "string"}]},
    }
    resource.update(res)
    return json.dumps({"format_version": 1, "version": "0.1.0", "resources": [resource]}).encode()


def test_index_sorted_newest_first() -> None:
    idx = parse_index(_index(), where="i")
    assert idx.names() == ["0.2.0", "0.1.0"] and idx.latest == "0.2.0"


@pytest.mark.parametrize(
    ("data", "error", "text"),
    [
        (_index(latest="9.0.0"), lt.ManifestError, "not among the listed"),
        (_index(versions=[]), lt.ManifestError, "lists no versions"),
        (_index(format_version="1"), lt.ManifestError, "must be a int"),
        (_index(format_version=True), lt.ManifestError, "must be a int"),
        (_index(format_version=99), lt.UnsupportedFormat, "upgrade leadertravel"),
        (
            _index(versions=[{"version": "0.1.0", "released": "yesterday"}]),
            lt.ManifestError,
            "not an ISO date",
        ),
        (
            _index(versions=[{"version": "0.1.0", "released": "2026-02-30"}]),
            lt.ManifestError,
            "not an ISO date",
        ),
        (b"[]", lt.ManifestError, "expected a JSON object"),
    ],
)
def test_bad_index(data: bytes, error: type, text: str) -> None:
    with pytest.raises(error, match=text):
        parse_index(data, where="i")


@pytest.mark.parametrize(
    ("res", "error", "text"),
    [
        ({"path": "../trips.parquet"}, lt.UnsafeManifest, "bare file name"),
        ({"path": "datapackage.json"}, lt.ManifestError, "not a .parquet file"),
        ({"path": "s3://bucket/trips.parquet"}, lt.UnsafeManifest, "bare file name"),
        ({"path": ".verified"}, lt.UnsafeManifest, "bare file name"),
        ({"hash": "md5:abc"}, lt.ManifestError, "sha256:<64 lowercase hex>"),
        ({"hash": GOOD_HASH.upper()}, lt.ManifestError, "sha256:<64 lowercase hex>"),
        ({BYTES_KEY: "10"}, lt.ManifestError, f"{BYTES_KEY!r} must be a int"),
        ({"schema": {}}, lt.ManifestError, "no 'fields' list"),
    ],
)
def test_bad_resource(res: dict, error: type, text: str) -> None:
    with pytest.raises(error, match=text):
        parse_datapackage(_package(**res), where="dp", version="0.1.0")


def test_datapackage_must_declare_its_version() -> None:
    with pytest.raises(lt.ManifestError, match=r"published as '0\.2\.0'"):
        parse_datapackage(_package(), where="dp", version="0.2.0")


@pytest.mark.parametrize(
    "bad", ["..", "../x", "x/../y", "/abs", "a\\b", "http://x", "~root", "1.2.3\x00"]
)
def test_hostile_strings_are_unsafe(bad: str) -> None:
    with pytest.raises(lt.UnsafeManifest):
        check_version(bad)
    with pytest.raises(lt.UnsafeManifest):
        check_file_name(bad, where="w")


@pytest.mark.parametrize("bad", ["1.0", "01.2.3", "1.2.3-rc1", "latest-ish", ""])
def test_malformed_versions_are_not_found(bad: str) -> None:
    with pytest.raises(lt.ReleaseNotFound, match=r"MAJOR\.MINOR\.PATCH"):
        check_version(bad)


@pytest.mark.parametrize("bad", ["0.1.0\n", "0.1.0 ", " 0.1.0", "0.1.0\r", "v0.1.0"])
def test_versions_with_trailing_characters_are_refused(bad: str) -> None:
    # '$' matches before a final newline: every whole-string check must use fullmatch
    with pytest.raises(lt.ReleaseNotFound, match=r"MAJOR\.MINOR\.PATCH"):
        check_version(bad)
    # in index.json it is a broken file, not an unknown version (issue 9, item 8)
    entry = {"version": bad, "released": "2026-11-01", "path": f"{bad}/datapackage.json"}
    with pytest.raises(lt.ManifestError, match="is not a version number") as err:
        parse_index(_index(latest=bad, versions=[entry]), where="i")
    assert not isinstance(err.value, lt.ReleaseNotFound)


def test_trailing_newlines_in_dates_hashes_and_paths_are_refused() -> None:
    entry = {"version": "0.1.0", "released": "2026-11-01\n", "path": "0.1.0/datapackage.json"}
    with pytest.raises(lt.ManifestError, match="not an ISO date"):
        parse_index(_index(latest="0.1.0", versions=[entry]), where="i")
    with pytest.raises(lt.ManifestError, match="sha256:<64 lowercase hex>"):
        parse_datapackage(_package(hash=GOOD_HASH + "\n"), where="dp", version="0.1.0")
    with pytest.raises(lt.UnsafeManifest, match="bare file name"):
        parse_datapackage(_package(path="trips.parquet\n"), where="dp", version="0.1.0")
    with pytest.raises(lt.UnsafeManifest):
        check_file_name("trips.parquet\n", where="w")


@pytest.mark.parametrize(
    ("res", "text"),
    [
        ({BYTES_KEY: -5}, "bytes -5 is impossible"),
        ({BYTES_KEY: 0}, "bytes 0 is impossible"),
        ({BYTES_KEY: 10**30}, "is impossible for a Parquet file"),
        ({"rows": -1}, "not a count"),
        ({"rows": "6"}, "not a count"),
        ({"schema": {"fields": ["trip_id"]}}, "is not an object with a 'name'"),
        ({"schema": {"fields": [{"name": "a"}, {"name": "a"}]}}, "appears twice"),
        ({"schema": {"fields": [{"name": "a", "type": "geopoint"}]}}, "has type 'geopoint'"),
        ({"schema": {"fields": [{"name": "a", "constraints": {"enum": [1]}}]}}, "list of strings"),
        ({"schema": {"fields": [{"name": "a"}], "primaryKey": ["b"]}}, "does not name"),
        ({"description": ["x"]}, "is not text"),
    ],
)
def test_nonsensical_resources_are_refused_at_parse_time(res: dict, text: str) -> None:
    with pytest.raises(lt.ManifestError, match=text):
        parse_datapackage(_package(**res), where="dp", version="0.1.0")


def test_duplicate_versions_and_keys_in_the_index() -> None:
    entry = {"version": "0.1.0", "released": "2026-11-01", "path": "0.1.0/datapackage.json"}
    with pytest.raises(lt.ManifestError, match="listed twice"):
        parse_index(_index(latest="0.1.0", versions=[entry, entry]), where="i")
    with pytest.raises(lt.ManifestError, match="appears twice"):
        parse_index(b'{"format_version": 1, "latest": "0.1.0", "latest": "0.2.0"}', where="i")


def test_version_argument_of_the_wrong_type_is_a_usage_error() -> None:
    with pytest.raises(lt.UsageError, match="expected a version string"):
        check_version(1.0)
