"""country_codes from the pinned state-system lists and the crosswalk: the known traps."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from leadertravel._errors import DataValidationError, SourceInputError
from leadertravel._schema import read_table_schema
from leadertravel.pipeline.panels import (
    CROSSWALK,
    DERIVED_TABLES,
    add_panels,
    country_code_spells,
    find_state_system,
    read_crosswalk,
    read_membership,
)
from leadertravel.pipeline.typed import typed_frame
from leadertravel.pipeline.validate import read_curated

REPO = Path(__file__).resolve().parents[2]
STATES = (REPO / "../shared/sources/state-system").resolve()
SCHEMAS = REPO / "datapackage" / "schemas"


def _membership(directory: Path = STATES) -> pd.DataFrame:
    return read_membership(directory, read_table_schema(SCHEMAS / "system_membership.schema.json"))


@pytest.fixture(scope="module")
def codes() -> pd.DataFrame:
    countries = read_curated(REPO).tables["countries"]
    frame = country_code_spells(countries, read_crosswalk(REPO), _membership())
    return typed_frame(frame, read_table_schema(SCHEMAS / "country_codes.schema.json"))


def on(codes: pd.DataFrame, code: str, day: str) -> tuple[Any, Any]:
    """(COW code, G&W code) of ``code`` on ``day``; None where not a member."""
    when = pd.Timestamp(day)
    rows = codes[
        (codes["code"] == code)
        & (codes["valid_from"] <= when)
        & (codes["valid_to"].isna() | (codes["valid_to"] >= when))
    ]
    assert len(rows) == 1, f"{code} on {day}: {len(rows)} spells"
    row = rows.iloc[0]
    return (
        None if pd.isna(row["cow_code"]) else int(row["cow_code"]),
        None if pd.isna(row["gw_code"]) else int(row["gw_code"]),
    )


def test_the_lists_as_pinned() -> None:
    membership = _membership()
    assert membership.groupby("system").size().to_dict() == {"cow": 243, "gw": 239}
    assert membership["end"].isna().sum() == 195 + 197  # still members (9999-12-31)
    usa = membership[(membership["system"] == "cow") & (membership["state_code"] == 2)]
    assert usa[["abbreviation", "start"]].iloc[0].tolist() == ["USA", pd.Timestamp("1816-01-01")]


def test_spells_tile_time_for_every_code(codes: pd.DataFrame) -> None:
    countries = read_curated(REPO).tables["countries"]
    assert set(codes["code"]) == set(countries["code"])
    for code, rows in codes.groupby("code"):
        assert rows["valid_from"].iloc[0] == pd.Timestamp("1816-01-01"), code
        assert rows["valid_to"].iloc[-1] is pd.NaT, code
        gaps = rows["valid_from"].iloc[1:].to_numpy() - rows["valid_to"].iloc[:-1].to_numpy()
        assert (gaps == pd.Timedelta(days=1)).all(), code
    assert len(codes) == 655  # regression: spells of 282 codes (XHI, Hawaii, added)


def test_germany(codes: pd.DataFrame) -> None:
    assert on(codes, "DEU", "1937-06-01") == (255, 255)
    assert on(codes, "DEU", "1947-01-01") == (None, None)  # occupied
    assert on(codes, "DEU", "1952-01-01") == (None, 260)  # G&W from 1949, COW from 1955
    assert on(codes, "DEU", "1990-10-02") == (260, 260)
    assert on(codes, "DEU", "1990-10-03") == (255, 260)  # reunified: COW 255, G&W 260
    assert on(codes, "DDR", "1980-01-01") == (265, 265)
    assert on(codes, "DDR", "1990-10-03") == (None, None)


def test_serbia_and_yugoslavia(codes: pd.DataFrame) -> None:
    assert on(codes, "YUG", "1980-01-01") == (345, 345)
    assert on(codes, "SCG", "2004-01-01") == (345, 345)
    assert on(codes, "SRB", "1990-01-01") == (345, 345)  # Belgrade in Yugoslavia
    assert on(codes, "SRB", "2006-06-04") == (345, 345)
    assert on(codes, "SRB", "2006-06-05") == (345, 340)
    assert on(codes, "MNE", "2007-01-01") == (341, 341)
    assert on(codes, "YUG", "1943-01-01") == (None, 345)  # occupied: a gap in COW only


def test_soviet_union_and_russia(codes: pd.DataFrame) -> None:
    assert on(codes, "SUN", "1959-09-15") == (365, 365)
    assert on(codes, "RUS", "1959-09-15") == (365, 365)
    assert on(codes, "RUS", "2024-06-18") == (365, 365)
    assert on(codes, "UKR", "1991-12-26") == (369, 369)
    assert on(codes, "UKR", "1991-11-01") == (None, None)  # G&W from 1991-12-01


def test_czechoslovakia(codes: pd.DataFrame) -> None:
    assert on(codes, "CSK", "1992-12-31") == (315, 315)
    assert on(codes, "CSK", "1993-01-01") == (None, None)
    assert on(codes, "CZE", "1993-01-01") == (316, 316)
    assert on(codes, "SVK", "1993-01-01") == (317, 317)
    assert on(codes, "CSK", "1941-01-01") == (None, 315)  # COW: occupied 1939-1945


def test_vietnam(codes: pd.DataFrame) -> None:
    assert on(codes, "VNM", "1966-10-26") == (817, 817)  # South Vietnam
    assert on(codes, "VDR", "1966-10-26") == (816, 816)  # North Vietnam
    assert on(codes, "VNM", "1975-06-01") == (None, None)  # between the fall and unification
    assert on(codes, "VNM", "2000-11-17") == (816, 816)  # unified Vietnam continues 816


def test_korea(codes: pd.DataFrame) -> None:
    assert on(codes, "KOR", "1900-01-01") == (730, 730)
    assert on(codes, "KOR", "1908-01-01") == (None, 730)  # COW ends 1905, G&W 1910
    assert on(codes, "KOR", "1930-01-01") == (None, None)  # colony
    assert on(codes, "KOR", "1948-09-01") == (None, 732)  # G&W 1948-08-15, COW 1949-06-29
    assert on(codes, "KOR", "1953-07-27") == (732, 732)
    assert on(codes, "PRK", "2018-03-25") == (731, 731)
    assert on(codes, "PRK", "1948-09-08") == (None, None)


def test_second_world_war_occupations(codes: pd.DataFrame) -> None:
    assert on(codes, "NLD", "1942-01-01") == (None, 210)  # COW gap 1940-1945, G&W none
    assert on(codes, "NLD", "1945-06-26") == (210, 210)
    assert on(codes, "FRA", "1943-06-01") == (None, 220)
    assert on(codes, "POL", "1941-01-01") == (None, 290)
    assert on(codes, "EST", "1960-01-01") == (None, None)  # annexed 1940-1991 in both


def test_microstates(codes: pd.DataFrame) -> None:
    assert on(codes, "MCO", "1980-01-01") == (None, 221)  # G&W microstate, not COW
    assert on(codes, "MCO", "1993-05-28") == (221, 221)
    assert on(codes, "LIE", "1960-01-01") == (None, 223)
    assert on(codes, "NRU", "2005-01-01") == (970, 971)  # COW 970 is G&W's Kiribati
    assert on(codes, "KIR", "2005-01-01") == (946, 970)
    assert on(codes, "VAT", "2005-01-01") == (None, None)  # in neither list


def test_non_members(codes: pd.DataFrame) -> None:
    for code in ("HKG", "PSE", "PRI", "GRL", "ESH", "MAC", "BMU"):
        assert codes.loc[codes["code"] == code, ["cow_code", "gw_code"]].isna().all().all()
    assert on(codes, "YEM", "1989-01-01") == (678, 678)
    assert on(codes, "YEM", "1991-01-01") == (679, 678)  # unified Yemen: COW 679, G&W 678


def _project(tmp_path: Path, crosswalk: str) -> Path:
    root = tmp_path / "root"
    shutil.copytree(REPO / "data" / "reference", root / "data" / "reference")
    (root / CROSSWALK).write_text(crosswalk, encoding="utf-8")
    return root


def test_crosswalk_problems_one_line_each(tmp_path: Path) -> None:
    text = (REPO / CROSSWALK).read_text(encoding="utf-8")
    text += "QQQ,2,2,,,\nUSA,2,2,1990-01-01,1980-01-01,\nFRA,221,9999,,,\n"
    from leadertravel.pipeline.panels._inputs import check_crosswalk

    countries = read_curated(REPO).tables["countries"]
    crosswalk = read_crosswalk(_project(tmp_path, text))
    problems = check_crosswalk(crosswalk, countries, _membership())
    lines = sum(1 for _ in text.splitlines())
    got = {(p.row, p.field, p.rule, p.value) for p in problems}
    assert got == {
        (lines - 2, "code", "foreign-key", "QQQ"),
        (lines - 1, "valid_to", "period", "1980-01-01"),
        (lines - 1, "valid_from", "period-overlap", "USA"),
        (lines, "gw_code", "state-code", "9999"),
        (lines, "valid_from", "period-overlap", "FRA"),
    }
    assert all(p.file == CROSSWALK for p in problems)


@pytest.fixture(scope="module")
def curated() -> Any:
    return read_curated(REPO)


def _tables(curated: Any) -> dict[str, pd.DataFrame]:
    return {name: frame.reset_index(drop=True) for name, frame in curated.tables.items()}


def test_a_changed_list_is_refused(tmp_path: Path, curated: Any) -> None:
    sources = tmp_path / "sources"
    shutil.copytree(STATES, sources / "state-system")
    (sources / "history-state-travels").mkdir()
    changed = sources / "state-system" / "cowstates.csv"
    changed.chmod(0o644)
    changed.write_text(changed.read_text().replace("2,USA,", "2,USX,", 1))
    with pytest.raises(SourceInputError, match=r"cowstates\.csv: sha256 .* differs from the pin"):
        add_panels(
            REPO, _tables(curated), curated.schemas, {}, {},
            sources=sources / "history-state-travels",
        )  # fmt: skip


def test_without_the_lists_the_derived_tables_are_left_out(
    curated: Any, caplog: pytest.LogCaptureFixture
) -> None:
    assert find_state_system(None) is None
    done = add_panels(REPO, _tables(curated), curated.schemas, {}, {}, sources=None)
    assert not set(DERIVED_TABLES) & set(done.tables)
    assert "leaves out system_membership" in caplog.text
    # the curated build holds curated records only: the imported sources' claims go
    assert set(done.tables["coverage"]["source"]) == {"curated"}


def test_bad_coverage_claims(curated: Any) -> None:
    tables = _tables(curated)
    coverage = tables["coverage"].copy()
    coverage.loc[0, "covered_to"] = pd.Timestamp("1990-01-01")
    coverage.loc[1, "origin_country_code"] = "RUS"
    tables["coverage"] = coverage
    with pytest.raises(DataValidationError) as err:
        add_panels(REPO, tables, curated.schemas, {}, {}, sources=None)
    found = {(p.file, p.row, p.field, p.rule) for p in err.value.problems}
    file = "datapackage/data/reference/coverage.csv"  # the descriptor's path for the resource
    assert found == {
        (file, 2, "covered_to", "coverage-period"),
        (file, 3, "origin_country_code", "coverage-leader-country"),
    }


def test_crosswalk_breaking_its_schema(tmp_path: Path) -> None:
    text = (REPO / CROSSWALK).read_text(encoding="utf-8") + "usa,two,2,1990-13-01,,\n"
    with pytest.raises(DataValidationError) as err:
        read_crosswalk(_project(tmp_path, text))
    row = len(text.splitlines())
    found = {(p.file, p.row, p.field) for p in err.value.problems}
    assert found == {(CROSSWALK, row, "code"), (CROSSWALK, row, "cow_code"),
                     (CROSSWALK, row, "valid_from")}  # fmt: skip
