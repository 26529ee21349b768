"""Import the Office of the Historian's visits by foreign leaders into the project's tables."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from leadertravel._schema import read_table_schema
from leadertravel.pipeline.importers.historian._places import Placer
from leadertravel.pipeline.importers.historian._shared import (
    Citations,
    HistorianBase,
    import_tables,
    prepared_base,
)
from leadertravel.pipeline.importers.visits._identity import Mention, Resolution, resolve
from leadertravel.pipeline.importers.visits._parse import VisitRecord, read_visits
from leadertravel.pipeline.importers.visits._people import (
    NO_TITLE,
    Person,
    read_offices,
    read_supplied,
    read_titles,
)
from leadertravel.pipeline.importers.visits._report import visits_coverage
from leadertravel.pipeline.importers.visits._stops import read_us_places
from leadertravel.pipeline.importers.visits._trips import ORIGIN, PersonVisit, trip_tables
from leadertravel.pipeline.project import schema_path

__all__ = ["ORIGIN", "VisitsImport", "import_visits"]

log = logging.getLogger(__name__)


@dataclass
class VisitsImport:
    """What :func:`import_visits` returns: tables, coverage, leader-identity report."""

    tables: dict[str, pd.DataFrame]
    coverage: dict[str, Any]
    identity: pd.DataFrame
    seconds: float = field(default=0.0, compare=False)


def _people(base: HistorianBase, records: list[VisitRecord], root: Path) -> list[PersonVisit]:
    """Split each record's visitor string, derive each person's office (``_people``)."""
    data = root / "data" / "visits"
    titles = read_titles(data / "titles.csv")
    schema = read_table_schema(schema_path(root, "trips"))
    allowed = next(f for f in schema["fields"] if f["name"] == "office")["constraints"]["enum"]
    offices = read_offices(
        data / "offices.csv",
        allowed=set(allowed),
        classes={c for _, c in titles.rules} | {NO_TITLE},
    )
    supplied = read_supplied(data / "titles_supplied.csv", titles=titles)
    out = []
    split: dict[str, list[Person]] = {}  # many records repeat a visitor string
    for r in records:
        country = base.countries.code_for(r)
        if r.visitor not in split:
            split[r.visitor] = titles.split(r.visitor)
        people = split[r.visitor]
        for p in people:
            note = None
            if not p.title and r.record_id in supplied:
                title, title_class, note = supplied[r.record_id]
                p = Person(title, title_class, p.name)
            others = tuple(o.name for o in people if o.name != p.name)
            office = offices.office(p.title_class, country, r.start)
            out.append(PersonVisit(r, p, country, office, note, others))
    return out


def _identity(base: HistorianBase, visits: list[PersonVisit], root: Path) -> Resolution:
    mentions = [
        Mention(
            v.record.record_id,
            v.record.start,
            v.person.name,
            v.person.title,
            base.countries.present(v.record.slug),
        )
        for v in visits
    ]
    return resolve(mentions, root / "data" / "visits" / "leader_decisions.csv")


def import_visits(
    sources_dir: Path,
    *,
    root: Path,
    online: bool = False,
    curated_places: pd.DataFrame | None = None,
    gsh_dir: Path | None = None,
    base: HistorianBase | None = None,
) -> VisitsImport:
    """Import the visits by foreign leaders into typed project tables.

    Parameters
    ----------
    sources_dir
        The snapshot directory (``../shared/sources/history-state-visits``).
    root
        Project checkout (``data/pins``, ``data/visits``, ``data/historian``, schemas).
    online, curated_places, gsh_dir, base
        As for :func:`leadertravel.pipeline.importers.historian.import_historian`; ``base`` is the
        gazetteer, country map and place registry shared with the travels import.

    Raises
    ------
    SourceInputError
        A file that differs from its pin, malformed XML, an unmapped country id, a title
        class without an office, a stale leader decision.
    """
    started = time.perf_counter()
    sources_dir = Path(sources_dir)
    base = prepared_base(
        sources_dir,
        root=root,
        source_id=ORIGIN,
        base=base,
        gsh_dir=gsh_dir,
        curated_places=curated_places,
        online=online,
    )
    records = read_visits(sources_dir)
    visits = _people(base, records, root)
    who = _identity(base, visits, root)
    placer = Placer(base.geocoder, base.places, base.checker, origin=ORIGIN)
    cites = Citations(ORIGIN)
    us_places = read_us_places(root / "data" / "visits" / "us_places.csv")
    us_places = us_places.indexed(r.description for r in records)
    rows, leaders = trip_tables(base, visits, who, us_places, placer, cites)
    used = {s["place_id"] for s in rows["stops"] if s["place_id"]}
    tables, place_rows = import_tables(
        base,
        {"leaders": leaders, **rows},
        cites,
        used_places=used,
        places_support="U.S. place named in the descriptions",
    )
    identity = pd.DataFrame(
        who.report,
        columns=["kind", "country_code", "name", "person", "record_ids", "rule", "remarks"],
    ).astype("string")
    coverage = visits_coverage(records, visits, tables, place_rows, base, identity)
    seconds = time.perf_counter() - started
    log.info(
        "imported %d Historian visit records into %d trips of %d leaders in %.1f s",
        len(records),
        coverage["trips"],
        coverage["leaders"],
        seconds,
    )
    return VisitsImport(tables, coverage, identity, seconds)
