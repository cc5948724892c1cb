"""A hand-worked three-prompt audit: every number below is computed by hand.

Data (y = oracle utility, s = judge score):

    prompt  candidate   y     s
    p1      a          1.0    3      <- a and b tie at the top
    p1      b          0.0    3
    p1      c          0.5    1
    p2      a          0.2    2      <- the judge prefers the worse candidate
    p2      b          0.8    1
    p3      a          0.0    1      <- the judge orders p3 perfectly
    p3      b          0.6    2
    p3      c          0.9    3

Every prompt has mean utility ȳ_p = 0.5; max utilities are 1.0, 0.8 and 0.9.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import pytest

from judgespec.audit import CandidatesTable, run_audit

PROMPTS = {
    "p1": [("a", 1.0, 3.0), ("b", 0.0, 3.0), ("c", 0.5, 1.0)],
    "p2": [("a", 0.2, 2.0), ("b", 0.8, 1.0)],
    "p3": [("a", 0.0, 1.0), ("b", 0.6, 2.0), ("c", 0.9, 3.0)],
}


@pytest.fixture
def table(make_table: Callable[..., CandidatesTable]) -> CandidatesTable:
    return make_table(PROMPTS)


def test_selection_metrics_expected_tie_policy(table: CandidatesTable) -> None:
    result = run_audit(table, n_bootstrap=0)
    m = result.metrics
    # E[y_pick]: p1 = (1.0 + 0.0) / 2 = 0.5 (a, b tied), p2 = 0.2, p3 = 0.9
    # gain  E[y_pick] - ȳ:  p1 0.0, p2 -0.3, p3 0.4  -> sum 0.1
    # room  max y - ȳ:      p1 0.5, p2  0.3, p3 0.4  -> sum 1.2
    assert m["recovery"].estimate == pytest.approx(0.1 / 1.2)
    # P(pick is oracle-best): p1 1/2 (a of {a, b}), p2 0, p3 1 -> mean 1.5 / 3
    assert m["top1_accuracy"].estimate == pytest.approx(0.5)
    # regret max y - E[y_pick]: p1 0.5, p2 0.6, p3 0.0 -> mean 1.1 / 3
    assert m["regret"].estimate == pytest.approx(1.1 / 3)
    assert m["recovery"].n == 3 and m["recovery"].unit == "prompts"
    assert math.isnan(m["recovery"].ci_low)  # n_bootstrap=0: no interval


def test_selection_metrics_other_tie_policies(table: CandidatesTable) -> None:
    first = run_audit(table, tie_policy="first", n_bootstrap=0).metrics
    # "first" picks p1's a (first of the tied a, b): gains 0.5, -0.3, 0.4 -> 0.6 / 1.2
    assert first["recovery"].estimate == pytest.approx(0.5)
    assert first["top1_accuracy"].estimate == pytest.approx(2 / 3)  # (1 + 0 + 1) / 3
    assert first["regret"].estimate == pytest.approx(0.2)  # (0 + 0.6 + 0) / 3

    abstain = run_audit(table, tie_policy="abstain", n_bootstrap=0)
    # p1's top is tied: no pick there; p2, p3 remain: gains -0.3 + 0.4, rooms 0.3 + 0.4
    assert abstain.metrics["recovery"].estimate == pytest.approx(0.1 / 0.7)
    assert abstain.metrics["top1_accuracy"].estimate == pytest.approx(0.5)  # (0 + 1) / 2
    assert abstain.metrics["regret"].estimate == pytest.approx(0.3)  # (0.6 + 0) / 2
    assert abstain.metrics["recovery"].n == 2
    assert abstain.counts.abstentions == 1
    assert abstain.counts.selection_prompts == 3


def test_correlations(table: CandidatesTable) -> None:
    m = run_audit(table, n_bootstrap=0).metrics
    # global: s̄ = 16/8 = 2, ȳ = 4/8 = 0.5
    #   Σ(s-2)(y-0.5) = p1 (1)(.5)+(1)(-.5)+(-1)(0) + p2 (0)(-.3)+(-1)(.3)
    #                   + p3 (-1)(-.5)+(0)(.1)+(1)(.4) = 0 - 0.3 + 0.9 = 0.6
    #   Σ(s-2)² = 1+1+1+0+1+1+0+1 = 6;  Σ(y-0.5)² = .25+.25+0+.09+.09+.25+.01+.16 = 1.1
    assert m["r_global"].estimate == pytest.approx(0.6 / math.sqrt(6 * 1.1))
    # within: s̄_p = 7/3, 1.5, 2
    #   Σ ds·dy: p1 (2/3)(.5)+(2/3)(-.5)+(-4/3)(0) = 0, p2 (.5)(-.3)+(-.5)(.3) = -0.3,
    #            p3 (-1)(-.5)+(0)(.1)+(1)(.4) = 0.9                -> 0.6
    #   Σ ds²: p1 4/9+4/9+16/9 = 8/3, p2 0.5, p3 2              -> 31/6
    #   Σ dy²: p1 0.5, p2 0.18, p3 0.42                          -> 1.1
    assert m["r_within"].estimate == pytest.approx(0.6 / math.sqrt(31 / 6 * 1.1))
    assert m["within_share_judge"].estimate == pytest.approx((31 / 6) / 6)
    assert m["within_share_oracle"].estimate == pytest.approx(1.1 / 1.1)  # all ȳ_p = 0.5
    assert m["r_global"].n == 8 and m["r_global"].unit == "candidates"


def test_pairs_ties_and_kappa(table: CandidatesTable) -> None:
    m = run_audit(table, n_bootstrap=0).metrics
    # 7 within-prompt pairs (3 + 1 + 3); only p1's (a, b) has equal judge scores
    assert m["tie_rate"].estimate == pytest.approx(1 / 7)
    assert m["tie_rate"].n == 7
    assert m["top_tie_rate"].estimate == pytest.approx(1 / 3)  # p1 of 3 prompts
    # pair labels (judge, oracle) with i < j in table order; f = i better, s = j better:
    #   p1 ab (tie, f)  ac (f, f)  bc (f, s);  p2 ab (f, s);  p3 ab, ac, bc (s, s) x3
    # confusion rows judge f/s/tie, columns oracle f/s/tie:
    #   f: [1, 2, 0]   s: [0, 3, 0]   tie: [1, 0, 0]        N = 7
    # p_o = (1 + 3 + 0) / 7 = 4/7; row sums 3, 3, 1; column sums 2, 5, 0
    # p_e = (3*2 + 3*5 + 1*0) / 49 = 21/49 = 3/7; kappa = (4/7 - 3/7) / (1 - 3/7) = 1/4
    assert m["kappa"].estimate == pytest.approx(0.25)
    assert m["kappa"].n == 7
    # sign agreement over the 6 pairs without a tie: (1 + 3) / 6
    assert m["sign_agreement"].estimate == pytest.approx(2 / 3)
    assert m["sign_agreement"].n == 6


def test_bon_curve(table: CandidatesTable) -> None:
    curve = run_audit(table, n_bootstrap=0).bon_curve
    assert [p.k for p in curve] == [1, 2, 3]
    assert [p.prompts for p in curve] == [3, 3, 2]
    # k = 1: every pick is random: 0.5 everywhere, recovery undefined (0 / 0)
    assert curve[0].utility == pytest.approx(0.5)
    assert math.isnan(curve[0].recovery)
    # k = 2, judge: p1 subsets {a,b} -> 0.5 (tie), {a,c} -> 1.0, {b,c} -> 0.0: mean 0.5
    #               p2 {a,b} -> 0.2;  p3 {a,b} .6, {a,c} .9, {b,c} .9: mean 0.8
    #          oracle: p1 (1 + 1 + .5)/3 = 5/6, p2 0.8, p3 0.8
    assert curve[1].utility == pytest.approx((0.5 + 0.2 + 0.8) / 3)
    assert curve[1].oracle_utility == pytest.approx((5 / 6 + 0.8 + 0.8) / 3)
    assert curve[1].random_utility == pytest.approx(0.5)
    assert curve[1].recovery == pytest.approx(0.0)  # (1.5 - 1.5) / (2.433 - 1.5)
    # k = 3 (p1, p3 only): judge 0.5 and 0.9, oracle 1.0 and 0.9, random 0.5 and 0.5
    assert curve[2].utility == pytest.approx(0.7)
    assert curve[2].oracle_utility == pytest.approx(0.95)
    assert curve[2].recovery == pytest.approx((1.4 - 1.0) / (1.9 - 1.0))


def test_escalations_and_diagnostics(table: CandidatesTable) -> None:
    result = run_audit(table, n_bootstrap=0)
    assert result.escalations == ["p1"]  # the only tied top
    # top-two gaps: p1 0, p2 1, p3 1
    assert run_audit(table, n_bootstrap=0, escalation_margin=1.0).escalations == [
        "p1",
        "p2",
        "p3",
    ]
    # tie groups: p1 {a, b}, {c}; p2 {a}, {b}; p3 three singletons
    assert result.diagnostics.tie_group_sizes == {1: 6, 2: 1}
    assert result.diagnostics.scatter_global[0] == (3.0, 1.0)
    assert result.diagnostics.scatter_within[0] == pytest.approx((2 / 3, 0.5))
    assert len(result.diagnostics.scatter_global) == 8
