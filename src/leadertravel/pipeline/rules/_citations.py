"""Rules on citations: every curated record cites a source; every citation names a record."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from leadertravel.pipeline.problems import Problem
from leadertravel.pipeline.rules._context import Context, isin, text


def citable(c: Context) -> list[str]:
    """Return the tables a citation may name: the enum of ``citations.table_name``."""
    field = next(f for f in c.schemas["citations"]["fields"] if f["name"] == "table_name")
    return [str(t) for t in field.get("constraints", {}).get("enum", []) if t in c.tables]


def citations_of(cited: pd.DataFrame) -> dict[str, pa.Array]:
    """Return the row positions of the citations naming each table, by ``table_name``.

    One pass over the column (``pd.factorize``) instead of comparing all of it with each
    table's name; a missing ``table_name`` names no table.

    Examples
    --------
    >>> cited = pd.DataFrame({"table_name": ["trips", "legs", None, "trips"]})
    >>> {t: rows.to_pylist() for t, rows in citations_of(cited).items()}
    {'trips': [0, 3], 'legs': [1]}
    """
    codes, names = pd.factorize(cited["table_name"])
    order = np.argsort(codes, kind="stable")
    bounds = np.searchsorted(codes[order], np.arange(len(names) + 1))
    return {
        str(name): pa.array(order[bounds[i] : bounds[i + 1]], pa.int64())
        for i, name in enumerate(names)
    }


def cites_source(c: Context) -> list[Problem]:
    cited = c.tables["citations"]
    rows = citations_of(cited)
    record_ids = text(cited["record_id"])
    out: list[Problem] = []
    for table in citable(c):
        frame = c.tables[table]
        fields = {f["name"] for f in c.schemas[table]["fields"]}
        if "origin" not in fields or "source_id" in fields:
            continue  # not curated records, or they name their source themselves
        key = c.key(table)
        ids = record_ids.take(rows.get(table, pa.array([], pa.int64())))
        bad = ((frame["origin"] == "curated") & ~isin(frame[key], ids)).fillna(False)
        if not bad.any():
            continue
        out += c.report(
            table,
            frame[bad].assign(_table=table),
            key,
            "cites-source",
            lambda r: (
                f"no row in citations names this {r['_table']} record; "
                "add one (table_name, record_id, source_id)"
            ),
        )
    return out


def citation_target(c: Context) -> list[Problem]:
    cited = c.tables["citations"]
    rows = citations_of(cited)
    record_ids = text(cited["record_id"])
    dangling = np.zeros(len(cited), dtype=bool)
    for table in citable(c):
        mine = rows.get(table)
        if mine is None:
            continue
        ids = text(c.tables[table][c.key(table)])
        found = pc.fill_null(pc.is_in(record_ids.take(mine), value_set=ids), False)
        dangling[mine.to_numpy()] = ~found.to_numpy(zero_copy_only=False)
    return c.report(
        "citations",
        cited[dangling],
        "record_id",
        "citation-target",
        lambda r: f"no {r['table_name']} record has this id",
    )
