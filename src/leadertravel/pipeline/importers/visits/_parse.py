"""Read the Office of the Historian's visits by foreign leaders (history-state-visits)."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

from leadertravel._errors import SourceInputError
from leadertravel.pipeline.importers.historian._parse import (
    child,
    country_of,
    read_elements,
    record_dates,
    record_head,
    text,
)

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
    rid, what = record_head(elem, rel, index, "visit")
    slug, country_name = country_of(elem, "from", rel, what)
    visitor = text(child(elem, "visitor", rel, what).text)
    if not visitor:
        msg = f"{rel}: {what} <visitor> is empty; every visit names its visitor"
        raise SourceInputError(msg)
    start, end = record_dates(elem, rel, what)
    return VisitRecord(
        record_id=rid,
        start=start,
        end=end,
        visitor=visitor,
        slug=slug,
        country_name=country_name,
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
    return read_elements(
        sources_dir, sorted((sources_dir / "data").glob("*.xml")), "visit", _record
    )
