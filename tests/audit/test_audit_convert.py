"""Converters from the Arena-sample and JudgeBench formats (small synthetic files)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from judgespec import AuditDataError
from judgespec.audit import (
    CandidatesTable,
    ComparisonsTable,
    arena_to_candidates,
    judgebench_reward_to_candidates,
    judgebench_to_tables,
    run_audit,
)


def write_jsonl(path: Path, rows: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


ARENA = [
    {"prompt_id": "arena_1", "candidate_id": "base", "prompt": "q", "response": "r1",
     "judge_score": 0.5, "oracle_label": 0.7},
    {"prompt_id": "arena_1", "candidate_id": "unhelpful", "prompt": "q", "response": "r2",
     "judge_score": 0.6, "oracle_label": 0.1},
    {"prompt_id": "arena_1", "candidate_id": "clone", "prompt": "q", "response": "r3",
     "judge_score": 0.5, "oracle_label": None},
]  # fmt: skip


def test_arena_rows_map_oracle_label_and_filter_policies(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "arena.jsonl", ARENA)
    rows = arena_to_candidates(path)
    assert [r["oracle"] for r in rows] == [0.7, 0.1, None]
    assert all("oracle_label" not in r for r in rows)
    assert rows[0]["response"] == "r1" and rows[0]["prompt"] == "q"
    kept = arena_to_candidates(path, policies=("base", "clone"))
    assert [r["candidate_id"] for r in kept] == ["base", "clone"]
    table = CandidatesTable.from_rows(kept, strict=True)
    assert table.length.tolist() == [2, 2]
    with pytest.raises(AuditDataError, match=r"policies \['nope'\] do not occur"):
        arena_to_candidates(path, policies=["base", "nope"])


def judged(decisions: list[str | None], *, as_string: bool, label: str = "A>B") -> dict[str, Any]:
    judgments: Any = [
        {"judgment": {"judge_model": "m", "response": "..."}, "decision": d} for d in decisions
    ]
    return {
        "pair_id": f"pair-{len(decisions)}-{decisions[0]}-{as_string}",
        "original_id": 1,
        "source": "mmlu-pro-law",
        "question": "Q?",
        "response_model": "gpt",
        "response_A": "long answer A",
        "response_B": "B",
        "label": label,
        "judge_name": "arena_hard",
        "judgments": repr(judgments) if as_string else judgments,
    }


def test_judgebench_pairwise_file_becomes_two_presentations(tmp_path: Path) -> None:
    path = write_jsonl(
        tmp_path / "judged.jsonl",
        [
            judged(["A>B", "B>A"], as_string=False),  # A both times: consistent, correct
            judged(["A>B", "A>B"], as_string=True),  # first slot both times
            judged(["A=B", None], as_string=True, label="B>A"),
        ],
    )
    candidates, comparisons = judgebench_to_tables(path)
    assert [(r["candidate_id"], r["oracle"]) for r in candidates[:2]] == [("A", 1.0), ("B", 0.0)]
    assert candidates[4]["oracle"] == 0.0 and candidates[5]["oracle"] == 1.0
    assert candidates[0]["response"] == "long answer A" and candidates[0]["prompt"] == "Q?"
    assert [(c["first_id"], c["second_id"], c["winner"]) for c in comparisons] == [
        ("A", "B", "first"), ("B", "A", "second"),
        ("A", "B", "first"), ("B", "A", "first"),
        ("A", "B", "tie"), ("B", "A", None),
    ]  # fmt: skip
    table = CandidatesTable.from_rows(candidates)
    result = run_audit(table, ComparisonsTable.from_rows(comparisons, candidates=table))
    m = result.metrics
    # matched pairs: 1 (consistent) and 2 (inconsistent, first slot twice); 3 has a null
    assert m["position_consistency"].estimate == pytest.approx(0.5)
    assert m["preference_fairness"].estimate == pytest.approx(1.0)
    # votes: pair 1 +2 -> correct, pair 2 +1 - 1 = 0 and pair 3 tie + null = 0: zero sums
    assert m["pairwise_accuracy"].estimate == pytest.approx(1 / 3)
    assert m["pairwise_zero_sum_rate"].estimate == pytest.approx(2 / 3)
    assert result.counts.comparison_parse_failures == 1


def test_judgebench_bad_inputs(tmp_path: Path) -> None:
    bad_decision = judged(["A>>B", "B>A"], as_string=False)
    with pytest.raises(AuditDataError, match=r"j\.jsonl:1: decision must be 'A>B', 'B>A'"):
        judgebench_to_tables(write_jsonl(tmp_path / "j.jsonl", [bad_decision]))
    bad_literal = {**judged(["A>B"], as_string=False), "judgments": "[{'a': os.system}]"}
    with pytest.raises(AuditDataError, match=r"j\.jsonl:1: judgments is a string but not"):
        judgebench_to_tables(write_jsonl(tmp_path / "j.jsonl", [bad_literal]))
    bad_label = judged(["A>B"], as_string=False, label="A=B")
    with pytest.raises(AuditDataError, match=r"j\.jsonl:1: label must be 'A>B' or 'B>A'"):
        judgebench_to_tables(write_jsonl(tmp_path / "j.jsonl", [bad_label]))


def reward(scores_ab: list[float | None], scores_ba: list[float | None] | None) -> dict[str, Any]:
    rec = judged(["A>B", "B>A"], as_string=False)
    rec["pair_id"] = f"r{scores_ab}{scores_ba}"
    entries = [{"judgment": {"scores": scores_ab}, "decision": "A>B"}]
    if scores_ba is not None:
        entries.append({"judgment": {"scores": scores_ba}, "decision": "B>A"})
    rec["judgments"] = entries
    return rec


def test_reward_model_scores_average_both_orders(tmp_path: Path) -> None:
    path = write_jsonl(
        tmp_path / "rm.jsonl",
        [reward([2.0, 1.0], [0.0, 4.0]), reward([3.0, None], None), reward([None, None], None)],
    )
    rows = judgebench_reward_to_candidates(path)
    # A: order (A, B) gives 2.0, order (B, A) gives A's score in slot 2: 4.0 -> mean 3.0
    # B: 1.0 and 0.0 -> 0.5
    assert [r["judge_score"] for r in rows[:2]] == [3.0, 0.5]
    assert [r["judge_score"] for r in rows[2:4]] == [3.0, None]
    assert [r["parse_failure"] for r in rows] == [False, False, False, True, True, True]
    assert rows[4]["judge_score"] is None
    table = CandidatesTable.from_rows(rows)
    assert table.parse_failure_recorded
