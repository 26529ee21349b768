"""Merge duplicate visit records.

Two records are candidate duplicates when they name the same traveller, the same start and
end dates and the same country: the same code after slug mapping *and* the same present-day
country of the slug, so split slugs such as ``turkey``/``turkiye`` meet while visits to two
Soviet republics on one day (both coded SUN by date) stay apart. Candidates are merged when

* every field but the id agrees (rule ``exact``: a record entered twice, wherever it lies in
  the file), or
* they follow each other in the source order, with no other visit of the traveller between
  them (rule ``same-person-dates-country``: one visit described twice, e.g. with two
  wordings of its remarks).

Candidates with another visit of the traveller between them and differing content are two
visits: Shultz was in Israel, then Cairo, then Israel again on 28 February 1988 (records 2121,
2122, 2123). Of each merged cluster the record with the lowest numeric id is kept; the others
are listed in the merge report with the rule that matched. The kept visit's locale is the union
of the cluster's locale parts (in order of first appearance) and its remarks the distinct
remarks of the cluster, so no text of a merged record is lost.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from leadertravel.pipeline.importers.historian._locales import split_locale
from leadertravel.pipeline.importers.historian._parse import Record

__all__ = ["MERGE_COLUMNS", "Merge", "Visit", "merge_duplicates"]

MERGE_COLUMNS = [
    "merged_record_id",
    "kept_record_id",
    "leader_id",
    "start_date",
    "end_date",
    "country_code",
    "rule",
    "file",
    "differences",
]


@dataclass(frozen=True)
class Visit:
    """One visit after merging: the kept record plus what the merged ones add."""

    record: Record
    country_code: str
    parts: tuple[str, ...]
    remarks: str
    merged_ids: tuple[str, ...]


@dataclass(frozen=True)
class Merge:
    """One merged record: which record absorbed it and why."""

    merged_record_id: str
    kept_record_id: str
    leader_id: str
    start_date: str
    end_date: str
    country_code: str
    rule: str
    file: str
    differences: str


def _content(r: Record) -> tuple[str, ...]:
    return (r.who, r.role, r.name, r.slug, r.country_name, r.locale, r.remarks)


def _differences(kept: Record, other: Record) -> str:
    fields = ("role", "name", "slug", "country_name", "locale", "remarks")
    return ", ".join(f for f in fields if getattr(kept, f) != getattr(other, f))


def _source_ranks(records: list[Record]) -> dict[str, int]:
    """Position of each record among its traveller's records, in the source order."""
    seen: dict[str, int] = defaultdict(int)
    ranks = {}
    for r in records:  # read_records keeps the files' document order
        ranks[r.record_id] = seen[r.who]
        seen[r.who] += 1
    return ranks


def _clusters(group: list[Record], rank: dict[str, int]) -> list[list[Record]]:
    """Split candidate duplicates into the clusters that really are one visit.

    A record joins a cluster when it repeats a member exactly, or when it directly follows
    the cluster's last member in the source order; otherwise it is another visit.
    """
    clusters: list[list[Record]] = []
    for r in sorted(group, key=lambda r: rank[r.record_id]):
        for cluster in clusters:
            exact = any(_content(m) == _content(r) for m in cluster)
            if exact or rank[r.record_id] == rank[cluster[-1].record_id] + 1:
                cluster.append(r)
                break
        else:
            clusters.append([r])
    return clusters


def merge_duplicates(
    records: list[Record],
    codes: dict[str, str],
    *,
    present: dict[str, str] | None = None,
    keep: tuple[str, ...] = (),
) -> tuple[list[Visit], list[Merge]]:
    """Group duplicates and merge each group into its lowest-id record.

    Parameters
    ----------
    records
        Every parsed record.
    codes
        Country code of each record id.
    present
        Present-day code of each slug (the code of its latest map row); slugs missing from
        it stand for themselves.
    keep
        Locale phrases never split (see :func:`split_locale`).

    Returns
    -------
    visits, merges
        One visit per group (sorted by traveller, dates, id) and one merge per absorbed
        record.

    Examples
    --------
    >>> import datetime as dt
    >>> d = dt.date(2021, 11, 1)
    >>> a = Record("7", "x-y", "president", "X", d, d, "uk", "UK", "Glasgow", "A.", "f.xml")
    >>> b = Record("9", "x-y", "president", "X", d, d, "uk", "UK", "Glasgow", "B.", "f.xml")
    >>> visits, merges = merge_duplicates([b, a], {"7": "GBR", "9": "GBR"})
    >>> visits[0].record.record_id, visits[0].remarks, merges[0].rule
    ('7', 'A. / B.', 'same-person-dates-country')

    A visit of the traveller between two such records makes them two visits:

    >>> c = Record("8", "x-y", "president", "X", d, d, "fr", "France", "Paris", "", "f.xml")
    >>> visits, merges = merge_duplicates([a, c, b], {"7": "GBR", "8": "FRA", "9": "GBR"})
    >>> [v.record.record_id for v in visits], merges
    (['7', '8', '9'], [])
    """
    present = present or {}
    rank = _source_ranks(records)
    groups: dict[tuple[str, dt.date, dt.date, str, str], list[Record]] = defaultdict(list)
    for r in records:
        key = (r.who, r.start, r.end, codes[r.record_id], present.get(r.slug, r.slug))
        groups[key].append(r)
    clusters: list[tuple[str, dt.date, dt.date, str, list[Record]]] = []
    for (who, start, end, code, _), group in groups.items():
        clusters.extend((who, start, end, code, c) for c in _clusters(group, rank))
    visits: list[Visit] = []
    merges: list[Merge] = []
    for who, start, end, code, group in clusters:
        group.sort(key=lambda r: int(r.record_id))
        kept, others = group[0], group[1:]
        parts: list[str] = []
        remarks: list[str] = []
        for r in group:
            parts.extend(p for p in split_locale(r.locale, keep=keep) if p not in parts)
            if r.remarks and r.remarks not in remarks:
                remarks.append(r.remarks)
        for other in others:
            exact = _content(other) == _content(kept)
            merges.append(
                Merge(
                    merged_record_id=other.record_id,
                    kept_record_id=kept.record_id,
                    leader_id=who,
                    start_date=start.isoformat(),
                    end_date=end.isoformat(),
                    country_code=code,
                    rule="exact" if exact else "same-person-dates-country",
                    file=other.file,
                    differences=_differences(kept, other),
                )
            )
        visits.append(
            Visit(
                record=kept,
                country_code=code,
                parts=tuple(parts),
                remarks=" / ".join(remarks),
                merged_ids=tuple(o.record_id for o in others),
            )
        )
    visits.sort(key=lambda v: (v.record.who, v.record.start, v.record.end, int(v.record.record_id)))
    merges.sort(key=lambda m: int(m.merged_record_id))
    return visits, merges
