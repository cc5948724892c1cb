"""Candidates and comparisons tables: loading, grouping, and one-line errors."""

from __future__ import annotations

import builtins
import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from judgespec import AuditDataError, MissingExtraError
from judgespec.audit import (
    CandidatesTable,
    ComparisonsTable,
    read_candidates,
    read_comparisons,
)

GOOD: list[dict[str, Any]] = [
    {"prompt_id": "p1", "candidate_id": "a", "oracle": 1.0, "judge_score": 0.5,
     "response": "hello", "prompt": "say hi", "policy": "base"},
    {"prompt_id": "p2", "candidate_id": "a", "oracle": None, "judge_score": 0.1},
    {"prompt_id": "p1", "candidate_id": "b", "oracle": 0, "judge_score": None,
     "parse_failure": True},
    {"prompt_id": "p2", "candidate_id": "b", "oracle": 0.3, "judge_score": 2,
     "judge_samples": [2, 3, None]},
]  # fmt: skip


def write_jsonl(path: Path, rows: list[Any]) -> Path:
    path.write_text("".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in rows))
    return path


def test_rows_are_grouped_by_prompt_in_first_appearance_order() -> None:
    table = CandidatesTable.from_rows(GOOD)
    assert table.prompt_ids == ["p1", "p2"]
    assert table.offsets.tolist() == [0, 2, 4]
    assert table.candidate_ids.tolist() == ["a", "b", "a", "b"]
    assert np.array_equal(table.oracle, [1.0, 0.0, np.nan, 0.3], equal_nan=True)
    assert np.array_equal(table.judge, [0.5, np.nan, 0.1, 2.0], equal_nan=True)
    assert table.parse_failure.tolist() == [False, True, False, False]
    assert table.parse_failure_recorded
    assert table.length.tolist() == [5, -1, -1, -1]
    assert table.judge_samples == [[], [], [], [2.0, 3.0]]
    assert table.metadata is not None and table.metadata[0] == {"policy": "base"}
    assert table.oracle.dtype == np.float64 and table.offsets.dtype == np.int64
    with pytest.raises(ValueError):
        table.oracle[0] = 2.0  # columns are read-only


def test_to_rows_round_trips() -> None:
    table = CandidatesTable.from_rows(GOOD)
    again = CandidatesTable.from_rows(table.to_rows())
    assert again.to_rows() == table.to_rows()
    first = table.to_rows()[0]
    assert first == {
        "prompt_id": "p1", "candidate_id": "a", "prompt": "say hi", "response": "hello",
        "oracle": 1.0, "judge_score": 0.5, "parse_failure": False, "judge_samples": [],
        "policy": "base",
    }  # fmt: skip


def test_jsonl_and_parquet_read_the_same(tmp_path: Path) -> None:
    pq = pytest.importorskip("pyarrow.parquet")
    pa = pytest.importorskip("pyarrow")
    rows = [
        {
            k: v
            for k, v in r.items()
            if k in ("prompt_id", "candidate_id", "oracle", "judge_score", "response")
        }
        for r in GOOD
    ]
    for r in rows:
        r.setdefault("response", None)
        r["oracle"] = None if r["oracle"] is None else float(r["oracle"])
        r["judge_score"] = None if r["judge_score"] is None else float(r["judge_score"])
    pq.write_table(pa.Table.from_pylist(rows), tmp_path / "c.parquet")
    from_parquet = read_candidates(tmp_path / "c.parquet")
    from_jsonl = read_candidates(write_jsonl(tmp_path / "c.jsonl", rows))
    assert from_parquet.to_rows() == from_jsonl.to_rows()
    assert from_parquet.source.endswith("c.parquet")


