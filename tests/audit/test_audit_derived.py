"""Selection scores derived from pairwise verdicts, checked against hand-worked values."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest

from judgespec import AuditDataError
from judgespec._ranking import knockout_scores, rank_candidates
from judgespec.audit import (
    CandidatesTable,
    ComparisonsTable,
    derive_selection_scores,
    run_audit,
)


def _tables(
    prompts: dict[str, dict[str, float]], verdicts: list[tuple[str, str, str, str | None]]
) -> tuple[CandidatesTable, ComparisonsTable]:
    cands = CandidatesTable.from_rows(
        {"prompt_id": p, "candidate_id": c, "oracle": y, "judge_score": None}
        for p, ys in prompts.items()
        for c, y in ys.items()
    )
    comps = ComparisonsTable.from_rows(
        [{"prompt_id": p, "first_id": a, "second_id": b, "winner": w} for p, a, b, w in verdicts],
        candidates=cands,
    )
    return cands, comps


# p1: a beats b in both orders, b beats c in both orders, a-c tie once, a wins once.
THREE = {"p1": {"a": 1.0, "b": 0.5, "c": 0.0}}
THREE_VERDICTS: list[tuple[str, str, str, str | None]] = [
    ("p1", "a", "b", "first"),
    ("p1", "b", "a", "second"),
    ("p1", "b", "c", "first"),
    ("p1", "c", "b", "second"),
    ("p1", "a", "c", "tie"),
    ("p1", "c", "a", "second"),
]


def test_win_share_by_hand() -> None:
    cands, comps = _tables(THREE, THREE_VERDICTS)
    derived = derive_selection_scores(cands, comps)
    # a: W=3, T=1 of 4 -> 3.5/4; b: W=2, L=2 -> 0.5; c: T=1, L=3 -> 0.5/4
    assert derived.judge.tolist() == [3.5 / 4, 0.5, 0.5 / 4]
    assert np.isnan(cands.judge).all()  # the input table is unchanged


def test_copeland_and_bradley_terry_rank_the_same_way() -> None:
    cands, comps = _tables(THREE, THREE_VERDICTS)
    assert derive_selection_scores(cands, comps, ranking="copeland").judge.tolist() == [2, 0, -2]
    bt = derive_selection_scores(cands, comps, ranking="bradley_terry").judge
    assert bt[0] > bt[1] > bt[2]


def test_pairwise_only_audit_has_selection_metrics() -> None:
    cands, comps = _tables(THREE, THREE_VERDICTS)
    result = run_audit(cands, comps, n_bootstrap=0)
    m = result.metrics
    assert m["top1_accuracy"].estimate == 1.0
    assert m["recovery"].estimate == 1.0
    assert m["regret"].estimate == 0.0
    assert [p.k for p in result.bon_curve] == [1, 2, 3]
    assert result.counts.derived_scores == 3
    assert result.counts.abstentions == 0


def _inconsistent_pairs() -> tuple[CandidatesTable, ComparisonsTable]:
    # p1 consistent for the better one; p2 inconsistent (each slot wins once): a tie
    return _tables(
        {"p1": {"a": 1.0, "b": 0.0}, "p2": {"a": 0.0, "b": 1.0}},
        [
            ("p1", "a", "b", "first"),
            ("p1", "b", "a", "second"),
            ("p2", "a", "b", "first"),
            ("p2", "b", "a", "first"),
        ],
    )


@pytest.mark.parametrize(
    ("policy", "top1", "abstentions"),
    [
        ("expected", (1 + 0.5) / 2, 0),
        ("first_position", (1 + 0) / 2, 0),  # p2's tie goes to a, the worse one
        ("first", (1 + 0) / 2, 0),
        ("abstain", 1.0, 1),
    ],
)
def test_ties_of_derived_scores_go_through_the_tie_policy(
    policy: str, top1: float, abstentions: int
) -> None:
    cands, comps = _inconsistent_pairs()
    result = run_audit(cands, comps, tie_policy=policy, n_bootstrap=0)
    assert result.metrics["top1_accuracy"].estimate == top1
    assert result.counts.abstentions == abstentions


def test_seeded_random_is_accepted_and_seeded() -> None:
    cands, comps = _inconsistent_pairs()
    picks = {
        run_audit(cands, comps, tie_policy="seeded_random", seed=s, n_bootstrap=0)
        .metrics["top1_accuracy"]
        .estimate
        for s in range(20)
    }
    assert picks == {0.5, 1.0}  # p2's tie is a coin flip
    again = [
        run_audit(cands, comps, tie_policy="seeded_random", seed=3, n_bootstrap=0)
        .metrics["top1_accuracy"]
        .estimate
        for _ in range(2)
    ]
    assert again[0] == again[1]


def test_unparsed_comparisons_leave_no_score() -> None:
    cands, comps = _tables(
        {"p1": {"a": 1.0, "b": 0.0}, "p2": {"a": 0.0, "b": 1.0}},
        [
            ("p1", "a", "b", None),
            ("p1", "b", "a", None),
            ("p2", "a", "b", "second"),
            ("p2", "b", "a", None),
        ],
    )
    derived = derive_selection_scores(cands, comps)
    assert np.isnan(derived.judge[:2]).all()
    assert derived.judge[2:].tolist() == [0.0, 1.0]
    result = run_audit(cands, comps, n_bootstrap=0)
    assert result.counts.abstentions == 1  # p1: no parsed verdict, no pick
    assert result.metrics["top1_accuracy"].estimate == 1.0
    assert result.metrics["top1_accuracy"].n == 1


def test_scored_prompts_keep_their_scores() -> None:
    cands = CandidatesTable.from_rows(
        [
            {"prompt_id": "p1", "candidate_id": "a", "oracle": 1.0, "judge_score": 1.0},
            {"prompt_id": "p1", "candidate_id": "b", "oracle": 0.0, "judge_score": 2.0},
        ]
    )
    comps = ComparisonsTable.from_rows(
        [{"prompt_id": "p1", "first_id": "a", "second_id": "b", "winner": "first"}]
    )
    assert derive_selection_scores(cands, comps).judge.tolist() == [1.0, 2.0]
    assert run_audit(cands, comps, n_bootstrap=0).counts.derived_scores == 0


def test_unknown_ranking_and_unknown_candidate_fail() -> None:
    cands, comps = _tables(THREE, THREE_VERDICTS)
    with pytest.raises(ValueError, match="ranking must be one of"):
        run_audit(cands, comps, ranking="elo")
    bad = ComparisonsTable.from_rows(
        [{"prompt_id": "p1", "first_id": "a", "second_id": "zz", "winner": "first"}],
        source="comparisons.jsonl",
    )
    with pytest.raises(
        AuditDataError, match=r"comparisons.jsonl:1: unknown candidate \('p1', 'zz'\)"
    ):
        run_audit(cands, bad)


# --------------------------------------------------------------------------- knockout replay


def test_knockout_replay_with_a_bye_by_hand() -> None:
    # order c0..c4, better = higher q: 3, 1, 2, 5, 4. Round 1: c0-c1 -> c0, c2-c3 -> c3,
    # c4 bye. Round 2: c0-c3 -> c3, c4 bye. Round 3: c3-c4 -> c3.
    q = {"c0": 3, "c1": 1, "c2": 2, "c3": 5, "c4": 4}
    matches = [("c0", "c1"), ("c2", "c3"), ("c0", "c3"), ("c3", "c4")]
    results: list[tuple[str, str, Any]] = []
    for a, b in matches:
        results.append((a, b, "first" if q[a] > q[b] else "second"))
        results.append((b, a, "first" if q[b] > q[a] else "second"))
    assert knockout_scores(list(q), results) == [2.0, 1.0, 1.0, 4.0, 3.0]
    assert rank_candidates(list(q), results, "knockout") == [2.0, 1.0, 1.0, 4.0, 3.0]


def test_knockout_even_match_goes_to_the_earlier_candidate() -> None:
    assert knockout_scores(["x", "y"], [("x", "y", "second"), ("y", "x", "second")]) == [2.0, 1.0]
    assert knockout_scores(["x", "y"], [("x", "y", None)]) == [2.0, 1.0]


def test_knockout_missing_match_is_a_data_error() -> None:
    cands, comps = _tables(
        {"p1": {"a": 1.0, "b": 0.0, "c": 0.5}},
        [("p1", "a", "c", "first")],
    )
    with pytest.raises(
        AuditDataError, match=r"prompt 'p1': knockout round 1: no comparison of 'a' and 'b'"
    ):
        run_audit(cands, comps, ranking="knockout")


def test_rank_candidates_matches_brute_force_win_share() -> None:
    rng = np.random.default_rng(7)
    names = ["a", "b", "c", "d"]
    verdicts: list[tuple[str, str, Any]] = []
    for _ in range(30):
        a, b = rng.choice(names, size=2, replace=False)
        verdicts.append((str(a), str(b), ["first", "second", "tie", None][rng.integers(4)]))
    got = rank_candidates(names, verdicts, "win_share")
    for name, score in zip(names, got, strict=True):
        points = games = 0.0
        for a, b, v in verdicts:
            if v is None or name not in (a, b):
                continue
            games += 1
            if v == "tie":
                points += 0.5
            elif (v == "first") == (name == a):
                points += 1
        assert (score is None and games == 0) or math.isclose(score or 0.0, points / games)
