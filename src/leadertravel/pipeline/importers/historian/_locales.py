"""Split the Historian's free-text locales into places, and normalise names for lookup."""

from __future__ import annotations

import re
import string
import unicodedata

__all__ = ["norm", "query_name", "slugify", "split_locale"]

_APOSTROPHE_CHARS = "'`\u00b4\u2018\u2019\u02bb\u02bc\u02bf\u02be"
_APOSTROPHES = str.maketrans(dict.fromkeys(_APOSTROPHE_CHARS, ""))
# Letters NFKD does not decompose into an ASCII base letter.
_TRANSLIT = str.maketrans(
    {
        "ł": "l",
        "Ł": "L",
        "ø": "o",
        "Ø": "O",
        "\u0131": "i",
        "đ": "d",
        "Đ": "D",
        "ð": "d",
        "ß": "ss",
        "æ": "ae",
        "Æ": "AE",
        "œ": "oe",
        "Œ": "OE",
        "þ": "th",
        "Þ": "Th",
    }
)
_CLEAN: dict[int, int | None] = {ord(c): ord(" ") for c in string.punctuation + "\u201c\u201d"}
_CLEAN.update({ord(c): None for c in _APOSTROPHE_CHARS})
_SAINT = re.compile(r"\b(st|ste)\b\.?")
_PAREN = re.compile(r"\s*\([^)]*\)")


def split_locale(text: str, *, keep: tuple[str, ...] = ()) -> tuple[str, ...]:
    """Split a locale into its parts at commas outside parentheses.

    Phrases listed in ``keep`` (``data/historian/locale_exceptions.csv``) are single places
    whose name contains a comma; they are never split.

    Examples
    --------
    >>> split_locale("London, Cornwall")
    ('London', 'Cornwall')
    >>> split_locale("Halifax, Stellarton (Nova Scotia)")
    ('Halifax', 'Stellarton (Nova Scotia)')
    >>> split_locale("Mexico, D.F., Tlaxcala", keep=("Mexico, D.F.",))
    ('Mexico, D.F.', 'Tlaxcala')
    >>> split_locale("")
    ()
    """
    for phrase in keep:
        text = text.replace(phrase, phrase.replace(",", "\x00"))
    parts: list[str] = []
    depth = 0
    current: list[str] = []
    for ch in text:
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth = max(depth - 1, 0)
        if ch == "," and depth == 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
    parts.append("".join(current))
    cleaned = (" ".join(p.split()).replace("\x00", ",") for p in parts)
    return tuple(p for p in cleaned if p)


def query_name(part: str) -> str:
    """Return the name to look up for a locale part: the part without parenthesised notes.

    Examples
    --------
    >>> query_name("Halifax (Nova Scotia)")
    'Halifax'
    """
    return " ".join(_PAREN.sub("", part).split())


def norm(name: str) -> str | None:
    """Normalise a place name for matching; ``None`` for names not in Latin script.

    Apostrophes and accents are dropped, case folded, other punctuation turned into
    spaces and ``St.`` spelled ``saint``.

    Examples
    --------
    >>> norm("Zürich"), norm("St. Petersburg"), norm("Sana'a"), norm("Москва")
    ('zurich', 'saint petersburg', 'sanaa', None)
    >>> norm("N\u2019Djamena") == norm("N'Djamena") == "ndjamena"
    True
    >>> norm("Łask"), norm("Tromsø")
    ('lask', 'tromso')
    """
    if not name.isascii():
        name = name.translate(_APOSTROPHES).translate(_TRANSLIT)
        name = "".join(
            c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c)
        )
        if not name.isascii():
            return None
    name = name.lower()
    if "st" in name:
        name = _SAINT.sub("saint", name)
    return " ".join(name.translate(_CLEAN).split()) or None


def slugify(name: str) -> str:
    """Make an id slug of a name.

    Examples
    --------
    >>> slugify("Frankfurt am Main"), slugify("Sana'a"), slugify("Ramstein Air Base")
    ('frankfurt-am-main', 'sanaa', 'ramstein-air-base')
    >>> slugify("Łask"), slugify("Bodø"), slugify("Diyarbak\u0131r")
    ('lask', 'bodo', 'diyarbakir')
    """
    folded = "".join(
        c
        for c in unicodedata.normalize("NFKD", name.translate(_TRANSLIT))
        if not unicodedata.combining(c)
    )
    folded = folded.lower().translate(_APOSTROPHES)
    return "-".join(re.findall(r"[a-z0-9]+", folded))
