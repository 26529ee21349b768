"""Typed frames: exact integers, NaN numbers, missing values."""

from __future__ import annotations

import pandas as pd
import pytest

from leadertravel.build._frames import coerce_frame

INT = {"fields": [{"name": "x", "type": "integer"}]}
NUM = {"fields": [{"name": "x", "type": "number"}]}


@pytest.mark.parametrize(
    "text",
    ["9007199254740991", "9007199254740993", "-9007199254740993", "9223372036854775807"],
)
def test_integers_with_gaps_are_never_rounded(text: str) -> None:
    out = coerce_frame(pd.DataFrame({"x": [text, "", "7"]}), INT)
    assert out["x"].tolist() == [int(text), pd.NA, 7]
    assert str(out["x"].dtype) == "Int64"


def test_integer_beyond_int64_is_refused_naming_the_value() -> None:
    with pytest.raises(ValueError, match="9223372036854775808"):
        coerce_frame(pd.DataFrame({"x": ["9223372036854775808", ""]}), INT)
    coerced = coerce_frame(pd.DataFrame({"x": ["9223372036854775808", "1"]}), INT, errors="coerce")
    assert coerced["x"].tolist() == [pd.NA, 1]


def test_nan_is_a_number_as_frictionless_reads_it() -> None:
    out = coerce_frame(pd.DataFrame({"x": ["NaN", "1.5", "", "-inf"]}), NUM)
    values = out["x"].astype("float64").tolist()
    assert values[1] == 1.5 and values[3] == float("-inf")
    with pytest.raises(ValueError, match="'one'"):
        coerce_frame(pd.DataFrame({"x": ["one"]}), NUM)
