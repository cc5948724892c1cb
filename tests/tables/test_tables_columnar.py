"""Columnar reading: JSONL and Parquet give the same table as an independent grouping."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from judgespec import AuditDataError
from judgespec.audit import CandidatesTable, run_audit
from judgespec.audit._slices import slice_values
from judgespec.tables import read_candidates


def _rows(seed: int = 3) -> list[dict[str, Any]]:
    rng = np.random.default_rng(seed)
    rows = []
    order = rng.permutation([(p, c) for p in range(30) for c in range(int(rng.integers(1, 5)) + 1)])
    for p, c in order.tolist():  # prompts interleaved, as a log written in arrival order
        rows.append(
            {
                "prompt_id": f"p{p}",
                "candidate_id": f"c{c}",
                "response": "x" * int(rng.integers(0, 50)) + "é",
                "oracle": None if rng.random() < 0.1 else float(rng.normal()),
                "judge_score": float(rng.integers(1, 6)),
                "category": "even" if p % 2 == 0 else "odd",
            }
        )
    return rows


def _expected(rows: list[dict[str, Any]]) -> tuple[list[str], list[tuple[str, str]]]:
    """Prompts in first-appearance order; rows grouped by prompt, input order kept."""
    prompts: list[str] = []
    for row in rows:
        if row["prompt_id"] not in prompts:
            prompts.append(row["prompt_id"])
    keys = [(p, r["candidate_id"]) for p in prompts for r in rows if r["prompt_id"] == p]
    return prompts, keys


@pytest.mark.parametrize("fmt", ["jsonl", "parquet"])
def test_file_formats_group_as_an_independent_loop(tmp_path: Path, fmt: str) -> None:
    rows = _rows()
    path = tmp_path / f"c.{fmt}"
    if fmt == "jsonl":
        path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    else:
        pq.write_table(pa.Table.from_pylist(rows), path, row_group_size=7)  # several chunks
    table = read_candidates(path)
    prompts, keys = _expected(rows)
    assert table.prompt_ids == prompts
    got = [(table.prompt_ids[int(p)], c) for p, c in zip(table.row_prompt, table.candidate_ids, strict=True)]
    assert got == keys
    by_key = {(r["prompt_id"], r["candidate_id"]): r for r in rows}
    np.testing.assert_array_equal(
        table.oracle, [np.nan if by_key[k]["oracle"] is None else by_key[k]["oracle"] for k in keys]
    )
    np.testing.assert_array_equal(table.judge, [by_key[k]["judge_score"] for k in keys])
    assert table.length.tolist() == [len(by_key[k]["response"]) for k in keys]
    assert slice_values(table, "category") == [
        "even" if int(p[1:]) % 2 == 0 else "odd" for p in prompts
    ]
    assert table.to_rows() == [by_key[k] for k in keys]


def test_parquet_and_rows_give_the_same_audit(tmp_path: Path) -> None:
    rows = _rows(5)
    path = tmp_path / "c.parquet"
    pq.write_table(pa.Table.from_pylist(rows), path)
    a = run_audit(read_candidates(path), n_bootstrap=50, seed=1)
    b = run_audit(CandidatesTable.from_rows(rows), n_bootstrap=50, seed=1)
    for name, metric in a.metrics.items():
        other = b.metrics[name]
        assert (metric.estimate, metric.ci_low, metric.ci_high) == pytest.approx(
            (other.estimate, other.ci_low, other.ci_high), nan_ok=True
        )


def test_fast_and_line_by_line_jsonl_readers_agree(tmp_path: Path) -> None:
    from judgespec.tables._table import _arrow_jsonl, candidates_from_columns, read_columns

    rows = _rows(7)
    rows[0]["response"] = "2024-01-01"  # pyarrow.json would type this as a date
    rows[1]["extra"] = {"nested": [1, 2]}
    path = tmp_path / "c.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n\n", encoding="utf-8")
    source, columns, n, lines = read_columns(path)
    slow = candidates_from_columns(columns, n, source=source, lines=lines)
    fast = read_candidates(path)
    assert fast.to_rows() == slow.to_rows()
    assert fast.responses is not None and "2024-01-01" in fast.responses
    plain = tmp_path / "plain.jsonl"
    plain.write_text("\n".join(json.dumps({k: v for k, v in r.items() if k != "response"}) for r in rows) + "\n")
    assert _arrow_jsonl(plain) is not None  # the fast path is taken where it can be


def test_blank_lines_keep_error_lines_exact(tmp_path: Path) -> None:
    path = tmp_path / "gaps.jsonl"
    path.write_text(
        '{"prompt_id": "p", "candidate_id": "a"}\n\n\n{"prompt_id": "p", "candidate_id": "b", "oracle": NaN}\n'
    )
    with pytest.raises(AuditDataError, match=r"gaps\.jsonl:4: oracle must be finite, got nan"):
        read_candidates(path)
