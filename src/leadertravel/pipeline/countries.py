"""Generate the ``countries`` reference table from pycountry plus a curated addendum.

ISO 3166-1 gives current countries, ISO 3166-3 the former ones (SUN, YUG, CSK, DDR …);
``data/reference/countries_addendum.csv`` holds the few entities ISO lists under neither
(user-assigned codes such as XKX for Kosovo). ``make countries`` rewrites
``data/reference/countries.csv``; the output is sorted by code, so regenerating with the
pinned pycountry gives identical bytes.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import Any

from leadertravel._dates import DATE

__all__ = ["COLUMNS", "country_rows", "render_csv", "write_countries"]

COLUMNS = ["code", "name", "alpha_2", "numeric", "status", "valid_from", "valid_to", "remarks"]
_FULL_DATE = re.compile(DATE)


def _current_rows() -> list[dict[str, str]]:
    import pycountry

    rows = []
    for c in pycountry.countries:
        rows.append(
            {
                "code": c.alpha_3,
                "name": getattr(c, "common_name", None) or c.name,
                "alpha_2": c.alpha_2,
                "numeric": getattr(c, "numeric", "") or "",
                "status": "iso-3166-1",
                "valid_from": "",
                "valid_to": "",
                "remarks": "",
            }
        )
    return rows


def _historic_rows(current: set[str]) -> list[dict[str, str]]:
    import pycountry

    rows = []
    for h in pycountry.historic_countries:
        if h.alpha_3 in current:  # e.g. ATF: the code lives on for a current entry
            continue
        withdrawn = str(getattr(h, "withdrawal_date", "") or "")
        exact = bool(_FULL_DATE.fullmatch(withdrawn))
        remarks = f"Code withdrawn from ISO 3166-1 on {withdrawn} (ISO 3166-3)."
        if withdrawn and not exact:
            remarks = f"Code withdrawn from ISO 3166-1 in {withdrawn} (ISO 3166-3; day not given)."
        rows.append(
            {
                "code": h.alpha_3,
                "name": h.name,
                "alpha_2": getattr(h, "alpha_2", "") or "",
                "numeric": getattr(h, "numeric", "") or "",
                "status": "iso-3166-3",
                "valid_from": "",
                "valid_to": withdrawn if exact else "",
                "remarks": remarks,
            }
        )
    return rows


def _addendum_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    for i, row in enumerate(rows, start=2):
        if list(row) != COLUMNS:
            msg = f"{path}:{i}: columns {list(row)} differ from the expected {COLUMNS}"
            raise ValueError(msg)
    return rows


def country_rows(addendum: Path) -> list[dict[str, Any]]:
    """Return every country row, sorted by code.

    Parameters
    ----------
    addendum
        The curated CSV of entities pycountry lacks (same columns as the output).

    Raises
    ------
    ValueError
        When the addendum repeats a code ISO already assigns.
    """
    current = _current_rows()
    codes = {r["code"] for r in current}
    rows = current + _historic_rows(codes)
    seen = {r["code"] for r in rows}
    for extra in _addendum_rows(addendum):
        if extra["code"] in seen:
            msg = (
                f"{addendum}: code {extra['code']!r} is already assigned by ISO 3166 "
                "(pycountry); remove it from the addendum"
            )
            raise ValueError(msg)
        seen.add(extra["code"])
        rows.append(extra)
    return sorted(rows, key=lambda r: r["code"])


def render_csv(rows: list[dict[str, Any]]) -> str:
    """Render rows as the CSV text stored in ``data/reference/countries.csv``."""
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buf.getvalue()


def write_countries(root: Path) -> Path:
    """Regenerate ``data/reference/countries.csv`` under ``root`` and return its path."""
    ref = root / "data" / "reference"
    out = ref / "countries.csv"
    out.write_text(render_csv(country_rows(ref / "countries_addendum.csv")), encoding="utf-8")
    return out
