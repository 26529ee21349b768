"""The code's layout: modules share only public names, and the format has one home."""

from __future__ import annotations

import ast
import re
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"
PACKAGE = SRC / "leadertravel"


def _is_module(dotted: str) -> bool:
    path = SRC.joinpath(*dotted.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def test_no_module_imports_another_modules_private_name() -> None:
    """Private names stay in their module (publish once imported the builder's _index_with)."""
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.ImportFrom) or not (node.module or "").startswith(
                "leadertravel"
            ):
                continue
            for alias in node.names:
                private = alias.name.startswith("_") and not alias.name.startswith("__")
                if private and not _is_module(f"{node.module}.{alias.name}"):
                    found.append(f"{path.relative_to(SRC)}:{node.lineno} {alias.name}")
    assert found == []


def test_release_file_names_are_spelled_only_in_the_format_module() -> None:
    """index.json, SHA256SUMS … are named in _format.py; everything else uses its constants.

    A string that is such a name, or a path ending in one (``f"{version}/SHA256SUMS"``),
    counts; prose that mentions one (help texts, messages, docstrings) does not.
    """
    names = ("index.json", "index.html", "SHA256SUMS", "CHANGELOG.md", "CITATION.cff")
    names += ("coverage.json", "data-dictionary.md", "leadertravel:bytes")
    literal = re.compile(r"(?:[^ ]*/)?(?:" + "|".join(re.escape(n) for n in names) + ")")
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.name == "_format.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            is_str = isinstance(node, ast.Constant) and isinstance(node.value, str)
            if is_str and literal.fullmatch(node.value):
                found.append(f"{path.relative_to(SRC)}:{node.lineno} {node.value!r}")
    assert found == []


def test_the_builder_reads_release_json_only_through_the_format_parsers() -> None:
    """``pipeline/release`` parses index.json / datapackage.json with `parse_index` /
    `parse_datapackage`, never `json.loads`: a format change then reaches the builder too.
    """
    found = []
    for path in sorted((PACKAGE / "pipeline" / "release").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and node.value.id == "json"
                and node.attr in {"load", "loads"}
            ):
                found.append(f"{path.relative_to(SRC)}:{node.lineno} json.{node.attr}")
    assert found == []


def test_temp_files_beside_a_target_are_made_only_in_fsutil() -> None:
    """Temp file + rename lives in `_fsutil` (`write_atomic`, `write_atomic_with`,
    `temp_file`); nothing else calls ``mkstemp`` or spells a temp suffix.
    """
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.name == "_fsutil.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Attribute) and node.attr == "mkstemp":
                found.append(f"{path.relative_to(SRC)}:{node.lineno} mkstemp")
            if isinstance(node, ast.Constant) and node.value in {".tmp", ".part"}:
                found.append(f"{path.relative_to(SRC)}:{node.lineno} {node.value!r}")
    assert found == []
