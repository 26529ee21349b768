"""Never a wrong frame (issue 9, items 1-4): rotted cache files, values a schema forbids.

Item 1: a cached file whose bytes change but whose size and modification time stay (bit
rot, ``cp -p``, ``rsync -a``, a backup restore) is detected on every load and fetched
again. Items 2-4: a file that matches its manifest's sha256 but holds a value outside an
enum, a null in a required field or a non-finite number is refused, naming table, column
and value.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import leadertravel as lt
from leadertravel._format import BYTES_KEY

if TYPE_CHECKING:
    from conftest import ReleaseServer

V1 = "0.1.0"


def _flip_keeping_stat(path: Path, offset: int, bit: int = 0) -> None:
    """Flip one bit of a file and restore its modification time (what bit rot does)."""
    st = path.stat()
    data = bytearray(path.read_bytes())
    data[offset] ^= 1 << bit
    path.write_bytes(bytes(data))
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert path.stat().st_size == st.st_size and path.stat().st_mtime_ns == st.st_mtime_ns


def test_every_single_bit_flip_of_a_cached_file_is_detected(server: ReleaseServer) -> None:
    good = lt.load("trips", source=server.url)
    path = lt.path("trips", source=server.url)
    size = path.stat().st_size
    # 40 bytes spread over the file, one bit each: pages, dictionaries, statistics, footer
    offsets = sorted({size * k // 40 for k in range(40)} | {size - 9, size - 1})
    for offset in offsets:
        _flip_keeping_stat(path, offset, bit=offset % 8)
        frame = lt.load("trips", source=server.url)  # detected, fetched again, verified
        assert frame.equals(good), offset
    assert server.count("trips.parquet") == 1 + len(offsets)


def test_a_rotted_copy_offline_names_the_file_and_clear_cache(server: ReleaseServer) -> None:
    path = lt.path("trips", source=server.url)
    _flip_keeping_stat(path, path.stat().st_size // 2)
    with pytest.raises(lt.OfflineError, match=r"only a copy failing its sha256") as err:
        lt.load("trips", source=server.url, offline=True)
    assert str(path) in str(err.value) and "clear_cache('0.1.0')" in str(err.value)
    with pytest.raises(lt.OfflineError):
        lt.path("trips", source=server.url, offline=True)


def test_path_verifies_the_bytes_too(server: ReleaseServer) -> None:
    path = lt.path("trips", source=server.url)
    good = path.read_bytes()
    _flip_keeping_stat(path, 100)
    assert lt.path("trips", source=server.url).read_bytes() == good


def _republish(root: Path, table: str, edit: Any) -> None:
    """Rewrite a table's Parquet file with ``edit`` applied and fix its hash and size."""
    vdir = root / V1
    path = vdir / f"{table}.parquet"
    arrow = edit(pq.read_table(path))
    pq.write_table(arrow, path)
    data = path.read_bytes()
    manifest = vdir / "datapackage.json"
    obj = json.loads(manifest.read_text(encoding="utf-8"))
    res = next(r for r in obj["resources"] if r["name"] == table)
    res["hash"] = "sha256:" + hashlib.sha256(data).hexdigest()
    res[BYTES_KEY] = len(data)
    manifest.write_text(json.dumps(obj), encoding="utf-8")


def _replace(table: pa.Table, name: str, values: pa.Array, *, nullable: bool = True) -> pa.Table:
    i = table.schema.get_field_index(name)
    field = table.schema.field(i).with_nullable(nullable)
    return table.set_column(i, field, values)


def _loads(server: ReleaseServer, table: str) -> list[Any]:
    return [
        lambda: lt.load(table, source=server.url),
        lambda: lt.load(table, source=server.url, dtype_backend="pyarrow"),
        lambda: lt.load_arrow(table, source=server.url),
        lambda: lt.load_all(source=server.url),
    ]


def _holiday_at(row: int) -> Any:
    """An edit putting 'holiday', not in the enum, into ``trips.visit_type`` at ``row``."""

    def edit(t: pa.Table) -> pa.Table:
        values = t["visit_type"].to_pylist()
        values[row] = "holiday"
        return _replace(t, "visit_type", pa.array(values).dictionary_encode(), nullable=False)

    return edit


def test_a_value_outside_the_enum_is_refused(server: ReleaseServer) -> None:
    _republish(server.root, "trips", _holiday_at(3))
    for call in _loads(server, "trips"):
        with pytest.raises(lt.SchemaViolation, match="column 'visit_type' holds 'holiday'") as err:
            call()
        assert "table 'trips' of release 0.1.0" in str(err.value)
        assert "1 row, first at row 3" in str(err.value)
        assert isinstance(err.value, lt.IntegrityError)


