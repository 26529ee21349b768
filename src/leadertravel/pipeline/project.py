"""Where the build finds the project checkout and the paths inside it.

The checkout is, in this order: the ``--root`` a command was given, the directory named
by ``LEADERTRAVEL_PROJECT_ROOT``, or the nearest directory at or above the working
directory that holds ``datapackage/datapackage.json`` — as git, ruff and pytest find
their projects. It is never the checkout leadertravel happens to be installed from: run
inside another checkout and that one is validated and built.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from leadertravel._config import PROJECT_ROOT_VAR, project_root_setting
from leadertravel._errors import MissingDependency, ProjectNotFound
from leadertravel._format import MANIFEST

__all__ = [
    "DEFAULT_SOURCES",
    "DESCRIPTOR",
    "PINS",
    "SCHEMAS",
    "descriptor_path",
    "find_root",
    "missing_modules",
    "project_root",
    "require_build_extra",
    "resource_csv",
    "schema_path",
]

#: The descriptor of the curated package, relative to the checkout.
DESCRIPTOR = Path("datapackage") / MANIFEST  # the Frictionless descriptor name
#: The Table Schemas of the tables no resource lists (the derived ones), relative to the checkout.
SCHEMAS = Path("datapackage") / "schemas"
#: The sha256 pins of imported source files, relative to the checkout.
PINS = Path("data") / "pins"
#: The directory of source snapshots (one folder per importer input), relative to the checkout.
DEFAULT_SOURCES = Path("../shared/sources")

_FIX = (
    "run the command inside a leadertravel checkout (a directory holding "
    f"{DESCRIPTOR.as_posix()}), pass --root PATH, or set {PROJECT_ROOT_VAR}"
)


def _is_root(path: Path) -> bool:
    return (path / DESCRIPTOR).is_file()


def find_root(root: Path | str | None = None, *, cwd: Path | None = None) -> Path:
    """Return the project checkout to validate or build, resolved.

    Parameters
    ----------
    root
        An explicit checkout (``--root``); it must hold the descriptor.
    cwd
        Where to start searching (default: the working directory).

    Raises
    ------
    ProjectNotFound
        (a ``FileNotFoundError``) naming what was searched and how to point at one.

    Examples
    --------
    >>> import tempfile
    >>> find_root(cwd=Path(tempfile.mkdtemp()))
    Traceback (most recent call last):
    ...
    leadertravel._errors.ProjectNotFound: no leadertravel checkout at or above ...
    """
    if root is not None:
        path = Path(root).expanduser().resolve()
        if not _is_root(path):
            msg = f"--root {root}: {path} holds no {DESCRIPTOR.as_posix()}; {_FIX}"
            raise ProjectNotFound(msg)
        return path
    env = project_root_setting()
    if env:
        path = Path(env).expanduser().resolve()
        if not _is_root(path):
            msg = f"{PROJECT_ROOT_VAR}={env}: {path} holds no {DESCRIPTOR.as_posix()}; {_FIX}"
            raise ProjectNotFound(msg)
        return path
    start = (cwd or Path.cwd()).resolve()
    for candidate in (start, *start.parents):
        if _is_root(candidate):
            return candidate
    msg = f"no leadertravel checkout at or above {start}; {_FIX}"
    raise ProjectNotFound(msg)


def missing_modules(extra: str = "build") -> list[str]:
    """Return the modules of the ``leadertravel[extra]`` requirements that cannot be imported.

    Read from the installed package's metadata, so it follows ``pyproject.toml``.
    """
    import importlib.util
    import re
    from importlib import metadata

    try:
        requires = metadata.requires("leadertravel") or []
    except metadata.PackageNotFoundError:  # pragma: no cover - not installed at all
        return []
    names = [
        re.split(r"[\s<>=!~;\[]", r, maxsplit=1)[0]
        for r in requires
        if re.search(rf"extra\s*==\s*['\"]{extra}['\"]", r)
    ]
    missing = []
    for name in names:
        module = name.replace("-", "_").lower()
        try:
            found = importlib.util.find_spec(module) is not None
        except (ImportError, ValueError):  # blocked, or a broken installation
            found = False
        if not found:
            missing.append(module)
    return missing


def require_build_extra(what: str) -> None:
    """Refuse to start ``what`` (e.g. an import) when the ``[build]`` extra is missing.

    Raises
    ------
    MissingDependency
        Naming the missing modules and the install command.
    """
    missing = missing_modules("build")
    if missing:
        msg = (
            f"{what} needs the build extra, which is not installed (missing: "
            f"{', '.join(missing)}): pip install 'leadertravel[build]'"
        )
        raise MissingDependency(msg, name=missing[0])


def project_root() -> Path:
    """Return the checkout found from the environment and the working directory."""
    return find_root()


def descriptor_path(root: Path | None = None) -> Path:
    """Return the path of the curated data package descriptor."""
    return (root or project_root()) / DESCRIPTOR


def _resources(root: Path) -> dict[str, dict[str, Any]]:
    path = root / DESCRIPTOR
    if not path.is_file():  # a partial copy of a checkout (its inputs only): no resources
        return {}
    descriptor = json.loads(path.read_text(encoding="utf-8"))
    return {r["name"]: r for r in descriptor.get("resources", [])}


def schema_path(root: Path, table: str) -> Path:
    """Return the Table Schema of ``table``: its resource's ``schema`` in the descriptor.

    A table no resource lists (one the build derives, e.g. ``dyad_years``), or any table of
    a directory without a descriptor, has its schema at
    ``datapackage/schemas/<table>.schema.json``.

    Examples
    --------
    >>> root = find_root()
    >>> schema_path(root, "trips").relative_to(root).as_posix()
    'datapackage/schemas/trips.schema.json'
    """
    resource = _resources(root).get(table)
    if resource is None or "schema" not in resource:
        return root / SCHEMAS / f"{table}.schema.json"
    return (root / DESCRIPTOR).parent / str(resource["schema"])


def resource_csv(root: Path, table: str) -> Path:
    """Return the CSV file of the curated resource ``table`` (its ``path`` in the descriptor).

    Raises
    ------
    KeyError
        No resource of the descriptor is named ``table``.

    Examples
    --------
    >>> root = find_root()
    >>> resource_csv(root, "coverage").relative_to(root).as_posix()
    'datapackage/data/reference/coverage.csv'
    """
    return (root / DESCRIPTOR).parent / str(_resources(root)[table]["path"])
