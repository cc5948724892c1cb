"""Metrics against independent computations (scipy, brute force, hand-written loops)."""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from scipy import stats

from judgespec.audit import METRIC_NAMES, CandidatesTable, run_audit

Row = dict[str, Any]


def random_rows(seed: int, *, prompts: int = 25, max_n: int = 5, nulls: bool = True) -> list[Row]:
    """Small random tables: coarse judge scores (many ties), some null values."""
    rng = np.random.default_rng(seed)
    rows: list[Row] = []
    for p in range(prompts):
        for c in range(int(rng.integers(1, max_n + 1))):
            y: float | None = float(rng.integers(0, 4)) / 3
            s: float | None = float(rng.integers(0, 3))
            if nulls and rng.random() < 0.1:
                y = None
            if nulls and rng.random() < 0.1:
                s = None
            response = "x" * int(rng.integers(1, 6))
            rows.append(
                {
                    "prompt_id": f"p{p}",
                    "candidate_id": f"c{c}",
                    "oracle": y,
                    "judge_score": s,
                    "response": response,
                }
            )
    return rows


def eligible_by_prompt(rows: list[Row]) -> dict[str, list[tuple[float, float]]]:
    """(y, s) of candidates with both values, prompts with two or more of them."""
    out: dict[str, list[tuple[float, float]]] = {}
    for row in rows:
        if row["oracle"] is not None and row["judge_score"] is not None:
            out.setdefault(row["prompt_id"], []).append((row["oracle"], row["judge_score"]))
    return {p: v for p, v in out.items() if len(v) >= 2}


def brute_pick_value(ys: list[float], ss: list[float], subset: tuple[int, ...]) -> float:
    """E[y of the judge's pick in ``subset``] averaged over every tie-break order."""
    values = []
    for priority in itertools.permutations(range(len(ys))):
        pick = max(subset, key=lambda i: (ss[i], -priority.index(i)))
        values.append(ys[pick])
    return sum(values) / len(values)


SEEDS = [0, 1, 2, 3]


@pytest.mark.parametrize("seed", SEEDS)
def test_selection_and_bon_curve_match_brute_force(seed: int) -> None:
    rows = random_rows(seed)
    result = run_audit(CandidatesTable.from_rows(rows), n_bootstrap=0)
    prompts = eligible_by_prompt(rows)
    gains = rooms = top1 = regret = 0.0
    for cands in prompts.values():
        ys = [y for y, _ in cands]
        ss = [s for _, s in cands]
        n = len(ys)
        pick = brute_pick_value(ys, ss, tuple(range(n)))
        best = max(ys)
        mean = sum(ys) / n
        if best > min(ys):
            gains += pick - mean
            rooms += best - mean
        top1 += brute_pick_value([float(y == best) for y in ys], ss, tuple(range(n)))
        regret += best - pick
    m = result.metrics
    assert m["recovery"].estimate == pytest.approx(gains / rooms)
    assert m["top1_accuracy"].estimate == pytest.approx(top1 / len(prompts))
    assert m["regret"].estimate == pytest.approx(regret / len(prompts))
    assert result.counts.selection_prompts == len(prompts)

    max_n = max(len(c) for c in prompts.values())
    assert [p.k for p in result.bon_curve] == list(range(1, max_n + 1))
    for point in result.bon_curve:
        k = point.k
        judge = oracle = rand = 0.0
        used = 0
        for cands in prompts.values():
            ys = [y for y, _ in cands]
            ss = [s for _, s in cands]
            if len(ys) < k:
                continue
            used += 1
            subsets = list(itertools.combinations(range(len(ys)), k))
            judge += sum(brute_pick_value(ys, ss, sub) for sub in subsets) / len(subsets)
            oracle += sum(max(ys[i] for i in sub) for sub in subsets) / len(subsets)
            rand += sum(ys) / len(ys)
        assert point.prompts == used
        assert point.utility == pytest.approx(judge / used, abs=1e-12)
        assert point.oracle_utility == pytest.approx(oracle / used, abs=1e-12)
        assert point.random_utility == pytest.approx(rand / used, abs=1e-12)
        if k > 1 and oracle != rand:
            assert point.recovery == pytest.approx((judge - rand) / (oracle - rand), abs=1e-9)


@pytest.mark.parametrize("seed", SEEDS[:2])
def test_first_tie_policy_picks_first_tied_in_table_order(seed: int) -> None:
    rows = random_rows(seed)
    result = run_audit(CandidatesTable.from_rows(rows), tie_policy="first", n_bootstrap=0)
    regret = 0.0
    prompts = eligible_by_prompt(rows)
    for cands in prompts.values():
        top = max(s for _, s in cands)
        pick = next(y for y, s in cands if s == top)
        regret += max(y for y, _ in cands) - pick
    assert result.metrics["regret"].estimate == pytest.approx(regret / len(prompts))


