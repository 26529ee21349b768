"""Write and read the release's Parquet files with fixed, deterministic options.

The same typed table always gives the same bytes: rows sorted by primary key, one fixed
set of writer options, no wall-clock values. The options are part of the release format
(``docs/release-format.md``); change them only with a new ``format_version``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, BinaryIO

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

__all__ = ["ROW_GROUP_SIZE", "WRITER_OPTIONS", "same_columns", "sort_by_key", "write_parquet"]

#: Rows per row group: small enough that a filter on one leader skips most of a big file.
ROW_GROUP_SIZE = 65_536

#: Fixed keyword arguments of :func:`pyarrow.parquet.write_table`.
WRITER_OPTIONS: dict[str, Any] = {
    "compression": "zstd",
    "compression_level": 3,
    "use_dictionary": True,
    "write_statistics": True,
    "version": "2.6",
    "data_page_version": "1.0",
    "store_schema": True,
    "write_page_index": False,
}


def _in_order(keys: pa.Table) -> bool:
    """Tell whether the rows of ``keys`` are already in ascending order (no null keys).

    One comparison of each row with the next, from the last key column to the first:
    row i precedes row i + 1 when its first differing key is smaller, or all are equal (a
    stable sort leaves equal keys in place). Nulls (which sort last) answer False.
    """
    if any(keys[k].null_count for k in keys.column_names):
        return False
    ahead, behind = keys.slice(0, keys.num_rows - 1), keys.slice(1)
    ordered = None
    for k in reversed(keys.column_names):
        a, b = ahead[k], behind[k]
        if pa.types.is_floating(a.type) and pc.any(pc.is_nan(a)).as_py():
            return False
        ordered = (
            pc.less_equal(a, b)
            if ordered is None
            else pc.or_(pc.less(a, b), pc.and_(pc.equal(a, b), ordered))
        )
    return ordered is None or bool(pc.all(ordered).as_py())


def _sortable(column: pa.ChunkedArray) -> pa.ChunkedArray | pa.Array:
    """Return a key column as values that order the rows as ``sort_by_key`` orders them.

    Dictionary columns sort by their text, not their dictionary index. Rather than a
    string per row (``cast(pa.string())``), each row gets the rank of its dictionary
    entry among the entries by text (equal texts, equal ranks; nulls stay null), which
    orders the rows alike and compares as integers. A column of several chunks (their
    dictionaries may differ), with nulls in its dictionary or with entries that are not
    text (numbers rank by value, not by text: 10 before 9) is cast to text.

    Examples
    --------
    >>> column = pa.chunked_array([pa.array(["b", "a", None, "b"]).dictionary_encode()])
    >>> _sortable(column).to_pylist()
    [2, 1, None, 2]
    """
    if not pa.types.is_dictionary(column.type):
        return column
    text = pa.types.is_string(column.type.value_type) or pa.types.is_large_string(
        column.type.value_type
    )
    if not text or column.num_chunks != 1 or column.chunk(0).dictionary.null_count:
        return column.cast(pa.string())
    values = column.chunk(0)
    ranks = pc.rank(values.dictionary, sort_keys="ascending", tiebreaker="dense")
    return ranks.take(values.indices)


def sort_by_key(table: pa.Table, key: list[str]) -> pa.Table:
    """Return ``table`` with rows in ascending primary-key order (nulls last).

    A table already in that order is returned as it is (the common case: the importers
    and the curated tables are sorted), without a copy of its rows.

    Examples
    --------
    >>> t = pa.table({"id": ["b", "a", "c"], "n": [2, 1, 3]})
    >>> sort_by_key(t, ["id"])["n"].to_pylist()
    [1, 2, 3]
    >>> ordered = t.take([1, 0, 2])
    >>> sort_by_key(ordered, ["id"]) is ordered  # already in order: no copy
    True
    """
    if not key or table.num_rows < 2:
        return table
    keys = pa.table({k: _sortable(table[k]) for k in key})
    if _in_order(keys):
        return table
    order = pc.sort_indices(keys, sort_keys=[(k, "ascending") for k in key])
    return table.take(order)


def write_parquet(table: pa.Table, path: Path, *, name: str, schema: Mapping[str, Any]) -> None:
    """Write one release table to ``path``.

    Parameters
    ----------
    table
        Typed table (see :func:`leadertravel.pipeline.checks.check_tables`), already sorted.
    path
        Destination file.
    name
        Table name, stored in the file's key-value metadata.
    schema
        Its Table Schema, stored (as JSON) in the file's key-value metadata so that any
        Parquet reader can see the field descriptions and constraints.
    """
    metadata = {
        b"leadertravel:table": name.encode("utf-8"),
        b"leadertravel:table_schema": json.dumps(schema, sort_keys=True, ensure_ascii=False).encode(
            "utf-8"
        ),
    }
    table = table.replace_schema_metadata(metadata)
    pq.write_table(table, path, row_group_size=ROW_GROUP_SIZE, **WRITER_OPTIONS)


def _leaves(file: pq.ParquetFile) -> dict[str, int]:
    """Parquet column index of each top-level column that is one leaf (a flat column)."""
    schema = file.metadata.schema
    return {schema.column(i).path: i for i in range(file.metadata.num_columns)}


def _chunk_spans(file: pq.ParquetFile, index: int) -> Iterator[tuple[int, int, tuple[Any, ...]]]:
    """Per row group: where column ``index``'s chunk lies in the file, and what decodes it."""
    metadata = file.metadata
    for group in range(metadata.num_row_groups):
        chunk = metadata.row_group(group).column(index)
        start = (
            chunk.dictionary_page_offset if chunk.has_dictionary_page else chunk.data_page_offset
        )
        how = (chunk.physical_type, chunk.compression, chunk.encodings, chunk.num_values)
        yield start, chunk.total_compressed_size, how


