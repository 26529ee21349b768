"""The U.S. places a visit's description names, in text order.

Rule (``data/visits/us_places.csv``: ``pattern, locality, state, from_date, remarks``):
every row's pattern (a case-sensitive regular expression, never matched inside a longer
word) is searched in the description; each match names the row's ``locality``. Matches are
taken in text order; where two overlap, the one starting first (then the longer) wins; a
locality named again later is not a second stop. Rows with a ``from_date`` apply only to
visits starting on or after it (the United Nations sits in New York from 1946-10-23). A row's
``state`` (a U.S. postal code) restricts the GeoNames lookup to that state, so "Rochester"
for the Mayo Clinic is Rochester, Minnesota. Rows whose pattern names an institution rather
than a place (the United Nations, the White House, an address to Congress) place the stop
at the institution's seat, and the stop's remarks say so (the row's ``remarks``).
"""

from __future__ import annotations

import bisect
import datetime as dt
import functools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from leadertravel._dates import parse_iso_date
from leadertravel._errors import SourceInputError
from leadertravel.pipeline.importers.historian._csv import read_rows

__all__ = ["NamedPlace", "USPlaces", "read_us_places"]


@dataclass(frozen=True)
class NamedPlace:
    """A place named by a description: the stop's locality, its state, the row's remark."""

    locality: str
    state: str | None
    remarks: str
    text: str  # the words of the description that named it


_BEFORE = "(?<![A-Za-z])"
"""A match never starts inside a word ..."""
_AFTER = "(?![A-Za-z])"
"""... nor ends inside one."""


def _patterns(text: str) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """Compile a row's pattern ``text`` between its word guards, and its ``quick`` test.

    Raises :class:`re.error` if ``text`` is not a valid pattern.

    Examples
    --------
    >>> pattern, quick = _patterns("Dorado")
    >>> bool(quick.search("El Dorado Hills")), bool(pattern.search("El Dorado Hills"))
    (True, True)
    >>> bool(quick.search("ElDorado")), bool(pattern.search("ElDorado"))
    (True, False)
    """
    core = f"(?:{text}){_AFTER}"
    return re.compile(_BEFORE + core), re.compile(core)


@dataclass(frozen=True)
class _Row:
    line: int
    pattern: re.Pattern[str]
    """The row's pattern between the two word guards: what finds its places."""
    quick: re.Pattern[str]
    """The pattern without its leading guard, a fast test that ``pattern`` cannot match.

    Wherever ``pattern`` matches, ``quick`` matches too (it asks less), so a description
    ``quick`` does not match has no match of ``pattern``, and none before ``quick``'s first
    match. It is much faster to search: a
    pattern that starts with a lookbehind gives the regular expression engine no literal
    prefix to skip ahead to, so it tries every position of the text, while ``quick`` starts
    with the row's own words. ``tests/historian/test_visits_units.py`` pins that the answers
    are those of ``pattern`` alone on every real description.
    """
    place: NamedPlace
    from_date: dt.date | None


_SEPARATOR = "\x00"
"""Joins the descriptions :meth:`USPlaces.indexed` searches at once (no description holds it)."""
_CONTEXTUAL = re.compile(
    r"""\$ | \\[AZ] | \^          # anchors (and [^...] classes: harmless, but caught)
      | \(\?<                     # lookbehinds
      | \(\?!                     # negative lookaheads
      | \(\?> | [*+?}]\+          # atomic groups, possessive quantifiers
      | \\[1-9] | \(\?P= | \(\?\(  # backreferences, conditionals""",
    re.VERBOSE,
)
"""Syntax that can find no match in the joined descriptions where the description alone has
one (rows whose pattern holds any of it are searched in each description alone).

Anything else is safe, whatever it matches, because the engine backtracks: where a
pattern matches a description alone, every step of that match reads only the description's
characters, so the same steps match at the same place in the joined text, and a search
there finds that match or another one starting no later (a longer one that runs into the
next description does no harm, see :meth:`USPlaces.indexed`). What reaches past the
description (``.``, ``\\W``, ``\\s``, ``[^...]``, ``\\x00``) only adds such longer matches.
``\\b`` and ``\\B`` read the separator, a non-word character, as they read the end of the
text, and the closing guard ``(?![A-Za-z])`` reads it as no letter, as it reads the end.
Unsafe: the anchors (``$`` and ``\\Z`` hold at a description's end, not at a separator;
``^``, ``\\A`` at its start), lookbehinds and negative lookaheads (what they see differs),
and whatever gives up the backtracking the argument needs, so that a first attempt that
swallows the separator is never undone: atomic groups ``(?>...)``, possessive quantifiers
(``*+``, ``++``, ``?+``, ``}+``), and backreferences and conditionals (a positive lookahead
is atomic in Python: it holds in the joined text where it holds alone, but what it captured
may differ, and only they read it; so ``(?=...)`` alone is safe). Patterns are matched as text here,
so a literal (``\\+\\+``) may mark a row too: that only makes it slower, never wrong.
"""


