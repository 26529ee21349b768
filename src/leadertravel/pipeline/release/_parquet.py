"""Write and read the release's Parquet files with fixed, deterministic options.

The same typed table always gives the same bytes: rows sorted by primary key, one fixed
set of writer options, no wall-clock values. The options are part of the release format
(``docs/release-format.md``); change them only with a new ``format_version``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

__all__ = ["ROW_GROUP_SIZE", "WRITER_OPTIONS", "sort_by_key", "write_parquet"]

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


def sort_by_key(table: pa.Table, key: list[str]) -> pa.Table:
    """Return ``table`` with rows in ascending primary-key order (nulls last).

    Examples
    --------
    >>> t = pa.table({"id": ["b", "a", "c"], "n": [2, 1, 3]})
    >>> sort_by_key(t, ["id"])["n"].to_pylist()
    [1, 2, 3]
    """
    if not key or table.num_rows < 2:
        return table
    # Sort dictionary columns by their text, not their dictionary index.
    keys = pa.table(
        {
            k: table[k].cast(pa.string()) if pa.types.is_dictionary(table[k].type) else table[k]
            for k in key
        }
    )
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