def same_columns(old: Path, new: Path) -> set[str]:
    """Return the columns that hold the same values, row by row, in two Parquet files.

    A column qualifies when both files have the same rows per row group, the column has
    the same Arrow type in both, and each of its column chunks (dictionary and data pages,
    as stored) is byte for byte the same: equal bytes decode to equal values, so such a
    column needs no reading or comparing. Release files are written deterministically
    (:data:`WRITER_OPTIONS`), so a column nobody changed is byte-identical to the
    previous release's; any other column is simply not in the answer (it is compared
    value by value), so the answer is never wrong, at worst incomplete.

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> schema = {"fields": [{"name": "id", "type": "string"}, {"name": "n", "type": "integer"}]}
    >>> write_parquet(pa.table({"id": ["a", "b"], "n": [1, 2]}), folder / "old.parquet",
    ...               name="t", schema=schema)
    >>> write_parquet(pa.table({"id": ["a", "b"], "n": [1, 3]}), folder / "new.parquet",
    ...               name="t", schema=schema)
    >>> same_columns(folder / "old.parquet", folder / "new.parquet")
    {'id'}
    """
    with pq.ParquetFile(old) as before, pq.ParquetFile(new) as after:
        groups = [before.metadata.row_group(i).num_rows for i in range(before.num_row_groups)]
        if groups != [after.metadata.row_group(i).num_rows for i in range(after.num_row_groups)]:
            return set()
        types = {f.name: f.type for f in before.schema_arrow}
        leaves_a, leaves_b = _leaves(before), _leaves(after)
        pairs = {
            f.name: (leaves_a[f.name], leaves_b[f.name])
            for f in after.schema_arrow
            if types.get(f.name) == f.type and f.name in leaves_a and f.name in leaves_b
        }
        with old.open("rb") as a, new.open("rb") as b:
            return {
                name
                for name, (i, j) in pairs.items()
                if _same_chunks(_chunk_spans(before, i), _chunk_spans(after, j), a, b)
            }


def _same_chunks(
    spans_a: Iterator[tuple[int, int, tuple[Any, ...]]],
    spans_b: Iterator[tuple[int, int, tuple[Any, ...]]],
    a: BinaryIO,
    b: BinaryIO,
) -> bool:
    """Compare the stored bytes of one column's chunks in two files, row group by group."""
    for (start_a, size_a, how_a), (start_b, size_b, how_b) in zip(spans_a, spans_b, strict=True):
        if size_a != size_b or how_a != how_b:
            return False
        a.seek(start_a)
        b.seek(start_b)
        if a.read(size_a) != b.read(size_b):
            return False
    return True
