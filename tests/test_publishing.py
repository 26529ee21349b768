"""What a contributor, a maintainer publishing a release, and a citing user rely on: the
GitHub workflows, the licence and citation files, and the generated data dictionary."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest
import yaml

from leadertravel._cli import main
from leadertravel._source import DEFAULT_SOURCE
from leadertravel.pipeline.dictionary import project_tables, render_dictionary
from leadertravel.pipeline.release.descriptor import GAZETTEERS

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
WORKFLOWS = sorted((REPO / ".github" / "workflows").glob("*.yml"))
# Set-up lines a workflow may run besides `make TARGET ...` (installing the runner's tools).
SETUP = re.compile(r"^(apt-get (update|install) .*|git config --global .*)$")


def _run(*command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, capture_output=True, text=True, check=False, cwd=REPO)


def _workflow(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if True in data:  # YAML 1.1 reads the key `on` as true
        data["on"] = data.pop(True)
    return dict(data)


def _make_targets() -> set[str]:
    text = (REPO / "Makefile").read_text(encoding="utf-8")
    return set(re.findall(r"^([a-z][a-z-]*):", text, flags=re.MULTILINE))


def test_there_are_ci_and_release_workflows() -> None:
    assert [p.name for p in WORKFLOWS] == ["ci.yml", "release.yml"]


def test_workflows_match_the_github_workflow_schema() -> None:
    schema = ("--builtin-schema", "vendor.github-workflows")
    done = _run(str(BIN / "check-jsonschema"), *schema, *map(str, WORKFLOWS))
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_checks_reject_a_broken_workflow(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yml"
    text = (REPO / ".github" / "workflows" / "ci.yml").read_text(encoding="utf-8")
    broken.write_text(text.replace("runs-on:", "run-on:"), encoding="utf-8")
    done = _run(
        str(BIN / "check-jsonschema"), "--builtin-schema", "vendor.github-workflows", str(broken)
    )
    assert done.returncode != 0 and "runs-on" in done.stdout


def test_workflows_pass_actionlint() -> None:
    actionlint = shutil.which("actionlint", path=str(BIN)) or shutil.which("actionlint")
    if actionlint is None:
        pytest.skip("actionlint ships in a wheel for linux x86_64 only (test extra)")
    done = _run(actionlint, "-no-color", *map(str, WORKFLOWS))
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_workflow_steps_are_thin_calls_of_make_targets(path: Path) -> None:
    targets = _make_targets()
    called = []
    for job in _workflow(path)["jobs"].values():
        for step in job["steps"]:
            for line in str(step.get("run", "")).splitlines():
                line = line.strip()
                if not line or SETUP.match(line):
                    continue
                match = re.fullmatch(r"make ([a-z-]+)(?: [A-Z_]+=\S+)*", line)
                assert match, f"{path.name}: step {step.get('name')!r} runs {line!r}, not make"
                assert match.group(1) in targets, f"{path.name}: no make target {line!r}"
                called.append(match.group(1))
    assert called


def test_ci_runs_lint_typecheck_tests_and_both_validations_on_push_and_pr() -> None:
    ci = _workflow(REPO / ".github" / "workflows" / "ci.yml")
    assert set(ci["on"]) == {"push", "pull_request"}
    runs = [step.get("run", "") for job in ci["jobs"].values() for step in job["steps"]]
    for target in ("lint", "typecheck", "test", "validate", "frictionless"):
        assert f"make {target}" in runs
    assert ci["permissions"] == {"contents": "read"}


def test_the_release_workflow_builds_checks_and_publishes_on_version_tags_only() -> None:
    release = _workflow(REPO / ".github" / "workflows" / "release.yml")
    assert release["on"] == {"push": {"tags": ["v[0-9]+.[0-9]+.[0-9]+"]}}
    assert release["concurrency"]["cancel-in-progress"] is False  # publications take turns
    runs = [
        step.get("run", "").split()[1]
        for job in release["jobs"].values()
        for step in job["steps"]
        if step.get("run", "").startswith("make ")
    ]
    order = ["tag-check", "build", "check", "release-validate", "publish", "site-push"]
    assert [r for r in runs if r in order] == order
    assert runs[-1] == "github-release"
    text = (REPO / "Makefile").read_text(encoding="utf-8")
    assert "--force" not in text and "push -f" not in text and "--clobber" not in text


def test_tag_check_accepts_only_the_declared_version() -> None:
    if shutil.which("make") is None:
        pytest.skip("needs make")
    version = json.loads((REPO / "datapackage" / "datapackage.json").read_text())["version"]
    assert _run("make", "--no-print-directory", "tag-check", f"TAG=v{version}").returncode == 0
    wrong = _run("make", "--no-print-directory", "tag-check", "TAG=v99.0.0")
    assert wrong.returncode != 0 and f"is not v{version}" in wrong.stderr


def test_default_source_is_where_the_release_workflow_publishes() -> None:
    """GitHub Pages serves the gh-pages branch of github.com/OWNER/REPO at
    https://OWNER.github.io/REPO/; the release root is that branch's root."""
    cff = yaml.safe_load((REPO / "CITATION.cff").read_text(encoding="utf-8"))
    owner, repo = re.fullmatch(
        r"https://github\.com/([^/]+)/([^/]+)", cff["repository-code"]
    ).groups()  # type: ignore[union-attr]
    assert f"https://{owner.lower()}.github.io/{repo}/" == DEFAULT_SOURCE
    assert cff["url"] == DEFAULT_SOURCE
    assert "make site-checkout" in (REPO / ".github" / "workflows" / "release.yml").read_text()


