"""A broken descriptor or Table Schema is one problem line, not a traceback."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from leadertravel._cli import main

from .conftest import MiniPackage


@pytest.mark.parametrize(
    ("edit", "words"),
    [
        (lambda s: {**s, "fields": "trip_id"}, "needs a list of 'fields'"),
        (lambda s: {**s, "primaryKey": ["no_such_field"]}, "names fields it does not have"),
        (
            lambda s: {**s, "fields": [{**s["fields"][0], "type": "duration"}, *s["fields"][1:]]},
            "duration",
        ),
    ],
)
def test_a_table_schema_the_build_cannot_apply_is_one_line(
    edit: object, words: str, mini_package: MiniPackage, capsys: pytest.CaptureFixture[str]
) -> None:
    root = mini_package()
    path = root / "datapackage" / "schemas" / "trips.schema.json"
    schema = json.loads(path.read_text())
    path.write_text(json.dumps(edit(schema)))  # type: ignore[operator]
    assert main(["validate", "--root", str(root)]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 1, lines  # no knock-on lines from the tables referring to trips
    assert lines[0].startswith("datapackage/schemas/trips.schema.json: [source-error]")
    assert words in lines[0]


def test_a_descriptor_that_is_not_json_is_one_line(
    mini_package: MiniPackage, caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str]
) -> None:
    root = mini_package()
    (root / "datapackage" / "datapackage.json").write_text("{not json")
    build = ["build", "--no-sources", "--root", str(root), "--releases", str(root / "r")]
    for argv in (["validate", "--root", str(root)], build):
        assert main(argv) == 1
        out = capsys.readouterr().out.splitlines()
        assert len(out) == 1 and "[source-error]" in out[0], out
    assert not Path(root / "r").exists()
