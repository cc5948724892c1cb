"""The JudgeBench paper's published accuracy cells, reproduced from ../shared/data.

Tan et al. (2024), "JudgeBench: A Benchmark for Evaluating LLM-based Judges", arXiv
2410.12784: Table 2 (o1-mini with the Arena-Hard prompt on the GPT-4o pairs) and
Table 3 (reward models on the same pairs); columns knowledge, reasoning, math, coding,
overall, in percent. The numbers below are copied from the paper, not computed here.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from judgespec.audit import (
    JUDGEBENCH_CATEGORIES,
    CandidatesTable,
    ComparisonsTable,
    judgebench_reward_to_candidates,
    judgebench_to_tables,
    run_audit,
)

PUBLISHED: dict[str, tuple[float, float, float, float, float]] = {
    # Table 2: o1-mini-2024-09-12, Arena-Hard judge prompt
    "arena_hard.o1-mini-2024-09-12": (58.44, 62.24, 82.14, 78.57, 65.71),
    # Table 3: reward models
    "reward_model.Skywork_Skywork-Reward-Gemma-2-27B": (59.74, 66.33, 83.93, 50.00, 64.29),
    "reward_model.Skywork_Skywork-Reward-Llama-3.1-8B": (59.09, 64.29, 76.79, 50.00, 62.29),
    "reward_model.internlm_internlm2-20b-reward": (62.34, 69.39, 66.07, 50.00, 63.43),
    "reward_model.internlm_internlm2-7b-reward": (56.49, 61.22, 71.43, 50.00, 59.43),
    "reward_model.Ray2333_GRM-Gemma-2B-rewardmodel-ft": (62.99, 53.06, 64.29, 54.76, 59.43),
}


def _tables(path: Path) -> tuple[CandidatesTable, ComparisonsTable]:
    candidates, comparisons = judgebench_to_tables(path)
    if ".reward_model." in path.name:
        candidates = judgebench_reward_to_candidates(path)
    table = CandidatesTable.from_rows(candidates, source=str(path))
    return table, ComparisonsTable.from_rows(comparisons, candidates=table, source=str(path))


@pytest.mark.parametrize("judge", list(PUBLISHED))
def test_published_cells_to_two_decimals(audit_data: Path, judge: str) -> None:
    path = audit_data / "judgebench" / f"judged.gpt-4o-2024-05-13.{judge}.jsonl"
    table, comparisons = _tables(path)
    result = run_audit(table, comparisons, n_bootstrap=0, by="category")
    cells = {s.value: s.metrics["pairwise_accuracy"].estimate for s in result.slices}
    assert list(cells) == sorted(JUDGEBENCH_CATEGORIES)
    got = [cells[c] for c in JUDGEBENCH_CATEGORIES] + [result.metrics["pairwise_accuracy"].estimate]
    assert [round(100 * v, 2) for v in got] == list(PUBLISHED[judge])
    # the share of zero-sum pairs is reported beside it, and the three shares add to 1
    zero = result.metrics["pairwise_zero_sum_rate"].estimate
    assert 0.0 <= zero <= 1.0 - result.metrics["pairwise_accuracy"].estimate