def test_abstain_tie_policy_drops_tied_prompts() -> None:
    rows = random_rows(5, nulls=False)
    result = run_audit(CandidatesTable.from_rows(rows), tie_policy="abstain", n_bootstrap=0)
    prompts = eligible_by_prompt(rows)
    kept = {p: c for p, c in prompts.items() if sum(s == max(s for _, s in c) for _, s in c) == 1}
    regret = sum(max(y for y, _ in c) - max(c, key=lambda ys: ys[1])[0] for c in kept.values())
    assert result.metrics["regret"].estimate == pytest.approx(regret / len(kept))
    assert result.metrics["regret"].n == len(kept)
    assert result.counts.abstentions == len(prompts) - len(kept)


def test_random_tie_policy_is_seeded_and_picks_among_the_tied_top(
    make_table: Callable[..., CandidatesTable],
) -> None:
    # 60 prompts, two candidates tied at the top (utilities 1 and 0) and a worse third
    table = make_table(
        {f"p{i}": [("a", 1.0, 2.0), ("b", 0.0, 2.0), ("c", 0.5, 1.0)] for i in range(60)}
    )
    picks = [
        run_audit(table, tie_policy="random", seed=seed, n_bootstrap=0)
        .metrics["top1_accuracy"]
        .estimate
        for seed in range(3)
    ]
    again = run_audit(table, tie_policy="random", seed=0, n_bootstrap=0)
    assert again.metrics["top1_accuracy"].estimate == picks[0]
    assert len(set(picks)) > 1  # different seeds break ties differently
    for top1 in picks:
        assert 0.25 < top1 < 0.75  # about half of the tied picks are the oracle-best one
    regret = run_audit(table, tie_policy="random", seed=0, n_bootstrap=0).metrics["regret"]
    assert regret.estimate == pytest.approx(1.0 - picks[0])  # the worse third is never picked


@pytest.mark.parametrize("seed", SEEDS)
def test_correlations_match_scipy(seed: int) -> None:
    rows = random_rows(seed, max_n=6)
    m = run_audit(CandidatesTable.from_rows(rows), n_bootstrap=0).metrics
    prompts = eligible_by_prompt(rows)
    ys = [y for c in prompts.values() for y, _ in c]
    ss = [s for c in prompts.values() for _, s in c]
    assert m["r_global"].estimate == pytest.approx(stats.pearsonr(ss, ys).statistic)
    dy = [y - np.mean([v for v, _ in c]) for c in prompts.values() for y, _ in c]
    ds = [s - np.mean([v for _, v in c]) for c in prompts.values() for _, s in c]
    assert m["r_within"].estimate == pytest.approx(stats.pearsonr(ds, dy).statistic)
    assert m["within_share_judge"].estimate == pytest.approx(
        np.sum(np.square(ds)) / np.sum(np.square(np.subtract(ss, np.mean(ss))))
    )
    assert m["within_share_oracle"].estimate == pytest.approx(
        np.sum(np.square(dy)) / np.sum(np.square(np.subtract(ys, np.mean(ys))))
    )


def sign(x: float) -> int:
    return (x > 0) - (x < 0)


@pytest.mark.parametrize("seed", SEEDS)
def test_kappa_and_sign_agreement_from_a_hand_built_confusion_matrix(seed: int) -> None:
    rows = random_rows(seed, max_n=6)
    m = run_audit(CandidatesTable.from_rows(rows), n_bootstrap=0).metrics
    label = {1: 0, -1: 1, 0: 2}
    confusion = [[0] * 3 for _ in range(3)]
    for cands in eligible_by_prompt(rows).values():
        for (yi, si), (yj, sj) in itertools.combinations(cands, 2):
            confusion[label[sign(si - sj)]][label[sign(yi - yj)]] += 1
    total = sum(map(sum, confusion))
    p_o = sum(confusion[a][a] for a in range(3)) / total
    p_e = (
        sum(sum(confusion[a]) * sum(confusion[b][a] for b in range(3)) for a in range(3)) / total**2
    )
    assert m["kappa"].estimate == pytest.approx((p_o - p_e) / (1 - p_e))
    assert m["kappa"].n == total
    decided = confusion[0][0] + confusion[0][1] + confusion[1][0] + confusion[1][1]
    assert m["sign_agreement"].estimate == pytest.approx(
        (confusion[0][0] + confusion[1][1]) / decided
    )


