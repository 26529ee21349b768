"""``leadertravel export``: CSV, Excel and Stata files that keep the types and descriptions."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

import leadertravel as lt
from leadertravel._cli import main
from leadertravel._export import STATA_LABEL, stata_label
from leadertravel.pipeline.release.builder import write_release


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory, tiny: Any) -> Path:
    root = tmp_path_factory.mktemp("export") / "releases"
    write_release(tiny, releases=root)
    return root


@pytest.fixture
def export(root: Path, tmp_path: Path) -> Any:
    def run(table: str, fmt: str) -> Path:
        out = tmp_path / f"{table}.{fmt}"
        argv = ["export", table, "--format", fmt, "-o", str(out), "--source", str(root)]
        assert main([*argv, "--cache-dir", str(tmp_path / "cache")]) == 0
        return out

    return run


def _manifest(root: Path, table: str) -> dict[str, Any]:
    manifest = json.loads((root / "0.1.0" / "datapackage.json").read_text())
    return dict(next(r for r in manifest["resources"] if r["name"] == table))


def _loaded(root: Path, table: str, tmp_path: Path) -> pd.DataFrame:
    return lt.load(table, source=root, cache_dir=tmp_path / "cache")


@pytest.mark.parametrize("table", ["legs", "places", "trips"])
def test_csv_with_its_table_schema_is_valid_for_frictionless(
    root: Path, export: Any, tmp_path: Path, table: str
) -> None:
    import frictionless

    path = export(table, "csv")
    schema = path.with_name(f"{table}.schema.json")
    report = frictionless.validate(
        frictionless.Resource(path=path.name, basepath=str(path.parent), schema=schema.name)
    )
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])[:10]
    assert report.tasks[0].stats["rows"] == _manifest(root, table)["rows"]
    back = pd.read_csv(path, dtype=str, keep_default_na=False)
    frame = _loaded(root, table, tmp_path)
    assert list(back.columns) == list(frame.columns)
    fields = {f["name"]: f for f in _manifest(root, table)["schema"]["fields"]}
    for name, field in fields.items():
        if field.get("type") == "date":
            want = frame[name].dt.strftime("%Y-%m-%d").fillna("")
            assert back[name].tolist() == want.tolist(), name
        elif field.get("type") == "boolean":
            want = frame[name].map({True: "true", False: "false"}).fillna("")
            assert back[name].tolist() == want.tolist(), name


def test_xlsx_has_typed_cells_descriptions_and_a_fields_sheet(
    root: Path, export: Any, tmp_path: Path
) -> None:
    from openpyxl import load_workbook

    path = export("legs", "xlsx")
    book = load_workbook(path)
    assert book.sheetnames == ["data", "fields"]
    data = book["data"]
    fields = _manifest(root, "legs")["schema"]["fields"]
    header = [c.value for c in data[1]]
    assert header == [f["name"] for f in fields]
    for cell, field in zip(data[1], fields, strict=True):
        assert cell.comment is not None and field["description"] in cell.comment.text
    frame = _loaded(root, "legs", tmp_path)
    assert data.max_row == len(frame) + 1
    column = {name: i for i, name in enumerate(header)}
    first = [c.value for c in data[2]]
    assert first[column["seq"]] == int(frame["seq"].iloc[0])
    assert isinstance(first[column["mode_inferred"]], bool)
    dates = [r[column["arrive_date"]].value for r in data.iter_rows(min_row=2)]
    assert all(v is None or isinstance(v, dt.datetime) for v in dates)
    assert sum(v is not None for v in dates) == frame["arrive_date"].notna().sum()
    distances = [r[column["distance_km"]].value for r in data.iter_rows(min_row=2)]
    assert sum(v is None for v in distances) == frame["distance_km"].isna().sum() > 0
    about = list(book["fields"].iter_rows(values_only=True))
    assert about[0] == ("field", "type", "required", "vocabulary", "description")
    assert [r[0] for r in about[1:]] == header
    mode = next(r for r in about if r[0] == "transport_mode")
    assert mode[3] == "air, helicopter, rail, road, sea, foot, unknown"


def test_stata_has_variable_labels_value_labels_and_dates(
    root: Path, export: Any, tmp_path: Path
) -> None:
    path = export("legs", "dta")
    fields = {f["name"]: f for f in _manifest(root, "legs")["schema"]["fields"]}
    with pd.io.stata.StataReader(path) as reader:
        labels = reader.variable_labels()
        values = reader.value_labels()
        data_label = reader.data_label
        back = reader.read()
    assert labels == {n: stata_label(f["description"]) for n, f in fields.items()}
    assert all(0 < len(label) <= STATA_LABEL for label in labels.values())
    assert data_label == stata_label(_manifest(root, "legs")["description"])
    frame = _loaded(root, "legs", tmp_path)
    assert len(back) == len(frame)
    modes = back["transport_mode"]
    assert isinstance(modes.dtype, pd.CategoricalDtype)
    vocabulary = fields["transport_mode"]["constraints"]["enum"]
    assert list(values["transport_mode"].values()) == vocabulary  # the whole enum, in order
    assert modes.astype(str).tolist() == frame["transport_mode"].astype(str).tolist()
    assert pd.api.types.is_datetime64_any_dtype(back["arrive_date"])
    for name in ("arrive_date", "depart_date"):
        got = back[name].dt.strftime("%Y-%m-%d").fillna("").tolist()
        assert got == frame[name].dt.strftime("%Y-%m-%d").fillna("").tolist(), name
    assert back["seq"].tolist() == frame["seq"].tolist()


def test_export_errors_are_one_line(root: Path, tmp_path: Path, capsys: Any) -> None:
    argv = ["export", "nosuchtable", "--format", "csv", "--source", str(root)]
    assert main([*argv, "--cache-dir", str(tmp_path / "cache")]) == 1
    with pytest.raises(SystemExit):
        main(["export", "legs", "--format", "sav", "--source", str(root)])
    assert not list(tmp_path.glob("*.csv"))
