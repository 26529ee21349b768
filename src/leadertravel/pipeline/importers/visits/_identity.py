"""One leader per person: resolve the people the visitor strings name across visits.

The rule (documented in ``docs/visits-import.md``), applied within one country — the
present-day country of the visit's ``from`` id, so a Soviet leader and his Russian
successor's records meet while two kings of different countries never do:

1. **Same name.** Names are compared normalised (accents folded, case, punctuation,
   one-letter initials, nicknames in parentheses and honorifics such as "Dr." or "Sheikh"
   dropped). The same normalised name is one person whatever the title: a vice president
   who returns as president is one leader.
2. **Variants.** A name joins another of the same country when both end in the same
   family name, all its visits lie within ``WINDOW_YEARS`` of the other's visits, and either
   its words are a subset of the other's ("Jose Aznar" ⊂ "Jose Maria Aznar"; a family name
   alone, "Adenauer" ⊂ "Konrad Adenauer") with the same first word unless it is a family
   name alone, or the two differ by at most ``MAX_EDITS`` letters ("Benyamin" /
   "Benjamin Netanyahu"). A name that could join several others joins none.
3. **Decisions.** ``data/visits/leader_decisions.csv`` (``country_code, name, from_date,
   to_date, person, remarks``) assigns the visits of a name (normalised) in a country within
   the dates to a named person: it splits one name into two people (two kings of Jordan
   called Abdullah) and merges what the rule cannot see. Decisions come first.

Every merge (several names or titles → one leader) and every split is reported.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from leadertravel._dates import parse_iso_date
from leadertravel._errors import SourceInputError
from leadertravel.pipeline.importers.historian._csv import read_rows
from leadertravel.pipeline.importers.historian._locales import slugify

__all__ = ["MAX_EDITS", "WINDOW_YEARS", "Mention", "Resolution", "name_key", "resolve"]

WINDOW_YEARS = 15
MAX_EDITS = 2
_HONORIFICS = {"dr", "sheikh", "sheik", "haji", "el", "hadj", "dato", "seri", "tun", "sir"}
_NUMERAL = re.compile(r"^[ivx]+$")


@functools.lru_cache(maxsize=8192)
def name_key(name: str) -> str:
    """Normalise a person's name for comparison (cached: the records repeat names).

    Examples
    --------
    >>> name_key("Leonid I. Brezhnev"), name_key("Rudolphus (Ruud) Lubbers")
    ('leonid brezhnev', 'rudolphus lubbers')
    >>> name_key("Andrés Manuel López Obrador"), name_key("Dr. Hilda Heine")
    ('andres manuel lopez obrador', 'hilda heine')
    >>> name_key("Leopold-Sedar Senghor") == name_key("Leopold Sedar Senghor")
    True
    """
    name = re.sub(r"\([^)]*\)", " ", name)
    folded = "".join(
        c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c)
    ).lower()
    words = re.sub(r"[^a-z0-9 ]+", " ", folded.replace("'", "").replace("\u2019", "")).split()
    return " ".join(w for w in words if len(w) > 1 and w not in _HONORIFICS)


@dataclass(frozen=True)
class Mention:
    """One person named by one record: the input of the resolution."""

    record_id: str
    day: dt.date
    name: str
    title: str
    country: str  # the present-day country of the record's id (identity scope)


@dataclass
class Resolution:
    """Who each mention is, and the report of every merge and split."""

    person_of: dict[tuple[str, str], str]
    """(record id, name as written) → the person's canonical name key."""
    names: dict[str, str]
    """Canonical key → the display name (the most frequent spelling, then the longest)."""
    report: list[dict[str, str]] = field(default_factory=list)

    def leader_id(self, key: str, country_code: str) -> str:
        """Return the leader id: the display name's slug and the leader's country, lower case."""
        return f"{slugify(self.names[key])}-{country_code.lower()}"


