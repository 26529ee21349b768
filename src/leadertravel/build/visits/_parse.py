"""Read the Office of the Historian's visits by foreign leaders (history-state-visits)."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

from leadertravel._errors import SourceInputError
from leadertravel.build.historian._parse import child, iso_date, parse_xml, text

__all__ = ["VisitRecord", "read_visits"]


@dataclass(frozen=True)
class VisitRecord:
    """One ``<visit>``: a visit of one (or two) foreign leaders to the United States."""

    record_id: str
    start: dt.date
    end: dt.date
    visitor: str
    slug: str
    country_name: str
    description: str
    file: str

    def where(self) -> str:
        """Name the record for error messages.

        Examples
        --------
        >>> d = dt.date(2020, 1, 7)
        >>> r = VisitRecord("2991", d, d, "Prime Minister X", "greece", "Greece", "", "d/2020.xml")
        >>> r.where()
        'd/2020.xml: <visit> id 2991'
        """
        return f"{self.file}: <visit> id {self.record_id}"


def _record(elem: ET.Element, rel: str, index: int) -> VisitRecord:
    what = f"<visit> #{index}"
    rid = text(child(elem, "id", rel, what).text)
    if not rid.isdigit():
        msg = f"{rel}: {what} <id> is {rid!r}; expected a number"
        raise SourceInputError(msg)
    what = f"<visit> id {rid}"
    origin = child(elem, "from", rel, what)
    slug = origin.get("id") or ""
    if not slug:
        msg = f"{rel}: {what} <from> has no 'id' attribute (the country id)"
        raise SourceInputError(msg)
    visitor = text(child(elem, "visitor", rel, what).text)
    if not visitor:
        msg = f"{rel}: {what} <visitor> is empty; every visit names its visitor"
        raise SourceInputError(msg)
    start = iso_date(text(child(elem, "start-date", rel, what).text), rel, what, "start-date")
    end = iso_date(text(child(elem, "end-date", rel, what).text), rel, what, "end-date")
    if end < start:
        msg = f"{rel}: {what} <end-date> {end} is before <start-date> {start}"
        raise SourceInputError(msg)
    return VisitRecord(
        record_id=rid,
        start=start,
        end=end,
        visitor=visitor,
        slug=slug,
        country_name=text(origin.text),
        description=text(elem.findtext("description")),
        file=rel,
    )


def read_visits(sources_dir: Path) -> list[VisitRecord]:
    """Read every ``<visit>`` of ``data/*.xml``, in file order.

    Raises
    ------
    SourceInputError
        On malformed XML (file, line and column), a missing element, a bad date, an empty
        visitor or a record id used twice.
    """
    records: list[VisitRecord] = []
    seen: dict[str, str] = {}
    for path in sorted((sources_dir / "data").glob("*.xml")):
        rel = path.relative_to(sources_dir).as_posix()
        for index, elem in enumerate(parse_xml(path, rel).iter("visit"), start=1):
            record = _record(elem, rel, index)
            if record.record_id in seen:
                msg = (
                    f"{rel}: <visit> id {record.record_id} is also used in "
                    f"{seen[record.record_id]}; record ids must be unique"
                )
                raise SourceInputError(msg)
            seen[record.record_id] = rel
            records.append(record)
    if not records:
        msg = f"{sources_dir}: no <visit> records found under data/"
        raise SourceInputError(msg)
    return records