@pytest.mark.parametrize("seed", SEEDS[:2])
def test_judge_side_metrics_use_every_judged_candidate(seed: int) -> None:
    rows = random_rows(seed, max_n=6)
    m = run_audit(CandidatesTable.from_rows(rows), n_bootstrap=0).metrics
    judged: dict[str, list[Row]] = {}
    for row in rows:
        if row["judge_score"] is not None:  # oracle or not
            judged.setdefault(row["prompt_id"], []).append(row)
    pairs = ties = prompts = top_ties = longer = usable = 0
    ds: list[float] = []
    dl: list[float] = []
    for cands in judged.values():
        scores = [r["judge_score"] for r in cands]
        lengths = [len(r["response"]) for r in cands]
        if len(cands) >= 2:
            prompts += 1
            top_ties += scores.count(max(scores)) >= 2
            ds += [s - float(np.mean(scores)) for s in scores]
            dl += [v - float(np.mean(lengths)) for v in lengths]
        for a, b in itertools.combinations(cands, 2):
            pairs += 1
            ties += a["judge_score"] == b["judge_score"]
            flat = a["oracle"] is None or b["oracle"] is None or a["oracle"] == b["oracle"]
            la, lb = len(a["response"]), len(b["response"])
            if flat and a["judge_score"] != b["judge_score"] and la != lb:
                usable += 1
                longer += (a["judge_score"] > b["judge_score"]) == (la > lb)
    assert m["tie_rate"].estimate == pytest.approx(ties / pairs)
    assert m["top_tie_rate"].estimate == pytest.approx(top_ties / prompts)
    assert m["length_bias"].estimate == pytest.approx(stats.pearsonr(ds, dl).statistic)
    assert m["prefer_longer"].estimate == pytest.approx(longer / usable)
    assert m["prefer_longer"].n == usable


def test_repeat_agreement_matches_krippendorff_2011_interval_example(
    make_table: Callable[..., CandidatesTable],
) -> None:
    # Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability": 4 observers,
    # 12 units, interval alpha = 0.849. A unit is a candidate, an observer a judge sample.
    n = None
    observers = [
        [1, 2, 3, 3, 2, 1, 4, 1, 2, n, n, n],
        [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, n, 3],
        [n, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, n],
        [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, n],
    ]
    units = [[v for v in column if v is not None] for column in zip(*observers, strict=True)]
    rows = [
        {
            "prompt_id": f"p{u // 3}",
            "candidate_id": f"c{u}",
            "oracle": None,
            "judge_score": 1.0,
            "judge_samples": values,
        }
        for u, values in enumerate(units)
    ]
    m = run_audit(CandidatesTable.from_rows(rows), n_bootstrap=0).metrics
    # independent: D_o and D_e by explicit double loops over pairable values
    pairable = [u for u in units if len(u) >= 2]
    values = [v for u in pairable for v in u]
    d_o = sum(
        sum((a - b) ** 2 for i, a in enumerate(u) for j, b in enumerate(u) if i != j) / (len(u) - 1)
        for u in pairable
    ) / len(values)
    d_e = sum(
        (a - b) ** 2 for i, a in enumerate(values) for j, b in enumerate(values) if i != j
    ) / (len(values) * (len(values) - 1))
    assert m["repeat_agreement"].estimate == pytest.approx(1 - d_o / d_e)
    assert m["repeat_agreement"].estimate == pytest.approx(0.849, abs=5e-4)
    assert m["repeat_agreement"].n == 11  # unit 12 has one value: not pairable


def test_parse_failures_are_counted_never_scored(
    make_table: Callable[..., CandidatesTable],
) -> None:
    rows = [
        {
            "prompt_id": "p",
            "candidate_id": "a",
            "oracle": 1.0,
            "judge_score": None,
            "parse_failure": True,
        },
        {
            "prompt_id": "p",
            "candidate_id": "b",
            "oracle": 0.0,
            "judge_score": 1.0,
            "parse_failure": False,
        },
        {
            "prompt_id": "p",
            "candidate_id": "c",
            "oracle": 0.5,
            "judge_score": 0.0,
            "parse_failure": False,
        },
        {
            "prompt_id": "q",
            "candidate_id": "a",
            "oracle": 1.0,
            "judge_score": None,
            "parse_failure": True,
        },
        {
            "prompt_id": "q",
            "candidate_id": "b",
            "oracle": 0.0,
            "judge_score": None,
            "parse_failure": True,
        },
    ]
    result = run_audit(CandidatesTable.from_rows(rows), n_bootstrap=0)
    assert result.metrics["parse_failure_rate"].estimate == pytest.approx(3 / 5)
    assert result.counts.parse_failures == 3
    assert result.counts.judged == 2
    assert result.counts.abstentions == 1  # q has no judge score at all
    # p: a cannot be picked; selection among b, c: pick b (y = 0) vs best c (0.5)
    assert result.metrics["regret"].estimate == pytest.approx(0.5)
    assert result.counts.selection_prompts == 1


