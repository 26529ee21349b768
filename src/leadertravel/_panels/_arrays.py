"""Integer-array helpers: days, positions, years, gap filling, packed keys."""

from __future__ import annotations

import functools
from collections.abc import Sequence

import numpy as np
import pandas as pd

from leadertravel._panels._defs import NO_DAY


def day_numbers(values: pd.Series) -> np.ndarray:
    """Dates as int64 days since 1970-01-01; missing dates as ``NO_DAY``."""
    array = pd.to_datetime(values).to_numpy(dtype="datetime64[D]")
    out = array.astype(np.int64)
    out[np.isnat(array)] = NO_DAY
    return out


def positions(index: pd.Index, values: pd.Series) -> np.ndarray:
    """Positions of ``values`` in ``index`` (unique values); -1 where absent.

    One hash pass over both (``factorize``) is several times faster than
    ``Index.get_indexer`` on Arrow-backed strings.
    """
    n = len(index)
    both = pd.concat([pd.Series(index, dtype="string"), values.astype("string")], ignore_index=True)
    codes = np.asarray(pd.factorize(both)[0], dtype=np.int64)
    if not np.array_equal(codes[:n], np.arange(n)):  # repeated index values
        return np.asarray(index.get_indexer(pd.Index(values.astype("string"))), dtype=np.int64)
    found = codes[n:]
    return np.where(found < n, found, -1)


def texts(values: pd.Series) -> list[str | None]:
    """Return a column as Python strings, ``None`` for missing values."""
    return [None if missing else str(v) for v, missing in zip(values, values.isna(), strict=True)]


def leader_homes(leaders: pd.DataFrame) -> dict[str, str]:
    """Return each leader's country: ``leader_id`` → ``country_code`` of ``leaders``.

    Examples
    --------
    >>> leader_homes(pd.DataFrame({"leader_id": ["a"], "country_code": ["FRA"]}))
    {'a': 'FRA'}
    """
    ids = leaders["leader_id"].astype(str).tolist()
    return dict(zip(ids, leaders["country_code"].astype(str).tolist(), strict=True))


def distinct(values: np.ndarray) -> np.ndarray:
    """Return the sorted distinct values of an integer array: ``np.unique(values)``.

    By a sort and a comparison with the neighbour: NumPy 2.4's ``np.unique`` hashes first
    and is several times slower on the panels' int64 keys.

    Examples
    --------
    >>> distinct(np.array([3, 1, 3, 2])).tolist()
    [1, 2, 3]
    """
    ordered = np.sort(values)
    if len(ordered) == 0:
        return ordered
    keep = np.empty(len(ordered), dtype=bool)
    keep[0] = True
    np.not_equal(ordered[1:], ordered[:-1], out=keep[1:])
    return ordered[keep]


def year_of(days: np.ndarray) -> np.ndarray:
    return days.astype("datetime64[D]").astype("datetime64[Y]").astype(np.int64) + 1970


@functools.lru_cache(maxsize=4096)
def year_bounds(year: int) -> tuple[int, int]:
    """Return the first and last day of ``year`` (days since 1970-01-01), cached."""
    first = int(np.datetime64(f"{year:04d}-01-01", "D").astype(np.int64))
    last = int(np.datetime64(f"{year:04d}-12-31", "D").astype(np.int64))
    return first, last


def fill_gaps(values: np.ndarray, groups: np.ndarray, *, forward: bool) -> np.ndarray:
    """Fill ``NO_DAY`` gaps from the nearest known value of the same group."""
    n = len(values)
    if not forward:
        return fill_gaps(values[::-1], groups[::-1], forward=True)[::-1]
    known = values != NO_DAY
    source = np.where(known, np.arange(n), -1)
    source = np.maximum.accumulate(source) if n else source
    ok = source >= 0
    filled = np.full(n, NO_DAY, dtype=np.int64)
    same = ok.copy()
    same[ok] = groups[source[ok]] == groups[ok]
    filled[same] = values[source[same]]
    return filled


def pack(columns: Sequence[np.ndarray]) -> tuple[np.ndarray, list[tuple[int, int]]]:
    """Pack integer columns into one int64 key per row; also (low, radix) to unpack."""
    key = np.zeros(len(columns[0]), dtype=np.int64)
    bounds = []
    for values in columns:
        low = int(values.min())
        radix = int(values.max()) - low + 1
        key = key * radix + (values - low)
        bounds.append((low, radix))
    return key, bounds


def unpack(key: np.ndarray, bounds: list[tuple[int, int]]) -> list[np.ndarray]:
    out = []
    for low, radix in reversed(bounds):
        key, part = np.divmod(key, radix)
        out.append(part + low)
    return out[::-1]
