"""One ranking implementation: the live engine's scores equal the audit's derived scores."""

from __future__ import annotations

from typing import Any

import pytest
from judge_doubles import PAIRWISE, ScriptedJudge, contract, rows

from judgespec.audit import CandidatesTable, ComparisonsTable, derive_selection_scores
from judgespec.judge import judge_candidates
from judgespec.pipeline import score_tables

DATA = [[3, 1, 2, 5, 4], [2, 2, 4], [1, 5], [4, 4, 1, 3]]


@pytest.mark.parametrize(
    ("protocol", "ranking"),
    [
        (PAIRWISE, "win_share"),
        ({"kind": "pairwise", "orders": "single"}, "win_share"),
        ({"kind": "tournament"}, "copeland"),
        ({"kind": "tournament", "ranking": "bradley_terry"}, "bradley_terry"),
        ({"kind": "tournament", "format": "knockout"}, "knockout"),
    ],
)
def test_recorded_comparisons_give_the_engine_scores(
    protocol: dict[str, Any], ranking: str
) -> None:
    out = judge_candidates(contract(protocol), rows(DATA), backend=ScriptedJudge())
    unscored = [{**r, "judge_score": None, "parse_failure": False} for r in out.candidates]
    cands = CandidatesTable.from_rows(unscored)
    comps = ComparisonsTable.from_rows(out.comparisons, candidates=cands)
    derived = derive_selection_scores(cands, comps, ranking=ranking).judge.tolist()
    assert derived == [r["judge_score"] for r in out.candidates]


@pytest.mark.parametrize(
    "protocol",
    [
        PAIRWISE,
        {"kind": "tournament", "ranking": "bradley_terry"},
        {"kind": "tournament", "format": "knockout"},
    ],
)
def test_a_contract_scores_its_recorded_comparisons_as_the_engine_did(
    protocol: dict[str, Any],
) -> None:
    loaded = contract(protocol)
    out = judge_candidates(loaded, rows(DATA), backend=ScriptedJudge())
    judged = [{**r, "oracle": float(r["response"].split("q=")[1][0])} for r in out.candidates]
    unscored = [{**r, "judge_score": None, "parse_failure": False} for r in judged]
    live = score_tables(
        judged, out.comparisons, loaded=loaded, n_bootstrap=0, created_at="2026-01-01T00:00:00Z"
    )
    recorded = score_tables(
        unscored, out.comparisons, loaded=loaded, n_bootstrap=0, created_at="2026-01-01T00:00:00Z"
    )
    for name in ("recovery", "top1_accuracy", "regret", "r_within"):
        assert recorded.metrics[name].estimate == pytest.approx(live.metrics[name].estimate), name
    assert recorded.bon_curve == live.bon_curve
    assert recorded.counts.derived_scores == len(unscored)
