"""Read the Office of the Historian XML files into plain records."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

from leadertravel._errors import SourceInputError

__all__ = [
    "ROLES",
    "Record",
    "Term",
    "child",
    "iso_date",
    "parse_xml",
    "read_records",
    "read_terms",
    "text",
]

ROLES = ("president", "secretary")
_TRAVEL_DIRS = ("president-travels", "secretary-travels")


@dataclass(frozen=True)
class Record:
    """One ``<trip>`` element: one visit of one traveller to one country."""

    record_id: str
    who: str
    role: str
    name: str
    start: dt.date
    end: dt.date
    slug: str
    country_name: str
    locale: str
    remarks: str
    file: str

    def where(self) -> str:
        """Name the record for error messages.

        Examples
        --------
        >>> r = Record("4113", "biden-joseph-r", "president", "Joseph R. Biden",
        ...            dt.date(2021, 6, 9), dt.date(2021, 6, 13), "united-kingdom",
        ...            "United Kingdom", "London, Cornwall", "", "president-travels/b.xml")
        >>> r.where()
        'president-travels/b.xml: <trip> id 4113'
        """
        return f"{self.file}: <trip> id {self.record_id}"


@dataclass(frozen=True)
class Term:
    """One ``<president>`` entry of ``presidents/presidents.xml``."""

    leader_id: str
    name: str
    took_office: dt.date
    left_office: dt.date | None


def text(value: str | None) -> str:
    """Return an element's text with runs of whitespace collapsed (``""`` for none)."""
    return " ".join((value or "").split())


def parse_xml(path: Path, rel: str) -> ET.Element:
    """Parse one XML file; malformed XML names the file, line and column."""
    try:
        return ET.parse(path).getroot()
    except ET.ParseError as err:
        line, col = err.position
        msg = f"{rel}: malformed XML at line {line}, column {col}: {err}"
        raise SourceInputError(msg) from err


def child(elem: ET.Element, tag: str, rel: str, what: str) -> ET.Element:
    """Return the required child ``tag`` of ``elem`` (``what`` names the entry)."""
    child = elem.find(tag)
    if child is None:
        msg = f"{rel}: {what} has no <{tag}> element; every entry needs one"
        raise SourceInputError(msg)
    return child


def iso_date(value: str, rel: str, what: str, tag: str) -> dt.date:
    """Parse an ISO date, naming the file, entry and element when it is not one."""
    try:
        return dt.date.fromisoformat(value)
    except ValueError as err:
        msg = f"{rel}: {what} <{tag}> is {value!r}; expected an ISO date YYYY-MM-DD"
        raise SourceInputError(msg) from err


def _record(elem: ET.Element, rel: str, index: int) -> Record:
    what = f"<trip> #{index}"
    rid = text(child(elem, "id", rel, what).text)
    if not rid.isdigit():
        msg = f"{rel}: {what} <id> is {rid!r}; expected a number"
        raise SourceInputError(msg)
    what = f"<trip> id {rid}"
    role = text(child(elem, "role", rel, what).text)
    if role not in ROLES:
        msg = f"{rel}: {what} <role> is {role!r}; expected one of {list(ROLES)}"
        raise SourceInputError(msg)
    who = elem.get("who") or ""
    if not who:
        msg = f"{rel}: {what} has no 'who' attribute naming the traveller"
        raise SourceInputError(msg)
    country = child(elem, "country", rel, what)
    slug = country.get("id") or ""
    if not slug:
        msg = f"{rel}: {what} <country> has no 'id' attribute (the country slug)"
        raise SourceInputError(msg)
    start = iso_date(text(child(elem, "start-date", rel, what).text), rel, what, "start-date")
    end = iso_date(text(child(elem, "end-date", rel, what).text), rel, what, "end-date")
    if end < start:
        msg = f"{rel}: {what} <end-date> {end} is before <start-date> {start}"
        raise SourceInputError(msg)
    return Record(
        record_id=rid,
        who=who,
        role=role,
        name=text(child(elem, "name", rel, what).text),
        start=start,
        end=end,
        slug=slug,
        country_name=text(country.text),
        locale=text(elem.findtext("locale")),
        remarks=text(elem.findtext("remarks")),
        file=rel,
    )


def read_records(sources_dir: Path) -> list[Record]:
    """Read every ``<trip>`` of ``president-travels/`` and ``secretary-travels/``.

    Raises
    ------
    SourceInputError
        On malformed XML (file, line and column named), a missing element, a bad date or
        role, or a record id used twice.
    """
    records: list[Record] = []
    seen: dict[str, str] = {}
    for folder in _TRAVEL_DIRS:
        for path in sorted((sources_dir / folder).glob("*.xml")):
            rel = path.relative_to(sources_dir).as_posix()
            root = parse_xml(path, rel)
            for index, elem in enumerate(root.iter("trip"), start=1):
                record = _record(elem, rel, index)
                if record.record_id in seen:
                    msg = (
                        f"{rel}: <trip> id {record.record_id} is also used in "
                        f"{seen[record.record_id]}; record ids must be unique"
                    )
                    raise SourceInputError(msg)
                seen[record.record_id] = rel
                records.append(record)
    if not records:
        msg = f"{sources_dir}: no <trip> records found under {list(_TRAVEL_DIRS)}"
        raise SourceInputError(msg)
    return records


def read_terms(sources_dir: Path) -> list[Term]:
    """Read the presidents' terms of office from ``presidents/presidents.xml``."""
    rel = "presidents/presidents.xml"
    root = parse_xml(sources_dir / rel, rel)
    terms = []
    for index, elem in enumerate(root.iter("president"), start=1):
        what = f"<president> #{index}"
        leader_id = text(child(elem, "id", rel, what).text)
        took = text(child(elem, "took-office-date", rel, what).text)
        left = text(elem.findtext("left-office-date"))
        terms.append(
            Term(
                leader_id=leader_id,
                name=text(elem.findtext("name")),
                took_office=iso_date(took, rel, what, "took-office-date"),
                left_office=iso_date(left, rel, what, "left-office-date") if left else None,
            )
        )
    return terms
