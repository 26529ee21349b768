"""What the travels import reads: the snapshot's records and terms, and its curated inputs.

:func:`read_travels_inputs` reads the pinned snapshot (records, presidents' terms), codes
each record's country, merges duplicates and reads the curated inputs of
``data/historian/`` (locale exceptions, notes on single stops, places for visits that name
no locality) — everything the rows are made from.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from leadertravel._errors import SourceInputError
from leadertravel.pipeline.importers.historian._csv import read_rows
from leadertravel.pipeline.importers.historian._dedupe import Merge, Visit, merge_duplicates
from leadertravel.pipeline.importers.historian._locales import split_locale
from leadertravel.pipeline.importers.historian._parse import Record, Term, read_records, read_terms
from leadertravel.pipeline.importers.historian._places import HomePlace
from leadertravel.pipeline.importers.historian._shared import HistorianBase, read_country_places

__all__ = [
    "HOME",
    "SOURCE_ID",
    "TravelsInputs",
    "read_locale_exceptions",
    "read_stop_notes",
    "read_travels_inputs",
]

#: The snapshot the travels importer reads (``sources.source_id``, the rows' ``origin``).
SOURCE_ID = "history-state-travels"


#: The source records only the visits abroad of U.S. officials; their trips start and end
#: in Washington, D.C. (a curated place of this id wins over its GeoNames entry).
HOME = HomePlace(
    place_id="usa-washington",
    geonames_id=4140963,
    name="Washington, D.C.",
    remarks=(
        "Home of every imported trip: the seat of the U.S. government, assumed as the start "
        "and end of each trip because the source records only the visits abroad."
    ),
)


@dataclass(frozen=True)
class TravelsInputs:
    """The travels snapshot read and prepared for the rows (see :func:`read_travels_inputs`).

    Attributes
    ----------
    records, terms
        Every ``<trip>`` record and the presidents' terms.
    codes
        Record id → country code of its visit.
    date_notes
        Record id → the note of a record coded by its date (or by a note of the map).
    coded_by
        Layer of the country map → records it coded.
    visits, merges
        The records after merging duplicates, and the merges made.
    stop_notes
        Maintainers' notes keyed by (record id, locality or ``""``).
    country_places
        Country code → (place query, stop remark) for visits naming no locality.
    """

    records: list[Record]
    terms: list[Term]
    codes: dict[str, str]
    date_notes: dict[str, str]
    coded_by: Counter[str]
    visits: list[Visit]
    merges: list[Merge]
    stop_notes: dict[tuple[str, str], list[str]]
    country_places: dict[str, tuple[str, str]]


def read_locale_exceptions(path: Path) -> tuple[str, ...]:
    if not path.is_file():
        return ()
    return tuple(row["text"] for _, row in read_rows(path, ["text", "remarks"]))


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
    for lineno, row in read_rows(path, ["record_id", "locality", "remarks"]):
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


def _coded(
    base: HistorianBase, records: list[Record]
) -> tuple[dict[str, str], dict[str, str], Counter[str]]:
    """Code every record's country; return the codes, the notes of date-coded ones, the layers."""
    coded = {r.record_id: base.countries.coded(r) for r in records}
    codes = {rid: c.code for rid, c in coded.items()}
    name_codes: dict[tuple[str, str], set[str]] = {}
    for r in records:
        name_codes.setdefault((r.slug, r.country_name), set()).add(codes[r.record_id])
    notes = {}
    for r in records:
        c = coded[r.record_id]
        if (
            c.code != base.countries.present(r.slug)
            or len(name_codes[(r.slug, r.country_name)]) > 1
        ):
            notes[r.record_id] = (
                f"Coded {c.code} by the visit's date; the source files it as {r.country_name!r}."
            )
        elif c.note:
            notes[r.record_id] = c.note
    return codes, notes, Counter(c.rule for c in coded.values())


def read_travels_inputs(sources_dir: Path, root: Path, base: HistorianBase) -> TravelsInputs:
    """Read the (verified) travels snapshot and the curated inputs under ``root``.

    Raises
    ------
    SourceInputError
        Malformed XML, an unknown country id, a stale note on a stop.
    """
    records = read_records(sources_dir)
    hist = root / "data" / "historian"
    codes, date_notes, coded_by = _coded(base, records)
    keep = read_locale_exceptions(hist / "locale_exceptions.csv")
    present = {r.slug: base.countries.present(r.slug) for r in records}
    visits, merges = merge_duplicates(records, codes, present=present, keep=keep)
    merged = {m.merged_record_id for m in merges}
    return TravelsInputs(
        records=records,
        terms=read_terms(sources_dir),
        codes=codes,
        date_notes=date_notes,
        coded_by=coded_by,
        visits=visits,
        merges=merges,
        stop_notes=read_stop_notes(hist / "stop_notes.csv", records, keep=keep, merged=merged),
        country_places=read_country_places(hist / "country_places.csv"),
    )
