"""Pairwise-protocol metrics: a hand-worked example and an independent loop."""

from __future__ import annotations

import itertools
import math
from collections import defaultdict
from typing import Any

import numpy as np
import pytest

from judgespec.audit import CandidatesTable, ComparisonsTable, run_audit

# prompt q: x > y > z by the oracle; r: u (1) > w (0.5) > v (0); s: a (1) > b (.5) > c (0)
CANDIDATES = [
    ("q", "x", 3.0), ("q", "y", 2.0), ("q", "z", 1.0),
    ("r", "u", 1.0), ("r", "v", 0.0), ("r", "w", 0.5),
    ("s", "a", 1.0), ("s", "b", 0.5), ("s", "c", 0.0),
]  # fmt: skip
COMPARISONS = [
    ("q", "x", "y", "first"),   # x
    ("q", "y", "x", "second"),  # x again: consistent
    ("q", "x", "z", "first"),   # x
    ("q", "z", "x", "first"),   # z: inconsistent, first slot won twice (lean +1)
    ("q", "y", "z", "tie"),     # tie
    ("q", "z", "y", "second"),  # y: inconsistent, one second-slot win (lean -1/2)
    ("q", "x", "y", None),      # parse failure: no vote, not matched
    ("r", "u", "v", "first"),   # u > v
    ("r", "v", "w", "first"),   # v > w
    ("r", "w", "u", "first"),   # w > u: a cycle u > v > w > u
    ("s", "a", "b", "first"),   # a > b
    ("s", "b", "c", "first"),   # b > c
    ("s", "a", "c", "first"),   # a > c: transitive
]  # fmt: skip


def tables() -> tuple[CandidatesTable, ComparisonsTable]:
    candidates = CandidatesTable.from_rows(
        {"prompt_id": p, "candidate_id": c, "oracle": y, "judge_score": None}
        for p, c, y in CANDIDATES
    )
    comparisons = ComparisonsTable.from_rows(
        (
            {"prompt_id": p, "first_id": a, "second_id": b, "winner": w}
            for p, a, b, w in COMPARISONS
        ),
        candidates=candidates,
    )
    return candidates, comparisons


def test_hand_worked_pairwise_example() -> None:
    result = run_audit(*tables(), n_bootstrap=0)
    m = result.metrics
    # matched pairs (both orders, parsed): q's {x,y}, {x,z}, {y,z}; only {x,y} consistent
    assert m["position_consistency"].estimate == pytest.approx(1 / 3)
    assert m["position_consistency"].n == 3
    # inconsistent: {x,z} lean +1 (first slot twice), {y,z} lean -1/2 -> (1 - 1/2) / 2
    assert m["preference_fairness"].estimate == pytest.approx(0.25)
    assert m["preference_fairness"].n == 2
    # votes summed over orders, toward the oracle-better candidate (correct when > 0):
    #   q: {x,y} +2 correct, {x,z} 0 zero sum, {y,z} 0 + 1 correct   = 2 correct, 1 zero
    #   r: {u,v} u wins, u better -> correct; {v,w} v wins, w better; {w,u} wrong = 1
    #   s: all three right -> 3;   total 6 correct of 9 pairs, 1 zero sum
    assert m["pairwise_accuracy"].estimate == pytest.approx(6 / 9)
    assert m["pairwise_accuracy"].n == 9
    assert m["pairwise_zero_sum_rate"].estimate == pytest.approx(1 / 9)
    assert m["pairwise_zero_sum_rate"].n == 9
    # decided triads: r (cycle) and s (transitive); q's {x,z} has no majority
    assert m["transitivity_violations"].estimate == pytest.approx(0.5)
    assert m["transitivity_violations"].n == 2
    assert result.counts.comparisons == 13
    assert result.counts.comparison_parse_failures == 1


def test_no_inconsistent_pair_gives_nan_fairness_with_reason() -> None:
    candidates, _ = tables()
    comparisons = ComparisonsTable.from_rows(
        [
            {"prompt_id": "q", "first_id": "x", "second_id": "y", "winner": "first"},
            {"prompt_id": "q", "first_id": "y", "second_id": "x", "winner": "second"},
        ]
    )
    m = run_audit(candidates, comparisons, n_bootstrap=20).metrics
    assert m["position_consistency"].estimate == 1.0
    assert math.isnan(m["preference_fairness"].estimate)
    assert "no inconsistent pair" in (m["preference_fairness"].reason or "")
    assert math.isnan(m["transitivity_violations"].estimate)
    assert m["transitivity_violations"].reason


