"""Read the curated data package: every CSV once, as text, with its problems.

:func:`read_package` is the only reader of ``datapackage/datapackage.json`` and the CSVs
it lists. A file that cannot be read as a CSV table — missing, empty, not UTF-8, an
unterminated quote, a cell beyond :data:`MAX_CELL` characters, a blank or repeated
header — is reported as one problem naming the file, row, field and value, and the
table is left out (``unreadable``), so no later step runs on it. Rows the reader can
place (blank rows, missing or extra cells) are reported and the rest of the table is
kept. Typing and the Table Schema checks come next, in
:func:`leadertravel.pipeline.validate.validate_tables`.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa

from leadertravel._schema import read_table_schema
from leadertravel.pipeline.problems import Location, Problem, Segment, table_order

__all__ = ["MAX_CELL", "CsvTable", "CuratedPackage", "read_csv", "read_package"]

#: The longest cell a curated CSV may hold, in characters (a longer one is refused: it
#: is almost always a missing closing quote that swallowed the rest of the file).
MAX_CELL = 1 << 20
_EXCERPT = 40


@dataclass(frozen=True)
class CsvTable:
    """One CSV file read as text.

    Attributes
    ----------
    table
        Text columns (empty cells null), one per header label; ``None`` when the file
        could not be read as a table.
    location
        Which file row each table row is (blank rows are skipped).
    problems
        What is wrong with the file; empty when it read cleanly.
    """

    table: pa.Table | None
    location: Location
    problems: list[Problem]


@dataclass(frozen=True)
class CuratedPackage:
    """The curated package, read once: descriptor, schemas and text tables.

    Attributes
    ----------
    root
        The project checkout it was read from.
    descriptor
        ``datapackage/datapackage.json`` as a dictionary.
    schemas
        Table name → Table Schema, in descriptor order.
    tables
        Table name → text table, for every readable resource.
    locations
        Table name → where each row of ``tables`` is in its file.
    files
        Table name → the CSV's path relative to the project root.
    problems
        Problems found while reading (the Table Schema checks come later).
    unreadable
        Tables that could not be read at all.
    """

    root: Path
    descriptor: dict[str, Any]
    schemas: dict[str, dict[str, Any]]
    tables: dict[str, pa.Table]
    locations: dict[str, Location]
    files: dict[str, str]
    problems: list[Problem]
    unreadable: frozenset[str]


@contextmanager
def _cell_limit(limit: int) -> Iterator[None]:
    previous = csv.field_size_limit(limit)
    try:
        yield
    finally:
        csv.field_size_limit(previous)


def _excerpt(text: str) -> str:
    line = text.split("\n", 1)[0]
    return line if len(line) <= _EXCERPT else line[:_EXCERPT] + "…"


def _shown(cell: str) -> str:
    r"""Show a cell's undecodable bytes (surrogate escapes) as ``\xNN``."""
    return cell.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


_ESCAPED = re.compile("[\udc80-\udcff]")
"""What ``surrogateescape`` decodes a byte that is not UTF-8 to (valid UTF-8 has none)."""


def _bad_bytes(cell: str) -> bool:
    return _ESCAPED.search(cell) is not None


