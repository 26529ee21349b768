"""Read the Office of the Historian XML files into plain records."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, TypeVar

from leadertravel._dates import parse_iso_date
from leadertravel._errors import SourceInputError

__all__ = [
    "ROLES",
    "Record",
    "Term",
    "child",
    "country_of",
    "iso_date",
    "parse_xml",
    "read_elements",
    "read_records",
    "read_terms",
    "record_dates",
    "record_head",
    "text",
]

ROLES = ("president", "secretary")


class _Identified(Protocol):
    @property
    def record_id(self) -> str: ...


R = TypeVar("R", bound=_Identified)
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


def parse_xml(source: Path | bytes, rel: str) -> ET.Element:
    """Parse one XML file (its path or its bytes); malformed XML names it, line and column."""
    try:
        return ET.fromstring(source) if isinstance(source, bytes) else ET.parse(source).getroot()
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
        return parse_iso_date(value)
    except ValueError as err:
        msg = f"{rel}: {what} <{tag}> is {value!r}; expected an ISO date YYYY-MM-DD"
        raise SourceInputError(msg) from err


def record_head(elem: ET.Element, rel: str, index: int, tag: str) -> tuple[str, str]:
    """Return a record's numeric ``<id>`` and how messages name it (``<tag> id N``)."""
    what = f"<{tag}> #{index}"
    rid = text(child(elem, "id", rel, what).text)
    if not rid.isdigit():
        msg = f"{rel}: {what} <id> is {rid!r}; expected a number"
        raise SourceInputError(msg)
    return rid, f"<{tag}> id {rid}"


def country_of(elem: ET.Element, tag: str, rel: str, what: str) -> tuple[str, str]:
    """Return the country id (slug) and display name of the record's ``<tag id="...">``."""
    country = child(elem, tag, rel, what)
    slug = country.get("id") or ""
    if not slug:
        msg = f"{rel}: {what} <{tag}> has no 'id' attribute (the country slug)"
        raise SourceInputError(msg)
    return slug, text(country.text)


def record_dates(elem: ET.Element, rel: str, what: str) -> tuple[dt.date, dt.date]:
    """Return a record's ``<start-date>`` and ``<end-date>``, the end not before the start."""
    start = iso_date(text(child(elem, "start-date", rel, what).text), rel, what, "start-date")
    end = iso_date(text(child(elem, "end-date", rel, what).text), rel, what, "end-date")
    if end < start:
        msg = f"{rel}: {what} <end-date> {end} is before <start-date> {start}"
        raise SourceInputError(msg)
    return start, end


def _record(elem: ET.Element, rel: str, index: int) -> Record:
    rid, what = record_head(elem, rel, index, "trip")
    role = text(child(elem, "role", rel, what).text)
    if role not in ROLES:
        msg = f"{rel}: {what} <role> is {role!r}; expected one of {list(ROLES)}"
        raise SourceInputError(msg)
    who = elem.get("who") or ""
    if not who:
        msg = f"{rel}: {what} has no 'who' attribute naming the traveller"
        raise SourceInputError(msg)
    slug, country_name = country_of(elem, "country", rel, what)
    start, end = record_dates(elem, rel, what)
    return Record(
        record_id=rid,
        who=who,
        role=role,
        name=text(child(elem, "name", rel, what).text),
        start=start,
        end=end,
        slug=slug,
        country_name=country_name,
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
    paths = [p for folder in _TRAVEL_DIRS for p in sorted((sources_dir / folder).glob("*.xml"))]
    return read_elements(sources_dir, paths, "trip", _record)


def read_elements(
    sources_dir: Path, paths: list[Path], tag: str, make: Callable[[ET.Element, str, int], R]
) -> list[R]:
    """Read every ``<tag>`` element of ``paths`` into a record with ``make(elem, rel, index)``.

    Records are returned in file order; each needs a ``record_id`` unique across the files.

    Raises
    ------
    SourceInputError
        On malformed XML, a record id used twice, or no ``<tag>`` at all.
    """
    records: list[R] = []
    seen: dict[str, str] = {}
    for path in paths:
        rel = path.relative_to(sources_dir).as_posix()
        for index, elem in enumerate(parse_xml(path, rel).iter(tag), start=1):
            record = make(elem, rel, index)
            rid = record.record_id
            if rid in seen:
                msg = (
                    f"{rel}: <{tag}> id {rid} is also used in {seen[rid]}; record ids must "
                    "be unique"
                )
                raise SourceInputError(msg)
            seen[rid] = rel
            records.append(record)
    if not records:
        msg = f"{sources_dir}: no <{tag}> records found in {len(paths)} file(s)"
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
