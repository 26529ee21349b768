"""Every failure the loader must report, injected at a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

import leadertravel as lt
from leadertravel._format import BYTES_KEY, FORMAT_VERSION

if TYPE_CHECKING:
    from conftest import ReleaseServer

V1 = "0.1.0"
PARQUET = f"{V1}/trips.parquet"


def _nothing_cached(cache_dir: Path) -> None:
    assert not list(cache_dir.rglob("*.parquet"))
    assert not list(cache_dir.rglob("*.part"))


def _edit(path: Path, edit: Any) -> None:
    obj = json.loads(path.read_text(encoding="utf-8"))
    edit(obj)
    path.write_text(json.dumps(obj), encoding="utf-8")


def test_unknown_table_lists_the_tables(server: ReleaseServer) -> None:
    with pytest.raises(lt.TableNotFound, match="tables: leaders, stops, trips") as err:
        lt.load("trip", source=server.url)
    assert isinstance(err.value, LookupError)


def test_unknown_version_lists_the_available_ones(server: ReleaseServer) -> None:
    with pytest.raises(
        lt.ReleaseNotFound, match=r"'9\.9\.9' is not published; available versions: 0\.1\.0"
    ):
        lt.load("trips", version="9.9.9", source=server.url)
    with pytest.raises(lt.ReleaseNotFound, match="not a version number"):
        lt.load("trips", version="v1", source=server.url)


def test_corrupt_bytes_are_refetched_once_then_reported(
    server: ReleaseServer, cache_dir: Path
) -> None:
    server.fault(PARQUET, "corrupt")
    with pytest.raises(lt.HashMismatch) as err:
        lt.load("trips", source=server.url)
    manifest = json.loads((server.root / V1 / "datapackage.json").read_text(encoding="utf-8"))
    expected = next(r for r in manifest["resources"] if r["name"] == "trips")["hash"][7:]
    assert f"expected {expected}" in str(err.value) and "got " in str(err.value)
    assert isinstance(err.value, ValueError)
    assert server.count("trips.parquet") == 2
    _nothing_cached(cache_dir)


def test_corrupt_once_succeeds_on_the_refetch(server: ReleaseServer) -> None:
    server.fault(PARQUET, "corrupt", times=1)
    assert len(lt.load("trips", source=server.url)) == 6
    assert server.count("trips.parquet") == 2


def test_truncated_body(server: ReleaseServer, cache_dir: Path) -> None:
    server.fault(PARQUET, "truncate")
    with pytest.raises(lt.TruncatedDownload, match="closed the connection after"):
        lt.load("trips", source=server.url)
    assert server.count("trips.parquet") == 2
    _nothing_cached(cache_dir)
    server.fault(PARQUET, "truncate", times=1)
    assert len(lt.load("trips", source=server.url)) == 6


def test_manifest_smaller_than_file_is_a_mismatch_and_larger_is_truncation(
    server: ReleaseServer,
) -> None:
    def grow(obj: dict) -> None:
        obj["resources"][2][BYTES_KEY] += 10

    _edit(server.root / V1 / "datapackage.json", grow)
    with pytest.raises(lt.TruncatedDownload, match="manifest says"):
        lt.load("trips", source=server.url)


@pytest.mark.parametrize(
    ("path", "status", "error", "text"),
    [
        (PARQUET, "404", lt.RemoteFileNotFound, "HTTP 404"),
        ("index.json", "404", lt.RemoteFileNotFound, "HTTP 404"),
        (f"{V1}/datapackage.json", "404", lt.RemoteFileNotFound, "HTTP 404"),
        (PARQUET, "500", lt.OfflineError, "HTTP 500"),
        ("index.json", "503", lt.OfflineError, "HTTP 503"),
    ],
)
def test_http_errors(
    server: ReleaseServer, cache_dir: Path, path: str, status: str, error: type, text: str
) -> None:
    server.fault(path, status)
    with pytest.raises(error, match=text) as err:
        lt.load("trips", source=server.url)
    assert server.url + path in str(err.value)
    assert isinstance(err.value, OSError)
    if error is lt.OfflineError:  # unreachable and nothing cached: the cause is kept
        assert isinstance(err.value.__cause__, lt.SourceUnavailable)
        assert "LEADERTRAVEL_SOURCE" in str(err.value) and "source=" in str(err.value)
    _nothing_cached(cache_dir)


def test_slow_response_past_the_timeout(
    server: ReleaseServer, monkeypatch: pytest.MonkeyPatch, cache_dir: Path
) -> None:
    monkeypatch.setenv("LEADERTRAVEL_TIMEOUT", "0.2")
    server.fault(PARQUET, "slow", delay=0.6)
    with pytest.raises(lt.OfflineError, match=r"timed out after 0\.2 s"):
        lt.load("trips", source=server.url)
    _nothing_cached(cache_dir)


def test_server_down_with_nothing_cached_is_an_offline_error(dead_url: str) -> None:
    # the README promises OfflineError naming the source tried and how to choose another
    for call in (lambda: lt.load("trips", source=dead_url), lambda: lt.versions(source=dead_url)):
        with pytest.raises(lt.OfflineError, match="cannot connect") as err:
            call()
        text = str(err.value)
        assert f"release source {dead_url!r}" in text
        assert "LEADERTRAVEL_SOURCE" in text and "source=" in text
        assert isinstance(err.value.__cause__, lt.SourceUnavailable)
    # offline=False asks for the source or nothing: the SourceUnavailable itself
    with pytest.raises(lt.SourceUnavailable, match="cannot connect") as down:
        lt.load("trips", source=dead_url, offline=False)
    assert not isinstance(down.value, lt.OfflineError)


def test_missing_local_directory(tmp_path: Path) -> None:
    with pytest.raises(lt.OfflineError, match="no such directory") as err:
        lt.load("trips", source=tmp_path / "nowhere")
    assert isinstance(err.value.__cause__, lt.SourceUnavailable)


@pytest.mark.parametrize("where", ["index.json", f"{V1}/datapackage.json"])
def test_format_version_too_new(server: ReleaseServer, where: str) -> None:
    _edit(server.root / where, lambda o: o.update(format_version=FORMAT_VERSION + 1))
    with pytest.raises(lt.UnsupportedFormat, match="upgrade leadertravel"):
        lt.load("trips", source=server.url)


@pytest.mark.parametrize(
    "path",
    [
        "../../../etc/passwd",
        "/etc/passwd",
        "http://evil.example/trips.parquet",
        "sub/trips.parquet",
        "..parquet",
        "C:\\x.parquet",
    ],
)
def test_hostile_resource_path(server: ReleaseServer, cache_dir: Path, path: str) -> None:
    def poison(obj: dict) -> None:
        obj["resources"][2]["path"] = path

    _edit(server.root / V1 / "datapackage.json", poison)
    with pytest.raises(lt.UnsafeManifest, match="not a bare file name"):
        lt.load("leaders", source=server.url)  # the whole manifest is refused
    _nothing_cached(cache_dir)


@pytest.mark.parametrize("version", ["../0.1.0", "0.1.0/../../x", "https://evil/1.0.0"])
def test_hostile_version_in_index(server: ReleaseServer, version: str) -> None:
    _edit(server.root / "index.json", lambda o: o["versions"][0].update(version=version))
    with pytest.raises(lt.UnsafeManifest):
        lt.load("trips", source=server.url)


def test_hostile_index_entry_path(server: ReleaseServer) -> None:
    _edit(
        server.root / "index.json", lambda o: o["versions"][0].update(path="../x/datapackage.json")
    )
    with pytest.raises(lt.UnsafeManifest, match=r"must be '0\.1\.0/datapackage\.json'"):
        lt.load("trips", source=server.url)


@pytest.mark.parametrize("version", ["../../etc", "/etc", "..", "0.1.0/../0.1.0"])
def test_hostile_version_argument(server: ReleaseServer, version: str, cache_dir: Path) -> None:
    with pytest.raises(lt.UnsafeManifest):
        lt.load("trips", version=version, source=server.url)
    with pytest.raises(lt.UnsafeManifest):
        lt.clear_cache(version)
    assert server.requests == []


def test_garbage_index(server: ReleaseServer) -> None:
    (server.root / "index.json").write_text("<html>not json</html>")
    with pytest.raises(lt.ManifestError, match="not valid JSON"):
        lt.load("trips", source=server.url)


def test_refresh_failure_keeps_the_cached_copy(server: ReleaseServer, dead_url: str) -> None:
    path = lt.path("trips", version=V1, source=server.url)
    server.fault(f"{V1}/datapackage.json", "500")
    server.fault("index.json", "500")
    with pytest.raises(lt.SourceUnavailable):
        lt.load("trips", version=V1, source=server.url, refresh=True, offline=False)
    assert path.is_file()
    assert len(lt.load("trips", version=V1, source=server.url)) == 6


def _stopped_early(server: ReleaseServer) -> bool:
    import time

    for _ in range(100):  # the server notices the hang-up when its next write fails
        if server.stopped_early:
            return True
        time.sleep(0.02)
    return False


def test_download_stops_at_the_first_byte_beyond_the_manifest_size(
    server: ReleaseServer, cache_dir: Path
) -> None:
    server.fault(PARQUET, "endless")  # the file, then 32 MiB of zeros, no Content-Length
    with pytest.raises(lt.HashMismatch, match="more bytes than the manifest's") as err:
        lt.load("trips", source=server.url)
    assert isinstance(err.value, lt.IntegrityError)
    assert server.count("trips.parquet") == 2
    assert _stopped_early(server)
    _nothing_cached(cache_dir)


def test_announced_length_beyond_the_manifest_size_is_refused_before_reading(
    server: ReleaseServer, cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def shrink(obj: dict) -> None:
        obj["resources"][2][BYTES_KEY] -= 10

    _edit(server.root / V1 / "datapackage.json", shrink)
    # The server announces the length, then sends nothing: only a check of the announced
    # length (before reading any byte) can answer HashMismatch; reading would time out.
    server.fault(PARQUET, "stall", delay=5)
    monkeypatch.setenv("LEADERTRAVEL_TIMEOUT", "1")
    with pytest.raises(lt.HashMismatch, match=r"more bytes than the manifest's \d+ \(at least"):
        lt.load("trips", source=server.url)
    _nothing_cached(cache_dir)


def test_oversized_json_is_refused(server: ReleaseServer) -> None:
    server.fault("index.json", "endless")
    with pytest.raises(lt.ManifestError, match=r"larger than 16777216 bytes") as err:
        lt.load("trips", source=server.url)
    assert server.url + "index.json" in str(err.value)
    assert _stopped_early(server)


def _edit_field(root: Path, table: str, field: str, **changes: str) -> None:
    def edit(obj: dict) -> None:
        res = next(r for r in obj["resources"] if r["name"] == table)
        next(f for f in res["schema"]["fields"] if f["name"] == field).update(changes)

    _edit(root / V1 / "datapackage.json", edit)


@pytest.mark.parametrize(
    ("changes", "text"),
    [
        (
            {"type": "string"},
            r"field 'seq' is int64 in the file but the manifest's Table Schema type 'string' "
            r"means string",
        ),
        (
            {"name": "sequence"},
            r"missing field\(s\) \['sequence'\]; unexpected field\(s\) \['seq'\]",
        ),
    ],
)
def test_parquet_schema_must_match_the_manifest(
    server: ReleaseServer, cache_dir: Path, changes: dict[str, str], text: str
) -> None:
    _edit_field(server.root, "stops", "seq", **changes)  # the file itself still verifies
    with pytest.raises(lt.ManifestError, match=text) as err:
        lt.load("stops", source=server.url)
    assert "table 'stops' of release 0.1.0" in str(err.value)
    assert not list(cache_dir.rglob(".verified/stops.parquet.json"))  # never stamped
    with pytest.raises(lt.ManifestError, match=text):  # and still refused next time
        lt.load("stops", source=server.url)


def test_schema_is_checked_once_per_verified_file(
    server: ReleaseServer, cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import pyarrow.parquet as pq

    calls: list[str] = []
    read_schema = pq.read_schema

    def spy(where: Any, *args: Any, **kwargs: Any) -> Any:
        schema = read_schema(where, *args, **kwargs)
        calls.append(".".join(schema.names[:1]))
        return schema

    monkeypatch.setattr(pq, "read_schema", spy)
    lt.load("stops", source=server.url)
    assert calls == ["stop_id"]
    (stamp,) = cache_dir.rglob(".verified/stops.parquet.json")
    assert json.loads(stamp.read_text(encoding="utf-8"))["schema_checked"] is True
    lt.load("stops", source=server.url)
    assert calls == ["stop_id"]  # a warm load trusts the stamp
    # a stamp written before schemas were checked is not trusted: re-hash and check once
    record = json.loads(stamp.read_text(encoding="utf-8"))
    del record["schema_checked"]
    stamp.write_text(json.dumps(record), encoding="utf-8")
    lt.load("stops", source=server.url)
    assert calls == ["stop_id", "stop_id"]
    assert server.count("stops.parquet") == 1


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs /proc to name fds")
def test_download_is_fsynced_before_the_rename(
    server: ReleaseServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    import os

    synced: list[str] = []
    fsync = os.fsync

    def spy(fd: int) -> None:
        synced.append(str(Path(f"/proc/self/fd/{fd}").readlink()))
        fsync(fd)

    monkeypatch.setattr(os, "fsync", spy)
    lt.load("trips", source=server.url)
    assert any(Path(p).name.startswith(".trips.parquet.") for p in synced), synced


@pytest.mark.parametrize(
    ("var", "value"),
    [
        ("LEADERTRAVEL_TIMEOUT", "abc"),
        ("LEADERTRAVEL_TIMEOUT", "0"),
        ("LEADERTRAVEL_LATEST_TTL", "nan"),
        ("LEADERTRAVEL_RETRIES", "-1"),
        ("LEADERTRAVEL_LOCK_TIMEOUT", "inf"),
    ],
)
def test_bad_settings_are_usage_errors(
    server: ReleaseServer, monkeypatch: pytest.MonkeyPatch, var: str, value: str
) -> None:
    monkeypatch.setenv(var, value)
    with pytest.raises(lt.UsageError, match=var) as err:
        lt.load("trips", source=server.url)
    assert isinstance(err.value, ValueError)


def test_bad_arguments_are_usage_errors(server: ReleaseServer, cache_dir: Path) -> None:
    import pyarrow.compute as pc

    for kwargs in (
        {"columns": "trip_id"},
        {"columns": ["trip_id", "trip_id"]},
        {"dtype_backend": "arrow"},
        {"filters": pc.field("trip_id") > 3},
        {"filters": [("trip_id", "==")]},
    ):
        with pytest.raises(lt.UsageError):
            lt.load("trips", source=server.url, **kwargs)
    with pytest.raises(lt.UsageError, match="offline"):
        lt.load("trips", source=server.url, offline="yes")  # type: ignore[arg-type]


@pytest.mark.parametrize("source", ["", "   ", b"releases"])
def test_empty_or_bytes_source_is_a_usage_error(source: Any) -> None:
    with pytest.raises(lt.UsageError, match="source="):
        lt.load("trips", source=source)