def read_csv(path: Path, *, file: str, table: str = "", rank: int = 0) -> CsvTable:
    r"""Read a CSV file with a header line as text columns; report what is unreadable.

    Parameters
    ----------
    path
        The file.
    file
        How problems name it (the path relative to the project root).
    table
        The table it holds (for ordering problems); default: the file name.
    rank
        The table's rank in :func:`leadertravel.pipeline.problems.table_order`.

    Examples
    --------
    >>> import tempfile
    >>> path = Path(tempfile.mkdtemp()) / "t.csv"
    >>> _ = path.write_bytes(b'id,name\na,caf\xe9\n')
    >>> for p in read_csv(path, file="t.csv").problems:
    ...     print(p)
    t.csv:2: name [encoding-error] 'caf\\xe9': not valid UTF-8: save the file as UTF-8
    """
    nothing = Location.csv(file, 0)

    def fail(row: int | None, field: str | None, rule: str, value: Any, message: str) -> CsvTable:
        problem = Problem(file, row, field, rule, value, message, rank)
        return CsvTable(None, nothing, [problem])

    try:
        data = path.read_bytes()
    except OSError as err:
        return fail(None, None, "source-error", str(path), f"cannot read the file: {err}")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if not data.strip():
        return fail(
            None, None, "empty-file", "", "the file is empty; it needs at least the header line"
        )
    text = data.decode("utf-8", "surrogateescape")
    escaped = _bad_bytes(text)  # else no cell can hold an undecodable byte: none is searched
    records: list[list[str]] = []
    with _cell_limit(MAX_CELL):
        reader = csv.reader(io.StringIO(text, newline=""), strict=True)
        line = 0
        try:
            for record in reader:
                records.append(record)
                line = reader.line_num
        except csv.Error as err:
            row = len(records) + 1
            begin = 0
            for _ in range(line):  # the start of the record that failed
                begin = text.find("\n", begin) + 1
            start = text[begin : begin + _EXCERPT + 1]
            reason = str(err)
            if "field larger than field limit" in reason:
                reason = (
                    f"a cell is longer than {MAX_CELL:,} characters (an unclosed quote "
                    "swallowing the rest of the file?); shorten it or close the quote"
                )
            elif "unexpected end of data" in reason:
                reason = (
                    f"a quoted value opened on line {line + 1} is never closed; "
                    'add the closing " (write "" for a quote inside a value)'
                )
            else:
                reason = f"the CSV is malformed on line {line + 1}: {reason}"
            return fail(row, None, "source-error", _shown(_excerpt(start)), reason)
    header, rows = records[0], records[1:]
    seen: set[str] = set()
    for i, label in enumerate(header):
        if escaped and _bad_bytes(label):
            return fail(
                1, None, "encoding-error", _shown(label), "not valid UTF-8: save the file as UTF-8"
            )
        if not label.strip():
            return fail(1, None, "blank-label", "", f"header column {i + 1} has no name")
        if label in seen:
            return fail(
                1, label, "duplicate-label", label, f"the header names {label!r} twice; rename one"
            )
        seen.add(label)
    problems: list[Problem] = []
    columns: list[list[str | None]] = [[] for _ in header]
    segments: list[Segment] = []
    for number, record in enumerate(rows, start=2):
        for label, cell in zip(header, record, strict=False):
            if escaped and _bad_bytes(cell):
                problems.append(
                    Problem(
                        file, number, label, "encoding-error", _shown(cell),
                        "not valid UTF-8: save the file as UTF-8", rank,
                    )
                )  # fmt: skip
        if not any(record):
            problems.append(
                Problem(file, number, None, "blank-row", "", "the row is blank; remove it", rank)
            )
            continue
        if len(record) < len(header):
            missing = header[len(record)]
            problems.append(
                Problem(
                    file, number, missing, "missing-cell", "",
                    f"the row has {len(record)} cells, the header {len(header)}; "
                    f"{', '.join(header[len(record):])} missing", rank,
                )
            )  # fmt: skip
            record = record + [""] * (len(header) - len(record))
        elif len(record) > len(header):
            problems.append(
                Problem(
                    file, number, None, "extra-cell", _excerpt(",".join(record[len(header):])),
                    f"the row has {len(record)} cells, the header {len(header)}", rank,
                )
            )  # fmt: skip
            record = record[: len(header)]
        if (
            segments
            and segments[-1].first_row is not None
            and (segments[-1].first_row + segments[-1].rows == number)
        ):
            last = segments[-1]
            segments[-1] = Segment(file, last.rows + 1, last.first_row)
        else:
            segments.append(Segment(file, 1, number))
        for column, cell in zip(columns, record, strict=True):
            column.append(cell if cell != "" else None)
    if any(p.rule == "encoding-error" for p in problems):
        return CsvTable(None, nothing, problems)
    arrays = [pa.array(c, pa.string()) for c in columns]
    location = Location(tuple(segments)) if segments else Location.csv(file, 0)
    return CsvTable(pa.Table.from_arrays(arrays, names=header), location, problems)


