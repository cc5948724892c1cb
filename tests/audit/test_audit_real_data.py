"""Real data from ../shared/data (skipped cleanly when absent).

Arena sample: the README's known shape. JudgeBench: pairwise accuracy against a loop
written from the JudgeBench rule, and pointwise reward models against the same pairs.
"""

from __future__ import annotations

import ast
import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from judgespec.audit import (
    AuditResult,
    CandidatesTable,
    ComparisonsTable,
    arena_to_candidates,
    judgebench_reward_to_candidates,
    judgebench_to_tables,
    run_audit,
)

NON_ADVERSARIAL = ("base", "clone", "parallel_universe_prompt")
O1_MINI = "judged.gpt-4o-2024-05-13.arena_hard.o1-mini-2024-09-12.jsonl"
REWARD_MODELS = (
    "Ray2333_GRM-Gemma-2B-rewardmodel-ft",
    "Skywork_Skywork-Reward-Gemma-2-27B",
    "Skywork_Skywork-Reward-Llama-3.1-8B",
    "internlm_internlm2-20b-reward",
    "internlm_internlm2-7b-reward",
)
BOOT = 300  # replicates: enough for interval sanity, fast


@pytest.fixture(scope="module")
def arena(audit_data: Path) -> Path:
    return audit_data / "arena_sample" / "candidates.jsonl"


@pytest.fixture(scope="module")
def best_of_2(arena: Path) -> AuditResult:
    rows = arena_to_candidates(arena, policies=NON_ADVERSARIAL)
    return run_audit(CandidatesTable.from_rows(rows, source=str(arena)), n_bootstrap=BOOT)


def test_arena_best_of_2_has_381_prompts_and_the_known_shape(best_of_2: AuditResult) -> None:
    m = best_of_2.metrics
    assert best_of_2.counts.selection_prompts == 381  # README: two labelled candidates
    assert best_of_2.counts.prompts == 874
    assert best_of_2.counts.candidates == 874 * 3
    assert m["recovery"].n == 381
    assert [p.k for p in best_of_2.bon_curve] == [1, 2]
    # README: global correlation moderate, within-prompt correlation much weaker
    assert 0.1 < m["r_global"].estimate < 0.6
    assert m["r_within"].estimate < m["r_global"].estimate - 0.05
    # README: pointwise judge scores tie in most within-prompt pairs
    assert m["tie_rate"].estimate > 0.5
    # the best-of-2 recovery at k = n is the recovery metric itself
    assert best_of_2.bon_curve[-1].recovery == pytest.approx(m["recovery"].estimate)
    for name in ("recovery", "top1_accuracy", "r_global", "r_within", "kappa"):
        assert m[name].ci_low < m[name].estimate < m[name].ci_high, name


def test_adding_the_adversarial_candidate_inflates_selection_metrics(
    arena: Path, best_of_2: AuditResult
) -> None:
    two = arena_to_candidates(arena, policies=NON_ADVERSARIAL)
    labelled = Counter(r["prompt_id"] for r in two if r["oracle"] is not None)
    prompts = {p for p, n in labelled.items() if n == 2}
    rows = [r for r in arena_to_candidates(arena) if r["prompt_id"] in prompts]
    three = run_audit(CandidatesTable.from_rows(rows), n_bootstrap=BOOT)
    assert three.counts.selection_prompts == 381  # the same prompts, now best-of-3
    assert [p.k for p in three.bon_curve] == [1, 2, 3]
    m2, m3 = best_of_2.metrics, three.metrics
    assert m3["recovery"].estimate > m2["recovery"].estimate + 0.3
    assert m3["recovery"].ci_low > m2["recovery"].ci_high
    assert m3["r_within"].estimate > m2["r_within"].estimate
    assert m3["kappa"].estimate > m2["kappa"].estimate

    # top-1 over its chance level (share of oracle-best candidates per prompt) rises too;
    # raw top-1 is not comparable across n because chance falls from ~1/2 to ~1/3
    def chance(table_rows: list[dict[str, Any]]) -> float:
        by_prompt: dict[str, list[float]] = {}
        for r in table_rows:
            if r["oracle"] is not None and r["judge_score"] is not None:
                by_prompt.setdefault(r["prompt_id"], []).append(r["oracle"])
        shares = [v.count(max(v)) / len(v) for p, v in by_prompt.items() if p in prompts]
        return sum(shares) / len(shares)

    lift2 = m2["top1_accuracy"].estimate - chance(two)
    lift3 = m3["top1_accuracy"].estimate - chance(rows)
    assert lift3 > lift2