@dataclass(frozen=True)
class USPlaces:
    """The ordered patterns of ``us_places.csv``."""

    rows: tuple[_Row, ...]
    candidates: Mapping[str, tuple[int, ...]] | None = None
    """Description → the rows that may name a place in it, from :meth:`indexed`: every row
    whose ``quick`` test it passes is among them (and the rows searched alone)."""
    _found: dict[tuple[str, tuple[bool, ...]], list[NamedPlace]] = field(
        default_factory=dict, compare=False, repr=False
    )
    """Answers by description (many records share one) and which dated rows apply."""

    def indexed(self, descriptions: Iterable[str]) -> USPlaces:
        """Return these places with :attr:`candidates` for ``descriptions``: same answers.

        Each row's ``quick`` test searches all the descriptions at once, joined by
        :data:`_SEPARATOR` (one search over 100 kB instead of one per description; after a
        hit the search goes on from the next description). A match there that crosses into
        the next description only makes the row a candidate where it names nothing (the
        row's own search of that description then finds nothing); a match within one
        description is found there as in the description alone, unless the pattern holds
        syntax that reads the context or never backtracks (:data:`_CONTEXTUAL` says which
        and why): such rows are candidates everywhere. So a row the quick test
        passes is never left out. ``tests/historian/test_visits_units.py`` pins the answers
        on every real description.
        """
        texts = list(dict.fromkeys(d for d in descriptions if _SEPARATOR not in d))
        joined = _SEPARATOR.join(texts)
        starts = [0]
        for text in texts:
            starts.append(starts[-1] + len(text) + 1)
        found: dict[str, list[int]] = {text: [] for text in texts}
        for i, row in enumerate(self.rows):
            if _CONTEXTUAL.search(row.quick.pattern.removesuffix(_AFTER)):
                for rows in found.values():
                    rows.append(i)
                continue
            at = 0  # never past the last description (an empty match would repeat there)
            while at < starts[-1] and (m := row.quick.search(joined, at)) is not None:
                k = bisect.bisect_right(starts, m.start()) - 1
                found[texts[k]].append(i)
                at = starts[k + 1]
        return USPlaces(self.rows, {text: tuple(rows) for text, rows in found.items()})

    @functools.cached_property
    def _from_dates(self) -> tuple[dt.date, ...]:
        """The ``from_date`` of the dated rows (which of them apply is part of an answer's key)."""
        return tuple(r.from_date for r in self.rows if r.from_date is not None)

    def find(self, description: str, day: dt.date) -> list[NamedPlace]:
        """Return the places ``description`` names, in text order, each once.

        Examples
        --------
        >>> camp = NamedPlace("Camp David", None, "", "")
        >>> nyc = NamedPlace("New York City", "NY", "", "")
        >>> rows = (
        ...     _Row(2, *_patterns("Camp David"), camp, None),
        ...     _Row(3, *_patterns("New York City"), nyc, None),
        ... )
        >>> [p.locality for p in USPlaces(rows).find(
        ...     "Visited New York City and Camp David; New York City again.", dt.date(1990, 1, 1))]
        ['New York City', 'Camp David']
        """
        key = (description, tuple(day >= start for start in self._from_dates))
        if key not in self._found:
            self._found[key] = self._find(description, day)
        return list(self._found[key])

    def _find(self, description: str, day: dt.date) -> list[NamedPlace]:
        rows = self.rows
        if self.candidates is not None and description in self.candidates:
            rows = tuple(self.rows[i] for i in self.candidates[description])
        hits: list[tuple[int, int, NamedPlace]] = []
        for row in rows:
            if row.from_date is not None and day < row.from_date:
                continue
            first = row.quick.search(description)
            if first is None:
                continue
            for m in row.pattern.finditer(description, first.start()):
                place = NamedPlace(
                    row.place.locality, row.place.state, row.place.remarks, m.group(0)
                )
                hits.append((m.start(), -(m.end() - m.start()), place))
        hits.sort(key=lambda h: (h[0], h[1]))
        found: list[NamedPlace] = []
        end = -1
        for start, neg_len, place in hits:
            if start < end:
                continue  # overlaps an earlier, longer match
            end = start - neg_len
            if all(p.locality != place.locality for p in found):
                found.append(place)
        return found


def read_us_places(path: Path) -> USPlaces:
    """Read ``us_places.csv``.

    Raises
    ------
    SourceInputError
        On unexpected columns, an invalid pattern or date, a pattern that matches the empty
        string, or a row without a locality.
    """
    expected = ["pattern", "locality", "state", "from_date", "remarks"]
    rows = []
    for lineno, row in read_rows(path, expected):
        if not row["locality"]:
            msg = f"{path}:{lineno}: pattern {row['pattern']!r} names no locality"
            raise SourceInputError(msg)
        try:
            pattern, quick = _patterns(row["pattern"])
            start = parse_iso_date(row["from_date"]) if row["from_date"] else None
        except (re.error, ValueError) as err:
            msg = f"{path}:{lineno}: invalid pattern or from_date: {err}"
            raise SourceInputError(msg) from err
        if quick.match("") is not None:  # its guard holds at the end: the pattern matches ""
            msg = (
                f"{path}:{lineno}: field pattern: {row['pattern']!r} matches the empty "
                "string (it would name its locality where no word names it); remove the "
                "empty alternative (a stray '|'?) or make some part of it required"
            )
            raise SourceInputError(msg)
        place = NamedPlace(row["locality"], row["state"] or None, row["remarks"], "")
        rows.append(_Row(lineno, pattern, quick, place, start))
    return USPlaces(tuple(rows))
