"""`plan`'s sample sizes agree with simulation: resample the real Arena pilot's prompts."""

from __future__ import annotations

import math
from collections import defaultdict
from pathlib import Path

import numpy as np
import pytest
from scipy import stats

import judgespec
from judgespec.audit import CandidatesTable, arena_to_candidates, run_audit
from judgespec.contract import Gate
from judgespec.instrument import decision_probability, plan_gate
from judgespec.scorecard import ContractInfo, RunInfo, Scorecard, build_scorecard

ARENA = Path(judgespec.__file__).parent / "data" / "arena_sample" / "candidates.jsonl.gz"
THRESHOLD = 0.87
POWER = 0.8


def _per_prompt(rows: list[dict[str, object]]) -> tuple[np.ndarray, np.ndarray]:
    """Gain E[y_pick] − ȳ and room max y − ȳ per prompt (expected tie-breaking), by hand."""
    by_prompt: dict[object, list[tuple[float, float]]] = defaultdict(list)
    for row in rows:
        if row["oracle"] is not None and row["judge_score"] is not None:
            by_prompt[row["prompt_id"]].append((float(row["judge_score"]), float(row["oracle"])))  # type: ignore[arg-type]
    gain, room = [], []
    for pairs in by_prompt.values():
        if len(pairs) < 2:
            continue
        s = np.array([p[0] for p in pairs])
        y = np.array([p[1] for p in pairs])
        gain.append(y[s == s.max()].mean() - y.mean())
        room.append(y.max() - y.mean())
    return np.array(gain), np.array(room)


@pytest.fixture(scope="module")
def pilot() -> tuple[Scorecard, np.ndarray, np.ndarray]:
    rows = arena_to_candidates(ARENA)
    result = run_audit(
        CandidatesTable.from_rows(rows, source=str(ARENA)), n_bootstrap=2000, seed=0, interval="percentile"
    )
    scorecard = build_scorecard(
        result,
        contract=ContractInfo(
            name="arena", version="1", fingerprint="none", judge_model="gpt-4.1-nano",
            protocol="pointwise", tie_policy="expected",
        ),
        run=RunInfo(framework="offline", dataset="arena_sample"),
        created_at="2026-01-01T00:00:00Z",
    )
    gain, room = _per_prompt(rows)
    return scorecard, gain, room


def _decided_rate(gain: np.ndarray, room: np.ndarray, n: int, rng: np.random.Generator,
                  reps: int = 400, boot: int = 400) -> float:
    """Share of simulated audits of n prompts (drawn from the pilot's) whose 95% percentile
    cluster-bootstrap interval of recovery is clear of the threshold."""
    decided = 0
    for _ in range(reps):
        idx = rng.integers(0, len(gain), n)
        g, m = gain[idx], room[idx]
        draws = rng.integers(0, n, (boot, n)) + (np.arange(boot) * n)[:, None]
        w = np.bincount(draws.ravel(), minlength=boot * n).reshape(boot, n).astype(float)
        low, high = np.quantile((w @ g) / (w @ m), [0.025, 0.975])
        decided += bool(low >= THRESHOLD or high < THRESHOLD)
    return decided / reps


def test_pilot_recovery_is_the_hand_computed_ratio(pilot: tuple[Scorecard, np.ndarray, np.ndarray]) -> None:
    scorecard, gain, room = pilot
    recovery = scorecard.metrics["recovery"]
    assert recovery.estimate == pytest.approx(gain.sum() / room.sum(), abs=1e-12)
    assert recovery.n == len(gain) == scorecard.counts.selection_prompts


def test_planned_prompts_agree_with_simulation(pilot: tuple[Scorecard, np.ndarray, np.ndarray]) -> None:
    scorecard, gain, room = pilot
    plan = plan_gate(scorecard, Gate(metric="recovery", op=">=", threshold=THRESHOLD), power=POWER)
    assert plan.prompts is not None and 200 < plan.prompts < 2000
    # the textbook formula, by hand from the pilot interval
    z, zp = stats.norm.ppf(0.975), stats.norm.ppf(POWER)
    se0 = (plan.estimate - plan.ci_low) / z  # the arm of the interval facing the threshold
    textbook = len(gain) * (se0 * (z + zp) / (plan.estimate - THRESHOLD)) ** 2
    assert plan.se_pilot == pytest.approx(se0, rel=1e-12)
    assert plan.prompts == pytest.approx(textbook, rel=0.02)
    rng = np.random.default_rng(20260101)
    below = _decided_rate(gain, room, math.floor(0.85 * plan.prompts), rng)
    at = _decided_rate(gain, room, plan.prompts, rng)
    above = _decided_rate(gain, room, math.ceil(1.15 * plan.prompts), rng)
    # the simulated size that reaches the stated power lies within 15% of the planned one
    print(f"planned {plan.prompts}: decided {below} at 0.85x, {at} at 1x, {above} at 1.15x")
    assert below < POWER < above, (below, at, above)
    assert at == pytest.approx(POWER, abs=0.06), at


def test_decision_probability_by_hand() -> None:
    # |d| / se = 3, z = 1.96: Φ(1.04) + Φ(−4.96)
    expected = stats.norm.cdf(3 - 1.959964) + stats.norm.cdf(-3 - 1.959964)
    assert decision_probability(0.03, 0.01, 0.95) == pytest.approx(expected, rel=1e-6)
    assert decision_probability(-0.03, 0.01, 0.95) == pytest.approx(expected, rel=1e-6)