def test_parquet_without_pyarrow_names_the_extra(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_import = builtins.__import__

    def fake_import(name: str, *args: Any, **kwargs: Any) -> Any:
        if name.startswith("pyarrow"):
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", fake_import)
    with pytest.raises(MissingExtraError, match=r"pip install 'judgespec\[parquet\]'"):
        read_candidates(tmp_path / "c.parquet")


def test_from_arrays_groups_and_validates() -> None:
    table = CandidatesTable.from_arrays(
        prompt_ids=["q", "p", "q"],
        candidate_ids=["a", "a", "b"],
        oracle=np.array([1.0, np.nan, 0.0]),
        judge_score=[None, 0.5, 0.2],
        length=[3, 4, 5],
    )
    assert table.prompt_ids == ["q", "p"]
    assert table.candidate_ids.tolist() == ["a", "b", "a"]
    assert table.length.tolist() == [3, 5, 4]
    with pytest.raises(AuditDataError, match=r"<arrays>:2: duplicate"):
        CandidatesTable.from_arrays(
            prompt_ids=["p", "p"], candidate_ids=["a", "a"], oracle=[0, 1], judge_score=[0, 1]
        )
    with pytest.raises(AuditDataError, match=r"<arrays>:2: judge_score must be finite"):
        CandidatesTable.from_arrays(
            prompt_ids=["p", "p"], candidate_ids=["a", "b"], oracle=[0, 1],
            judge_score=[0, np.inf],
        )  # fmt: skip


@pytest.mark.parametrize(
    ("lines", "fragment"),
    [
        (['{"prompt_id": "p1", "candidate_id": "a"}', "{not json"],
         r"candidates\.jsonl:2: invalid JSON \(Expecting property name"),
        (['{"prompt_id": "p1", "candidate_id": "a"}', "[1, 2]"],
         r"candidates\.jsonl:2: expected a JSON object, got list"),
        (['{"candidate_id": "a"}'], r"candidates\.jsonl:1: missing prompt_id"),
        (['{"prompt_id": "p1"}'], r"candidates\.jsonl:1: missing candidate_id"),
        (['{"prompt_id": 3, "candidate_id": "a"}'],
         r"candidates\.jsonl:1: prompt_id must be a non-empty string, got 3 \(int\)"),
        (['{"prompt_id": "p1", "candidate_id": "a", "oracle": NaN}'],
         r"candidates\.jsonl:1: oracle must be finite, got nan: write null"),
        (['{"prompt_id": "p1", "candidate_id": "a", "judge_score": Infinity}'],
         r"candidates\.jsonl:1: judge_score must be finite, got inf"),
        (['{"prompt_id": "p1", "candidate_id": "a", "oracle": "nan"}'],
         r"candidates\.jsonl:1: oracle must be a number or null, got \"nan\" \(str\)"),
        (['{"prompt_id": "p1", "candidate_id": "a", "judge_score": true}'],
         r"candidates\.jsonl:1: judge_score must be a number or null, got true \(bool\)"),
        (['{"prompt_id": "p1", "candidate_id": "a", "judge_score": 1, "parse_failure": true}'],
         r"candidates\.jsonl:1: judge_score must be null where parse_failure is true"),
        (['{"prompt_id": "p1", "candidate_id": "a", "parse_failure": "yes"}'],
         r"candidates\.jsonl:1: parse_failure must be true, false or null"),
        (['{"prompt_id": "p1", "candidate_id": "a", "judge_samples": 3}'],
         r"candidates\.jsonl:1: judge_samples must be a list of numbers or null"),
        (['{"prompt_id": "p1", "candidate_id": "a", "response": 7}'],
         r"candidates\.jsonl:1: response must be a string or null"),
    ],
)  # fmt: skip
def test_bad_candidate_rows_name_file_and_line(
    tmp_path: Path, lines: list[str], fragment: str
) -> None:
    path = write_jsonl(tmp_path / "candidates.jsonl", lines)
    with pytest.raises(AuditDataError, match=fragment) as info:
        read_candidates(path)
    assert "\n" not in str(info.value)


def test_duplicate_key_names_both_lines(tmp_path: Path) -> None:
    rows = [{"prompt_id": f"p{i // 2}", "candidate_id": "ab"[i % 2]} for i in range(16)]
    rows.append({"prompt_id": "p3", "candidate_id": "b"})  # line 17
    with pytest.raises(
        AuditDataError,
        match=r"candidates\.jsonl:17: duplicate \(prompt_id, candidate_id\) \('p3', 'b'\): "
        r"each candidate must appear once \(first seen at line 8\)",
    ):
        read_candidates(write_jsonl(tmp_path / "candidates.jsonl", rows))


def test_blank_lines_keep_line_numbers(tmp_path: Path) -> None:
    lines = ['{"prompt_id": "p", "candidate_id": "a"}', "", '{"prompt_id": "p", "oracle": 1}']
    with pytest.raises(AuditDataError, match=r"candidates\.jsonl:3: missing candidate_id"):
        read_candidates(write_jsonl(tmp_path / "candidates.jsonl", lines))


def test_strict_mode_rejects_unknown_columns(tmp_path: Path) -> None:
    rows = [
        {"prompt_id": "p", "candidate_id": "a", "oracle": 1},
        {"prompt_id": "p", "candidate_id": "b", "oracel": 1},
    ]
    path = write_jsonl(tmp_path / "candidates.jsonl", rows)
    assert read_candidates(path).metadata == [{}, {"oracel": 1}]
    with pytest.raises(AuditDataError, match=r"candidates\.jsonl:2: unknown column 'oracel'"):
        read_candidates(path, strict=True)


@pytest.mark.parametrize(
    ("lines", "fragment"),
    [
        ([], r"candidates\.jsonl: empty: no candidate rows"),
        (["", "  "], r"candidates\.jsonl: empty: no candidate rows"),
        (['{"prompt_id": "p", "candidate_id": "a"}', '{"prompt_id": "q", "candidate_id": "a"}'],
         r"candidates\.jsonl: no prompt has two or more candidates"),
    ],
)  # fmt: skip
def test_tables_that_cannot_support_an_audit(
    tmp_path: Path, lines: list[str], fragment: str
) -> None:
    with pytest.raises(AuditDataError, match=fragment):
        read_candidates(write_jsonl(tmp_path / "candidates.jsonl", lines))


def test_missing_file_and_unknown_suffix(tmp_path: Path) -> None:
    with pytest.raises(AuditDataError, match=r"nope\.jsonl: no such file"):
        read_candidates(tmp_path / "nope.jsonl")
    with pytest.raises(AuditDataError, match=r"c\.csv: unsupported file type '\.csv'"):
        read_candidates(tmp_path / "c.csv")


def test_from_rows_errors_name_the_source_and_row() -> None:
    with pytest.raises(AuditDataError, match=r"^mine:2: missing prompt_id"):
        CandidatesTable.from_rows(
            [{"prompt_id": "p", "candidate_id": "a"}, {"candidate_id": "b"}], source="mine"
        )


# --------------------------------------------------------------------------- comparisons


CANDS = [
    {"prompt_id": "p", "candidate_id": "a", "oracle": 1.0},
    {"prompt_id": "p", "candidate_id": "b", "oracle": 0.0},
]


def test_comparisons_table_reads_and_round_trips(tmp_path: Path) -> None:
    candidates = CandidatesTable.from_rows(CANDS)
    rows: list[dict[str, Any]] = [
        {"prompt_id": "p", "first_id": "a", "second_id": "b", "winner": "first",
         "strength": 2},
        {"prompt_id": "p", "first_id": "b", "second_id": "a", "winner": None},
        {"prompt_id": "p", "first_id": "b", "second_id": "a", "winner": "tie", "note": "x"},
    ]  # fmt: skip
    table = read_comparisons(write_jsonl(tmp_path / "cmp.jsonl", rows), candidates)
    assert table.winner.tolist() == [0, -1, 2]
    assert math.isnan(table.strength[1]) and table.strength[0] == 2.0
    back = table.to_rows()
    assert back[0] == {**rows[0], "strength": 2.0}
    assert back[1] == rows[1]
    assert back[2] == rows[2]


@pytest.mark.parametrize(
    ("row", "fragment"),
    [
        ({"prompt_id": "p", "first_id": "a", "second_id": "z", "winner": "first"},
         r"cmp\.jsonl:2: unknown candidate \('p', 'z'\): not in <rows>"),
        ({"prompt_id": "q", "first_id": "a", "second_id": "b", "winner": "first"},
         r"cmp\.jsonl:2: unknown prompt 'q'"),
        ({"prompt_id": "p", "first_id": "a", "second_id": "b", "winner": "A"},
         r"cmp\.jsonl:2: invalid winner \"A\" \(str\): use 'first', 'second', 'tie', or null"),
        ({"prompt_id": "p", "first_id": "a", "second_id": "b", "winner": 1},
         r"cmp\.jsonl:2: invalid winner 1 \(int\)"),
        ({"prompt_id": "p", "first_id": "a", "second_id": "b"}, r"cmp\.jsonl:2: missing winner"),
        ({"prompt_id": "p", "first_id": "a", "second_id": "a", "winner": "tie"},
         r"cmp\.jsonl:2: first_id and second_id are both 'a'"),
        ({"prompt_id": "p", "first_id": "a", "second_id": "b", "winner": "tie",
          "strength": "high"}, r"cmp\.jsonl:2: strength must be a number or null"),
    ],
)  # fmt: skip
def test_bad_comparison_rows_name_file_and_line(
    tmp_path: Path, row: dict[str, Any], fragment: str
) -> None:
    candidates = CandidatesTable.from_rows(CANDS)
    ok = {"prompt_id": "p", "first_id": "a", "second_id": "b", "winner": "first"}
    path = write_jsonl(tmp_path / "cmp.jsonl", [ok, row])
    with pytest.raises(AuditDataError, match=fragment):
        read_comparisons(path, candidates)


def test_empty_comparisons_file(tmp_path: Path) -> None:
    with pytest.raises(AuditDataError, match=r"cmp\.jsonl: empty: no comparison rows"):
        read_comparisons(write_jsonl(tmp_path / "cmp.jsonl", []))


def test_run_audit_checks_comparisons_against_candidates() -> None:
    from judgespec.audit import run_audit

    candidates = CandidatesTable.from_rows(CANDS)
    comparisons = ComparisonsTable.from_rows(
        [{"prompt_id": "p", "first_id": "a", "second_id": "c", "winner": "first"}],
        source="cmp.jsonl",
    )
    with pytest.raises(AuditDataError, match=r"cmp\.jsonl:1: unknown candidate \('p', 'c'\)"):
        run_audit(candidates, comparisons)
