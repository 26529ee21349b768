"""The one text → typed path: exact integers, finite numbers, Table Schema booleans."""

from __future__ import annotations

import pandas as pd
import pyarrow as pa
import pytest

from leadertravel.pipeline.checks import check_tables
from leadertravel.pipeline.typed import BadValueError, parse_column, typed_frame

INT = {"fields": [{"name": "x", "type": "integer"}]}
NUM = {"fields": [{"name": "x", "type": "number"}]}
BOOL = {"fields": [{"name": "x", "type": "boolean"}]}


@pytest.mark.parametrize(
    "text",
    ["9007199254740991", "9007199254740993", "-9007199254740993", "9223372036854775807"],
)
def test_integers_with_gaps_are_never_rounded(text: str) -> None:
    out = typed_frame(pd.DataFrame({"x": [text, "", "7"]}), INT)
    assert out["x"].tolist() == [int(text), pd.NA, 7]
    assert str(out["x"].dtype) == "Int64"


def test_integer_beyond_int64_is_refused_naming_the_value() -> None:
    with pytest.raises(BadValueError, match=r"9223372036854775808.*an integer"):
        typed_frame(pd.DataFrame({"x": ["9223372036854775808", ""]}), INT)
    years = pd.DataFrame({"y": ["1999", "70000"]})
    with pytest.raises(ValueError, match=r"column 'y', row 1: value '70000'.*four-digit year"):
        typed_frame(years, {"fields": [{"name": "y", "type": "year"}]})


@pytest.mark.parametrize("text", ["inf", "-inf", "Infinity", "NaN", "nan", "1e999", "-1e999"])
def test_non_finite_numbers_are_refused(text: str) -> None:
    typed, bad = parse_column(pa.array([text, "1.5"]), NUM["fields"][0])
    assert bad.tolist() == [True, False]
    assert typed.to_pylist() == [None, 1.5]
    with pytest.raises(BadValueError, match="finite"):
        typed_frame(pd.DataFrame({"x": [text]}), NUM)


def test_non_finite_floats_from_an_importer_are_refused() -> None:
    with pytest.raises(BadValueError, match="inf"):
        typed_frame(pd.DataFrame({"x": [1.0, float("inf")]}), NUM)
    frame = pd.DataFrame({"x": pd.array([1.0, float("inf")], dtype="Float64")})
    problems = check_tables({"t": frame}, {"t": NUM}).problems
    assert [(p.rule, p.value) for p in problems] == [("type-error", "inf")]


def test_booleans_follow_the_table_schema_defaults() -> None:
    values = ["true", "True", "TRUE", "1", "false", "False", "FALSE", "0", "yes", "no", None]
    typed, bad = parse_column(pa.array(values), BOOL["fields"][0])
    assert typed.to_pylist() == [True] * 4 + [False] * 4 + [None] * 3
    assert bad.tolist() == [False] * 8 + [True, True, False]
    with pytest.raises(BadValueError, match="'yes' is not true or false"):
        typed_frame(pd.DataFrame({"x": ["yes"]}), BOOL)


def test_a_field_may_declare_its_own_true_and_false_values() -> None:
    field = {"name": "x", "type": "boolean", "trueValues": ["yes"], "falseValues": ["no"]}
    typed, bad = parse_column(pa.array(["yes", "no", "true"]), field)
    assert typed.to_pylist() == [True, False, None]
    assert bad.tolist() == [False, False, True]


def test_already_typed_columns_pass_through() -> None:
    schema = {"fields": [{"name": "d", "type": "date"}, {"name": "b", "type": "boolean"}]}
    frame = pd.DataFrame({"d": pd.to_datetime(["2023-09-13", None]), "b": [True, None]})
    out = typed_frame(frame, schema)
    assert [str(t) for t in out.dtypes] == ["datetime64[s]", "boolean"]
    assert out["d"].iloc[0] == pd.Timestamp("2023-09-13")
