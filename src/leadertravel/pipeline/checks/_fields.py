"""Field checks: each value's type, ``required``, the constraints and ``unique``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from leadertravel.pipeline.checks._keys import flat, repeated
from leadertravel.pipeline.problems import Locator, Problem
from leadertravel.pipeline.typed import expected, mask, parse_column

FieldSpec = Mapping[str, Any]
TableSchema = Mapping[str, Any]


def _scalar(value: Any, target: pa.DataType) -> pa.Scalar:
    if pa.types.is_date(target) or pa.types.is_timestamp(target):
        return pc.cast(pa.scalar(str(value)), target)
    return pa.scalar(value).cast(target)


#: How many leading values :func:`_matches` looks at to guess a column's variety.
SAMPLE = 4096


def _matches(values: pa.Array, pattern: str) -> pa.Array:
    """Whether each value matches ``pattern`` (``match_substring_regex``), once per value.

    A regular expression costs far more per value than finding repeats, so a column that
    repeats itself is matched value by value only where the values differ: where runs of
    equal neighbours (a trip's stops and legs lie next to each other) are at most half the
    values, each run is matched once; where the first :data:`SAMPLE` values hold few
    distinct ones (country codes, places), each distinct value of the column is matched
    once; otherwise every value is. The answer is the same either way.

    Examples
    --------
    >>> _matches(pa.array(["ab", "ab", "ab", "B", None]), "^[a-z]+$").to_pylist()
    [True, True, True, False, None]
    >>> _matches(pa.array(["ab", "B", "ab", "B", None]), "^[a-z]+$").to_pylist()
    [True, False, True, False, None]
    """
    values = flat(values)
    runs = pc.run_end_encode(values)
    if 2 * len(runs.values) <= len(values):
        matched = pc.match_substring_regex(runs.values, pattern)
        return pc.run_end_decode(pa.RunEndEncodedArray.from_arrays(runs.run_ends, matched))
    sample = values[:SAMPLE]
    if 8 * len(pc.unique(sample)) <= len(sample):
        encoded = pc.dictionary_encode(values)
        return pc.match_substring_regex(encoded.dictionary, pattern).take(encoded.indices)
    return pc.match_substring_regex(values, pattern)


def _constraint_masks(typed: pa.Array, field: FieldSpec) -> list[tuple[str, Any, np.ndarray]]:
    """``(constraint, its value, mask of failing non-null cells)`` for each constraint."""
    constraints = field.get("constraints", {})
    out: list[tuple[str, Any, np.ndarray]] = []
    if "enum" in constraints:
        allowed = pa.array(
            [_scalar(v, typed.type).as_py() for v in constraints["enum"]], typed.type
        )
        out.append(("enum", constraints["enum"], mask(pc.invert(pc.is_in(typed, allowed)))))
    if "pattern" in constraints and pa.types.is_string(typed.type):
        full = f"^(?:{constraints['pattern']})$"
        out.append(
            (
                "pattern",
                constraints["pattern"],
                mask(pc.invert(_matches(typed, full))),
            )
        )
    nan = mask(pc.is_nan(typed)) if pa.types.is_floating(typed.type) else np.zeros(len(typed), bool)
    for name, compare in (("minimum", pc.less), ("maximum", pc.greater)):
        if name in constraints:
            limit = _scalar(constraints[name], typed.type)
            out.append((name, constraints[name], mask(compare(typed, limit)) | nan))
    for name, compare in (("minLength", pc.less), ("maxLength", pc.greater)):
        if name in constraints and pa.types.is_string(typed.type):
            out.append(
                (name, constraints[name], mask(compare(pc.utf8_length(typed), constraints[name])))
            )
    return out


def check_fields(
    raw: Mapping[str, pa.Array], schema: TableSchema, where: Locator, *, types_only: bool
) -> tuple[dict[str, pa.Array], list[Problem]]:
    problems: list[Problem] = []
    typed: dict[str, pa.Array] = {}
    for field in schema["fields"]:
        name = field["name"]
        column = raw[name]
        values, type_bad = parse_column(column, field)
        typed[name] = values
        if type_bad.any():
            pos = np.flatnonzero(type_bad)
            ftype = f"{field.get('type', 'string')}/{field.get('format', 'default')}"
            problems += where.problems(
                pos,
                field=name,
                rule="type-error",
                values=column.take(pos).to_pylist(),
                message=f'type is "{ftype}": expected {expected(field)}',
            )
        if types_only:
            continue
        null = mask(pc.is_null(column)) if column.null_count else np.zeros(len(column), bool)
        if field.get("constraints", {}).get("required", False) and null.any():
            pos = np.flatnonzero(null)
            problems += where.problems(
                pos,
                field=name,
                rule="constraint-error",
                values=[""] * len(pos),
                message='constraint "required" is "True": the value is missing',
            )
        checkable = ~type_bad & ~null
        for constraint, limit, bad in _constraint_masks(values, field):
            pos = np.flatnonzero(bad & checkable)
            if len(pos):
                problems += where.problems(
                    pos,
                    field=name,
                    rule="constraint-error",
                    values=column.take(pos).to_pylist(),
                    message=f'constraint "{constraint}" is "{limit}"',
                )
        if field.get("constraints", {}).get("unique", False):
            pos = np.flatnonzero(repeated([values]) & checkable)
            problems += where.problems(
                pos,
                field=name,
                rule="unique-error",
                values=column.take(pos).to_pylist(),
                message="the same value as in an earlier row",
            )
    return typed, problems
