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


def _private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


#: Sibling importer packages share their private modules for now (``visits`` reuses
#: ``historian``'s geocoding modules while that package is being split): a private module
#: under ``pipeline.importers`` may be imported from anywhere under ``pipeline.importers``.
#: Everywhere else a private module is imported only from inside its parent package.
_SHARED_PRIVATE_PARENTS = ("leadertravel.pipeline.importers",)


#: Private modules imported across packages today, in other lanes' code (issue 10
#: follow-ups: give each a public home, then delete its line). Listed exactly, so a new
#: crossing fails and a fixed one must be removed from here.
_KNOWN_CROSSINGS = {
    ("leadertravel/_cli_plot.py", "private module leadertravel._plot._overview"),
    ("leadertravel/pipeline/panels/_coverage.py", "private module leadertravel._panels._arrays"),
    ("leadertravel/pipeline/panels/_inputs.py", "private module leadertravel._panels._arrays"),
}


def _module_problems(module: str, importer_package: str) -> list[str]:
    """Private modules in ``module`` that ``importer_package`` may not import."""
    parts = module.split(".")
    found = []
    for i, part in enumerate(parts):
        parent = ".".join(parts[:i])
        inside = f"{importer_package}.".startswith(f"{parent}.")
        shared = any(
            f"{parent}.".startswith(f"{p}.") and f"{importer_package}.".startswith(f"{p}.")
            for p in _SHARED_PRIVATE_PARENTS
        )
        if _private(part) and not inside and not shared:
            found.append(f"private module {'.'.join(parts[: i + 1])}")
    return found


def _private_uses(source: str, dotted: str) -> list[str]:
    """Private names of other modules module ``dotted`` imports or reaches as ``m._name``.

    ``dotted`` names the file (``leadertravel.pipeline.__init__`` for a package).
    """
    is_package = dotted.endswith(".__init__")
    package = dotted.removesuffix(".__init__") if is_package else dotted.rpartition(".")[0]
    tree = ast.parse(source)
    bound: dict[str, str] = {}  # local name -> leadertravel module it names
    found: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "leadertravel":
                    found += [f"{node.lineno} {p}" for p in _module_problems(alias.name, package)]
                    if alias.asname:
                        bound[alias.asname] = alias.name
                    else:
                        bound["leadertravel"] = "leadertravel"
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join([*base, *([node.module] if node.module else [])])
            else:
                module = node.module or ""
            if module.split(".")[0] != "leadertravel":
                continue
            found += [f"{node.lineno} {p}" for p in _module_problems(module, package)]
            for alias in node.names:
                full = f"{module}.{alias.name}"
                if _is_module(full):
                    found += [f"{node.lineno} {p}" for p in _module_problems(full, package)]
                    bound[alias.asname or alias.name] = full
                elif _private(alias.name):
                    found.append(f"{node.lineno} {alias.name} from {module}")
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and _private(node.attr):
            chain: list[str] = []
            value = node.value
            while isinstance(value, ast.Attribute):
                chain.insert(0, value.attr)
                value = value.value
            if isinstance(value, ast.Name) and value.id in bound:
                owner = ".".join([bound[value.id], *chain])
                full = f"{owner}.{node.attr}"
                if not _is_module(owner):
                    continue
                if _is_module(full):
                    found += [f"{node.lineno} {p}" for p in _module_problems(full, package)]
                else:
                    found.append(f"{node.lineno} {owner}.{node.attr}")
    return found


def test_no_module_imports_another_modules_private_name() -> None:
    """Private names stay in their module (publish once imported the builder's _index_with).

    Counted: ``from m import _x`` (also relative, ``from ._format import _SUM_RE``),
    ``import m as mm; mm._x``, and a private module imported from outside its parent
    package (see `_SHARED_PRIVATE_PARENTS`).
    """
    found, crossings = [], set()
    for path in sorted(PACKAGE.rglob("*.py")):
        dotted = ".".join(path.relative_to(SRC).with_suffix("").parts)
        for use in _private_uses(path.read_text(encoding="utf-8"), dotted):
            where, what = str(path.relative_to(SRC)), use.split(" ", 1)[1]
            if (where, what) in _KNOWN_CROSSINGS:
                crossings.add((where, what))
            else:
                found.append(f"{where}:{use}")
    assert found == []
    assert crossings == _KNOWN_CROSSINGS, "a listed crossing is gone: delete its line"


def test_the_private_name_check_sees_relative_imports_and_attribute_access() -> None:
    source = (
        "from ._format import _SUM_RE\n"
        "import leadertravel._format as _f\n"
        "from leadertravel import _format\n"
        "from leadertravel._plot import _trip\n"
        "import leadertravel._format\n"
        "x = (_f._HOSTILE, _format._X, leadertravel._format._Y, _f.__name__, _f.check_version)\n"
    )
    found = [use.split(" ", 1)[1] for use in _private_uses(source, "leadertravel._probe")]
    assert found == [
        "_SUM_RE from leadertravel._format",
        "private module leadertravel._plot._trip",
        "leadertravel._format._HOSTILE",
        "leadertravel._format._X",
        "leadertravel._format._Y",
    ]
    outside = _module_problems("leadertravel._plot._trip", "leadertravel.pipeline")
    assert outside == ["private module leadertravel._plot._trip"]
    assert _module_problems("leadertravel._plot._trip", "leadertravel._plot") == []


def test_release_file_names_are_spelled_only_in_the_format_module() -> None:
    """index.json, SHA256SUMS … are named in _format.py; everything else uses its constants.

    A string that is such a name, or a path ending in one (``f"{version}/SHA256SUMS"``),
    counts; prose that mentions one (help texts, messages, docstrings) does not.
    """
    names = ("index.json", "index.html", "SHA256SUMS", "CHANGELOG.md", "CITATION.cff")
    names += ("coverage.json", "data-dictionary.md", "leadertravel:bytes", "datapackage.json")
    spelled = "|".join(re.escape(n) for n in names)
    literal = re.compile(rf"(?:[^ ]*/)?(?:{spelled})|[^ ]*\.parquet")  # and TABLE_SUFFIX
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
