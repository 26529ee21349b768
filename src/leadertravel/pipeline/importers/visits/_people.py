"""Who a visit's ``visitor`` string names, with which title, in which office.

Three curated tables in ``data/visits/`` drive it:

* ``titles.csv`` (``pattern, title_class, remarks``): titles a visitor string may start
  with, tried in file order (a regular expression matched at the start, followed by a space,
  the end, or a capital letter where the source lost a space: "Prime MinisterHaidar"); the
  first that matches gives the title as written and its class;
* ``offices.csv`` (``title_class, country_code, from_date, to_date, office, remarks``): the
  office of a title class in the leader's country on the visit's date (first matching row;
  empty country or dates match any), e.g. a president of Germany → ``head_of_state``, any
  other president → ``head_of_state_and_government``, a crown prince → ``other``;
* ``titles_supplied.csv`` (``record_id, title, remarks``): a title the project supplies for
  a record whose visitor string has none.

**Splitting.** A visitor string names several people when it reads "<title> <name> and
<title> <name>" (e.g. "President Andrzej Duda and Prime Minister Donald Tusk"): it is split
at each " and " followed by a title, provided the text before it already holds a name after
its title. "Premier and Prince Sihanouk" is one person with two titles: the second title is
joined to the first ("Premier and Prince") and the name is "Sihanouk".
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

from leadertravel._dates import parse_iso_date
from leadertravel._errors import SourceInputError
from leadertravel.pipeline.importers.historian._csv import read_rows

__all__ = [
    "NO_TITLE",
    "Offices",
    "Person",
    "Titles",
    "read_offices",
    "read_supplied",
    "read_titles",
]

NO_TITLE = "none"


@dataclass(frozen=True)
class Person:
    """One person a visitor string names: the title as written, its class, the name."""

    title: str
    title_class: str
    name: str


@dataclass(frozen=True)
class Titles:
    """The ordered title patterns (see the module docstring)."""

    rules: tuple[tuple[re.Pattern[str], str], ...]

    def match(self, text: str) -> tuple[str, str, str]:
        r"""Return ``(title as written, title class, rest)``; no title: ``("", "none", text)``.

        Examples
        --------
        >>> t = Titles(((re.compile(r"(?:Prime Minister)(?=\s|$)"), "prime_minister"),))
        >>> t.match("Prime Minister Kyriakos Mitsotakis")
        ('Prime Minister', 'prime_minister', 'Kyriakos Mitsotakis')
        >>> t.match("Valdas Adamkus")
        ('', 'none', 'Valdas Adamkus')
        """
        for pattern, title_class in self.rules:
            m = pattern.match(text)
            if m:
                return m.group(0).strip(), title_class, text[m.end() :].strip()
        return "", NO_TITLE, text.strip()

    def split(self, visitor: str) -> list[Person]:
        r"""Return the people a visitor string names, in order (see the module docstring).

        Examples
        --------
        >>> t = Titles((
        ...     (re.compile(r"(?:Prime Minister)(?=\s|$)"), "prime_minister"),
        ...     (re.compile(r"(?:Premier)(?=\s|$)"), "prime_minister"),
        ...     (re.compile(r"(?:President)(?=\s|$)"), "president"),
        ...     (re.compile(r"(?:Prince)(?=\s|$)"), "prince"),
        ... ))
        >>> [p.name for p in t.split("President Andrzej Duda and Prime Minister Donald Tusk")]
        ['Andrzej Duda', 'Donald Tusk']
        >>> t.split("Premier and Prince Sihanouk")
        [Person(title='Premier and Prince', title_class='prime_minister', name='Sihanouk')]
        """
        people: list[Person] = []
        rest = visitor.strip()
        while rest:
            title, title_class, rest = self.match(rest)
            while rest.startswith(("and ", "& ")):  # a second title of the same person
                joint, _, tail = rest.partition(" ")
                more, _, after = self.match(tail)
                if not more:
                    break
                title, rest = f"{title} {joint} {more}", after
            name, cut = rest, ""
            for m in re.finditer(r"\s+and\s+", rest):
                if m.start() > 0 and self.match(rest[m.end() :])[0]:
                    name, cut = rest[: m.start()], rest[m.end() :]
                    break
            people.append(Person(title, title_class, name.strip()))
            rest = cut
        return people


def read_titles(path: Path) -> Titles:
    """Read ``titles.csv``.

    Raises
    ------
    SourceInputError
        On unexpected columns or an invalid pattern.
    """
    rules = []
    for lineno, row in read_rows(path, ["pattern", "title_class", "remarks"]):
        try:
            pattern = re.compile(f"(?:{row['pattern']})(?=\\s|$|[A-Z])")
        except re.error as err:
            msg = f"{path}:{lineno}: pattern {row['pattern']!r} is invalid: {err}"
            raise SourceInputError(msg) from err
        rules.append((pattern, row["title_class"]))
    return Titles(tuple(rules))


@dataclass(frozen=True)
class _OfficeRule:
    title_class: str
    country_code: str
    from_date: dt.date | None
    to_date: dt.date | None
    office: str


@dataclass(frozen=True)
class Offices:
    """The ordered title-class → office rules (see the module docstring)."""

    rules: tuple[_OfficeRule, ...]
    path: Path

    def office(self, title_class: str, country_code: str, day: dt.date) -> str:
        """Return the office of a title class in a country on a day.

        Raises
        ------
        SourceInputError
            When no row covers the title class (every class needs a default row).
        """
        for rule in self.rules:
            if rule.title_class != title_class:
                continue
            if rule.country_code and rule.country_code != country_code:
                continue
            if rule.from_date is not None and day < rule.from_date:
                continue
            if rule.to_date is not None and day >= rule.to_date:
                continue
            return rule.office
        msg = (
            f"{self.path}: no row gives the office of title class {title_class!r} in "
            f"{country_code} on {day}; add a default row (empty country_code)"
        )
        raise SourceInputError(msg)


def _date(value: str, path: Path, lineno: int) -> dt.date | None:
    try:
        return parse_iso_date(value) if value else None
    except ValueError as err:
        msg = f"{path}:{lineno}: {value!r} is not an ISO date YYYY-MM-DD"
        raise SourceInputError(msg) from err


def read_offices(path: Path, *, allowed: set[str], classes: set[str]) -> Offices:
    """Read ``offices.csv``, checking offices against the schema and classes against titles.

    Raises
    ------
    SourceInputError
        On unexpected columns, a bad date, an office the trips schema lacks, or a title
        class that ``titles.csv`` never gives.
    """
    rules = []
    columns = ["title_class", "country_code", "from_date", "to_date", "office", "remarks"]
    for lineno, row in read_rows(path, columns):
        if row["office"] not in allowed:
            msg = (
                f"{path}:{lineno}: office {row['office']!r} is not one of the trips "
                f"schema's {sorted(allowed)}"
            )
            raise SourceInputError(msg)
        if row["title_class"] not in classes:
            msg = (
                f"{path}:{lineno}: title class {row['title_class']!r} is not given by "
                "titles.csv; fix the class or add a title"
            )
            raise SourceInputError(msg)
        rules.append(
            _OfficeRule(
                row["title_class"],
                row["country_code"],
                _date(row["from_date"], path, lineno),
                _date(row["to_date"], path, lineno),
                row["office"],
            )
        )
    return Offices(tuple(rules), path)


def read_supplied(path: Path, *, titles: Titles) -> dict[str, tuple[str, str, str]]:
    """Read ``titles_supplied.csv``: record id → (title, title class, remarks)."""
    if not path.is_file():
        return {}
    found = {}
    for lineno, row in read_rows(path, ["record_id", "title", "remarks"]):
        title, title_class, rest = titles.match(row["title"])
        if not title or rest or not row["remarks"]:
            msg = (
                f"{path}:{lineno}: title {row['title']!r} is not one titles.csv knows, or "
                "the row says nothing on why it is supplied"
            )
            raise SourceInputError(msg)
        found[row["record_id"]] = (title, title_class, row["remarks"])
    return found
