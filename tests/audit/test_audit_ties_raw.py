"""Ties the engine broke are still ties: tie metrics on ``judge_score_raw``."""

from __future__ import annotations

import itertools
from typing import Any

import pytest

from judgespec.audit import CandidatesTable, run_audit

# p1: the judge tied a and b at 5; the engine separated them (b 4.75). p2: no tie.
ROWS: list[dict[str, Any]] = [
    {
        "prompt_id": "p1",
        "candidate_id": "a",
        "oracle": 0.0,
        "judge_score": 5.0,
        "judge_score_raw": 5.0,
    },
    {
        "prompt_id": "p1",
        "candidate_id": "b",
        "oracle": 1.0,
        "judge_score": 4.75,
        "judge_score_raw": 5.0,
    },
    {
        "prompt_id": "p1",
        "candidate_id": "c",
        "oracle": 0.5,
        "judge_score": 3.0,
        "judge_score_raw": 3.0,
    },
    {
        "prompt_id": "p2",
        "candidate_id": "a",
        "oracle": 1.0,
        "judge_score": 4.0,
        "judge_score_raw": 4.0,
    },
    {
        "prompt_id": "p2",
        "candidate_id": "b",
        "oracle": 0.0,
        "judge_score": 2.0,
        "judge_score_raw": 2.0,
    },
]


def _brute_force(rows: list[dict[str, Any]], column: str) -> tuple[float, float]:
    pairs = tied = 0
    top_tied = prompts = 0
    for _, group in itertools.groupby(rows, key=lambda r: r["prompt_id"]):
        scores = [r[column] for r in group]
        for s, t in itertools.combinations(scores, 2):
            pairs += 1
            tied += s == t
        prompts += 1
        top_tied += scores.count(max(scores)) >= 2
    return tied / pairs, top_tied / prompts


def test_tie_metrics_count_the_raw_ties() -> None:
    result = run_audit(CandidatesTable.from_rows(ROWS), n_bootstrap=0)
    assert result.tie_column == "judge_score_raw"
    tie, top = _brute_force(ROWS, "judge_score_raw")
    assert (tie, top) == (0.25, 0.5)
    assert result.metrics["tie_rate"].estimate == pytest.approx(tie)
    assert result.metrics["top_tie_rate"].estimate == pytest.approx(top)
    assert result.diagnostics.tie_group_sizes == {1: 3, 2: 1}
    # selection uses the tie-broken judge_score: p1 picks a (oracle-worst)
    assert result.metrics["top1_accuracy"].estimate == pytest.approx(0.5)


def test_without_the_raw_column_ties_are_counted_on_judge_score() -> None:
    rows = [{k: v for k, v in r.items() if k != "judge_score_raw"} for r in ROWS]
    result = run_audit(CandidatesTable.from_rows(rows), n_bootstrap=0)
    assert result.tie_column == "judge_score"
    assert result.metrics["tie_rate"].estimate == pytest.approx(
        _brute_force(rows, "judge_score")[0]
    )
    assert result.metrics["tie_rate"].estimate == 0.0


def test_raw_column_round_trips_and_is_validated() -> None:
    table = CandidatesTable.from_rows(ROWS)
    assert [r["judge_score_raw"] for r in table.to_rows()] == [r["judge_score_raw"] for r in ROWS]
    bad = [dict(ROWS[0], judge_score_raw="high"), *ROWS[1:]]
    with pytest.raises(Exception, match=r"<rows>:1: judge_score_raw must be a number or null"):
        CandidatesTable.from_rows(bad)