def _edits(a: str, b: str, limit: int) -> int:
    """Levenshtein distance of ``a`` and ``b``, stopping above ``limit``.

    Returns the distance when it is at most ``limit``, otherwise a number above ``limit``.
    A common beginning and end of the two names change no distance, so they are dropped
    first: most names compared share their family name or their first letters.

    Examples
    --------
    >>> _edits("benyamin netanyahu", "benjamin netanyahu", 2), _edits("paik", "park", 1)
    (1, 1)
    >>> _edits("kirchner", "fernandez de kirchner", 2) > 2
    True
    """
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    start = 0
    while start < len(a) and start < len(b) and a[start] == b[start]:
        start += 1
    a, b = a[start:], b[start:]
    end = 0
    while end < len(a) and end < len(b) and a[-1 - end] == b[-1 - end]:
        end += 1
    if end:
        a, b = a[:-end], b[:-end]
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        cur = [i]
        for j, cb in enumerate(b, start=1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        if min(cur) > limit:
            return limit + 1
        prev = cur
    return prev[-1]


def _family(words: list[str]) -> str:
    """Return the family name: the last word that is no regnal number ("Rainier III": rainier)."""
    named = [w for w in words if not _NUMERAL.match(w)] or words
    return named[-1]


def _variant_of(a: str, b: str) -> bool:
    """Tell whether name ``a`` may be a variant of name ``b`` (rule 2, without dates).

    Examples
    --------
    >>> _variant_of("jose aznar", "jose maria aznar"), _variant_of("rainier", "rainier iii")
    (True, True)
    >>> _variant_of("benyamin netanyahu", "benjamin netanyahu"), _variant_of("paik", "park")
    (True, False)
    >>> _variant_of("ziaur rahman", "khaleda ziaur rahman")
    False
    """
    wa, sa, fa = _parts(a)
    wb, sb, fb = _parts(b)
    if not wa or not wb:
        return False
    if sa <= sb and fa == fb and (len(wa) == 1 or wa[0] == wb[0]):
        return True
    # the cheap test first: most pairs have different numbers of words
    return (
        len(wa) == len(wb) >= 2
        and (fa == fb or _edits(fa, fb, 1) <= 1)
        and _edits(a, b, MAX_EDITS) <= MAX_EDITS
    )


@functools.lru_cache(maxsize=8192)
def _parts(name: str) -> tuple[tuple[str, ...], frozenset[str], str]:
    """Return the words of a name key, their set and the family name (computed once a name)."""
    words = name.split()
    return tuple(words), frozenset(words), _family(words) if words else ""


@dataclass(frozen=True)
class _Decision:
    line: int
    country: str
    key: str
    start: dt.date | None
    end: dt.date | None
    person: str
    remarks: str


def _read_decisions(path: Path) -> list[_Decision]:
    if not path.is_file():
        return []
    expected = ["country_code", "name", "from_date", "to_date", "person", "remarks"]
    out = []
    for lineno, row in read_rows(path, expected):
        try:
            start = parse_iso_date(row["from_date"]) if row["from_date"] else None
            end = parse_iso_date(row["to_date"]) if row["to_date"] else None
        except ValueError as err:
            msg = f"{path}:{lineno}: from_date/to_date must be ISO dates YYYY-MM-DD"
            raise SourceInputError(msg) from err
        if not (row["person"] and row["remarks"]):
            msg = f"{path}:{lineno}: a decision names the person and says why (remarks)"
            raise SourceInputError(msg)
        key = name_key(row["name"])
        out.append(
            _Decision(lineno, row["country_code"], key, start, end, row["person"], row["remarks"])
        )
    return out


def resolve(mentions: list[Mention], decisions_path: Path) -> Resolution:
    """Resolve every mention to a person (see the module docstring).

    Raises
    ------
    SourceInputError
        When a decision matches no mention (a stale row), or the decisions file is malformed.
    """
    decisions = _read_decisions(decisions_path)
    used: set[int] = set()
    person_of: dict[tuple[str, str], str] = {}
    spellings: dict[str, list[str]] = defaultdict(list)
    titles: dict[str, set[str]] = defaultdict(set)
    report: list[dict[str, str]] = []
    by_scope: dict[tuple[str, str], list[Mention]] = defaultdict(list)
    for m in mentions:
        key = name_key(m.name)
        for d in decisions:
            if (
                d.country == m.country
                and d.key == key
                and (d.start is None or m.day >= d.start)
                and (d.end is None or m.day < d.end)
            ):
                used.add(d.line)
                # the person's whole name, notes in parentheses included: "(born 1970)" tells
                # two people of one name apart; a plain name joins the rule's person of it
                canonical = f"{m.country}:{name_key(d.person.replace('(', ' ').replace(')', ' '))}"
                person_of[(m.record_id, m.name)] = canonical
                spellings[canonical].append(d.person)
                report.append(
                    {
                        "kind": "decision",
                        "country_code": m.country,
                        "name": m.name,
                        "person": d.person,
                        "record_ids": m.record_id,
                        "rule": f"leader_decisions.csv:{d.line}",
                        "remarks": d.remarks,
                    }
                )
                break
        else:
            by_scope[(m.country, key)].append(m)
    stale = sorted({d.line for d in decisions} - used)
    if stale:
        msg = (
            f"{decisions_path}:{stale[0]}: the decision matches no visit ({len(stale)} such "
            "row(s)); fix the name, country or dates, or drop the row"
        )
        raise SourceInputError(msg)
    target = _variants(by_scope, report)
    for (country, key), group in by_scope.items():
        canonical = f"{country}:{target.get((country, key), key)}"
        for m in group:
            person_of[(m.record_id, m.name)] = canonical
            spellings[canonical].append(m.name)
            titles[canonical].add(m.title)
    for canonical, seen in sorted(titles.items()):
        if len(seen) > 1:
            report.append(
                {
                    "kind": "titles",
                    "country_code": canonical.split(":", 1)[0],
                    "name": _display(spellings[canonical]),
                    "person": _display(spellings[canonical]),
                    "record_ids": "",
                    "rule": "same name",
                    "remarks": "One person under the titles " + "; ".join(sorted(seen)) + ".",
                }
            )
    names = {k: _display(v) for k, v in spellings.items()}
    return Resolution(person_of, names, report)


def _display(spellings: list[str]) -> str:
    """Return the most frequent spelling (then the longest); a family name alone only if no other.

    Examples
    --------
    >>> _display(["Erhard", "Erhard", "Ludwig Erhard"]), _display(["Tito"])
    ('Ludwig Erhard', 'Tito')
    """
    counts: dict[str, int] = defaultdict(int)
    for s in spellings:
        counts[s] += 1
    full = [s for s in counts if len(s.split()) > 1] or list(counts)
    return max(full, key=lambda s: (counts[s], len(s), s))


def _compatible(names: list[str]) -> bool:
    """Tell whether the names of a group can all be one person.

    Two names of several words whose first words differ (by more than ``MAX_EDITS``
    letters) and that are no variants of each other are two people: "Nestor Kirchner" and
    "Cristina Fernandez de Kirchner".
    """
    multi = [n for n in names if len(n.split()) > 1]
    for i, a in enumerate(multi):
        for b in multi[i + 1 :]:
            fa, fb = a.split()[0], b.split()[0]
            if fa == fb or _variant_of(a, b) or _variant_of(b, a):
                continue
            if _edits(fa, fb, MAX_EDITS) > MAX_EDITS:
                return False
    return True


def _variants(
    by_scope: dict[tuple[str, str], list[Mention]], report: list[dict[str, str]]
) -> dict[tuple[str, str], str]:
    """Rule 2: map each name key to the name of its group (groups of variants of one person).

    Names linked by the variant test, with visits within ``WINDOW_YEARS``, form a group; a
    group whose names can all be one person (:func:`_compatible`) takes its most frequent
    name; any other group is left apart and reported as ambiguous.
    """
    years: dict[tuple[str, str], list[int]] = {
        scope: sorted(m.day.year for m in group) for scope, group in by_scope.items()
    }
    by_country: dict[str, list[str]] = defaultdict(list)
    for country, key in by_scope:
        by_country[country].append(key)
    target: dict[tuple[str, str], str] = {}
    for country, keys in sorted(by_country.items()):
        parent = {k: k for k in keys}

        def root(k: str, parent: dict[str, str] = parent) -> str:
            while parent[k] != k:
                k = parent[k]
            return k

        for a in sorted(keys):
            ya = years[(country, a)]
            for b in keys:
                yb = years[(country, b)]
                within = yb[0] - WINDOW_YEARS <= ya[0] and ya[-1] <= yb[-1] + WINDOW_YEARS
                if a != b and within and _variant_of(a, b):
                    parent[root(a)] = root(b)
        groups: dict[str, list[str]] = defaultdict(list)
        for k in keys:
            groups[root(k)].append(k)
        for names in groups.values():
            if len(names) < 2:
                continue
            names.sort(key=lambda n: (-len(by_scope[(country, n)]), -len(n), n))
            if not _compatible(names):
                for n in names:
                    report.append(
                        _report_row("ambiguous", country, by_scope[(country, n)], "", names)
                    )
                continue
            for n in names[1:]:
                target[(country, n)] = names[0]
                report.append(
                    _report_row(
                        "merge",
                        country,
                        by_scope[(country, n)],
                        by_scope[(country, names[0])][0].name,
                        names,
                    )
                )
    return target


def _report_row(
    kind: str, country: str, group: list[Mention], person: str, names: list[str]
) -> dict[str, str]:
    others = ", ".join(repr(n) for n in names)
    remarks = (
        f"Variants of one name (same family name, visits within {WINDOW_YEARS} years): {others}."
        if kind == "merge"
        else f"Names {others} may be one person or several; kept apart (decide in "
        "leader_decisions.csv)."
    )
    return {
        "kind": kind,
        "country_code": country,
        "name": group[0].name,
        "person": person,
        "record_ids": " ".join(sorted({m.record_id for m in group}, key=int)),
        "rule": "variant",
        "remarks": remarks,
    }
