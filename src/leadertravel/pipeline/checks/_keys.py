"""Key checks: repeated values, the primary key and foreign keys, on whole columns."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from leadertravel.pipeline.problems import Locator, Problem, show
from leadertravel.pipeline.typed import mask

TableSchema = Mapping[str, Any]


def flat(values: pa.Array | pa.ChunkedArray) -> pa.Array:
    """One Arrow array of a column (its chunks combined when it has several)."""
    return values.combine_chunks() if isinstance(values, pa.ChunkedArray) else values


def _codes(values: pa.Array) -> np.ndarray:
    """Hash-encode a column: equal values get equal integer codes (null: -1)."""
    encoded = pc.dictionary_encode(flat(values))
    return np.asarray(encoded.indices.fill_null(-1).to_numpy(zero_copy_only=False), np.int64)


def _in_order(values: pa.Array, *, strictly: bool) -> bool:
    """Whether every value is greater than (or, not ``strictly``, equal to) the one before."""
    if values.null_count or pa.types.is_floating(values.type):
        return False  # nulls (and NaN) do not compare: left to the general test
    after = pc.less if strictly else pc.less_equal
    return bool(pc.all(after(values[:-1], values[1:])).as_py())


#: Referenced keys from this many rows on are searched rather than hashed, if in order.
SEARCH_FROM = 1 << 19


def find(values: pa.Array, keys: pa.Array) -> pa.Array:
    """Position of each value's first occurrence among ``keys`` (null: none): ``index_in``.

    A hash table of half a million keys or more outgrows the processor's caches, so that
    every probe misses them. When the keys are strictly increasing and the values in
    order too (as tables sorted by their keys are), a binary search (``search_sorted``)
    goes from one value to the next over the same few cache lines, and costs less. The
    answer is the same.

    Examples
    --------
    >>> find(pa.array(["b", None, "z"]), pa.array(["a", "b", None])).to_pylist()
    [1, 2, None]
    """
    values, keys = flat(values), flat(keys)
    if (
        len(keys) >= SEARCH_FROM
        and values.type == keys.type
        and _in_order(keys, strictly=True)
        and _in_order(values, strictly=False)
    ):
        at = pc.search_sorted(keys, values)
        hit = pc.equal(keys.take(pc.min_element_wise(at, len(keys) - 1)), values)
        return pc.if_else(hit, at.cast(pa.int32()), pa.scalar(None, pa.int32()))
    return pc.index_in(values, value_set=keys)


def _rows_in_order(columns: Sequence[pa.Array]) -> bool:
    """Whether the rows of ``columns`` are in ascending lexicographic order (ties allowed).

    Row i precedes row i + 1 when its first differing value is smaller, or all are equal;
    compared from the last column to the first, one pass each. Nulls and floating-point
    columns (NaN does not compare) answer False.
    """
    if any(c.null_count or pa.types.is_floating(c.type) for c in columns):
        return False
    ordered = None
    for values in reversed(columns):
        a, b = values[:-1], values[1:]
        ordered = (
            pc.less_equal(a, b)
            if ordered is None
            else pc.or_(pc.less(a, b), pc.and_(pc.equal(a, b), ordered))
        )
    return ordered is None or bool(pc.all(ordered).as_py())


def _same_as_previous(columns: Sequence[pa.Array]) -> np.ndarray:
    """Mask of rows equal to the row before in every column (none null)."""
    same = np.ones(len(columns[0]) - 1, dtype=bool)
    for values in columns:
        same &= mask(pc.equal(values[1:], values[:-1]))
    return np.concatenate([[False], same])


def repeated(columns: Sequence[pa.Array]) -> np.ndarray:
    """Mask of rows whose values (across ``columns``) appeared in an earlier row.

    Two values are the same when they are equal or both missing. Each column is
    hash-encoded by Arrow into integer codes and the rows of codes are tested with
    pandas' hash-based ``duplicated`` (linear time; no sort of Python strings). A
    one-column key already in strictly increasing order — tables usually arrive sorted
    by their key — has no repeat, which one pass of comparisons shows. Rows of several
    columns in ascending order (the panels' 176,000 dyad-years arrive so) hold their
    repeats next to each other: a row repeats an earlier one exactly when it equals the
    row before it, a comparison per column instead of hashing each one.

    Examples
    --------
    >>> repeated([pa.array(["b", "a", "b", None, None])]).tolist()
    [False, False, True, False, True]
    >>> repeated([pa.array(["a", "a", "a"]), pa.array([1, 2, 1])]).tolist()
    [False, False, True]
    >>> repeated([pa.array(["a", "a", "b"]), pa.array([1, 1, 1])]).tolist()  # in order
    [False, True, False]
    """
    n = len(columns[0])
    if n == 0:
        return np.zeros(0, dtype=bool)
    if len(columns) == 1 and _in_order(flat(columns[0]), strictly=True):
        return np.zeros(n, dtype=bool)
    if len(columns) > 1 and _rows_in_order(arrays := [flat(c) for c in columns]):
        return _same_as_previous(arrays)
    codes = pd.DataFrame({i: _codes(c) for i, c in enumerate(columns)})
    return np.asarray(codes.duplicated(keep="first").to_numpy(), dtype=bool)


def _key_values(typed: Mapping[str, pa.Array], names: Sequence[str], pos: np.ndarray) -> list[str]:
    index = pa.array(pos, pa.int64())
    parts = [
        [None if v is None else show(v) for v in typed[n].take(index).to_pylist()] for n in names
    ]
    return [", ".join("" if v is None else v for v in row) for row in zip(*parts, strict=True)]


def check_primary_key(
    typed: Mapping[str, pa.Array], schema: TableSchema, where: Locator
) -> list[Problem]:
    key = list(schema.get("primaryKey") or [])
    if not key:
        return []
    columns = [typed[k] for k in key]
    all_null = np.logical_and.reduce([mask(pc.is_null(c)) for c in columns])
    dup = np.flatnonzero(repeated(columns) & ~all_null)
    names = ", ".join(key)
    nulls = np.flatnonzero(all_null)
    return where.problems(
        nulls,
        field=names,
        rule="primary-key",
        values=[""] * len(nulls),
        message=f'cells composing the primary key ({names}) are all "None"',
    ) + where.problems(
        dup,
        field=names,
        rule="primary-key",
        values=_key_values(typed, key, dup),
        message=f"the primary key ({names}) is the same as in an earlier row",
    )


def _fields(value: Any) -> list[str]:
    return list(value) if isinstance(value, list) else [value]


def check_foreign_keys(
    name: str,
    typed: Mapping[str, Mapping[str, pa.Array]],
    schemas: Mapping[str, TableSchema],
    locators: Mapping[str, Locator],
    unreadable: Collection[str],
    *,
    lookups: dict[tuple[str, str, str], np.ndarray] | None = None,
) -> list[Problem]:
    """Check the foreign keys of table ``name``.

    A one-field key is looked up by :func:`find`; where it refers to the first field of
    the referenced table's primary key, the row each value finds is kept in ``lookups``
    (see :class:`leadertravel.pipeline.checks.CheckResult`).
    """
    where = locators[name]
    problems: list[Problem] = []
    for fk in schemas[name].get("foreignKeys") or []:
        fields = _fields(fk["fields"])
        ref = fk["reference"]
        ref_name = ref.get("resource") or name
        ref_fields = _fields(ref["fields"])
        if ref_name in unreadable:
            continue  # its own problems say why; every row here would only repeat them
        if ref_name not in typed:
            problems.append(
                where.whole(
                    field=", ".join(fields),
                    rule="foreign-key",
                    value=ref_name,
                    message=f"the referenced table {ref_name!r} is missing",
                )
            )
            continue
        present = np.logical_and.reduce([mask(pc.is_valid(typed[name][f])) for f in fields])
        if len(fields) == 1:
            at = find(typed[name][fields[0]], typed[ref_name][ref_fields[0]])
            found = mask(pc.is_valid(at))
            if (
                lookups is not None
                and ref_fields[:1] == (schemas[ref_name].get("primaryKey") or [])[:1]
            ):
                lookups[(name, fields[0], ref_name)] = np.asarray(
                    at.fill_null(-1).to_numpy(zero_copy_only=False), dtype=np.int64
                )
        else:
            own = pd.DataFrame({f: typed[name][f].to_pandas() for f in fields})
            target = pd.DataFrame(
                {f: typed[ref_name][r].to_pandas() for f, r in zip(fields, ref_fields, strict=True)}
            )
            merged = own.merge(target.drop_duplicates(), how="left", on=fields, indicator=True)
            found = (merged["_merge"] == "both").to_numpy()
        pos = np.flatnonzero(present & ~found)
        if len(pos) and len(typed[ref_name][ref_fields[0]]) == 0:
            problems.append(  # the root cause of every line below
                locators[ref_name].whole(
                    field=", ".join(ref_fields),
                    rule="no-rows",
                    value="",
                    message="the table has no rows, but other tables refer to it; add its records",
                )
            )
        if len(pos):
            problems += where.problems(
                pos,
                field=", ".join(fields),
                rule="foreign-key",
                values=_key_values(typed[name], fields, pos),
                message=(
                    f'for "{", ".join(fields)}": values not found in the lookup table '
                    f'"{ref_name}" as "{", ".join(ref_fields)}"'
                ),
            )
    return problems