# --------------------------------------------------------------------------- degenerate data


def test_constant_oracle_gives_nan_with_reason(make_table: Callable[..., CandidatesTable]) -> None:
    table = make_table({f"p{i}": [("a", 0.5, 1.0), ("b", 0.5, 2.0)] for i in range(5)})
    m = run_audit(table, n_bootstrap=50).metrics
    for name in ("recovery", "r_global", "r_within", "within_share_oracle"):
        assert math.isnan(m[name].estimate), name
        assert math.isnan(m[name].ci_low) and math.isnan(m[name].ci_high)
        reason = m[name].reason or ""
        assert "constant" in reason or "equal" in reason, name
    assert "no gain" in (m["recovery"].reason or "")
    assert m["regret"].estimate == 0.0  # defined: nothing is lost when all are equal
    assert m["top1_accuracy"].estimate == 1.0


def test_all_judge_scores_tied_gives_nan_with_reason(
    make_table: Callable[..., CandidatesTable],
) -> None:
    table = make_table({f"p{i}": [("a", 0.0, 1.0), ("b", 1.0, 1.0)] for i in range(5)})
    result = run_audit(table, n_bootstrap=50)
    m = result.metrics
    assert math.isnan(m["r_global"].estimate) and "judge scores are equal" in (
        m["r_global"].reason or ""
    )
    assert math.isnan(m["r_within"].estimate) and "tied" in (m["r_within"].reason or "")
    assert math.isnan(m["sign_agreement"].estimate)
    assert m["tie_rate"].estimate == 1.0
    assert m["top_tie_rate"].estimate == 1.0
    assert m["recovery"].estimate == pytest.approx(0.0)  # expected pick = random pick
    abstain = run_audit(table, tie_policy="abstain", n_bootstrap=50)
    assert math.isnan(abstain.metrics["recovery"].estimate)
    assert "abstain" in (abstain.metrics["recovery"].reason or "")
    assert abstain.counts.abstentions == 5
    assert abstain.bon_curve == []


def test_no_judge_scores_and_no_pairs(make_table: Callable[..., CandidatesTable]) -> None:
    table = make_table({"p": [("a", 0.0, None), ("b", 1.0, None)]})
    result = run_audit(table)
    for name in METRIC_NAMES:
        estimate = result.metrics[name]
        assert math.isnan(estimate.estimate), name
        assert estimate.reason, name
    assert "no candidate has a judge score" in (result.metrics["recovery"].reason or "")
    assert "no comparisons table" in (result.metrics["position_consistency"].reason or "")
    assert result.counts.abstentions == 1
    assert result.bon_curve == []


def test_metric_names_are_reported_in_order(make_table: Callable[..., CandidatesTable]) -> None:
    result = run_audit(make_table({"p": [("a", 0.0, 0.0), ("b", 1.0, 1.0)]}), n_bootstrap=0)
    assert list(result.metrics) == list(METRIC_NAMES)
    assert METRIC_NAMES == (
        "recovery", "top1_accuracy", "regret", "r_global", "r_within", "within_share_judge",
        "within_share_oracle", "tie_rate", "top_tie_rate", "sign_agreement", "kappa",
        "position_consistency", "preference_fairness", "pairwise_accuracy",
        "pairwise_zero_sum_rate", "transitivity_violations", "length_bias", "prefer_longer", "repeat_agreement",
        "parse_failure_rate",
    )  # fmt: skip


@pytest.mark.parametrize(
    ("options", "fragment"),
    [
        ({"tie_policy": "best"}, "tie_policy must be one of"),
        ({"n_bootstrap": -1}, "n_bootstrap must be a non-negative integer"),
        ({"n_bootstrap": True}, "n_bootstrap must be a non-negative integer"),
        ({"seed": 1.5}, "seed must be a non-negative integer"),
        ({"confidence": 1.0}, "confidence must be a number strictly between 0 and 1"),
        ({"escalation_margin": -0.1}, "escalation_margin must be a finite number >= 0"),
        ({"escalation_margin": math.inf}, "escalation_margin must be a finite number >= 0"),
    ],
)
def test_bad_arguments_fail_before_any_computation(
    make_table: Callable[..., CandidatesTable], options: dict[str, Any], fragment: str
) -> None:
    table = make_table({"p": [("a", 0.0, 0.0), ("b", 1.0, 1.0)]})
    with pytest.raises(ValueError, match=fragment):
        run_audit(table, **options)


def test_candidates_must_be_a_table() -> None:
    with pytest.raises(TypeError, match="candidates must be a CandidatesTable"):
        run_audit([{"prompt_id": "p"}])  # type: ignore[arg-type]