def test_a_null_in_a_required_column_is_refused(server: ReleaseServer) -> None:
    def edit(t: pa.Table) -> pa.Table:
        return _replace(t, "leader_id", pa.nulls(t.num_rows, pa.string()))

    _republish(server.root, "trips", edit)
    for call in _loads(server, "trips"):
        with pytest.raises(lt.SchemaViolation, match="column 'leader_id' is required but holds 6"):
            call()


@pytest.mark.parametrize("bad", [float("inf"), float("-inf"), float("nan"), 1e999])
def test_non_finite_numbers_are_refused(server: ReleaseServer, bad: float) -> None:
    # the fixture's tables have no number field: give trips one, as legs.distance_km is
    values = [10.5, bad, None, 0.0, 3.25, 7.0]
    _republish(server.root, "trips", lambda t: t.append_column("km", pa.array(values)))
    manifest = server.root / V1 / "datapackage.json"
    obj = json.loads(manifest.read_text(encoding="utf-8"))
    res = next(r for r in obj["resources"] if r["name"] == "trips")
    res["schema"]["fields"].append({"name": "km", "type": "number"})
    manifest.write_text(json.dumps(obj), encoding="utf-8")
    for call in _loads(server, "trips"):
        with pytest.raises(lt.SchemaViolation, match=r"column 'km' holds (inf|-inf|nan) \(1 row"):
            call()
    assert lt.load("trips", source=server.url, columns=["trip_id"]).shape == (6, 1)


def test_filtered_loads_check_the_rows_they_return(server: ReleaseServer) -> None:
    _republish(server.root, "trips", _holiday_at(0))
    first = pq.read_table(server.root / V1 / "trips.parquet")["trip_id"][0].as_py()
    with pytest.raises(lt.SchemaViolation, match="holiday"):
        lt.load("trips", source=server.url, filters=[("trip_id", "==", first)])
    assert len(lt.load("trips", source=server.url, filters=[("trip_id", "!=", first)])) == 5


def test_large_integers_keep_every_digit(server: ReleaseServer) -> None:
    big = 2**53 + 1  # not a float64: a detour through float would make it 2**53

    def edit(t: pa.Table) -> pa.Table:
        values = t["seq"].to_pylist()
        values[0], values[1] = big, None
        return _replace(t, "seq", pa.array(values, pa.int64()), nullable=True)

    _republish(server.root, "stops", edit)
    # seq is required: make it optional in the inline schema so the null is allowed
    manifest = server.root / V1 / "datapackage.json"
    obj = json.loads(manifest.read_text(encoding="utf-8"))
    res = next(r for r in obj["resources"] if r["name"] == "stops")
    next(f for f in res["schema"]["fields"] if f["name"] == "seq")["constraints"].pop("required")
    manifest.write_text(json.dumps(obj), encoding="utf-8")
    seq = lt.load("stops", source=server.url)["seq"]
    assert str(seq.dtype) == "Int64"
    assert seq.iloc[0] == big and seq.isna().iloc[1]


def test_warm_loads_check_the_recorded_crc_and_refresh_the_sha256(
    server: ReleaseServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    import hashlib as real_hashlib

    import leadertravel._fetch as fetch

    path = lt.path("trips", source=server.url)
    (stamp,) = path.parent.glob(".verified/trips.parquet.json")
    record = json.loads(stamp.read_text(encoding="utf-8"))
    assert record["crc32"] == __import__("zlib").crc32(path.read_bytes())
    hashed: list[int] = []

    class Spy:
        @staticmethod
        def sha256(data: bytes) -> Any:
            hashed.append(len(data))
            return real_hashlib.sha256(data)

    monkeypatch.setattr(fetch, "hashlib", Spy)
    lt.load("trips", source=server.url)
    assert hashed == []  # the CRC of the verified bytes sufficed
    lt.load("trips", source=server.url, refresh=True)
    assert hashed == [path.stat().st_size]  # refresh=True re-hashes


@pytest.mark.parametrize("warm", [False, True])
def test_the_bytes_arrow_parses_are_in_arrows_own_memory(server: ReleaseServer, warm: bool) -> None:
    # Arrow lets go of the bytes it parses on whichever of its pool threads finishes last
    # (after a filtered read, often once the call has returned). Bytes owned by a Python
    # object make that thread take the GIL, and one waiting for it while the interpreter
    # exits aborts the process ("terminate called without an active exception", seen
    # after `leadertravel demo`): the verified bytes are read into Arrow's memory pool
    from leadertravel._fetch import verified_bytes
    from leadertravel._resolve import Context

    if warm:
        lt.path("stops", source=server.url)  # downloaded, verified and stamped
    context = Context.make(server.url, None)
    release = context.release(V1)
    res = release.resource("stops")
    before = pa.total_allocated_bytes()
    data = verified_bytes(context, release, res)
    assert data.size == res.bytes
    assert pa.total_allocated_bytes() - before >= res.bytes  # not a view of a bytes object
    table = pq.read_table(pa.BufferReader(data), filters=[("seq", "==", 1)])
    assert table.num_rows == 6
