"""The visits import's rules, pinned by real visitor strings and descriptions of the source."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from pathlib import Path

import pytest

from leadertravel._errors import SourceInputError
from leadertravel.pipeline.importers.historian._shared import HistorianBase
from leadertravel.pipeline.importers.visits import import_visits
from leadertravel.pipeline.importers.visits._identity import (
    MAX_EDITS,
    Mention,
    _edits,
    name_key,
    resolve,
)
from leadertravel.pipeline.importers.visits._parse import read_visits
from leadertravel.pipeline.importers.visits._people import read_offices, read_titles
from leadertravel.pipeline.importers.visits._stops import (
    NamedPlace,
    USPlaces,
    _patterns,
    _Row,
    read_us_places,
)
from leadertravel.pipeline.pins import pins_path, write_pins

from .conftest import VISITS

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "data" / "visits"
TITLES = read_titles(DATA / "titles.csv")
OFFICES = read_offices(
    DATA / "offices.csv",
    allowed={
        "head_of_state",
        "head_of_government",
        "head_of_state_and_government",
        "foreign_minister",
        "president_elect",
        "other",
    },
    classes={c for _, c in TITLES.rules} | {"none"},
)
PLACES = read_us_places(DATA / "us_places.csv")


@pytest.mark.parametrize(
    ("visitor", "people"),
    [
        ("Prime Minister Kyriakos Mitsotakis", [("Prime Minister", "Kyriakos Mitsotakis")]),
        ("King Abdullah II", [("King", "Abdullah II")]),
        (
            "President Andrzej Duda and Prime Minister Donald Tusk",
            [("President", "Andrzej Duda"), ("Prime Minister", "Donald Tusk")],
        ),
        (
            "King Abdullah and Crown Prince Hussein",
            [("King", "Abdullah"), ("Crown Prince", "Hussein")],
        ),
        ("Premier and Prince Sihanouk", [("Premier and Prince", "Sihanouk")]),
        ("Premier & Prince Sihanouk", [("Premier & Prince", "Sihanouk")]),
        ("Prime MinisterHaidar al- Abadi", [("Prime Minister", "Haidar al- Abadi")]),
        ("Federal Chancellor Sebastian Kurz", [("Federal Chancellor", "Sebastian Kurz")]),
        (
            "President- elect Ernesto Zedillo Ponce de Leon",
            [("President- elect", "Ernesto Zedillo Ponce de Leon")],
        ),
        (
            "Chairman of the Presidency Bakir Izetbegovic",
            [("Chairman of the Presidency", "Bakir Izetbegovic")],
        ),
        ("Valdas Adamkus", [("", "Valdas Adamkus")]),
    ],
)
def test_visitor_strings(visitor: str, people: list[tuple[str, str]]) -> None:
    assert [(p.title, p.name) for p in TITLES.split(visitor)] == people


@pytest.mark.parametrize(
    ("title", "country", "day", "office"),
    [
        ("President", "DEU", "1990-01-01", "head_of_state"),  # parliamentary republic
        ("President", "BRA", "2023-02-10", "head_of_state_and_government"),
        ("President", "ESP", "2001-11-27", "head_of_government"),  # Presidente del Gobierno
        ("President", "TUR", "2017-05-16", "head_of_state"),
        ("President", "TUR", "2019-11-13", "head_of_state_and_government"),  # after 2018-07-09
        ("Chancellor", "DEU", "1982-11-14", "head_of_government"),
        ("Chancellor", "AUT", "2019-02-19", "head_of_government"),
        ("Crown Prince", "JOR", "2023-02-02", "other"),
        ("Foreign Minister", "FRA", "2000-01-01", "foreign_minister"),
        ("King", "SAU", "2015-09-04", "head_of_state_and_government"),  # also prime minister
        ("King", "SAU", "2023-01-01", "head_of_state"),  # the crown prince is prime minister
        ("Prince", "MCO", "1984-02-14", "head_of_state"),
        ("Prince", "KHM", "1961-09-25", "other"),
        ("Governor General", "CAN", "1954-05-03", "other"),
        ("President-elect", "MEX", "1988-11-22", "president_elect"),
    ],
)
def test_offices_by_title_country_and_date(title: str, country: str, day: str, office: str) -> None:
    found, title_class, rest = TITLES.match(title)
    assert (found, rest) == (title, "")
    assert OFFICES.office(title_class, country, dt.date.fromisoformat(day)) == office


@pytest.mark.parametrize(
    ("description", "day", "places"),
    [
        (  # record 121, Mobutu 1970
            "Official visit. In U.S. August 3-14; visited Annapolis, New York City, Fort Bragg, "
            "San Francisco, and Los Angeles. Private visit to New York City August 9-14.",
            "1970-08-03",
            ["Annapolis", "New York City", "Fayetteville", "San Francisco", "Los Angeles"],
        ),
        (  # record 1724
            "Met with President Bush at the G-8 Economic Summit at Sea Island, Georgia.",
            "2004-06-09",
            ["Sea Island"],
        ),
        (
            "Met with President Bush in Crawford and Waco, Texas.",
            "2002-04-25",
            ["Crawford", "Waco"],
        ),
        (
            "Met with President Bush at the UN General Assembly in New York City.",
            "2003-09-24",
            ["New York City"],
        ),
        (  # the United Nations was not in New York in 1942
            "Signed the United Nations Declaration.",
            "1942-01-01",
            [],
        ),
        (
            "Working visit. Arrived in the U.S. May 27; also visited Deerfield, Massachusetts; and "
            "Jackson, Wyoming.",
            "2006-05-29",
            ["Deerfield", "Jackson"],
        ),
        ("Attended the First Washington (Arcadia) Conference.", "1941-12-22", []),
        (
            "Addressed U.S. Congress May 4. Afterwards visited Princeton (New Jersey).",
            "1954-05-03",
            ["Washington", "Princeton"],
        ),
        ("Working visit.", "2020-01-27", []),
    ],
)
def test_us_places_in_text_order(description: str, day: str, places: list[str]) -> None:
    found = PLACES.find(description, dt.date.fromisoformat(day))
    assert [p.locality for p in found] == places


def test_us_places_quick_tests_change_no_answer() -> None:
    """The fast paths (the rows' ``quick`` tests, the candidate rows of each description
    found by searching all descriptions at once) find what the bare patterns find."""
    everywhere = re.compile("")  # lets every row search the whole description
    plain = USPlaces(tuple(dataclasses.replace(r, quick=everywhere) for r in PLACES.rows))
    records = read_visits(VISITS)
    assert len(records) == 3264
    indexed = PLACES.indexed(r.description for r in records)
    assert indexed.candidates is not None
    assert sum(map(len, indexed.candidates.values())) < 20 * len(indexed.candidates)
    named = 0
    for r in records:
        found = PLACES.find(r.description, r.start)
        assert found == plain.find(r.description, r.start), r.where()
        assert indexed.find(r.description, r.start) == found, r.where()
        named += bool(found)
    assert named == 1341  # records whose description names a U.S. place


def test_us_places_candidates_across_descriptions() -> None:
    """A match that runs into the next description, or a row that looks past a match,
    leaves no row out (``USPlaces.indexed``)."""
    place = NamedPlace("Somewhere", None, "", "")
    rows = tuple(
        _Row(i, *_patterns(text), place, None)
        for i, text in enumerate(["end.", r"New York(?! State)", "York"])
    )
    places = USPlaces(rows).indexed(["At the end", ".Then", "New York", "York"])
    assert places.candidates == {"At the end": (0, 1), ".Then": (1,), "New York": (1, 2),
                                 "York": (1, 2)}  # fmt: skip
    assert [p.text for p in places.find("New York", dt.date(2000, 1, 1))] == ["New York"]


class _CountedSearch:
    """A row's quick test that counts its searches (and stops a runaway loop)."""

    def __init__(self, quick: re.Pattern[str], most: int) -> None:
        self.pattern, self._quick, self._most, self.searches = quick.pattern, quick, most, 0

    def search(self, text: str, pos: int = 0) -> re.Match[str] | None:
        self.searches += 1
        assert self.searches <= self._most, "searched again past the last description"
        return self._quick.search(text, pos)


