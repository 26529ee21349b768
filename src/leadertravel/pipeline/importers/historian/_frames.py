"""Build pandas frames typed from the project's Table Schemas."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from leadertravel._schema import read_table_schema
from leadertravel.pipeline.typed import typed_frame as _typed

__all__ = ["typed_frame"]


def typed_frame(root: Path, table: str, rows: Sequence[dict[str, Any]]) -> pd.DataFrame:
    """Return ``rows`` as a frame with exactly the schema's fields, in order, typed.

    Dates become ``datetime64[s]``; missing keys and ``None`` become nulls. Rows are sorted
    by the primary key.

    Parameters
    ----------
    root
        Project checkout holding ``datapackage/schemas/<table>.schema.json``.
    table
        Table name.
    rows
        One dict per row, keyed by field name.
    """
    schema = read_table_schema(root / "datapackage" / "schemas" / f"{table}.schema.json")
    names = [f["name"] for f in schema["fields"]]
    extra = sorted({k for row in rows for k in row} - set(names))
    if extra:
        msg = f"{table}: rows carry fields {extra} that the Table Schema does not define"
        raise ValueError(msg)
    raw = pd.DataFrame.from_records(list(rows), columns=names).astype(object)
    frame = _typed(raw.where(raw.notna(), None), schema)
    key = schema.get("primaryKey")
    if key and len(frame):
        frame = frame.sort_values(key if isinstance(key, list) else [key], kind="stable")
    return frame.reset_index(drop=True)
