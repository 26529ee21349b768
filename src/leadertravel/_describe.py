"""`leadertravel.describe`: a table's fields from the release's Table Schema, no data.

Only the manifest is resolved (`leadertravel._resolve`); the dtypes are those `load`
gives (`leadertravel._schema.pandas_dtype`).
"""

from __future__ import annotations

import os
from typing import Any

import pandas as pd

from leadertravel._resolve import Context
from leadertravel._schema import enum_of, pandas_dtype

__all__ = ["describe"]

PathLike = str | os.PathLike[str]


def _constraints_text(spec: dict[str, Any]) -> str:
    skip = {"required", "unique", "enum"}
    items = [f"{k}={v}" for k, v in spec.get("constraints", {}).items() if k not in skip]
    return "; ".join(items)


def describe(
    table: str,
    *,
    version: str = "latest",
    source: PathLike | None = None,
    cache_dir: PathLike | None = None,
    offline: bool | None = None,
) -> pd.DataFrame:
    """Describe a table's fields from the release's Table Schema (no data is downloaded).

    Parameters are those of `load`.

    Returns
    -------
    pandas.DataFrame
        One row per field: ``field``, ``type`` (Table Schema), ``dtype`` (what `load`
        gives), ``required``, ``unique``, ``enum`` (allowed values, or empty),
        ``constraints`` (the others, as text) and ``description``. ``attrs`` holds the
        table's ``version``, ``rows``, ``primary_key`` and ``description``.

    Examples
    --------
    >>> import leadertravel as lt
    >>> from leadertravel._example import example_release
    >>> root = example_release()
    >>> d = lt.describe("trips", source=root, cache_dir=root.parent / "cache")
    >>> d[["field", "type", "dtype", "required"]]
            field     type          dtype  required
    0     trip_id   string         string      True
    1   leader_id   string         string      True
    2  start_date     date  datetime64[s]      True
    3  visit_type   string       category      True
    4       stops  integer          Int64     False
    >>> d.attrs["primary_key"], d.attrs["rows"]
    (['trip_id'], 2)
    """
    context = Context.make(source, cache_dir, offline=offline)
    release = context.release(version)
    res = release.resource(table)
    rows = []
    for spec in res.schema["fields"]:
        constraints = spec.get("constraints", {})
        dtype = pandas_dtype(spec)
        rows.append(
            {
                "field": spec["name"],
                "type": spec.get("type", "string"),
                "dtype": "category" if isinstance(dtype, pd.CategoricalDtype) else str(dtype),
                "required": bool(constraints.get("required", False)),
                "unique": bool(constraints.get("unique", False)),
                "enum": ", ".join(enum_of(spec) or []),
                "constraints": _constraints_text(spec),
                "description": spec.get("description", ""),
            }
        )
    frame = pd.DataFrame(rows)
    frame.attrs.update(
        {
            "table": res.name,
            "version": release.version,
            "rows": res.rows,
            "primary_key": list(res.schema.get("primaryKey", [])),
            "description": res.description,
        }
    )
    return frame
