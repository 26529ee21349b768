"""Rules on citations: every curated record cites a source; every citation names a record."""

from __future__ import annotations

import pandas as pd

from leadertravel.pipeline.problems import Problem
from leadertravel.pipeline.rules._context import Context, isin


def citable(c: Context) -> list[str]:
    """Return the tables a citation may name: the enum of ``citations.table_name``."""
    field = next(f for f in c.schemas["citations"]["fields"] if f["name"] == "table_name")
    return [str(t) for t in field.get("constraints", {}).get("enum", []) if t in c.tables]


def cites_source(c: Context) -> list[Problem]:
    cited = c.tables["citations"]
    out: list[Problem] = []
    for table in citable(c):
        frame = c.tables[table]
        fields = {f["name"] for f in c.schemas[table]["fields"]}
        if "origin" not in fields or "source_id" in fields:
            continue  # not curated records, or they name their source themselves
        key = c.key(table)
        ids = cited.loc[cited["table_name"] == table, "record_id"]
        uncited = frame[((frame["origin"] == "curated") & ~isin(frame[key], ids)).fillna(False)]
        out += c.report(
            table,
            uncited.assign(_table=table),
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
    dangling = pd.Series(False, index=cited.index)
    for table in citable(c):
        mine = cited.index[(cited["table_name"] == table).fillna(False).to_numpy(dtype=bool)]
        if mine.empty:
            continue
        ids = c.tables[table][c.key(table)]
        dangling[mine] = ~isin(cited.loc[mine, "record_id"], ids).to_numpy()
    return c.report(
        "citations",
        cited[dangling],
        "record_id",
        "citation-target",
        lambda r: f"no {r['table_name']} record has this id",
    )
