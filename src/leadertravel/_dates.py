"""ISO 8601 dates and date-times as text: the one set of patterns the package matches.

Patterns are whole-string (use them with ``fullmatch``, or anchor them, as Arrow's RE2
needs): ``$`` alone would accept a final newline. Checking the shape first keeps
:meth:`datetime.date.fromisoformat` from accepting the other spellings it knows
(``20260213``, week dates) since Python 3.11.
"""

from __future__ import annotations

import datetime as dt
import re

__all__ = [
    "DATE",
    "DATETIME",
    "DATETIME_LOOSE",
    "OFFSET",
    "TIME",
    "is_iso_date",
    "parse_iso_date",
]

#: A calendar date written ``YYYY-MM-DD`` (the shape only; see `is_iso_date`).
DATE = r"[0-9]{4}-[0-9]{2}-[0-9]{2}"
#: A time of day ``HH:MM:SS`` with optional fractional seconds.
TIME = r"[0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]+)?"
#: An optional UTC offset: ``Z``, ``+HH:MM`` or ``+HHMM``.
OFFSET = r"(?:Z|[+-][0-9]{2}:?[0-9]{2})?"
#: A Table Schema ``datetime``: date ``T`` time, optional offset.
DATETIME = f"{DATE}T{TIME}{OFFSET}"
#: A date-time as a user may type it (a loader filter): ``T`` or a space, seconds optional.
DATETIME_LOOSE = rf"{DATE}[T ][0-9]{{2}}:[0-9]{{2}}(?::[0-9]{{2}}(?:\.[0-9]+)?)?{OFFSET}"

_DATE_RE = re.compile(DATE)


def is_iso_date(text: str) -> bool:
    """Return whether ``text`` is a real calendar date written YYYY-MM-DD.

    Examples
    --------
    >>> is_iso_date("2024-02-29"), is_iso_date("2026-02-30"), is_iso_date("20260213")
    (True, False, False)
    """
    if not _DATE_RE.fullmatch(text):
        return False
    try:
        dt.date.fromisoformat(text)
    except ValueError:
        return False
    return True


def parse_iso_date(text: str) -> dt.date:
    """Return the calendar date written ``YYYY-MM-DD`` in ``text``.

    Raises
    ------
    ValueError
        ``text`` is another spelling (``20260213``, a week date) or no real date.

    Examples
    --------
    >>> parse_iso_date("2024-02-29")
    datetime.date(2024, 2, 29)
    >>> parse_iso_date("2026-W07-5")
    Traceback (most recent call last):
    ...
    ValueError: '2026-W07-5' is not a date written YYYY-MM-DD
    """
    if not _DATE_RE.fullmatch(text):
        msg = f"{text!r} is not a date written YYYY-MM-DD"
        raise ValueError(msg)
    return dt.date.fromisoformat(text)
