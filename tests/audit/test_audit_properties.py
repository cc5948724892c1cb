"""Property tests: invariances the metric definitions imply."""

from __future__ import annotations

import math
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from judgespec.audit import CandidatesTable, run_audit

ORDER_FREE = (
    "recovery",
    "top1_accuracy",
    "regret",
    "r_global",
    "r_within",
    "within_share_judge",
    "within_share_oracle",
    "tie_rate",
    "top_tie_rate",
    "sign_agreement",
)  # kappa is left out: its labels depend on the pair orientation (table order)

value = st.sampled_from([0.0, 0.25, 0.5, 1.0])
candidate = st.tuples(value, st.one_of(st.none(), value))
prompts = st.lists(st.lists(candidate, min_size=2, max_size=5), min_size=1, max_size=8)


def rows_of(data: list[list[tuple[float, float | None]]]) -> list[dict[str, object]]:
    return [
        {"prompt_id": f"p{p}", "candidate_id": f"c{c}", "oracle": y, "judge_score": s}
        for p, cands in enumerate(data)
        for c, (y, s) in enumerate(cands)
    ]


def same(a: float, b: float) -> bool:
    return (math.isnan(a) and math.isnan(b)) or a == pytest.approx(b, abs=1e-12)


@settings(max_examples=40, deadline=None)
@given(prompts, st.randoms(use_true_random=False))
def test_expected_policy_metrics_do_not_depend_on_row_order(
    data: list[list[tuple[float, float | None]]], rnd: random.Random
) -> None:
    rows = rows_of(data)
    shuffled = rows[:]
    rnd.shuffle(shuffled)
    a = run_audit(CandidatesTable.from_rows(rows), n_bootstrap=0)
    b = run_audit(CandidatesTable.from_rows(shuffled), n_bootstrap=0)
    for name in ORDER_FREE:
        assert same(a.metrics[name].estimate, b.metrics[name].estimate), name
    assert len(a.bon_curve) == len(b.bon_curve)
    for p, q in zip(a.bon_curve, b.bon_curve, strict=True):
        assert same(p.utility, q.utility) and same(p.oracle_utility, q.oracle_utility)
    assert sorted(a.escalations) == sorted(b.escalations)


@settings(max_examples=40, deadline=None)
@given(st.integers(2, 5).flatmap(lambda n: st.lists(st.lists(candidate, min_size=n, max_size=n),
                                                    min_size=1, max_size=8)))  # fmt: skip
def test_bon_curve_at_full_size_is_the_selection_itself(
    data: list[list[tuple[float, float | None]]],
) -> None:
    # every candidate judged: all prompts have the same n, so k = n is the full pick
    data = [[(y, 0.0 if s is None else s) for y, s in cands] for cands in data]
    result = run_audit(CandidatesTable.from_rows(rows_of(data)), n_bootstrap=0)
    last = result.bon_curve[-1]
    assert last.k == len(data[0])
    regret = result.metrics["regret"].estimate
    assert last.oracle_utility - last.utility == pytest.approx(regret, abs=1e-12)
    assert same(last.recovery, result.metrics["recovery"].estimate)
    assert result.bon_curve[0].utility == pytest.approx(last.random_utility)