def _relative(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def _checked_schema(schema: object) -> dict[str, Any]:
    """Refuse a Table Schema the build cannot apply (a ``ValueError`` naming why)."""
    from leadertravel._schema import arrow_schema

    if not isinstance(schema, dict):
        msg = "it must be a JSON object"
        raise ValueError(msg)
    fields = schema.get("fields")
    if not isinstance(fields, list) or not all(
        isinstance(f, dict) and isinstance(f.get("name"), str) for f in fields
    ):
        msg = "it needs a list of 'fields', each with a 'name'"
        raise ValueError(msg)
    names = [f["name"] for f in fields]
    for key in ("primaryKey",):
        if not set(schema.get(key) or []) <= set(names):
            msg = f"its {key} {schema.get(key)} names fields it does not have"
            raise ValueError(msg)
    arrow_schema(schema)  # every type maps (raises ValueError naming the field)
    return schema


def read_package(root: Path) -> CuratedPackage:
    """Read the descriptor, every Table Schema and every CSV of the curated package once.

    Parameters
    ----------
    root
        Project checkout (holding ``datapackage/`` and ``data/``).

    Returns
    -------
    CuratedPackage
        Text tables and reading problems; nothing is raised for bad data.
    """
    from leadertravel.pipeline.project import descriptor_path

    path = descriptor_path(root)
    descriptor = read_descriptor(path)
    base = path.parent
    schemas: dict[str, dict[str, Any]] = {}
    problems: list[Problem] = []
    for resource in descriptor["resources"]:
        name = resource["name"]
        try:
            schemas[name] = _checked_schema(read_table_schema(base / resource["schema"]))
        except (OSError, ValueError) as err:
            problems.append(
                Problem(
                    _relative((base / resource["schema"]).resolve(), root), None, None,
                    "source-error", resource["schema"],
                    f"cannot read the Table Schema of {name}: {err}",
                )
            )  # fmt: skip
    ranks = table_order(schemas)
    tables, locations, files = {}, {}, {}
    unreadable = set()
    for resource in descriptor["resources"]:
        name = resource["name"]
        if name not in schemas:
            unreadable.add(name)
            continue
        csv_path = (base / resource["path"]).resolve()
        files[name] = _relative(csv_path, root)
        read = read_csv(csv_path, file=files[name], table=name, rank=ranks[name])
        problems += read.problems
        if read.table is None:
            unreadable.add(name)
            continue
        tables[name] = read.table
        locations[name] = read.location
    return CuratedPackage(
        root, descriptor, schemas, tables, locations, files, problems, frozenset(unreadable)
    )


def read_descriptor(path: Path) -> dict[str, Any]:
    """Read ``datapackage.json``; a one-line :class:`DataValidationError` if unusable."""
    from leadertravel._errors import DataValidationError

    try:
        descriptor = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(descriptor, dict) or not isinstance(descriptor.get("resources"), list):
            msg = "it must be a JSON object with a list of 'resources'"
            raise ValueError(msg)
        for resource in descriptor["resources"]:
            if not all(isinstance(resource.get(k), str) for k in ("name", "path", "schema")):
                msg = f"every resource needs a name, a path and a schema; got {resource!r}"
                raise ValueError(msg)
    except (OSError, ValueError) as err:
        problem = Problem(path.as_posix(), None, None, "source-error", path.name, str(err))
        raise DataValidationError([problem], context=str(path)) from err
    return descriptor