def test_root_citation_is_valid_cff_and_agrees_with_the_package() -> None:
    done = _run(
        str(BIN / "check-jsonschema"),
        "--builtin-schema",
        "vendor.citation-file-format",
        str(REPO / "CITATION.cff"),
    )
    assert done.returncode == 0, done.stdout + done.stderr
    cff = yaml.safe_load((REPO / "CITATION.cff").read_text(encoding="utf-8"))
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    descriptor = json.loads((REPO / "datapackage" / "datapackage.json").read_text())
    assert cff["version"] == project["version"]
    assert cff["license"] == project["license"] == descriptor["licenses"][0]["name"]
    assert cff["title"] == descriptor["title"]
    zenodo = json.loads((REPO / ".zenodo.json").read_text(encoding="utf-8"))
    assert zenodo["title"] == cff["title"] and zenodo["version"] == cff["version"]
    assert zenodo["license"] == cff["license"]
    assert zenodo["upload_type"] == "dataset" and zenodo["access_right"] == "open"
    assert [c["name"] for c in zenodo["creators"]] == [a["name"] for a in cff["authors"]]


def test_licence_states_code_and_data_and_the_third_party_licences() -> None:
    text = (REPO / "LICENSE").read_text(encoding="utf-8")
    assert re.search(r"^Code .*\n-+\nSPDX-License-Identifier: CC0-1.0", text, re.MULTILINE)
    assert re.search(r"^Data .*\n-+\nSPDX-License-Identifier: CC0-1.0", text, re.MULTILINE)
    assert "Office of the Historian" in text
    for credit in GAZETTEERS.values():
        if credit.license != "ODbL-1.0":  # Nominatim is only used when asked for
            assert credit.publisher.split()[0] in text
    assert "CC BY 4.0" in text and "MIT" in text


def test_the_data_dictionary_is_up_to_date() -> None:
    expected = render_dictionary(project_tables(REPO), heading="leadertravel: data dictionary")
    current = (REPO / "docs" / "data-dictionary.md").read_text(encoding="utf-8")
    assert current == expected, (
        "docs/data-dictionary.md is stale: run `make dictionary` and commit it"
    )
    assert "docs/data-dictionary.md" in (REPO / "README.md").read_text(encoding="utf-8")


def test_the_dictionary_documents_every_table_and_field_and_new_ones(tmp_path: Path) -> None:
    project = tmp_path / "project"
    shutil.copytree(REPO / "datapackage", project / "datapackage", symlinks=True)
    schema = {
        "fields": [
            {"name": "panel_id", "type": "string", "description": "Row id.",
             "constraints": {"required": True, "unique": True}},
            {"name": "year", "type": "year", "description": "Calendar year.",
             "constraints": {"minimum": 1816}},
        ],
        "primaryKey": ["panel_id"],
        "foreignKeys": [{"fields": ["panel_id"], "reference": {"resource": "trips",
                                                               "fields": ["trip_id"]}}],
    }  # fmt: skip
    (project / "datapackage" / "schemas" / "panels.schema.json").write_text(json.dumps(schema))
    docs = project_tables(project)
    text = render_dictionary(docs, heading="t")
    for doc in docs:
        assert f"## `{doc.name}`" in text
        section = text.split(f"## `{doc.name}`", 1)[1].split("\n## ", 1)[0]
        for field in doc.schema["fields"]:
            lines = section.splitlines()
            row = next(ln for ln in lines if ln.startswith(f"| `{field['name']}` |"))
            assert field.get("type", "string") in row
            for value in field.get("constraints", {}).get("enum", []):
                assert f"`{value}`" in text
    assert "| `year` | year |  | ≥ 1816 |  | Calendar year. |" in text
    assert "| `panel_id` | string | yes | unique | trips.trip_id | Row id. |" in text


def test_dictionary_command_checks_and_writes(tmp_path: Path) -> None:
    out = tmp_path / "dictionary.md"
    out.write_text("stale\n")
    assert main(["dictionary", "-o", str(out), "--check"]) == 1
    assert main(["dictionary", "-o", str(out)]) == 0
    assert main(["dictionary", "-o", str(out), "--check"]) == 0
    assert out.read_text(encoding="utf-8") == (REPO / "docs" / "data-dictionary.md").read_text()
