"""Each rule of the validator fails on exactly the input that breaks it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from leadertravel._problems import Problem
from leadertravel.pipeline.validate import validate_package

from .conftest import ROWS, TRIP, MiniPackage

Rows = dict[str, list[dict[str, str]]]


def _problems(mini_package: MiniPackage, edit: Callable[[Rows], None] | None) -> list[Problem]:
    return validate_package(mini_package(edit))


def test_minimal_package_is_valid(mini_package: MiniPackage) -> None:
    assert _problems(mini_package, None) == []


def _set(table: str, i: int, **values: str) -> Callable[[Rows], None]:
    def edit(rows: Rows) -> None:
        rows[table][i].update(values)

    return edit


# (edit, file, row, field, rule) — row is the CSV line (header = 1).
CASES = {
    "type": (
        _set("legs", 0, distance_km="far"),
        "data/curated/legs.csv",
        2,
        "distance_km",
        "type-error",
    ),
    "enum": (
        _set("legs", 1, transport_mode="teleport"),
        "data/curated/legs.csv",
        3,
        "transport_mode",
        "constraint-error",
    ),
    "pattern": (
        _set("leaders", 0, country_code="prk"),
        "data/curated/leaders.csv",
        2,
        "country_code",
        "constraint-error",
    ),
    "required": (
        _set("trips", 0, office_title=""),
        "data/curated/trips.csv",
        2,
        "office_title",
        "constraint-error",
    ),
    "range": (
        _set("places", 1, lat="95"),
        "data/curated/places.csv",
        3,
        "lat",
        "constraint-error",
    ),
    "fk-dangling": (
        _set("stops", 0, place_id="rus-nowhere"),
        "data/curated/stops.csv",
        2,
        None,
        "foreign-key",
    ),
    "trip-dates": (
        _set("trips", 0, end_date="2020-01-09"),
        "data/curated/trips.csv",
        2,
        "end_date",
        "trip-dates",
    ),
    "stop-dates": (
        _set("stops", 0, departure_date="2020-01-10"),
        "data/curated/stops.csv",
        2,
        "departure_date",
        "stop-dates",
    ),
    "leg-dates": (
        _set("legs", 1, arrive_date="2020-01-12"),
        "data/curated/legs.csv",
        3,
        "arrive_date",
        "leg-dates",
    ),
    "stop-within-trip": (
        _set("stops", 0, arrival_date="2020-01-09"),
        "data/curated/stops.csv",
        2,
        "arrival_date",
        "within-trip",
    ),
    "leg-within-trip": (
        _set("legs", 1, arrive_date="2020-01-15"),
        "data/curated/legs.csv",
        3,
        "arrive_date",
        "within-trip",
    ),
    "crossing-within-trip": (
        _set("border_crossings", 0, crossed_on="2019-12-31"),
        "data/curated/border_crossings.csv",
        2,
        "crossed_on",
        "within-trip",
    ),
    "seq-gap": (
        _set("legs", 1, seq="3"),
        "data/curated/legs.csv",
        3,
        "seq",
        "seq",
    ),
    "leg-chain": (
        _set("legs", 1, from_place_id="prk-home", from_country_code="PRK"),
        "data/curated/legs.csv",
        2,
        "to_place_id",
        "leg-chain",
    ),
    "crossing-countries": (
        _set("border_crossings", 1, from_country_code="CHN"),
        "data/curated/border_crossings.csv",
        3,
        "from_country_code",
        "crossing-countries",
    ),
    "cites-source": (
        lambda rows: rows["citations"].pop(
            next(i for i, c in enumerate(rows["citations"]) if c["table_name"] == "stops")
        ),
        "data/curated/stops.csv",
        2,
        "stop_id",
        "cites-source",
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_each_rule_reports_its_location(mini_package: MiniPackage, case: str) -> None:
    edit, file, row, field, rule = CASES[case]
    problems = _problems(mini_package, edit)
    hits = [p for p in problems if p.rule == rule and p.file == file and p.row == row]
    assert hits, f"expected {rule} at {file}:{row}; got {[str(p) for p in problems]}"
    if field is not None:
        assert hits[0].field == field
    assert str(hits[0]).startswith(f"{file}:{row}:")


def test_pk_duplicate_is_reported(mini_package: MiniPackage) -> None:
    def edit(rows: Rows) -> None:
        rows["places"].append(dict(rows["places"][0]))

    problems = _problems(mini_package, edit)
    assert any(
        p.rule == "primary-key" and p.file == "data/curated/places.csv" and p.row == 4
        for p in problems
    ), [str(p) for p in problems]


def test_overlapping_trips_of_one_leader(mini_package: MiniPackage) -> None:
    def edit(rows: Rows) -> None:
        second = dict(
            rows["trips"][0],
            trip_id="test-leader-2020-01-12",
            start_date="2020-01-12",
            end_date="2020-01-20",
        )
        rows["trips"].append(second)
        rows["citations"].append(
            {
                "table_name": "trips",
                "record_id": second["trip_id"],
                "source_id": "test-source",
                "supports": "",
            }
        )

    problems = _problems(mini_package, edit)
    overlap = [p for p in problems if p.rule == "trip-overlap"]
    assert [(p.file, p.row, p.field) for p in overlap] == [
        ("data/curated/trips.csv", 3, "start_date")
    ]
    assert TRIP in overlap[0].message


def test_legs_must_follow_stops(mini_package: MiniPackage) -> None:
    def edit(rows: Rows) -> None:
        rows["legs"][0]["to_place_id"] = "prk-home"
        rows["legs"][0]["to_country_code"] = "PRK"
        rows["legs"][1]["from_place_id"] = "prk-home"
        rows["legs"][1]["from_country_code"] = "PRK"
        rows["border_crossings"][0]["to_country_code"] = "PRK"

    problems = _problems(mini_package, edit)
    assert any(p.rule == "legs-follow-stops" and p.row == 2 for p in problems)


def test_every_problem_is_reported_in_one_run(mini_package: MiniPackage) -> None:
    def edit(rows: Rows) -> None:
        rows["trips"][0]["end_date"] = "2020-01-09"
        rows["legs"][0]["transport_mode"] = "teleport"
        rows["places"][0]["lon"] = "200"

    rules = {p.rule for p in _problems(mini_package, edit)}
    assert {"trip-dates", "constraint-error"} <= rules


def test_dangling_citation(mini_package: MiniPackage) -> None:
    def edit(rows: Rows) -> None:
        rows["citations"].append(
            {
                "table_name": "legs",
                "record_id": "no-such-leg",
                "source_id": "test-source",
                "supports": "",
            }
        )

    problems = _problems(mini_package, edit)
    assert [(p.rule, p.row) for p in problems if p.rule == "citation-target"] == [
        ("citation-target", len(ROWS["citations"]) + 2)
    ]


def test_shipped_package_validates(repo_root: Path) -> None:
    problems = validate_package(repo_root)
    assert problems == [], "\n".join(map(str, problems))


def test_integer_beyond_int64_is_reported_like_the_build_would(mini_package: MiniPackage) -> None:
    problems = _problems(mini_package, _set("places", 0, geonames_id="99999999999999999999"))
    hits = [p for p in problems if p.file == "data/curated/places.csv" and p.row == 2]
    assert [(p.field, p.rule, p.value) for p in hits] == [
        ("geonames_id", "type-error", "99999999999999999999")
    ]


def test_citation_rules_agree_with_the_plain_definition_on_the_curated_tables(
    repo_root: Path,
) -> None:
    """With citations dropped and others naming no record, the two citation rules report
    exactly the rows that sets of ids (the rules' definition) give."""
    import numpy as np
    import pandas as pd

    from leadertravel.pipeline.rules import check_rules
    from leadertravel.pipeline.validate import check_curated

    curated = check_curated(repo_root)
    tables = dict(curated.tables)
    cited = tables["citations"]
    dangling = cited.head(5).assign(record_id=pd.array([f"no-{i}" for i in range(5)], "string"))
    cited = pd.concat([cited[np.arange(len(cited)) % 7 != 3], dangling], ignore_index=True)
    tables["citations"] = cited
    found = check_rules(tables, curated.schemas)
    uncited, targets = set(), set()
    for name in cited["table_name"].cat.categories:
        key = curated.schemas[name]["primaryKey"][0]
        frame, mine = tables[name], cited[cited["table_name"] == name]
        fields = {f["name"] for f in curated.schemas[name]["fields"]}
        if "origin" in fields and "source_id" not in fields:
            ids = set(mine["record_id"])
            rows = frame[frame["origin"] == "curated"]
            uncited |= {(name, str(k)) for k in rows[key] if k not in ids}
        keys = set(frame[key])
        targets |= {(name, str(r)) for r in mine["record_id"] if r not in keys}
    assert len(uncited) > 10 and len(targets) == 5
    got = {
        (p.file.split("/")[-1].removesuffix(".csv"), p.value)
        for p in found
        if p.rule == "cites-source"
    }
    assert got == uncited
    assert {p.value for p in found if p.rule == "citation-target"} == {t[1] for t in targets}


def test_legs_follow_stops_agrees_with_a_plain_join_on_the_curated_tables(
    repo_root: Path,
) -> None:
    """Legs moved off their stops are reported with the stop they miss, as a join of legs
    and stops on (trip_id, seq) gives them (the rule joins only the pairs that differ)."""
    import pandas as pd

    from leadertravel.pipeline.rules import check_rules
    from leadertravel.pipeline.validate import check_curated

    curated = check_curated(repo_root)
    tables = dict(curated.tables)
    legs = tables["legs"].copy()
    moved = legs.index[legs["seq"] > 1][::3][:20]
    legs.loc[moved, "to_place_id"] = "nowhere"
    tables["legs"] = legs
    found = [p for p in check_rules(tables, curated.schemas) if p.rule == "legs-follow-stops"]
    stops = tables["stops"]
    pairs = legs.reset_index().merge(stops, on=["trip_id", "seq"], suffixes=("", "_stop"))
    pairs = pairs[
        (pairs["to_place_id"] != pairs["place_id"]).fillna(True)
        | (pairs["to_country_code"] != pairs["country_code"]).fillna(True)
    ]
    expected = sorted(
        f"leg {r.seq} ends at {r.to_place_id} ({r.to_country_code}) but stop {r.stop_id} is "
        f"at {r.place_id} ({r.country_code})"
        for r in pairs.itertuples()
        if pd.notna(r.place_id) or pd.notna(r.to_place_id)
    )
    assert len(expected) >= 5
    ours = [p.message.split(": ", 1)[1] for p in found if p.field == "to_place_id"]
    assert sorted(ours) == expected
