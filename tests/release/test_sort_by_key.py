"""sort_by_key skips the copy for tables already in key order, and only for those."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pytest

from leadertravel.pipeline.release._parquet import sort_by_key


def _plain(table: pa.Table, key: list[str]) -> pa.Table:
    """Always sort (the definition): dictionary columns by their text, nulls last."""
    keys = pa.table(
        {
            k: table[k].cast(pa.string()) if pa.types.is_dictionary(table[k].type) else table[k]
            for k in key
        }
    )
    return table.take(pc.sort_indices(keys, sort_keys=[(k, "ascending") for k in key]))


def _table(rng: np.random.Generator, n: int) -> pa.Table:
    a = rng.choice(["x", "y", "ä", "Z"], size=n)
    b = rng.integers(-3, 3, size=n)
    c = rng.choice([0.5, 1.5, np.nan], size=n)
    return pa.table(
        {
            "a": pa.array(a).dictionary_encode(),
            "b": pa.array(b, mask=rng.random(n) < 0.05),
            "c": pa.array(c),
            "row": pa.array(np.arange(n)),
        }
    )


@pytest.mark.parametrize("key", [["a"], ["b"], ["a", "b"], ["b", "a"], ["c"], ["a", "c", "b"]])
def test_the_result_is_always_the_sorted_table(key: list[str]) -> None:
    rng = np.random.default_rng(len(key))
    for n in (0, 1, 2, 7, 500):
        table = _table(rng, n)
        expected = _plain(table, key)
        rows = expected["row"].to_pylist()  # the order (NaN makes Table.equals false)
        assert sort_by_key(table, key)["row"].to_pylist() == rows
        # sorted input: unchanged; without the nulls and NaN it comes back without a copy
        assert sort_by_key(expected, key)["row"].to_pylist() == rows
        clean = expected.filter(
            pc.and_(pc.is_valid(expected["b"]), pc.invert(pc.is_nan(expected["c"])))
        )
        clean = _plain(clean, key)
        assert sort_by_key(clean, key) is clean or clean.num_rows < 2


def test_a_table_out_of_order_by_one_pair_is_sorted() -> None:
    table = pa.table({"k": ["a", "b", "d", "c", "e"], "m": [1, 1, 1, 1, 1]})
    assert sort_by_key(table, ["k"])["k"].to_pylist() == ["a", "b", "c", "d", "e"]
    table = pa.table({"k": ["a", "a", "b"], "m": [2, 1, 0]})
    assert sort_by_key(table, ["k", "m"])["m"].to_pylist() == [1, 2, 0]
    assert sort_by_key(table, ["k"]) is table  # equal keys keep their order, as a stable sort


def test_dictionary_keys_sort_by_text_with_repeated_entries_and_chunks() -> None:
    """The rank of a dictionary entry orders rows as its text does (`_sortable`)."""
    repeated = pa.DictionaryArray.from_arrays(
        pa.array([0, 1, 2, None, 0, 2]), pa.array(["b", "a", "b"])
    )
    table = pa.table({"k": repeated, "row": pa.array(range(6))})
    assert sort_by_key(table, ["k"])["row"].to_pylist() == _plain(table, ["k"])["row"].to_pylist()
    chunks = pa.chunked_array(
        [pa.array(["b", "a"]).dictionary_encode(), pa.array(["a", "c"]).dictionary_encode()]
    )
    table = pa.table({"k": chunks, "row": pa.chunked_array([[0, 1], [2, 3]])})
    assert sort_by_key(table, ["k"])["row"].to_pylist() == [1, 2, 0, 3]


def test_dictionary_keys_of_numbers_sort_by_their_text_too() -> None:
    """A dictionary of numbers orders rows by the numbers' text, as the plain cast does."""
    numbers = pa.array([10, 9, 100, 2]).dictionary_encode()
    table = pa.table({"k": numbers, "row": pa.array(range(4))})
    rows = sort_by_key(table, ["k"])["row"].to_pylist()
    assert rows == _plain(table, ["k"])["row"].to_pylist() == [0, 2, 3, 1]
