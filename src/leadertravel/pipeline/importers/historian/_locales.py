"""Split the Historian's free-text locales into places, and normalise names for lookup."""

from __future__ import annotations

import bisect
import operator
import re
import string
import unicodedata
from collections import deque
from collections.abc import Sequence
from itertools import accumulate, compress
from unicodedata import combining

__all__ = ["decompose", "norm", "norm_keys", "norm_many", "query_name", "slugify", "split_locale"]

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
# "st" or "ste" as a word: \b(st|ste)\b\.? written to start with a literal (4x faster).
_SAINT = re.compile(r"st(?<=\bst)e?\b\.?")
_PAREN = re.compile(r"\s*\([^)]*\)")
# norm_many: names joined by a character that is neither punctuation nor whitespace.
_SEP = "\x00"
_FOLD = {c: "" for c in _APOSTROPHE_CHARS} | {chr(k): str(v) for k, v in _TRANSLIT.items()}
_FOLDABLE = re.compile(f"[{re.escape(''.join(_FOLD))}]")
# ASCII whitespace (what str.split() splits an ASCII name at) becomes a plain space.
_CLEAN_SPACES = {**_CLEAN, **{ord(c): ord(" ") for c in "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f"}}


_NOT_ASCII = re.compile(r"[^\x00-\x7f]+")


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
    >>> split_locale("Paris), Lyon (Rhône, France)"), _split_outside_parentheses("a), b")
    (('Paris)', 'Lyon (Rhône, France)'), ['a)', ' b'])
    """
    for phrase in keep:
        text = text.replace(phrase, phrase.replace(",", "\x00"))
    # without "(", no comma lies inside parentheses
    parts = text.split(",") if "(" not in text else _split_outside_parentheses(text)
    cleaned = (" ".join(p.split()).replace("\x00", ",") for p in parts)
    return tuple(p for p in cleaned if p)


def _split_outside_parentheses(text: str) -> list[str]:
    """Split at the commas outside parentheses (an unmatched ``)`` closes nothing)."""
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
    return parts


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


def decompose(text: str) -> str:
    """Drop apostrophes, transliterate and decompose (NFKD) ``text``: how :func:`norm` folds.

    Accents become combining marks (dropped by the callers with what else is not ASCII).

    Examples
    --------
    >>> decompose("Łódź Sana'a").encode("ascii", "ignore")
    b'Lodz Sanaa'
    """
    return unicodedata.normalize("NFKD", _FOLDABLE.sub(lambda m: _FOLD[m.group()], text))


def _fold_many(names: list[str]) -> list[str] | None:
    """Drop apostrophes, transliterate and strip the accents of names, all in one pass.

    ``""`` for a name that keeps a character neither ASCII nor a combining mark (another
    script); else the name in ASCII. ``None`` when a name contains the separator.
    """
    text = decompose(_SEP.join(names))
    plain = text.encode("ascii", "ignore").decode("ascii").split(_SEP)  # marks dropped
    if len(plain) != len(names):
        return None
    # characters neither ASCII nor a combining mark: their names are in another script
    other = "".join(c for c in set("".join(_NOT_ASCII.findall(text))) if not combining(c))
    if other:
        ends = list(accumulate(map((1).__add__, map(len, text.split(_SEP)))))  # name ends
        for match in re.finditer(f"[{re.escape(other)}][^{_SEP}]*", text):
            plain[bisect.bisect_right(ends, match.start())] = ""
    return plain


def norm_keys(names: Sequence[str]) -> list[str]:
    """Normalise many names at once: ``norm(n) or ""`` for each, much faster.

    The names are joined into one string and each step of :func:`norm` runs once over it
    (a character-wise step gives the same result on the joined string as on each name;
    the separator is neither punctuation nor whitespace, and a word boundary for ``St.``);
    the per-name steps run in C (``map``, ``compress``), not in Python bytecode.

    Examples
    --------
    >>> names = ["Zürich", "St. Petersburg", "Sana'a", "Москва", "Til'st", "  ", "Łask"]
    >>> norm_keys(names) == [norm(n) or "" for n in names]
    True
    >>> norm_keys(["Saint-Denis", "Ste. Foy"]), norm_keys([])
    (['saint denis', 'saint foy'], [])
    """
    names = list(names)
    folded = names.copy()
    at = list(compress(range(len(names)), map(operator.not_, map(str.isascii, names))))
    if at:  # non-ASCII names: folded first (ASCII ones keep their apostrophes until _CLEAN)
        plain = _fold_many(list(map(names.__getitem__, at)))
        if plain is None:
            return [norm(name) or "" for name in names]
        deque(map(folded.__setitem__, at, plain), 0)
    text = _SAINT.sub("saint", _SEP.join(folded).lower()).translate(_CLEAN_SPACES)
    while "  " in text:
        text = text.replace("  ", " ")
    text = text.replace(" " + _SEP, _SEP).replace(_SEP + " ", _SEP).strip(" ")
    keys = text.split(_SEP)
    if len(keys) != len(names):  # a name contains the separator
        return [norm(name) or "" for name in names]
    return keys


def norm_many(names: Sequence[str]) -> list[str | None]:
    """Normalise many names at once: the same as ``[norm(n) for n in names]``, faster.

    Examples
    --------
    >>> norm_many(["Zürich", "Москва", ""])
    ['zurich', None, None]
    """
    return [key or None for key in norm_keys(names)]


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
