"""Bad inputs give clear errors naming the file, element and value."""

from __future__ import annotations

from pathlib import Path

import pytest

from leadertravel._errors import SourceInputError
from leadertravel.pipeline.importers.historian import import_historian
from leadertravel.pipeline.pins import pins_path, write_pins

BIDEN = "president-travels/biden-joseph-r.xml"


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_missing_directory(tmp_path: Path, scratch: tuple[Path, Path]) -> None:
    _, root = scratch
    missing = tmp_path / "nowhere"
    with pytest.raises(SourceInputError, match=r"nowhere does not exist.*--sources"):
        import_historian(missing, root=root)


def test_changed_file_fails_the_pin(scratch: tuple[Path, Path]) -> None:
    sources, root = scratch
    _edit(sources / BIDEN, "<locale>Brussels</locale>", "<locale>Antwerp</locale>")
    with pytest.raises(SourceInputError, match=r"biden-joseph-r\.xml: sha256 [0-9a-f]{64} differs"):
        import_historian(sources, root=root)


def test_missing_and_unpinned_files(scratch: tuple[Path, Path]) -> None:
    sources, root = scratch
    (sources / "secretary-travels" / "extra.xml").write_text("<trips/>", encoding="utf-8")
    with pytest.raises(SourceInputError, match=r"extra\.xml: not pinned"):
        import_historian(sources, root=root)
    (sources / "secretary-travels" / "extra.xml").unlink()
    (sources / BIDEN).unlink()
    with pytest.raises(SourceInputError, match=r"biden-joseph-r\.xml: pinned .* but missing"):
        import_historian(sources, root=root)


@pytest.mark.parametrize(
    ("old", "new", "error"),
    [
        pytest.param(
            "<locale>Brussels</locale>",
            "<locale>Brussels</locle>",
            r"biden-joseph-r\.xml: malformed XML at line \d+",
            id="malformed-xml-names-file-and-position",
        ),
        pytest.param(
            "<start-date>2021-06-13</start-date>",
            "",
            r"biden-joseph-r\.xml: <trip> id 4114 has no <start-date>",
            id="missing-element-names-record",
        ),
        pytest.param(
            "<end-date>2021-06-15</end-date>",
            "<end-date>2021-06-31</end-date>",
            r"id 4114 <end-date> is '2021-06-31'",
            id="bad-date-names-record-and-value",
        ),
        pytest.param(
            "<end-date>2021-06-15</end-date>",
            "<end-date>20210615</end-date>",
            r"id 4114 <end-date> is '20210615'; expected an ISO date YYYY-MM-DD",
            id="basic-format-date-is-refused",  # date.fromisoformat alone accepts it
        ),
        pytest.param(
            '<country id="belgium">',
            '<country id="atlantis">',
            r"president-travels/biden-joseph-r\.xml: <trip> id 4114: unknown country slug "
            r"'atlantis'.*country_map\.csv",
            id="unknown-slug-names-slug-record-and-file",
        ),
    ],
)
def test_bad_record_is_named(scratch: tuple[Path, Path], old: str, new: str, error: str) -> None:
    sources, root = scratch
    _edit(sources / BIDEN, old, new)
    write_pins(
        sources, pins_path(root, "history-state-travels")
    )  # pinned as changed: the reader must say what is wrong
    with pytest.raises(SourceInputError, match=error):
        import_historian(sources, root=root)


@pytest.mark.parametrize(
    ("old", "new", "error"),
    [
        pytest.param(
            "german-democratic-republic,,,1990-10-03,DDR",
            "german-democratic-republic,,,1970-01-01,DDR",
            r"no row .* for slug 'german-democratic-republic'",
            id="slug-without-a-rule-for-the-date",
        ),
        pytest.param(
            "antarctica,,,,ATA",
            "antarctica,,,,BLX",
            r"country_map\.csv:\d+: code 'BLX' for slug 'antarctica'",
            id="country-map-code-must-exist",
        ),
    ],
)
def test_bad_country_map_row_is_named(
    scratch: tuple[Path, Path], old: str, new: str, error: str
) -> None:
    sources, root = scratch
    _edit(root / "data" / "historian" / "country_map.csv", old, new)
    with pytest.raises(SourceInputError, match=error):
        import_historian(sources, root=root)


@pytest.mark.parametrize(
    ("row", "error"),
    [
        ('99999,Rayak,"A note."', r"stop_notes\.csv:4: record_id '99999' is not a source record"),
        ('996,Beirut,"A note."', r"stop_notes\.csv:4: locality 'Beirut' is not one of record 996"),
        # a substring of a place ("Ray" in "Rayak") would never be attached to a stop
        ('996,Ray,"A note."', r"stop_notes\.csv:4: locality 'Ray' is not one of record 996"),
        # a record merged into another has no stop of its own (Blinken 4019 → 3992)
        ('4019,,"A note."', r"stop_notes\.csv:4: record 4019 was merged into another record"),
    ],
)
def test_bad_stop_note(scratch: tuple[Path, Path], row: str, error: str) -> None:
    sources, root = scratch
    notes = root / "data/historian/stop_notes.csv"
    notes.write_text(notes.read_text(encoding="utf-8") + row + "\n", encoding="utf-8")
    with pytest.raises(SourceInputError, match=error):
        import_historian(sources, root=root)


@pytest.mark.parametrize("name", ["stop_notes.csv", "locale_exceptions.csv"])
def test_wrong_header_of_a_curated_input_is_one_problem(
    scratch: tuple[Path, Path], name: str
) -> None:
    """A renamed column is named with the expected header (it once raised a bare KeyError)."""
    sources, root = scratch
    path = root / "data" / "historian" / name
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("renamed," + lines[0].split(",", 1)[1] + "".join(lines[1:]), encoding="utf-8")
    with pytest.raises(SourceInputError, match=rf"{name}: columns \['renamed', .* differ from"):
        import_historian(sources, root=root)


def test_namesake_next_to_the_visit_wins_without_a_curated_pin(
    scratch: tuple[Path, Path],
) -> None:
    """Without the Valkenburg row, the rule still avoids Valkenburg in South Holland."""
    sources, root = scratch
    gazetteer = root / "data/historian/gazetteer.csv"
    lines = gazetteer.read_text(encoding="utf-8").splitlines(keepends=True)
    kept = [line for line in lines if not line.startswith("NLD,Valkenburg,")]
    assert len(kept) == len(lines) - 1
    gazetteer.write_text("".join(kept), encoding="utf-8")
    result = import_historian(sources, root=root)
    stops = result.tables["stops"]
    stop = stops[(stops["source_record_id"] == "2445") & (stops["locality"] == "Valkenburg")]
    place = result.tables["places"].set_index("place_id").loc[stop["place_id"].iloc[0]]
    assert place["geonames_id"] == 2745874
    assert "next to the other places of this visit" in stop["remarks"].iloc[0]
    by_rule = stops["remarks"].str.contains("next to the other places", regex=False)
    assert by_rule.sum() == 1  # the rule is strict: it changes no other stop
