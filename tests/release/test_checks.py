"""The vectorized checks flag the same rows and rules as frictionless on the same inputs."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from leadertravel._schema import read_table_schema
from leadertravel.pipeline.checks import check_tables
from leadertravel.pipeline.curated import read_csv

REPO = Path(__file__).resolve().parents[2]

COUNTRIES = """code,name,alpha_2,numeric,status,valid_from,valid_to,remarks
PRK,North Korea,KP,408,iso-3166-1,,,
RUS,Russia,RU,643,iso-3166-1,,,
SUN,USSR,SU,810,iso-3166-3,1922-12-30,1991-12-26,
usa,United States,US,840,iso-3166-1,,,
DDR,East Germany,DD,278,iso-3166-3,1949-10-07,19901003,
XKX,Kosovo,XK,,nation,2008-02-17,,
RUS,Russia again,RU,643,iso-3166-1,,,
"""
SOURCES = """source_id,publisher,title,published,url,license,kind,remarks
reuters-2023-09-13-putin-kim,Reuters,Putin and Kim meet,2023-09-13,https://example.org/a,,news_report,
kcna-2023,KCNA,,2023-09-14,not a url,,official_statement,
tass-2023,TASS,Visit ends,2023-13-01,,,wire,
"""
LEADERS = """leader_id,name,country_code,wikidata_id,origin,remarks
kim-jong-un,Kim Jong Un,PRK,Q56226,curated,
putin-vladimir,Vladimir Putin,RUS,56226,curated,
Bad_Id,Someone,FRA,,curated,
kim-jong-un,Kim again,PRK,,curated,
"""
TRIPS = "\n".join(
    [
        "trip_id,leader_id,office,office_title,start_date,end_date,visit_type,title,"
        "in_office,grouped_by_rule,origin,confidence,remarks",
        "kim-jong-un-2023-09-10,kim-jong-un,head_of_state,Chairman,2023-09-10,2023-09-17,"
        "working_visit,Train to Russia,true,false,curated,high,",
        "kim-jong-un-2019-04-24,kim-jong-un,head_of_state,Chairman,2019-04-24,2019-04-26,"
        "summit,,yes,false,curated,certain,",
        "putin-vladimir-2024-06-18,nobody-here,head_of_state,President,2024-06-18,,"
        "state_visit,,,false,curated,high,",
        ",putin-vladimir,leader,President,2024-06-19,2024-06-19,state_visit,,,,curated,high,",
        "",
    ]
)
CITATIONS = """table_name,record_id,source_id,supports
trips,kim-jong-un-2023-09-10,reuters-2023-09-13-putin-kim,
trips,kim-jong-un-2023-09-10,reuters-2023-09-13-putin-kim,dates
trips,kim-jong-un-2023-09-10,kcna-2023,
towns,kim-jong-un-2023-09-10,missing-source,
"""
FILES = {
    "countries": COUNTRIES,
    "sources": SOURCES,
    "leaders": LEADERS,
    "trips": TRIPS,
    "citations": CITATIONS,
}
# The rows and rules frictionless reports for these fixtures (pinned so that a change
# in either validator shows up here, not only as a disagreement between them).
EXPECTED = {
    ("countries", 5, "code", "constraint-error"),  # pattern: lowercase usa
    ("countries", 6, "valid_to", "type-error"),  # 19901003
    ("countries", 7, "status", "constraint-error"),  # enum
    ("countries", 8, "code", "unique-error"),
    ("countries", 8, None, "primary-key"),
    ("sources", 3, "title", "constraint-error"),  # required
    ("sources", 3, "url", "type-error"),  # format uri
    ("sources", 4, "published", "type-error"),
    ("sources", 4, "kind", "constraint-error"),
    ("leaders", 3, "wikidata_id", "constraint-error"),
    ("leaders", 4, "leader_id", "constraint-error"),
    ("leaders", 4, None, "foreign-key"),  # FRA not in countries
    ("leaders", 5, "leader_id", "unique-error"),
    ("leaders", 5, None, "primary-key"),
    ("trips", 3, "in_office", "type-error"),
    ("trips", 3, "confidence", "constraint-error"),
    ("trips", 4, "end_date", "constraint-error"),
    ("trips", 4, None, "foreign-key"),
    ("trips", 5, "trip_id", "constraint-error"),
    ("trips", 5, "office", "constraint-error"),
    ("trips", 5, "grouped_by_rule", "constraint-error"),
    ("trips", 5, None, "primary-key"),
    ("citations", 3, None, "primary-key"),
    ("citations", 5, "table_name", "constraint-error"),
    ("citations", 5, None, "foreign-key"),
}


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("package")
    resources = []
    for name, text in FILES.items():
        (base / f"{name}.csv").write_text(text, encoding="utf-8")
        shutil.copy(REPO / "datapackage" / "schemas" / f"{name}.schema.json", base)
        resources.append(
            {
                "name": name,
                "path": f"{name}.csv",
                "profile": "tabular-data-resource",
                "schema": f"{name}.schema.json",
            }
        )
    descriptor = {"name": "bad-fixtures", "resources": resources}
    (base / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    return base


# frictionless names no field for key problems; ours name the key's fields
_KEYS = ("primary-key", "foreign-key")


def _frictionless(package: Path) -> set[tuple[str, int | None, str | None, str]]:
    import frictionless

    report = frictionless.validate(str(package / "datapackage.json"))
    assert not report.errors, report.errors
    return {
        (task.name, err.row_number, getattr(err, "field_name", None), err.type)
        for task in report.tasks
        for err in task.errors
    }


def _vectorized(package: Path) -> set[tuple[str, int | None, str | None, str]]:
    tables, locations, schemas = {}, {}, {}
    for name in FILES:
        read = read_csv(package / f"{name}.csv", file=name)
        assert read.problems == []
        tables[name], locations[name] = read.table, read.location
        schemas[name] = read_table_schema(package / f"{name}.schema.json")
    result = check_tables(tables, schemas, locations=locations)
    for p in result.problems:  # every line names a field, and a value where there is one
        assert p.field, p
        assert p.value is not None, p
    return {(p.file, p.row, None if p.rule in _KEYS else p.field, p.rule) for p in result.problems}


def test_same_rows_and_rules_as_frictionless(package: Path) -> None:
    ours = _vectorized(package)
    theirs = _frictionless(package)
    assert ours == theirs, {"only ours": ours - theirs, "only frictionless": theirs - ours}
    assert ours == EXPECTED


def test_valid_csv_gives_typed_tables_and_no_problems() -> None:
    path = REPO / "data" / "reference" / "countries.csv"
    read = read_csv(path, file="countries.csv")
    schema = read_table_schema(REPO / "datapackage" / "schemas" / "countries.schema.json")
    result = check_tables(
        {"countries": read.table}, {"countries": schema}, locations={"countries": read.location}
    )
    assert result.problems == []
    typed = result.tables["countries"]
    assert str(typed.schema.field("valid_to").type) == "date32[day]"
    assert typed.num_rows == len(path.read_text().splitlines()) - 1


def _plain_repeated(rows: list[tuple[object, ...]]) -> list[bool]:
    """The definition: a row repeats when an earlier row has the same values."""
    seen: set[tuple[object, ...]] = set()
    out = []
    for row in rows:
        out.append(row in seen)
        seen.add(row)
    return out


def test_repeated_agrees_with_the_plain_definition_on_the_curated_tables() -> None:
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    from leadertravel.pipeline.checks._keys import _rows_in_order, repeated
    from leadertravel.pipeline.typed import to_arrow
    from leadertravel.pipeline.validate import check_curated

    curated = check_curated(REPO)
    assert curated.problems == []
    rng = np.random.default_rng(16)
    checked = in_order = 0
    for name, frame in curated.tables.items():
        key = list(curated.schemas[name].get("primaryKey") or [])
        for columns in [[c] for c in frame.columns] + [key, key[::-1]]:
            arrays = [to_arrow(frame[c]) for c in columns]
            # as read (sorted keys take the fast path), and with rows repeated, shuffled
            again = pa.array(rng.integers(0, len(frame), size=len(frame) // 2 + 1))
            order = pa.array(rng.permutation(len(frame) + len(again)))
            mixed = [pa.concat_arrays([a, a.take(again)]).take(order) for a in arrays]
            # and sorted with the repeats next to each other (the in-order fast path)
            table = pa.table({str(i): a for i, a in enumerate(mixed)})
            by = pc.sort_indices(table, [(str(i), "ascending") for i in range(len(mixed))])
            ordered = [c.combine_chunks() for c in table.take(by).columns]
            in_order += len(ordered) > 1 and _rows_in_order(ordered)
            for case in (arrays, mixed, ordered):
                rows = list(zip(*(a.to_pylist() for a in case), strict=True))
                assert repeated(case).tolist() == _plain_repeated(rows), (name, columns)
                checked += 1
    assert checked > 300
    assert in_order >= 2  # keys of several fields took the fast path


def test_find_by_search_agrees_with_index_in_on_the_curated_tables(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import pyarrow as pa
    import pyarrow.compute as pc

    from leadertravel.pipeline.checks import _keys
    from leadertravel.pipeline.typed import to_arrow
    from leadertravel.pipeline.validate import check_curated

    monkeypatch.setattr(_keys, "SEARCH_FROM", 0)  # search however few the keys
    curated = check_curated(REPO)
    searched = 0
    for name, schema in curated.schemas.items():
        for fk in schema.get("foreignKeys") or []:
            (field,), (key,) = _keys._fields(fk["fields"]), _keys._fields(fk["reference"]["fields"])
            target = fk["reference"]["resource"]
            keys = pc.unique(to_arrow(curated.tables[target][key])).drop_null().sort()
            values = to_arrow(curated.tables[name][field]).drop_null()
            # in order, with values no key has between and after them
            values = pa.concat_arrays([values, pa.array(["0", "zzz", "m-"], values.type)])
            values = values.sort()
            assert _keys._in_order(keys, strictly=True) and _keys._in_order(values, strictly=False)
            found = _keys.find(values, keys)
            assert found.equals(pc.index_in(values, value_set=keys)), (name, fk)
            assert found.null_count >= 3
            searched += 1
    assert searched >= 10
