"""Curated inputs of the travels import: locale exceptions and notes on single stops.

Both live in ``data/historian/`` beside the country map and the gazetteer.
"""

from __future__ import annotations

import csv
from pathlib import Path

from leadertravel._errors import SourceInputError
from leadertravel.pipeline.importers.historian._locales import split_locale
from leadertravel.pipeline.importers.historian._parse import Record

__all__ = ["read_locale_exceptions", "read_stop_notes"]


def read_locale_exceptions(path: Path) -> tuple[str, ...]:
    if not path.is_file():
        return ()
    with path.open(encoding="utf-8", newline="") as fh:
        return tuple(r["text"] for r in csv.DictReader(fh))


def read_stop_notes(
    path: Path,
    records: list[Record],
    *,
    keep: tuple[str, ...],
    merged: set[str],
) -> dict[tuple[str, str], list[str]]:
    """Maintainers' notes on single stops, keyed by (record id, locality; '' for every stop).

    Raises
    ------
    SourceInputError
        When a row names a record id the source lacks or that was merged into another record
        (its stop is the kept record's), or a locality that is not one of the parts its
        record's locale is split into (a note that would never be attached).
    """
    if not path.is_file():
        return {}
    known = {r.record_id: r for r in records}
    notes: dict[tuple[str, str], list[str]] = {}
    with path.open(encoding="utf-8", newline="") as fh:
        for lineno, row in enumerate(csv.DictReader(fh), start=2):
            record = known.get(row["record_id"])
            if record is None or not row["remarks"]:
                msg = (
                    f"{path}:{lineno}: record_id {row['record_id']!r} is not a source record "
                    "or the row has no remarks; fix the id or drop the row"
                )
                raise SourceInputError(msg)
            if record.record_id in merged:
                msg = (
                    f"{path}:{lineno}: record {record.record_id} was merged into another record "
                    "(see the merge report); attach the note to the kept record's id"
                )
                raise SourceInputError(msg)
            parts = split_locale(record.locale or "", keep=keep)
            if row["locality"] and row["locality"] not in parts:
                msg = (
                    f"{path}:{lineno}: locality {row['locality']!r} is not one of record "
                    f"{record.record_id}'s places {list(parts)}; copy one as the source spells it"
                )
                raise SourceInputError(msg)
            notes.setdefault((row["record_id"], row["locality"]), []).append(row["remarks"])
    return notes
