"""A release root's ``index.json``: which versions are published, and which is latest.

`parse_index` checks an index before the loader uses any of it (every version a
``MAJOR.MINOR.PATCH``, every path ``<version>/datapackage.json``, every date a real ISO
date, ``latest`` among the versions); `render_index` writes what it parses, for the
release root (``leadertravel.pipeline.release.root``) and the offline example writer.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import NamedTuple

from leadertravel._dates import is_iso_date
from leadertravel._errors import ManifestError, ReleaseNotFound, UnsafeManifest
from leadertravel._format import (
    DEFAULT_NAME,
    FORMAT_VERSION,
    INDEX,
    check_format,
    check_version,
    load_json,
    manifest_path,
    render_json,
    require,
    version_key,
)

__all__ = ["Index", "VersionEntry", "parse_index", "render_index"]


class VersionEntry(NamedTuple):
    """One published version listed in ``index.json``."""

    version: str
    released: str
    path: str


class Index(NamedTuple):
    """The parsed ``index.json`` of a release root.

    ``latest`` is ``""`` only for the empty index a release root starts with
    (``parse_index(..., allow_empty=True)``); the loader never sees one.
    """

    format_version: int
    name: str
    latest: str
    versions: tuple[VersionEntry, ...]

    def names(self) -> list[str]:
        """Version strings, newest first."""
        return [v.version for v in self.versions]

    def entry(self, version: str) -> VersionEntry:
        """Return the entry of ``version``; raise `ReleaseNotFound` listing the others."""
        for entry in self.versions:
            if entry.version == version:
                return entry
        available = ", ".join(self.names()) or "none"
        msg = f"version {version!r} is not published; available versions: {available}"
        raise ReleaseNotFound(msg)


def parse_index(data: bytes, *, where: str, allow_empty: bool = False) -> Index:
    """Parse and check the bytes of an ``index.json``.

    Parameters
    ----------
    data
        The file's bytes.
    where
        Its location (URL or path), for error messages.
    allow_empty
        Accept an index listing no versions and no ``latest`` (a release root before its
        first release; the builder's view). The loader refuses it: nothing is published.

    Examples
    --------
    >>> idx = parse_index(b'{"format_version": 1, "latest": "0.1.0", "versions": '
    ...                   b'[{"version": "0.1.0", "released": "2026-11-01", '
    ...                   b'"path": "0.1.0/datapackage.json"}]}', where="index.json")
    >>> idx.latest, idx.names(), idx.name
    ('0.1.0', ['0.1.0'], 'leadertravel')
    >>> parse_index(b'{"format_version": 1, "name": "demo", "versions": []}',
    ...             where="index.json", allow_empty=True)
    Index(format_version=1, name='demo', latest='', versions=())
    """
    obj = load_json(data, where)
    fmt = check_format(obj, where)
    name = str(obj.get("name", DEFAULT_NAME))
    raw_versions = require(obj, "versions", list, where)
    entries: list[VersionEntry] = []
    for i, raw in enumerate(raw_versions):
        at = f"{where}: versions[{i}]"
        if not isinstance(raw, dict):
            msg = f"{at}: expected an object, got {raw!r}"
            raise ManifestError(msg)
        version = check_version(raw.get("version"), where=at, in_file=True)
        if any(e.version == version for e in entries):
            msg = f"{at}: version {version} is listed twice; the index is corrupt"
            raise ManifestError(msg)
        released = require(raw, "released", str, at)
        if not is_iso_date(released):
            msg = f"{at}: released {released!r} is not an ISO date (YYYY-MM-DD)"
            raise ManifestError(msg)
        path = raw.get("path", manifest_path(version))
        if path != manifest_path(version):
            msg = (
                f"{at}: path {path!r} must be {manifest_path(version)!r}; "
                "the index is corrupt or hostile — refusing to use it"
            )
            raise UnsafeManifest(msg)
        entries.append(VersionEntry(version, released, path))
    if not entries and allow_empty and "latest" not in obj:
        return Index(fmt, name, "", ())
    if not entries:
        msg = f"{where}: lists no versions; nothing is published at this source yet"
        raise ManifestError(msg)
    entries.sort(key=lambda e: version_key(e.version), reverse=True)
    latest = check_version(
        obj.get("latest", entries[0].version), where=f"{where}: latest", in_file=True
    )
    if latest not in {e.version for e in entries}:
        msg = f"{where}: latest {latest!r} is not among the listed versions"
        raise ManifestError(msg)
    return Index(fmt, name, latest, tuple(entries))


def render_index(name: str, entries: Iterable[Mapping[str, str]]) -> bytes:
    """Return the bytes of the ``index.json`` listing ``entries`` (newest first), checked.

    Each entry has ``version``, ``released`` and ``path``; a version listed twice keeps its
    last entry. The result is parsed as the loader parses it before it is returned.

    Examples
    --------
    >>> data = render_index("demo", [
    ...     {"version": "0.1.0", "released": "2026-11-01", "path": "0.1.0/datapackage.json"},
    ...     {"version": "0.10.0", "released": "2026-12-01", "path": "0.10.0/datapackage.json"},
    ... ])
    >>> parse_index(data, where="new").names()
    ['0.10.0', '0.1.0']
    """
    by_version = {entry["version"]: dict(entry) for entry in entries}
    versions = sorted(by_version.values(), key=lambda v: version_key(v["version"]), reverse=True)
    data = render_json(
        {
            "format_version": FORMAT_VERSION,
            "name": name,
            "latest": versions[0]["version"] if versions else None,
            "versions": versions,
        }
    )
    parse_index(data, where=f"the new {INDEX}")  # what the loader will read
    return data
