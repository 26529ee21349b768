"""The release format (``docs/release-format.md``): names, versions, ``index.json``, sums.

The one home of what a release root looks like, for the loader that reads it and the
builder (and the offline example writer) that write it:

- the file names of a release root and of a version directory, and `FORMAT_VERSION`;
- version strings (`check_version`, `version_key`) and bare file names
  (`check_file_name`): everything the loader later turns into a path or a URL passes
  through them first, so a hostile or broken file can never make it read or write outside
  a release directory;
- JSON as releases hold it: `load_json` (strict: no repeated keys, ``NaN`` or numbers out
  of range) and `render_json` (the bytes every writer produces);
- ``SHA256SUMS``: `parse_sums` and `render_sums`.

Each JSON file of the format has its own module on top of this one, which parses it
(checking everything the loader relies on) and renders it (what the builder and the
offline example writer write): ``index.json`` in `leadertravel._index`, a version's
``datapackage.json`` in `leadertravel._manifest`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from leadertravel._errors import (
    ManifestError,
    ReleaseNotFound,
    UnsafeManifest,
    UnsupportedFormat,
    UsageError,
)

__all__ = [
    "BYTES_KEY",
    "CHANGELOG",
    "CITATION",
    "COVERAGE",
    "DEFAULT_NAME",
    "DICTIONARY",
    "FORMAT_VERSION",
    "INDEX",
    "MANIFEST",
    "MAX_FILE_BYTES",
    "MEDIATYPE",
    "MIN_FILE_BYTES",
    "PAGE",
    "SUMS",
    "SUM_LINE_RE",
    "TABLE_SUFFIX",
    "VERSION_RE",
    "check_file_name",
    "check_format",
    "check_version",
    "load_json",
    "manifest_path",
    "parse_sums",
    "render_json",
    "render_sums",
    "require",
    "table_file",
    "version_key",
]

#: The release format the builder writes and the newest one the loader reads.
FORMAT_VERSION = 1
#: The package name an index or manifest gets when its inputs name none.
DEFAULT_NAME = "leadertravel"

# --- file names --------------------------------------------------------------------------
#: The release root's list of versions (written last, atomically).
INDEX = "index.json"
#: The release root's download page, rewritten after each index.
PAGE = "index.html"
#: A version's manifest, a Frictionless data package descriptor.
MANIFEST = "datapackage.json"
#: A version's checksums, as ``sha256sum`` writes them; covers every other file.
SUMS = "SHA256SUMS"
#: A version's row-level changelog against the previous version.
CHANGELOG = "CHANGELOG.md"
#: How to cite a version.
CITATION = "CITATION.cff"
#: Every table and field of a version.
DICTIONARY = "data-dictionary.md"
#: The import coverage report of a version built from sources.
COVERAGE = "coverage.json"
#: The media type of a table file.
MEDIATYPE = "application/vnd.apache.parquet"
#: The suffix of a table file (format 1 has only Parquet tables).
TABLE_SUFFIX = ".parquet"

#: A resource's file size in bytes. Not Frictionless' ``bytes``: frictionless reads Parquet
#: through pyarrow, never counts its bytes, and so reports any declared ``bytes`` as wrong.
BYTES_KEY = "leadertravel:bytes"
#: Sizes a manifest may give a Parquet file: its header and footer take 12 bytes; no
#: table of this dataset comes near the upper bound, so more means a corrupt manifest.
MIN_FILE_BYTES = 12
MAX_FILE_BYTES = 64 << 30

# Whole-string patterns: always used with ``fullmatch`` (``$`` would accept a final "\n").
#: A release version ``MAJOR.MINOR.PATCH``, three numbers without leading zeros.
VERSION_RE = re.compile(r"(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)")
_FILE_NAME_RE = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]*")
#: A ``sha256sum`` line: 64 lowercase hex digits, two spaces, a name (``SHA256SUMS``, pins).
SUM_LINE_RE = re.compile(r"([0-9a-f]{64})  (\S.*)")
_HOSTILE = ("/", "\\", "..", ":", "\x00")


def table_file(table: str) -> str:
    """Return the file name of a table in a version directory.

    Examples
    --------
    >>> table_file("trips")
    'trips.parquet'
    """
    return f"{table}{TABLE_SUFFIX}"


def manifest_path(version: str) -> str:
    """Return the path of a version's manifest relative to the release root.

    Examples
    --------
    >>> manifest_path("0.2.0")
    '0.2.0/datapackage.json'
    """
    return f"{version}/{MANIFEST}"


# --- version strings and file names ------------------------------------------------------


def _is_hostile(text: str) -> bool:
    return any(part in text for part in _HOSTILE) or text.startswith("~")


def check_version(
    version: object, *, where: str = "version argument", in_file: bool = False
) -> str:
    """Return ``version`` if it is a plain ``MAJOR.MINOR.PATCH`` version string.

    Parameters
    ----------
    version
        The candidate version.
    where
        Where the value came from, for the error message.
    in_file
        The value was read from ``index.json`` or a manifest (not given by the caller):
        anything but a version is then a broken file, `ManifestError`.

    Raises
    ------
    UnsafeManifest
        If it contains a path separator, ``..``, a URL scheme or a NUL byte.
    ReleaseNotFound
        If an argument is otherwise not a version number (`ManifestError` with ``in_file``).
    UsageError
        If an argument is not a string at all.

    Examples
    --------
    >>> check_version("0.2.0")
    '0.2.0'
    >>> check_version("../etc")
    Traceback (most recent call last):
    ...
    leadertravel._errors.UnsafeManifest: version argument: '../etc' is not a version ...
    """
    if not isinstance(version, str):
        msg = f"{where}: expected a version string like '0.2.0', got {version!r}"
        raise ManifestError(msg) if in_file else UsageError(msg)
    if VERSION_RE.fullmatch(version):
        return version
    msg = (
        f"{where}: {version!r} is not a version number; expected MAJOR.MINOR.PATCH "
        "such as '0.2.0' (no paths, URLs, prefixes, pre-release tags or whitespace)"
    )
    if _is_hostile(version):
        raise UnsafeManifest(msg)
    if in_file:
        raise ManifestError(f"{msg}; the file is corrupt or was not written by leadertravel")
    raise ReleaseNotFound(msg)


def version_key(version: str) -> tuple[int, int, int]:
    """Sort key of a version string; `ValueError` if it is not ``MAJOR.MINOR.PATCH``.

    Examples
    --------
    >>> sorted(["0.10.0", "0.9.1"], key=version_key)
    ['0.9.1', '0.10.0']
    >>> version_key("1.0")
    Traceback (most recent call last):
    ...
    ValueError: '1.0' is not MAJOR.MINOR.PATCH
    """
    match = VERSION_RE.fullmatch(version) if isinstance(version, str) else None
    if match is None:
        msg = f"{version!r} is not MAJOR.MINOR.PATCH"
        raise ValueError(msg)
    major, minor, patch = (int(g) for g in match.groups())
    return major, minor, patch


def check_file_name(name: object, *, where: str) -> str:
    """Return ``name`` if it is a bare file name (no directory, ``..``, URL or absolute path).

    Examples
    --------
    >>> check_file_name("trips.parquet", where="x")
    'trips.parquet'
    >>> check_file_name("/etc/passwd", where="resource 'trips'")
    Traceback (most recent call last):
    ...
    leadertravel._errors.UnsafeManifest: resource 'trips': path '/etc/passwd' is not a bare ...
    """
    if not isinstance(name, str) or not _FILE_NAME_RE.fullmatch(name) or ".." in name:
        msg = (
            f"{where}: path {name!r} is not a bare file name inside the release directory "
            "(no directories, '..', absolute paths or URLs); the manifest is corrupt or "
            "hostile — refusing to use it"
        )
        raise UnsafeManifest(msg)
    return name


# --- JSON ----------------------------------------------------------------------------------


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    obj: dict[str, Any] = {}
    for key, value in pairs:
        if key in obj:
            raise ValueError(f"key {key!r} appears twice in one object")
        obj[key] = value
    return obj


def _finite(text: str) -> float:
    value = float(text)
    if value in (float("inf"), float("-inf")):
        raise ValueError(f"number {text[:40]} is out of range")
    return value


def _no_constants(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def load_json(data: bytes, where: str) -> dict[str, Any]:
    """Parse a release's JSON file; every way it can be broken is a `ManifestError`.

    Refused besides syntax errors: text that is not UTF-8, keys repeated within an object
    (readers would disagree on which one counts), ``NaN``/``Infinity`` and numbers out of
    range, integers beyond Python's digit limit, and nesting too deep to parse.

    Examples
    --------
    >>> load_json(b'{"a": 1}', "x.json")
    {'a': 1}
    >>> load_json(b'{"a": 1, "a": 2}', "x.json")
    Traceback (most recent call last):
    ...
    leadertravel._errors.ManifestError: x.json: not valid JSON (key 'a' appears twice ...
    """
    try:
        obj = json.loads(
            data,
            object_pairs_hook=_no_duplicates,
            parse_constant=_no_constants,
            parse_float=_finite,
        )
    except (ValueError, RecursionError) as err:  # JSONDecodeError and UnicodeError are ValueErrors
        reason = "nested too deeply" if isinstance(err, RecursionError) else str(err)[:200]
        msg = f"{where}: not valid JSON ({reason}); the release is damaged or this is not a release"
        raise ManifestError(msg) from err
    if not isinstance(obj, dict):
        msg = f"{where}: expected a JSON object, got {type(obj).__name__}"
        raise ManifestError(msg)
    return obj


def render_json(value: Any) -> bytes:
    """Return the bytes of a release's JSON file: indented, UTF-8, a final newline.

    Examples
    --------
    >>> print(render_json({"name": "Zürich", "n": [1]}).decode(), end="")
    {
      "name": "Zürich",
      "n": [
        1
      ]
    }
    """
    return (json.dumps(value, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def require(obj: Mapping[str, Any], key: str, kind: type, where: str) -> Any:
    """Return ``obj[key]`` if it is a ``kind`` (a bool is no int); else `ManifestError`."""
    value = obj.get(key)
    if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
        msg = f"{where}: key {key!r} must be a {kind.__name__}, got {value!r}"
        raise ManifestError(msg)
    return value


def check_format(obj: Mapping[str, Any], where: str) -> int:
    """Return the ``format_version`` of a release file; refuse one this code cannot read."""
    fmt = require(obj, "format_version", int, where)
    if fmt > FORMAT_VERSION:
        msg = (
            f"{where}: format_version {fmt} is newer than this leadertravel reads "
            f"(up to {FORMAT_VERSION}); upgrade leadertravel: pip install -U leadertravel"
        )
        raise UnsupportedFormat(msg)
    if fmt < 1:
        msg = f"{where}: format_version {fmt} is invalid; expected an integer >= 1"
        raise ManifestError(msg)
    return int(fmt)


# --- SHA256SUMS ----------------------------------------------------------------------------


def render_sums(hashes: Mapping[str, str]) -> bytes:
    """Return ``SHA256SUMS`` for file name → sha256 hex: ``<hex>  <name>``, sorted by name.

    Examples
    --------
    >>> print(render_sums({"b.parquet": "0" * 64, "a.md": "f" * 64}).decode(), end="")
    ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff  a.md
    0000000000000000000000000000000000000000000000000000000000000000  b.parquet
    """
    return "".join(f"{hashes[name]}  {name}\n" for name in sorted(hashes)).encode("utf-8")


def parse_sums(data: bytes, *, where: str) -> dict[str, str]:
    """Parse ``SHA256SUMS``: file name → sha256 hex; a malformed file is a `ManifestError`.

    Every line is ``<64 lowercase hex>  <bare file name>``, no name twice.

    Examples
    --------
    >>> parse_sums(render_sums({"a.md": "f" * 64}), where="SHA256SUMS") == {"a.md": "f" * 64}
    True
    >>> parse_sums(b"abc  a.md", where="SHA256SUMS")
    Traceback (most recent call last):
    ...
    leadertravel._errors.ManifestError: SHA256SUMS:1: expected '<64 lowercase hex>  <file ...
    """
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        msg = f"{where}: not UTF-8 text ({err}); the release is damaged"
        raise ManifestError(msg) from err
    sums: dict[str, str] = {}
    for lineno, line in enumerate(text.splitlines(), start=1):
        match = SUM_LINE_RE.fullmatch(line)
        name = match.group(2) if match else ""
        if match is None or not _FILE_NAME_RE.fullmatch(name) or ".." in name:
            msg = (
                f"{where}:{lineno}: expected '<64 lowercase hex>  <file name>', got "
                f"{line[:120]!r}; the release is damaged"
            )
            raise ManifestError(msg)
        if name in sums:
            msg = f"{where}:{lineno}: {name!r} is listed twice; the release is damaged"
            raise ManifestError(msg)
        sums[name] = match.group(1)
    return sums
