"""Filter values are checked and typed against the release schema before any read."""

from __future__ import annotations

import datetime as dt

import pytest

from leadertravel._filters import typed_filters

SCHEMA = {
    "fields": [
        {"name": "day", "type": "date"},
        {"name": "at", "type": "datetime"},
        {"name": "seq", "type": "integer"},
        {"name": "mode", "type": "string", "constraints": {"enum": ["air", "rail"]}},
    ]
}
UTC = dt.UTC


@pytest.mark.parametrize(
    ("clause", "typed"),
    [
        (("day", ">=", "2023-09-13"), ("day", ">=", dt.date(2023, 9, 13))),
        (("day", "<", dt.datetime(2023, 9, 13, 5)), ("day", "<", dt.date(2023, 9, 13))),
        (("at", ">=", "2023-09-13T10:00"), ("at", ">=", dt.datetime(2023, 9, 13, 10, tzinfo=UTC))),
        (
            ("at", ">=", "2023-09-13T10:00+09:00"),
            ("at", ">=", dt.datetime(2023, 9, 13, 1, tzinfo=UTC)),
        ),
        (("mode", "in", ("air",)), ("mode", "in", ["air"])),
        (("seq", "==", 1), ("seq", "==", 1)),
    ],
)
def test_values_are_given_the_column_type(clause: tuple, typed: tuple) -> None:
    assert typed_filters([clause], SCHEMA, table="t") == [typed]


@pytest.mark.parametrize(
    ("clause", "message"),
    [
        (("day", ">=", "20230913"), "not an ISO date"),
        (("day", ">=", "2023-W37-3"), "not an ISO date"),
        (("day", ">=", "2023-02-30"), "not an ISO date"),
        (("at", ">=", "now"), "not an ISO 8601 date-time"),
        (("at", ">=", ""), "not an ISO 8601 date-time"),
        (("seq", "==", "1"), "write the number itself"),
        (("mode", "in", "rail"), "needs a list"),
        (("mode", "~", "rail"), "unknown operator"),
        (("nope", "==", 1), "has no such column"),
    ],
)
def test_bad_values_name_the_column_and_the_fix(clause: tuple, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        typed_filters([clause], SCHEMA, table="t")


def test_empty_filters_read_everything() -> None:
    assert typed_filters([], SCHEMA, table="t") is None
    assert typed_filters(None, SCHEMA, table="t") is None