@pytest.mark.parametrize("descriptions", [["Talks at Myers"], ["Talks at Myers", ""], []])
def test_us_places_index_of_a_pattern_matching_nothing_ends(descriptions: list[str]) -> None:
    """Searching all descriptions at once stops at the end, even where a pattern matches the
    empty string there (``read_us_places`` refuses such patterns; the index stays safe)."""
    place = NamedPlace("Fort Myers", "FL", "", "")
    row = _Row(2, *_patterns("Myers|"), place, None)
    counted = _CountedSearch(row.quick, most=len(descriptions) + 1)
    places = USPlaces((dataclasses.replace(row, quick=counted),)).indexed(descriptions)
    assert places.candidates == dict.fromkeys(descriptions, (0,))
    assert counted.searches <= len(descriptions)
    if descriptions:
        found = places.find(descriptions[0], dt.date(2000, 1, 1))
        assert [p.locality for p in found] == ["Fort Myers"]


def test_us_places_refuses_a_pattern_matching_the_empty_string(tmp_path: Path) -> None:
    path = tmp_path / "us_places.csv"
    path.write_text(
        "pattern,locality,state,from_date,remarks\n"
        "Camp David,Camp David,MD,,\n"
        "Myers|,Fort Myers,FL,,\n",
        encoding="utf-8",
    )
    with pytest.raises(SourceInputError) as err:
        read_us_places(path)
    assert str(err.value) == (
        f"{path}:3: field pattern: 'Myers|' matches the empty string (it would name its "
        "locality where no word names it); remove the empty alternative (a stray '|'?) "
        "or make some part of it required"
    )


