"""Pin the source snapshots by sha256 and verify them at build time.

Each source snapshot ``<name>`` a build reads (every registered importer's inputs —
``history-state-travels``, ``history-state-visits``, ``history-state-gsh`` — and the panels'
``state-system`` lists; :func:`snapshot_names`) is pinned in ``data/pins/<name>.sha256`` in
``sha256sum`` format (one ``<hex>  <relative path>`` line per file, sorted by path, rendered
by :func:`leadertravel._format.render_sums`), so ``sha256sum -c`` run inside the source
directory checks them too. ``make pins`` (``scripts/pin_sources.py``) re-pins them all.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from pathlib import Path

from leadertravel._errors import SourceInputError
from leadertravel._format import SUM_LINE_RE, render_sums
from leadertravel._fsutil import sha256_file
from leadertravel.pipeline.project import PINS

__all__ = [
    "hash_tree",
    "pins_path",
    "read_pins",
    "read_verified",
    "render_pins",
    "snapshot_names",
    "verify_sources",
    "write_pins",
]


def snapshot_names() -> list[str]:
    """Return the source snapshots a build reads and pins, sorted.

    Examples
    --------
    >>> snapshot_names()
    ['history-state-gsh', 'history-state-travels', 'history-state-visits', 'state-system']
    """
    from leadertravel.pipeline.importers import registered
    from leadertravel.pipeline.panels import DIRECTORY

    return sorted({name for importer in registered() for name in importer.inputs} | {DIRECTORY})


def pins_path(root: Path, source: str) -> Path:
    """Return where the pins of the snapshot ``source`` live under the checkout ``root``.

    Examples
    --------
    >>> pins_path(Path("."), "history-state-visits").as_posix()
    'data/pins/history-state-visits.sha256'
    """
    return root / PINS / f"{source}.sha256"


def _sha256(path: Path) -> str:
    return sha256_file(path)[0]


def _require_dir(sources_dir: Path) -> None:
    if not sources_dir.is_dir():
        msg = (
            f"source directory {sources_dir} does not exist or is not a directory; expected "
            f"the snapshot {sources_dir.name!r} in the sources directory (default "
            "../shared/sources beside the checkout). Pass --sources DIR."
        )
        raise SourceInputError(msg)


def _visible_files(directory: str, prefix: str = "") -> Iterator[str]:
    """Yield the relative posix path of every file under ``directory``, hidden ones skipped.

    What ``Path.rglob("*")`` filtered by ``is_file()`` finds, listed with ``os.scandir``:
    symbolic links to files count as files, links to directories are not followed, and an
    unreadable directory is passed over.
    """
    try:
        with os.scandir(directory) as entries:
            found = list(entries)
    except PermissionError:
        return
    for entry in found:
        if entry.name.startswith("."):
            continue  # a hidden file, or a hidden directory: every file under it is hidden
        if entry.is_dir(follow_symlinks=False):
            yield from _visible_files(entry.path, f"{prefix}{entry.name}/")
        elif entry.is_file():
            yield prefix + entry.name


def hash_tree(sources_dir: Path) -> dict[str, str]:
    """Return ``{relative posix path: sha256 hex}`` of every file under ``sources_dir``.

    Hidden files and directories (names starting with ``.``) are skipped. The paths are in
    the order of their parts (as sorted :class:`~pathlib.Path` objects).
    """
    _require_dir(sources_dir)
    return {rel: _sha256(sources_dir / rel) for rel in _sorted_files(sources_dir)}


def _sorted_files(sources_dir: Path) -> list[str]:
    """List the visible files under ``sources_dir`` in the order of their parts."""
    return sorted(_visible_files(os.fspath(sources_dir)), key=lambda rel: rel.split("/"))


def render_pins(hashes: dict[str, str]) -> str:
    """Render hashes in ``sha256sum`` format, sorted by path.

    Examples
    --------
    >>> print(render_pins({"b.xml": "0" * 64, "a.md": "f" * 64}), end="")
    ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff  a.md
    0000000000000000000000000000000000000000000000000000000000000000  b.xml
    """
    return render_sums(hashes).decode("utf-8")


def read_pins(path: Path) -> dict[str, str]:
    """Read a ``sha256sum``-format pins file into ``{relative path: sha256 hex}``."""
    if not path.is_file():
        msg = f"pins file {path} is missing; create it with `make pins` (scripts/pin_sources.py)"
        raise SourceInputError(msg)
    pins: dict[str, str] = {}
    for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        match = SUM_LINE_RE.fullmatch(line)
        if match is None:
            msg = (
                f"{path}:{lineno}: expected '<64 lowercase hex digits>  <relative path>', "
                f"got {line!r}; re-pin with `make pins`"
            )
            raise SourceInputError(msg)
        digest, rel = match.groups()
        if rel in pins:
            msg = f"{path}:{lineno}: {rel!r} is pinned twice; re-pin with `make pins`"
            raise SourceInputError(msg)
        pins[rel] = digest
    return pins


def verify_sources(sources_dir: Path, pins_file: Path) -> dict[str, str]:
    """Check every file of ``sources_dir`` against its pin; return the hashes.

    Raises
    ------
    SourceInputError
        When the directory is missing, a pinned file is missing, a file is not pinned, or a
        file's sha256 differs from its pin; the message names the file and both hashes.
    """
    pins = read_pins(pins_file)
    found = hash_tree(sources_dir)
    _check_pins(sources_dir, pins_file, pins, found)
    return found


def read_verified(sources_dir: Path, pins_file: Path) -> tuple[dict[str, str], dict[str, bytes]]:
    """Read every file of ``sources_dir`` once, check it against its pin; return both.

    :func:`verify_sources` for a snapshot that is parsed next: the hashes, and the contents
    of every file (``{relative posix path: bytes}``, in :func:`hash_tree`'s order), so the
    bytes parsed are the bytes checked and each file is opened once, not twice. Hidden
    files, which are never pinned, are not read: a parser given these contents sees none.

    Raises
    ------
    SourceInputError
        As :func:`verify_sources`.
    """
    pins = read_pins(pins_file)
    _require_dir(sources_dir)
    contents = {rel: (sources_dir / rel).read_bytes() for rel in _sorted_files(sources_dir)}
    found = {rel: hashlib.sha256(data).hexdigest() for rel, data in contents.items()}
    _check_pins(sources_dir, pins_file, pins, found)
    return found, contents


def _check_pins(
    sources_dir: Path, pins_file: Path, pins: dict[str, str], found: dict[str, str]
) -> None:
    """Refuse a missing, changed or unpinned file (see :func:`verify_sources`)."""
    for rel, expected in pins.items():
        got = found.get(rel)
        if got is None:
            msg = (
                f"{sources_dir / rel}: pinned in {pins_file} but missing from the source directory"
            )
            raise SourceInputError(msg)
        if got != expected:
            msg = (
                f"{sources_dir / rel}: sha256 {got} differs from the pin {expected} in "
                f"{pins_file}; the source changed since it was pinned. Review the change, "
                "then re-pin with `make pins`."
            )
            raise SourceInputError(msg)
    extra = sorted(set(found) - set(pins))
    if extra:
        msg = (
            f"{sources_dir / extra[0]}: not pinned in {pins_file} ({len(extra)} unpinned "
            "file(s)); review it, then re-pin with `make pins`."
        )
        raise SourceInputError(msg)


def write_pins(sources_dir: Path, pins_file: Path) -> dict[str, str]:
    """Hash every file of ``sources_dir`` and write the pins file; return the hashes."""
    hashes = hash_tree(sources_dir)
    pins_file.parent.mkdir(parents=True, exist_ok=True)
    pins_file.write_text(render_pins(hashes), encoding="utf-8")
    return hashes
