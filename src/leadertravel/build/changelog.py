"""Row-level differences between two releases, and the CHANGELOG.md that shows them.

Rows are matched by primary key: a key only in the new release is *added*, only in the
previous one *removed*, in both with any differing value *changed* (with the fields that
differ). The comparison is vectorized (pandas), so it costs seconds on a million rows.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pandas as pd
import pyarrow as pa

from leadertravel.build.semver import SchemaChange

__all__ = ["TableDiff", "diff_table", "render_changelog"]

#: Rows listed per table and kind of change; the counts are always complete.
LISTED = 50


@dataclass(frozen=True)
class TableDiff:
    """Row-level difference of one table between two releases.

    Attributes
    ----------
    table
        Table name.
    added, removed
        Primary keys (as text) of the added and removed rows, sorted.
    changed
        ``(key, changed fields)`` of rows present in both with different values, sorted;
        only the first ``LISTED`` rows.
    n_changed
        Number of changed rows (all of them).
    field_counts
        Field → number of changed rows in which it changed.
    """

    table: str
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    changed: list[tuple[str, list[str]]] = field(default_factory=list)
    n_changed: int = 0
    field_counts: dict[str, int] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        """True when no row was added, removed or changed."""
        return not (self.added or self.removed or self.n_changed)


def _frame(table: pa.Table, columns: Sequence[str]) -> pd.DataFrame:
    """Columns of ``table`` as pandas, enums as plain text so categories never clash."""
    arrays = {}
    for name in columns:
        column = table[name]
        if pa.types.is_dictionary(column.type):
            column = column.cast(pa.string())
        arrays[name] = column
    frame: pd.DataFrame = pa.table(arrays).to_pandas()
    return frame


def _key_text(frame: pd.DataFrame, key: Sequence[str]) -> pd.Series:
    text = frame[key[0]].astype("string").fillna("∅")
    for name in key[1:]:
        text = text + " / " + frame[name].astype("string").fillna("∅")
    return text


def diff_table(name: str, old: pa.Table, new: pa.Table, key: Sequence[str]) -> TableDiff:
    """Compare two versions of a table row by row on ``key``.

    Fields present in only one version are schema changes, not row changes; a field
    whose type changed is compared as text.

    Examples
    --------
    >>> old = pa.table({"id": ["a", "b", "c"], "x": [1, 2, 3]})
    >>> new = pa.table({"id": ["a", "c", "d"], "x": [1, 30, 4]})
    >>> d = diff_table("t", old, new, ["id"])
    >>> d.added, d.removed, d.changed, d.field_counts
    (['d'], ['b'], [('c', ['x'])], {'x': 1})
    """
    common = [c for c in new.column_names if c in old.column_names]
    before, after = _frame(old, common), _frame(new, common)
    before.index, after.index = _key_text(before, key), _key_text(after, key)
    added = after.index.difference(before.index)
    removed = before.index.difference(after.index)
    both = after.index.intersection(before.index)
    a, b = before.loc[both], after.loc[both]
    changed = pd.DataFrame(index=both)
    for column in common:
        if column in key:
            continue
        x, y = a[column], b[column]
        if x.dtype != y.dtype:
            x, y = x.astype("string"), y.astype("string")
        same = (x == y).fillna(False).astype(bool) | (x.isna() & y.isna())
        changed[column] = ~same.to_numpy()
    rows = changed[changed.any(axis=1)] if len(changed.columns) else changed.iloc[0:0]
    listed = [
        (str(k), [c for c in rows.columns if flags[c]])
        for k, flags in rows.sort_index().head(LISTED).iterrows()
    ]
    counts = {c: int(rows[c].sum()) for c in rows.columns if rows[c].any()}
    return TableDiff(
        name, sorted(map(str, added)), sorted(map(str, removed)), listed, len(rows), counts
    )


def _listing(title: str, keys: Sequence[str]) -> list[str]:
    if not keys:
        return []
    lines = [f"{title}:", ""]
    lines += [f"- `{k}`" for k in keys[:LISTED]]
    if len(keys) > LISTED:
        lines.append(f"- … and {len(keys) - LISTED} more")
    return [*lines, ""]


def render_changelog(
    *,
    name: str,
    version: str,
    released: str,
    previous: str | None,
    rows: Mapping[str, int],
    schema: Sequence[SchemaChange],
    diffs: Sequence[TableDiff],
    level: str | None,
) -> str:
    """Render CHANGELOG.md of a release (deterministic: no wall-clock, sorted lists).

    Parameters
    ----------
    name, version, released
        Package name, version and release date (from the inputs).
    previous
        The release compared with, or ``None`` for the first release.
    rows
        Table → number of rows in this release.
    schema
        Schema changes against ``previous``.
    diffs
        Row-level differences per table against ``previous``.
    level
        The bump level of this version (``None`` for the first release).
    """
    lines = [f"# {name} {version} ({released})", ""]
    if previous is None:
        lines += ["First release.", "", "| table | rows |", "|---|---:|"]
        lines += [f"| {t} | {n} |" for t, n in sorted(rows.items())]
        return "\n".join([*lines, ""])
    lines += [f"Changes since {previous} (a {level} release).", "", "## Schema", ""]
    lines += [f"- {c.level.upper()}: {c.text}" for c in schema] or ["No schema changes."]
    lines += ["", "## Rows", "", "| table | rows | added | removed | changed |"]
    lines += ["|---|---:|---:|---:|---:|"]
    by_table = {d.table: d for d in diffs}
    for table, n in sorted(rows.items()):
        d = by_table.get(table)
        counts = (len(d.added), len(d.removed), d.n_changed) if d else ("new", "", "")
        lines.append(f"| {table} | {n} | {counts[0]} | {counts[1]} | {counts[2]} |")
    lines.append("")
    for d in sorted(diffs, key=lambda d: d.table):
        if d.empty:
            continue
        lines += [f"### {d.table}", ""]
        lines += _listing("Added", d.added) + _listing("Removed", d.removed)
        if d.changed:
            lines += ["Changed (fields that differ):", ""]
            lines += [f"- `{k}`: {', '.join(fields)}" for k, fields in d.changed]
            more = d.n_changed - len(d.changed)
            if more > 0:
                lines.append(f"- … and {more} more")
            per_field = ", ".join(f"{f} {n}" for f, n in sorted(d.field_counts.items()))
            lines += ["", f"Changed rows per field: {per_field}.", ""]
    return "\n".join(lines).rstrip("\n") + "\n"
