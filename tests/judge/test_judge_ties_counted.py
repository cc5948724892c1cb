"""A judge whose ties the engine broke still reports them in the scorecard's tie metrics."""

from __future__ import annotations

from judge_doubles import POINTWISE, ScriptedJudge, contract, rows

from judgespec.judge import judge_candidates
from judgespec.pipeline import score_tables

ESCALATE = {
    "kind": "pairwise_escalation",
    "pairwise": {"template": "Which is better?\n[A] {{ response_a }}\n[B] {{ response_b }}"},
}


def test_top_ties_broken_by_escalation_are_still_counted() -> None:
    # every prompt: the judge scores the top two candidates equal (q=5), the tie marker
    # t separates them in the escalation; oracle = q + t/10
    data = rows([[(5, 1), (5, 2), 3], [(5, 3), 1, (5, 1)], [2, (5, 2), (5, 1)]])
    for row in data:
        marker = row["response"].split("q=")[1]
        q = int(marker[0])
        t = int(marker.split("t=")[1][0]) if "t=" in marker else 0
        row["oracle"] = q + t / 10
    loaded = contract(POINTWISE, tie_policy=ESCALATE)
    out = judge_candidates(loaded, data, backend=ScriptedJudge())
    card = score_tables(out.candidates, out.comparisons, loaded=loaded, n_bootstrap=0)
    assert card.run.tie_column == "judge_score_raw"
    assert card.metrics["top_tie_rate"].estimate == 1.0  # every top was tied
    assert card.metrics["tie_rate"].estimate == 1 / 3  # one tied pair of three per prompt
    assert card.metrics["top1_accuracy"].estimate == 1.0  # the escalation picked right