@pytest.mark.parametrize(
    "pattern",
    [
        # give up backtracking, so a first try that swallows the separator is never undone
        r"(?>Camp David\W*)",
        r"Camp David\W*+",
        r"Camp David\W++",
        r"Camp David\W?+",
        r"Camp David\W{0,3}+",
        # a lookahead is atomic: what it captured differs, read by a backreference or condition
        r"Camp David(?=(\W*))\1",
        r"Camp David(?=(?P<rest>\W*))(?P=rest)",
        r"Camp David(?=(\W)?)(?(1)\W)",
        # read what follows or ends the description
        r"Camp David(?!\W)",
        r"Camp David\W*$",
        r"Camp David\W*\Z",
        # reach past the description, but backtrack: safe, and still searched all at once
        r"Camp David\W*",
        r"Camp David.*",
        r"(?s:Camp David.*)",
        r"Camp David[^a]*",
        r"Camp David\s*\b",
        r"Camp David\W*\B",
        r"Camp David(?=\W*)",
    ],
)
def test_us_places_index_with_syntax_that_reads_past_a_description(pattern: str) -> None:
    """The candidates of ``USPlaces.indexed`` leave out no row whose bare pattern names a
    place, whatever the pattern's syntax (``_stops._CONTEXTUAL``)."""
    camp = NamedPlace("Camp David", "MD", "", "")
    rows = (_Row(2, *_patterns(pattern), camp, None),)
    everywhere = re.compile("")
    plain = USPlaces(tuple(dataclasses.replace(r, quick=everywhere) for r in rows))
    day, named = dt.date(2000, 1, 1), 0
    for descriptions in (
        ["Retreat at Camp David", "Santa Fe"],
        ["Retreat at Camp David.", " Santa Fe", "Camp David"],
        ["Santa Fe", "Retreat at Camp David"],
    ):
        indexed = USPlaces(rows).indexed(descriptions)
        for d in descriptions:
            assert indexed.find(d, day) == plain.find(d, day), (pattern, d)
            named += bool(plain.find(d, day))
    assert named  # the pattern names the place


@pytest.mark.parametrize(
    ("description", "visit_type"),
    [
        ("Official Working Visit.", "official_working_visit"),
        ("Offical Visit.", "official_visit"),
        ("State Visit.", "state_visit"),
        ("Working visit. Attended NATO Accession ceremony.", "working_visit"),
        ("Met with President Bush during a private visit.", "private"),
        ("Private visit. Addressed U.N. General Assembly.", "private"),
        (
            "Met with President Bush at the UN General Assembly in New York City.",
            "un_general_assembly",
        ),
        ("Attended funeral of President Kennedy.", "funeral_or_memorial"),
        ("Attended the Nuclear Security Summit.", "multilateral"),
        ("Summit meeting with President Clinton at Hyde Park, New York.", "summit"),
        ("Private visit to obtain medical treatment.", "private"),
        ("Arrived in U.S. to obtain medical treatment for his wife.", "medical"),
        ("Met with President Eisenhower en route to London.", "stopover"),
        ("Informal visit; discussed Laos crisis with President Kennedy.", "informal_visit"),
        ("Attended signing of the Panama Canal Treaty.", "unspecified"),
        ("", "unspecified"),
    ],
)
def test_visit_types_of_real_descriptions(
    base: HistorianBase, description: str, visit_type: str
) -> None:
    assert base.visit_types.code([description])[0] == visit_type


def test_visit_types_code_the_travels_remarks(base: HistorianBase) -> None:
    assert base.visit_types.code(["Attended the funeral of former Prime Minister Churchill."]) == (
        "funeral_or_memorial",
        r"\bfuneral\b|\bmemorial services?\b|\bburial\b",
    )
    assert base.visit_types.code(["Met with Prime Minister Mulroney."]) == ("unspecified", None)