def judgebench_rule(path: Path) -> float:
    """Pairwise accuracy written from JudgeBench's rule (arXiv 2410.12784, both orders).

    Votes: the first judgment's decision as is, the second's flipped back to the
    original letters; +1 for the correct letter, -1 for the other, 0 otherwise. A pair
    is correct when the sum is positive; a zero sum is a tie, credited 1/2 here.
    """
    flip = {"A>B": "B>A", "B>A": "A>B"}
    credit = 0.0
    pairs = 0
    with path.open() as handle:
        for line in handle:
            rec = json.loads(line)
            judgments = rec["judgments"]
            if isinstance(judgments, str):
                judgments = ast.literal_eval(judgments)
            label = rec["label"]
            decisions = [judgments[0]["decision"], flip.get(judgments[1]["decision"])]
            counter = sum((d == label) - (d == flip[label]) for d in decisions)
            credit += 1.0 if counter > 0 else 0.5 if counter == 0 else 0.0
            pairs += 1
    return credit / pairs


def pairwise_audit(path: Path) -> AuditResult:
    candidates, comparisons = judgebench_to_tables(path)
    table = CandidatesTable.from_rows(candidates, source=str(path))
    return run_audit(
        table, ComparisonsTable.from_rows(comparisons, candidates=table), n_bootstrap=BOOT
    )


def test_judgebench_o1_mini_pairwise(audit_data: Path) -> None:
    path = audit_data / "judgebench" / O1_MINI
    result = pairwise_audit(path)
    m = result.metrics
    assert result.counts.prompts == 350
    assert result.counts.comparisons == 700
    for name in ("position_consistency", "pairwise_accuracy"):
        assert 0.0 <= m[name].estimate <= 1.0
        assert m[name].ci_low <= m[name].estimate <= m[name].ci_high
        assert m[name].n == 350
    assert m["pairwise_accuracy"].estimate == pytest.approx(judgebench_rule(path))
    assert -1.0 <= m["preference_fairness"].estimate <= 1.0
    # a pairwise judge: selection scores derived from its verdicts (win share), so no
    # prompt abstains and top-1 is the half-credit reading (a zero vote sum ties)
    assert result.counts.abstentions == 0
    assert result.counts.derived_scores == 700
    assert m["top1_accuracy"].estimate == pytest.approx(judgebench_rule(path))
    assert m["recovery"].estimate == pytest.approx(2 * m["top1_accuracy"].estimate - 1)


@pytest.fixture(scope="module")
def o1_mini(audit_data: Path) -> AuditResult:
    return pairwise_audit(audit_data / "judgebench" / O1_MINI)


@pytest.mark.parametrize("model", REWARD_MODELS)
def test_judgebench_reward_models_against_o1_mini(
    audit_data: Path, o1_mini: AuditResult, model: str
) -> None:
    path = audit_data / "judgebench" / f"judged.gpt-4o-2024-05-13.reward_model.{model}.jsonl"
    table = CandidatesTable.from_rows(judgebench_reward_to_candidates(path))
    pointwise = run_audit(table, n_bootstrap=BOOT)
    assert pointwise.counts.selection_prompts == 350
    pairs, _ = judgebench_to_tables(audit_data / "judgebench" / O1_MINI)
    assert set(table.prompt_ids) == {r["prompt_id"] for r in pairs}  # the same 350 pairs
    top1 = pointwise.metrics["top1_accuracy"].estimate
    assert 0.0 <= top1 <= 1.0
    # a pointwise model's decisions in both orders, scored by the JudgeBench rule, give
    # the same number as best-of-2 selection from its (order-averaged) scores
    assert top1 == pytest.approx(judgebench_rule(path))
    assert pairwise_audit(path).metrics["pairwise_accuracy"].estimate == pytest.approx(top1)
    # o1-mini judging the same pairs pairwise does better (observed here, not a target)
    assert o1_mini.metrics["pairwise_accuracy"].estimate > top1
