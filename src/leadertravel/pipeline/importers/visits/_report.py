"""The visits import's coverage report: every record imported or dropped with a reason."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Any

import pandas as pd

from leadertravel.pipeline.importers.historian._report import stop_coverage
from leadertravel.pipeline.importers.visits._trips import NO_TITLE_TEXT

if TYPE_CHECKING:
    from leadertravel.pipeline.importers.historian._shared import HistorianBase
    from leadertravel.pipeline.importers.visits._parse import VisitRecord

__all__ = ["visits_coverage"]


def visits_coverage(
    records: list[VisitRecord],
    visits: list[Any],
    tables: dict[str, pd.DataFrame],
    places: list[dict[str, Any]],
    base: HistorianBase,
    identity: pd.DataFrame,
) -> dict[str, Any]:
    """Return the visits import's coverage report (see docs/visits-import.md)."""
    trips = tables["trips"]
    stops = tables["stops"]
    imported = set(stops["source_record_id"].dropna().tolist())
    per_record = Counter(v.record.record_id for v in visits)
    decades = Counter(f"{y // 10 * 10}s" for y in trips["start_date"].dt.year.tolist())
    leaders = tables["leaders"]
    return {
        "source_id": "history-state-visits",
        "records_read": len(records),
        "records_imported": len(imported),
        "records_dropped": [],
        "records_accounted": len(imported),
        "records_missing": sorted({r.record_id for r in records} - imported, key=int),
        "records_naming_several_people": sorted(
            (rid for rid, n in per_record.items() if n > 1), key=int
        ),
        "records_coded_by": dict(
            sorted(Counter(base.countries.coded(r).rule for r in records).items())
        ),
        "from_ids": len({r.slug for r in records}),
        "leaders": int(leaders.shape[0]),
        "leaders_by_country": len(set(leaders["country_code"].tolist())),
        "leader_identity": dict(sorted(Counter(identity["kind"]).items())),
        "trips_by_office": dict(sorted(Counter(trips["office"].tolist()).items())),
        "trips_by_decade": dict(sorted(decades.items())),
        "trips_without_title": int((trips["office_title"] == NO_TITLE_TEXT).sum()),
        **stop_coverage(
            tables, {p["place_id"]: p for p in places}, base.checker, base.refused_locales
        ),
    }
