"""Fixtures of the release tests: small synthetic table sets and throw-away projects."""

from __future__ import annotations

import importlib.util
import json
import shutil
import sys
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import pandas as pd
import pytest

REPO = Path(__file__).resolve().parents[2]


def _load_synthetic() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "leadertravel_bench_synthetic", REPO / "benchmarks" / "synthetic.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def synthetic() -> ModuleType:
    """``benchmarks/synthetic.py`` as a module."""
    return _load_synthetic()


@pytest.fixture(scope="session")
def small(synthetic: ModuleType) -> Any:
    """Release inputs with 300 synthetic stops (valid against schemas and rules)."""
    return synthetic.synthetic_inputs(300, seed=1)


@pytest.fixture(scope="session")
def tiny(synthetic: ModuleType) -> Any:
    """Release inputs of 20 synthetic stops, with only the places and countries they use
    (frictionless is slow), and nulls in every nullable number and integer column."""
    inputs = synthetic.synthetic_inputs(20, seed=1)
    t = dict(inputs.tables)
    used = set(t["stops"]["place_id"]) | set(t["legs"]["from_place_id"])
    used |= set(t["legs"]["to_place_id"]) | set(t["border_crossings"]["crossing_place_id"])
    places = t["places"][t["places"]["place_id"].isin(used)].reset_index(drop=True)
    t["places"] = places
    # Nulls in every nullable number and integer column: frictionless reads them from
    # Parquet as NaN, the case the release's missingValues exist for.
    for name, schema in inputs.schemas.items():
        frame = t[name].copy()
        for field in schema["fields"]:
            nullable = not field.get("constraints", {}).get("required")
            if field.get("type") in ("number", "integer") and nullable and len(frame) > 1:
                frame.loc[frame.index[::2], field["name"]] = pd.NA
        t[name] = frame
    codes = set(places["country_code"]) | set(t["leaders"]["country_code"])
    codes |= set(t["stops"]["country_code"]) | set(t["legs"]["from_country_code"])
    codes |= set(t["legs"]["to_country_code"]) | set(t["border_crossings"]["to_country_code"])
    codes |= set(t["border_crossings"]["from_country_code"])
    t["countries"] = t["countries"][t["countries"]["code"].isin(codes)].reset_index(drop=True)
    return synthetic.SyntheticInputs(inputs.package, inputs.schemas, t)


@pytest.fixture
def inputs(small: Any, synthetic: ModuleType) -> Callable[..., Any]:
    """Make release inputs from ``small`` with some tables replaced and a version."""

    def make(version: str = "0.1.0", **tables: pd.DataFrame) -> Any:
        package = {**small.package, "version": version}
        merged = {n: t.copy() for n, t in small.tables.items()} | tables
        return synthetic.SyntheticInputs(package, small.schemas, merged)

    return make


#: The version and date of a throw-away project: its own, never the live descriptor's.
PROJECT_VERSION, PROJECT_CREATED = "0.1.0", "2026-11-23T00:00:00Z"


def write_project(root: Path, tables: dict[str, pd.DataFrame]) -> Path:
    """Create a project checkout at ``root``: the real datapackage/ (declaring
    :data:`PROJECT_VERSION` of :data:`PROJECT_CREATED`), tables as CSVs."""
    shutil.copytree(REPO / "datapackage", root / "datapackage", symlinks=True)
    descriptor = pin_descriptor(root / "datapackage" / "datapackage.json")
    for resource in descriptor["resources"]:
        path = (root / "datapackage" / resource["path"]).resolve()
        path.parent.mkdir(parents=True, exist_ok=True)
        frame = tables[resource["name"]].copy()
        for column in frame.columns:
            if str(frame[column].dtype).startswith("datetime64[s"):
                frame[column] = frame[column].dt.strftime("%Y-%m-%d")
            elif str(frame[column].dtype) == "boolean":
                frame[column] = frame[column].map({True: "true", False: "false"})
        frame.to_csv(path, index=False, lineterminator="\n")
    return root


def pin_descriptor(path: Path) -> dict[str, Any]:
    """Set a copied descriptor's version and date to the project's own; return it."""
    descriptor: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    descriptor |= {"version": PROJECT_VERSION, "created": PROJECT_CREATED}
    path.write_text(json.dumps(descriptor, indent=2) + "\n", encoding="utf-8")
    return descriptor


@pytest.fixture(scope="session")
def project_tables(synthetic: ModuleType) -> dict[str, pd.DataFrame]:
    """A tiny valid table set (40 stops) to write as a project's curated CSVs."""
    tables: dict[str, pd.DataFrame] = synthetic.make_synthetic_tables(40, seed=2)
    used = set(tables["stops"]["place_id"]) | set(tables["legs"]["from_place_id"])
    places = tables["places"]
    tables["places"] = places[places["place_id"].isin(used)].reset_index(drop=True)
    return tables


@pytest.fixture
def project(tmp_path: Path, project_tables: dict[str, pd.DataFrame]) -> Path:
    """A throw-away project checkout holding ``project_tables`` as curated CSVs."""
    return write_project(tmp_path / "project", project_tables)
