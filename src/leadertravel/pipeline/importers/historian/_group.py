"""Group a traveller's visits into trips by chaining them in time.

Rule (``gap_days`` = g, default 1): visits of one traveller are sorted by start date, end
date and record id; a visit joins the current trip when it starts no later than g days after
the latest end date of the trip so far (``start <= trip_end + g``) and was made in the same
office; otherwise it opens a new trip. With g = 1 a visit starting the day after the
previous one ended is chained (overnight travel), while a two-day break starts a new trip.
Because overlapping visits always chain, the trips of one traveller never overlap.

Second rule, for the era of sea voyages (``remarks_gap_days`` = w, default 4;
``sea_era_end``, default 1950-01-01): a visit starting before ``sea_era_end`` also joins the
current trip when its source remarks are non-empty and identical to those of the trip's last
visit and it starts no later than w days after the trip's latest end (``start <= trip_end +
w``). A voyage by sea left two to four days between ports, which the one-day rule reads as
returns home; the source marks such a voyage by repeating one remark on each of its visits
(Hoover's 1928 goodwill voyage: "Good will trip."). After the era of sea voyages a repeated
remark within a few days does not show a continuous journey: Haig flew home between his two
Falklands shuttles to London and Buenos Aires in April 1982, whose records share a remark.
Each visit records which rule joined it (``TripGroup.joined_by``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from leadertravel.pipeline.importers.historian._dedupe import Visit
from leadertravel.pipeline.importers.historian._parse import Term

__all__ = ["GAP", "SAME_REMARKS", "SEA_ERA_END", "Office", "TripGroup", "group_visits", "office_of"]

SEA_ERA_END = dt.date(1950, 1, 1)
GAP = "gap"
SAME_REMARKS = "same-remarks"

PRESIDENT = "President of the United States"
PRESIDENT_ELECT = "President-elect of the United States"
SECRETARY = "Secretary of State"


@dataclass(frozen=True)
class Office:
    """Office held on a visit, and whether the visit falls in a recorded term."""

    office: str
    title: str
    in_office: bool | None


@dataclass
class TripGroup:
    """Visits chained into one trip."""

    leader_id: str
    office: Office
    visits: list[Visit]
    joined_by: list[str] = field(default_factory=list)
    """Rule that joined each visit after the first (``GAP`` or ``SAME_REMARKS``)."""

    @property
    def start(self) -> dt.date:
        """First day of the first visit."""
        return min(v.record.start for v in self.visits)

    @property
    def end(self) -> dt.date:
        """Last day of the last visit."""
        return max(v.record.end for v in self.visits)


def office_of(visit: Visit, terms: list[Term]) -> Office:
    """Return the office of ``visit``'s traveller on its dates.

    Presidents' visits inside a term of ``presidents.xml`` are 'head_of_state_and_government';
    visits before the first term are 'president_elect' (in_office false); visits outside
    every term otherwise keep the presidential office with in_office false. Secretaries of
    State have no terms in the source, so in_office is null.

    Examples
    --------
    >>> from leadertravel.pipeline.importers.historian._parse import Record
    >>> d = dt.date(2020, 11, 1)
    >>> r = Record("1", "x", "president", "X", d, d, "uk", "UK", "", "", "f.xml")
    >>> t = Term("x", "X", dt.date(2021, 1, 20), None)
    >>> office_of(Visit(r, "GBR", (), "", ()), [t]).office
    'president_elect'
    """
    r = visit.record
    if r.role == "secretary":
        return Office("foreign_minister", SECRETARY, None)
    own = [t for t in terms if t.leader_id == r.who]
    if not own:
        return Office("head_of_state_and_government", PRESIDENT, None)
    for t in own:
        if t.took_office <= r.start and (t.left_office is None or r.end <= t.left_office):
            return Office("head_of_state_and_government", PRESIDENT, True)
    if r.end < min(t.took_office for t in own):
        return Office("president_elect", PRESIDENT_ELECT, False)
    return Office("head_of_state_and_government", PRESIDENT, False)


def group_visits(
    visits: list[Visit],
    terms: list[Term],
    *,
    gap_days: int = 1,
    remarks_gap_days: int = 4,
    sea_era_end: dt.date = SEA_ERA_END,
) -> list[TripGroup]:
    """Chain each traveller's visits into trips (see the module docstring for the rules).

    Examples
    --------
    >>> from leadertravel.pipeline.importers.historian._parse import Record
    >>> def v(i, s, e):
    ...     r = Record(i, "x", "secretary", "X", dt.date(2021, 6, s), dt.date(2021, 6, e),
    ...                "uk", "UK", "", "", "f.xml")
    ...     return Visit(r, "GBR", (), "", ())
    >>> [len(t.visits) for t in group_visits([v("1", 9, 13), v("2", 13, 15), v("3", 17, 18)], [])]
    [2, 1]
    """
    for name, days in (("gap_days", gap_days), ("remarks_gap_days", remarks_gap_days)):
        if days < 0:
            msg = f"{name} is {days}; expected 0 or more days"
            raise ValueError(msg)
    gap = dt.timedelta(days=gap_days)
    remarks_gap = dt.timedelta(days=remarks_gap_days)
    ordered = sorted(
        visits, key=lambda v: (v.record.who, v.record.start, v.record.end, int(v.record.record_id))
    )
    trips: list[TripGroup] = []
    for visit in ordered:
        office = office_of(visit, terms)
        current = trips[-1] if trips else None
        rule = None
        if (
            current is not None
            and current.leader_id == visit.record.who
            and current.office.office == office.office
        ):
            last = current.visits[-1].record.remarks
            if visit.record.start <= current.end + gap:
                rule = GAP
            elif (
                visit.record.start < sea_era_end
                and visit.record.remarks
                and visit.record.remarks == last
                and visit.record.start <= current.end + remarks_gap
            ):
                rule = SAME_REMARKS
        if current is not None and rule is not None:
            current.visits.append(visit)
            current.joined_by.append(rule)
            if office.in_office is False:
                current.office = office
        else:
            trips.append(TripGroup(visit.record.who, office, [visit]))
    return trips
