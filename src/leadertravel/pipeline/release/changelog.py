"""Row-level differences between two releases, and the CHANGELOG.md that shows them.

Rows are matched by primary key: a key only in the new release is *added*, only in the
previous one *removed*, in both with any differing value *changed* (with the fields that
differ). The comparison runs in Arrow (a hash join on the key text, then field by field on
the matched rows), so it costs seconds and a few hundred MB on millions of rows.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from leadertravel.pipeline.release.versioning import SchemaChange

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


#: Matched rows compared per step: bounds the memory one column comparison takes.
_CHUNK = 1 << 20


def _decoded(column: pa.ChunkedArray) -> pa.ChunkedArray:
    """Enums (dictionary arrays) as plain text, so categories never clash."""
    if pa.types.is_dictionary(column.type):
        return column.cast(pa.string())
    return column


def _text(column: pa.ChunkedArray) -> pa.ChunkedArray:
    """Key values as text, spelled as ``pandas.Series.astype("string")`` spells them."""
    column = _decoded(column)
    kind = column.type
    if pa.types.is_string(kind) or pa.types.is_large_string(kind):
        return column.cast(pa.string())
    if pa.types.is_integer(kind) or pa.types.is_date32(kind) or pa.types.is_boolean(kind):
        text = column.cast(pa.string())
        if pa.types.is_boolean(kind):
            text = pc.replace_substring_regex(
                pc.replace_substring_regex(text, "^true$", "True"), "^false$", "False"
            )
        return text
    series = pa.table({"k": column}).to_pandas()["k"].astype("string")
    return pa.chunked_array([pa.array(series, type=pa.string(), from_pandas=True)])


def _key_text(table: pa.Table, key: Sequence[str]) -> pa.ChunkedArray:
    """One text per row: the key values joined by `` / ``, a missing value shown as ∅."""
    parts = [pc.fill_null(_text(table[k]), "∅") for k in key]
    if len(parts) == 1:
        return parts[0]
    return pc.binary_join_element_wise(*parts, " / ")


def _missing(values: pa.ChunkedArray) -> pa.ChunkedArray:
    if pa.types.is_floating(values.type):
        return pc.is_null(values, nan_is_null=True)
    return pc.is_null(values)


def _differs(x: pa.ChunkedArray, y: pa.ChunkedArray) -> np.ndarray:
    """Per row, True where the two values differ; two missing values (null, NaN) agree."""
    if x.type != y.type:
        # A retyped field is compared as text, as pandas spells each type.
        xs = pa.table({"v": x}).to_pandas()["v"].astype("string")
        ys = pa.table({"v": y}).to_pandas()["v"].astype("string")
        agree = (xs == ys).fillna(False).astype(bool) | (xs.isna() & ys.isna())
        text: np.ndarray = ~agree.to_numpy(dtype=bool)
        return text
    nx, ny = _missing(x), _missing(y)
    equal = pc.fill_null(pc.equal(x, y), False)
    same = pc.or_(equal, pc.and_(nx, ny))
    out: np.ndarray = ~same.to_numpy(zero_copy_only=False)
    return out


def _sorted_text(keys: pa.ChunkedArray, rows: np.ndarray) -> list[str]:
    if not len(rows):
        return []
    picked = keys.take(pa.array(rows))
    return [str(k) for k in picked.take(pc.sort_indices(picked)).to_pylist()]


def _align(
    old_keys: pa.ChunkedArray, new_keys: pa.ChunkedArray
) -> tuple[list[str], list[str], np.ndarray, np.ndarray]:
    """Match rows by key text (a hash join): added and removed keys, matched row pairs."""
    joined = pa.table(
        {"k": new_keys, "new_row": pa.array(np.arange(len(new_keys), dtype=np.int64))}
    ).join(
        pa.table({"k": old_keys, "old_row": pa.array(np.arange(len(old_keys), dtype=np.int64))}),
        keys="k",
        join_type="full outer",
    )
    new_row = joined["new_row"].to_numpy(zero_copy_only=False)
    old_row = joined["old_row"].to_numpy(zero_copy_only=False)
    del joined
    new_missing, old_missing = np.isnan(new_row), np.isnan(old_row)
    added = _sorted_text(new_keys, new_row[old_missing].astype(np.int64))
    removed = _sorted_text(old_keys, old_row[new_missing].astype(np.int64))
    both = ~(new_missing | old_missing)
    order = np.argsort(new_row[both], kind="stable")
    return (
        added,
        removed,
        new_row[both][order].astype(np.int64),
        old_row[both][order].astype(np.int64),
    )


def _rows(column: pa.ChunkedArray, take: pa.Array | None, begin: int, stop: int) -> pa.ChunkedArray:
    """Rows ``begin:stop`` of the matched rows of ``column`` (a view where aligned)."""
    part = column.slice(begin, stop - begin) if take is None else column.take(take)
    return _decoded(part)


def diff_table(
    name: str, old: pa.Table, new: pa.Table, key: Sequence[str], *, same: Collection[str] = ()
) -> TableDiff:
    """Compare two versions of a table row by row on ``key``.

    Rows are matched on the text of their key (``k1 / k2``, ∅ for a missing value): when
    both versions hold the same keys in the same order (releases are sorted by key) row by
    row, otherwise by an Arrow hash join. Each field is compared on the matched rows in
    Arrow, a slice of rows at a time, so memory stays a small multiple of one column.
    Fields present in only one version are schema changes, not row changes; a field whose
    type changed is compared as text. Two missing values (null or NaN) are equal.

    ``same`` names columns known to hold the same values row by row in both versions
    (byte-identical in the two files, :func:`~leadertravel.pipeline.release._parquet.same_columns`):
    they are not compared and need not be in ``old`` (they are read for nothing else).
    It must hold every key column (then the rows are aligned without reading the keys):
    where records were added or removed, row n is not the same record in both versions,
    and equal columns say nothing of each record's values.

    Examples
    --------
    >>> old = pa.table({"id": ["a", "b", "c"], "x": [1, 2, 3]})
    >>> new = pa.table({"id": ["a", "c", "d"], "x": [1, 30, 4]})
    >>> d = diff_table("t", old, new, ["id"])
    >>> d.added, d.removed, d.changed, d.field_counts
    (['d'], ['b'], [('c', ['x'])], {'x': 1})
    >>> diff_table("t", old.select(["x"]), old.set_column(1, "x", [[1, 5, 3]]), ["id"],
    ...            same={"id"}).changed
    [('b', ['x'])]
    """
    same = set(same)
    if same and not set(key) <= same:
        msg = f"{name}: same={sorted(same)} must hold the key columns {key} (rows aligned)"
        raise ValueError(msg)
    common = [c for c in new.column_names if c in old.column_names or c in same]
    new_keys = _key_text(new, key)
    added: list[str]
    removed: list[str]
    if set(key) <= same:
        # The key columns are the same row by row: aligned, without reading them.
        added, removed = [], []
        new_idx = old_idx = np.arange(new.num_rows, dtype=np.int64)
        aligned = True
    else:
        old_keys = _key_text(old, key)
        if old.num_rows == new.num_rows and (
            old.num_rows == 0 or pc.all(pc.equal(old_keys, new_keys)).as_py()
        ):
            # The same keys in the same order (both releases are sorted by key): no join.
            added, removed = [], []
            new_idx = old_idx = np.arange(new.num_rows, dtype=np.int64)
            aligned = True
        else:
            added, removed, new_idx, old_idx = _align(old_keys, new_keys)
            aligned = False
    fields = [c for c in common if c not in key and c not in same]
    flags = {c: np.zeros(len(new_idx), dtype=bool) for c in fields}
    for begin in range(0, len(new_idx), _CHUNK):
        stop = min(begin + _CHUNK, len(new_idx))
        take_new = None if aligned else pa.array(new_idx[begin:stop])
        take_old = None if aligned else pa.array(old_idx[begin:stop])
        for column in fields:
            x = _rows(old[column], take_old, begin, stop)
            y = _rows(new[column], take_new, begin, stop)
            flags[column][begin:stop] = _differs(x, y)
    any_changed = np.zeros(len(new_idx), dtype=bool)
    for column in fields:
        any_changed |= flags[column]
    positions = np.flatnonzero(any_changed)
    listed: list[tuple[str, list[str]]] = []
    if len(positions):
        texts = new_keys.take(pa.array(new_idx[positions]))
        first = pc.sort_indices(texts).to_numpy()[:LISTED]
        for i in first:
            at = positions[i]
            listed.append((str(texts[int(i)]), [c for c in fields if flags[c][at]]))
    counts = {c: int(flags[c].sum()) for c in fields if flags[c].any()}
    return TableDiff(name, added, removed, listed, len(positions), counts)


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