def _levenshtein(a: str, b: str) -> int:
    """The plain dynamic programme, every cell computed."""
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        cur = [i]
        for j, cb in enumerate(b, start=1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


def test_edit_distance_shortcuts_on_real_names() -> None:
    """_edits (common ends dropped, stops above the limit) answers as the plain distance.

    On the pairs the variant rule compares: names of one country with as many words, and
    their family names.
    """
    names: dict[tuple[str, int], set[str]] = {}
    for r in read_visits(VISITS):
        for p in TITLES.split(r.visitor):
            words = name_key(p.name).split()
            if words:
                names.setdefault((r.slug, len(words)), set()).add(" ".join(words))
                names.setdefault((r.slug, 0), set()).add(words[-1])
    pairs = close = 0
    for keys in names.values():
        ordered = sorted(keys)
        for i, a in enumerate(ordered):
            for b in ordered[i + 1 :]:
                if abs(len(a) - len(b)) > MAX_EDITS:
                    continue
                plain = _levenshtein(a, b)
                for x, y, limit in ((a, b, 1), (b, a, 1), (a, b, MAX_EDITS), (b, a, MAX_EDITS)):
                    fast = _edits(x, y, limit)
                    assert fast == plain if plain <= limit else fast > limit, (x, y, limit)
                pairs += 1
                close += plain <= MAX_EDITS
    assert (pairs, close) == (6254, 146)  # pairs within the length limit; within MAX_EDITS


def test_name_rule() -> None:
    assert name_key("Mikhail S. Gorbachev") == name_key("Mikhail Gorbachev")
    day = dt.date(2000, 1, 1)

    def mention(rid: str, name: str, year: int, country: str = "GRC") -> Mention:
        return Mention(rid, day.replace(year=year), name, "Prime Minister", country)

    who = resolve(
        [
            mention("1", "Papandreou", 1964),
            mention("2", "Andreas Papandreou", 1994),
            mention("3", "George Papandreou", 2010),
            mention("4", "Konstandinos Simitis", 1996),
            mention("5", "Konstandions Simitis", 2002),
            mention("6", "Karamanlis", 1961, "CYP"),
        ],
        Path("/nonexistent/leader_decisions.csv"),
    )
    people = {rid: who.person_of[(rid, name)] for (rid, name) in who.person_of}
    assert people["4"] == people["5"]  # a misspelling merges
    assert len({people["1"], people["2"], people["3"]}) == 3  # too far apart, two candidates
    assert people["6"] != people["1"]  # another country never merges
    assert [r["kind"] for r in who.report] == ["merge"]


def test_stale_decision_stops_the_import(
    visits_scratch: tuple[Path, Path], base: HistorianBase
) -> None:
    sources, root = visits_scratch
    with (root / "data" / "visits" / "leader_decisions.csv").open("a", encoding="utf-8") as fh:
        fh.write("FRA,Napoleon,,,Napoleon I,No such visit.\n")
    with pytest.raises(
        SourceInputError, match=r"leader_decisions\.csv:\d+: the decision matches no visit"
    ):
        import_visits(sources, root=root, base=base)  # the checkout's shared inputs


def test_changed_visit_fails_the_pin(visits_scratch: tuple[Path, Path]) -> None:
    sources, root = visits_scratch
    path = sources / "data" / "2020.xml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("Kyriakos", "Kiriakos"), encoding="utf-8"
    )
    with pytest.raises(SourceInputError, match=r"2020\.xml: sha256 [0-9a-f]{64} differs"):
        import_visits(sources, root=root)


def test_unknown_country_id_names_record_and_fix(
    visits_scratch: tuple[Path, Path], base: HistorianBase
) -> None:
    sources, root = visits_scratch
    path = sources / "data" / "2020.xml"
    path.write_text(
        path.read_text(encoding="utf-8").replace('<from id="greece">', '<from id="atlantis">', 1),
        encoding="utf-8",
    )
    write_pins(sources, pins_path(root, "history-state-visits"))
    with pytest.raises(
        SourceInputError,
        match=r"data/2020\.xml: <visit> id 2991: unknown country slug 'atlantis'.*country_map\.csv",
    ):
        import_visits(sources, root=root, base=base)


@pytest.mark.parametrize("day", ["20260213", "2026-W07-5"])
def test_decision_dates_are_calendar_dates(tmp_path: Path, day: str) -> None:
    """Spellings ``date.fromisoformat`` accepts but a CSV date column must not hold."""
    path = tmp_path / "leader_decisions.csv"
    path.write_text(
        "country_code,name,from_date,to_date,person,remarks\n"
        f"GRC,Papandreou,{day},,Georgios Papandreou,One person.\n",
        encoding="utf-8",
    )
    with pytest.raises(SourceInputError, match=r"leader_decisions\.csv:2: from_date/to_date"):
        resolve([], path)
