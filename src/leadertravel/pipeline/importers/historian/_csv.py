"""Read the importers' curated CSV tables (``data/historian/``, ``data/visits/``)."""

from __future__ import annotations

import csv
from pathlib import Path

from leadertravel._errors import SourceInputError

__all__ = ["read_rows"]


def read_rows(path: Path, columns: list[str]) -> list[tuple[int, dict[str, str]]]:
    """Return ``(line number, row)`` of every data row, after checking the header.

    Raises
    ------
    SourceInputError
        When the header differs from ``columns`` (the message names both).
    """
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        if list(reader.fieldnames or []) != columns:
            msg = f"{path}: columns {reader.fieldnames} differ from the expected {columns}"
            raise SourceInputError(msg)
        return list(enumerate(reader, start=2))
