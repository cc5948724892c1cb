"""Arrow columns reach numpy through their buffers: offsets, nulls and dictionaries.

The expected values come from Python lists (``to_pylist``), not from the code under test.
"""

from __future__ import annotations

import math

import numpy as np
import pyarrow as pa
import pytest

from judgespec.tables._table import candidates_from_columns
from judgespec.tables._values import bool_array, numeric_array


def test_numeric_and_bool_views_respect_slice_offsets() -> None:
    floats = pa.array([0.5, 1.5, 2.5, 3.5, 4.5, 5.5], type=pa.float64()).slice(2, 3)
    assert numeric_array(floats, np.float64).tolist() == floats.to_pylist()
    ints = pa.array(list(range(20)), type=pa.int32()).slice(13, 5)
    assert numeric_array(ints, np.int32).tolist() == ints.to_pylist()
    flags = pa.array([i % 3 == 0 for i in range(21)]).slice(5, 11)
    assert bool_array(flags).tolist() == flags.to_pylist()
    assert numeric_array(pa.array([], type=pa.float64()), np.float64).size == 0


def test_nulls_in_score_text_and_flag_columns() -> None:
    columns = {
        "prompt_id": pa.chunked_array([["p", "p"], ["q", "q"]]),
        "candidate_id": pa.chunked_array([["a", "b"], ["a", "b"]]),
        "oracle": pa.chunked_array([[1.0, None], [None, 2.0]]),
        "judge_score": pa.chunked_array([[None, 3], [4, 5]], type=pa.int16()),
        "response": pa.chunked_array([["xé", None], ["", "yyy"]]),
        "parse_failure": pa.chunked_array([[True, None], [False, None]]),
    }
    table = candidates_from_columns(columns, 4, source="<arrow>")
    assert [None if math.isnan(v) else v for v in table.oracle.tolist()] == [1.0, None, None, 2.0]
    assert [None if math.isnan(v) else v for v in table.judge.tolist()] == [None, 3.0, 4.0, 5.0]
    assert table.length.tolist() == [2, -1, 0, 3]
    assert table.parse_failure.tolist() == [True, False, False, False]


def test_dictionary_ids_in_any_order_are_renumbered_by_first_appearance() -> None:
    # dictionary order b, a, c plus an unused entry; rows interleave the prompts
    prompts = pa.DictionaryArray.from_arrays(
        pa.array([1, 0, 1, 2, 0, 2], type=pa.int32()), pa.array(["b", "a", "c", "unused"])
    )
    cands = pa.DictionaryArray.from_arrays(
        pa.array([0, 0, 1, 0, 1, 1], type=pa.int8()), pa.array(["x", "y"])
    )
    columns = {"prompt_id": prompts, "candidate_id": cands, "oracle": pa.array([1.0, 2, 3, 4, 5, 6])}
    table = candidates_from_columns(columns, 6, source="<arrow>")
    rows = prompts.to_pylist()
    expected = list(dict.fromkeys(rows))  # first appearance: a, b, c
    assert table.prompt_ids == expected == ["a", "b", "c"]
    keys = [(table.prompt_ids[p], c) for p, c in zip(table.row_prompt.tolist(), table.candidate_ids.tolist(), strict=True)]
    by_prompt = sorted(range(6), key=lambda i: expected.index(rows[i]))  # stable: input order kept
    assert keys == [(rows[i], cands.to_pylist()[i]) for i in by_prompt]
    assert table.oracle.tolist() == [[1.0, 2, 3, 4, 5, 6][i] for i in by_prompt]


def test_duplicate_key_found_with_dense_and_sorted_counting() -> None:
    from judgespec import AuditDataError

    few = {"prompt_id": ["p", "q", "p"], "candidate_id": ["a", "a", "a"]}
    with pytest.raises(AuditDataError, match=r"<rows>:3: duplicate \(prompt_id, candidate_id\) \('p', 'a'\).*line 1"):
        candidates_from_columns(few, 3, source="<rows>")
    # every candidate id distinct: prompts x candidates is far larger than the rows (sort path)
    n = 3000
    many = {
        "prompt_id": [f"p{i // 2}" for i in range(n)] + ["p7"],
        "candidate_id": [f"c{i}" for i in range(n)] + ["c15"],
    }
    with pytest.raises(AuditDataError, match=rf"<rows>:{n + 1}: duplicate .*\('p7', 'c15'\).*line 16"):
        candidates_from_columns(many, n + 1, source="<rows>")