def independent_pairwise(
    oracle: dict[tuple[str, str], float], rows: list[tuple[str, str, str, str | None]]
) -> dict[str, float]:
    """Loop implementation written from the metric definitions."""
    votes: dict[tuple[str, str, str], list[int]] = defaultdict(list)  # (p, lo, hi)
    orders: dict[tuple[str, str, str], dict[bool, list[tuple[int, str]]]] = defaultdict(
        lambda: {True: [], False: []}
    )
    for p, a, b, w in rows:
        lo, hi = sorted((a, b), key=lambda c: list(oracle).index((p, c)))
        key = (p, lo, hi)
        votes.setdefault(key, [])
        if w is None:
            continue
        winner = {"first": a, "second": b, "tie": None}[w]
        vote = 0 if winner is None else (1 if winner == lo else -1)
        votes[key].append(vote)
        orders[key][a == lo].append((vote, w))
    matched = consistent = inconsistent = 0
    lean = 0.0
    for sides in orders.values():
        for (v1, w1), (v2, w2) in zip(sides[True], sides[False], strict=False):
            matched += 1
            if v1 == v2:
                consistent += 1
            else:
                inconsistent += 1
                lean += ([w1, w2].count("first") - [w1, w2].count("second")) / 2
    correct = zero = pairs = 0.0
    for (p, lo, hi), vs in votes.items():
        if oracle[(p, lo)] != oracle[(p, hi)]:
            pairs += 1
            total = sum(vs) * (1 if oracle[(p, lo)] > oracle[(p, hi)] else -1)
            correct += total > 0
            zero += total == 0
    majority = {k: np.sign(sum(v)) for k, v in votes.items()}
    triads = cycles = 0
    by_prompt: dict[str, list[str]] = defaultdict(list)
    for p, c in oracle:
        by_prompt[p].append(c)
    for p, cands in by_prompt.items():
        for a, b, c in itertools.combinations(cands, 3):
            edges = [majority.get((p, a, b), 0), majority.get((p, b, c), 0),
                     majority.get((p, a, c), 0)]  # fmt: skip
            if all(edges):
                triads += 1
                cycles += edges[0] == edges[1] == -edges[2]
    return {
        "position_consistency": consistent / matched if matched else math.nan,
        "preference_fairness": lean / inconsistent if inconsistent else math.nan,
        "pairwise_accuracy": correct / pairs if pairs else math.nan,
        "pairwise_zero_sum_rate": zero / pairs if pairs else math.nan,
        "transitivity_violations": cycles / triads if triads else math.nan,
    }


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_pairwise_metrics_match_an_independent_loop(seed: int) -> None:
    rng = np.random.default_rng(seed)
    oracle: dict[tuple[str, str], float] = {}
    for p in range(12):
        for c in range(int(rng.integers(2, 6))):
            oracle[(f"p{p}", f"c{c}")] = float(rng.integers(0, 3))
    rows: list[tuple[str, str, str, str | None]] = []
    winners: list[Any] = ["first", "second", "tie", None]
    for p in range(12):
        cands = [c for q, c in oracle if q == f"p{p}"]
        for _ in range(int(rng.integers(1, 25))):
            a, b = rng.choice(cands, size=2, replace=False).tolist()
            rows.append((f"p{p}", a, b, winners[int(rng.choice(4, p=[0.4, 0.35, 0.15, 0.1]))]))
    candidates = CandidatesTable.from_rows(
        {"prompt_id": p, "candidate_id": c, "oracle": y} for (p, c), y in oracle.items()
    )
    comparisons = ComparisonsTable.from_rows(
        {"prompt_id": p, "first_id": a, "second_id": b, "winner": w} for p, a, b, w in rows
    )
    m = run_audit(candidates, comparisons, n_bootstrap=0).metrics
    for name, value in independent_pairwise(oracle, rows).items():
        if math.isnan(value):
            assert math.isnan(m[name].estimate), name
        else:
            assert m[name].estimate == pytest.approx(value), name
