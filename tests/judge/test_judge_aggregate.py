"""Aggregation against hand-worked examples and an independent optimiser."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.optimize import minimize

from judgespec._ranking import competition_ranks, separate_top, top_group
from judgespec.judge import (
    aggregate_values,
    aggregate_verdicts,
    bradley_terry,
    copeland,
    win_matrix,
    win_share,
)


@pytest.mark.parametrize(
    ("values", "how", "expected"),
    [
        ([1.0, 2.0, 4.0], "mean", 7 / 3),
        ([1.0, 2.0, 4.0, 5.0], "median", 3.0),
        ([2.0, 2.0, 5.0], "majority", 2.0),
        ([3.0, 3.0, 4.0, 4.0, 5.0], "majority", 3.5),  # tied modes: their mean
        ([None, 4.0, None], "mean", 4.0),  # failures are left out
        ([None, None], "median", None),  # all failed: parse failure
    ],
)
def test_aggregate_values(values: list[float | None], how: str, expected: float | None) -> None:
    result = aggregate_values(values, how)  # type: ignore[arg-type]
    assert result == (pytest.approx(expected) if expected is not None else None)


@pytest.mark.parametrize(
    ("verdicts", "how", "expected"),
    [
        (["first", "second"], "majority", "tie"),
        (["first", "first", "second"], "majority", "first"),
        (["first", "tie"], "mean", "first"),
        (["first", "second"], "mean", "tie"),
        (["first", "second", "second"], "median", "second"),
        ([None, "second"], "majority", "second"),
        ([None, None], "mean", None),
    ],
)
def test_aggregate_verdicts(verdicts: list[str | None], how: str, expected: str | None) -> None:
    assert aggregate_verdicts(verdicts, how) == expected  # type: ignore[arg-type]


# Hand-worked round robin of A=0, B=1, C=2, both orders:
#   A-B: (A,B) first wins, (B,A) first wins -> 1:1, an even pair
#   A-C: A wins both
#   B-C: (B,C) tie, (C,B) second (B) wins -> B 1.5 : C 0.5
RESULTS = [
    (0, 1, "first"),
    (1, 0, "first"),
    (0, 2, "first"),
    (2, 0, "second"),
    (1, 2, "tie"),
    (2, 1, "second"),
    (0, 2, None),  # a parse failure counts for nothing
]


def test_win_share_hand_example() -> None:
    wins, games = win_matrix(3, RESULTS)  # type: ignore[arg-type]
    # A: W=3 L=1 -> 3/4; B: W=2 T=1 L=1 -> 2.5/4; C: T=1 L=3 -> 0.5/4
    assert win_share(wins, games) == pytest.approx([0.75, 0.625, 0.125])


def test_copeland_hand_example() -> None:
    wins, games = win_matrix(3, RESULTS)  # type: ignore[arg-type]
    # A: even with B, beats C -> +1; B: even with A, beats C -> +1; C: loses both -> -2
    assert copeland(wins, games) == [1.0, 1.0, -2.0]


def test_scores_are_none_without_a_parsed_comparison() -> None:
    wins, games = win_matrix(3, [(0, 1, "first"), (0, 2, None)])
    assert win_share(wins, games) == [1.0, 0.0, None]
    assert copeland(wins, games) == [1.0, -1.0, None]


def test_bradley_terry_hand_example_with_prior() -> None:
    # A beats B once; prior 1 (one win and one loss against a reference of strength 1).
    # By symmetry p_B = 1/p_A = 1/x, and A's MM fixed point x (1/(x + 1/x) + 2/(x + 1)) = 2
    # reduces to x^3 - x^2 - 2 = 0.
    roots = np.roots([1, -1, 0, -2])
    x = float(next(r.real for r in roots if abs(r.imag) < 1e-12 and r.real > 0))
    assert x == pytest.approx(1.6956, abs=1e-4)
    log_p = bradley_terry(np.array([[0.0, 1.0], [0.0, 0.0]]), prior=1.0)
    assert log_p == pytest.approx([math.log(x), -math.log(x)], abs=1e-8)


def test_bradley_terry_without_prior_weight_is_the_mle() -> None:
    # A beats B 3 times out of 4: the maximum-likelihood ratio p_A / p_B is 3.
    log_p = bradley_terry(np.array([[0.0, 3.0], [1.0, 0.0]]), prior=1e-7)
    assert log_p[0] - log_p[1] == pytest.approx(math.log(3), abs=1e-5)


def test_bradley_terry_converges_on_perfect_records() -> None:
    wins = np.array([[0, 2, 2], [0, 0, 2], [0, 0, 0]], dtype=float)
    log_p = bradley_terry(wins)
    assert np.all(np.isfinite(log_p))
    assert log_p[0] > log_p[1] > log_p[2]


def test_bradley_terry_matches_an_independent_optimiser() -> None:
    rng = np.random.default_rng(7)
    wins = rng.integers(0, 4, size=(5, 5)).astype(float)
    np.fill_diagonal(wins, 0)
    prior = 0.5

    def penalised_nll(theta: np.ndarray) -> float:
        p = np.exp(theta)
        nll = -float(np.sum(wins * (theta[:, None] - np.log(p[:, None] + p[None, :]))))
        # prior: `prior` wins and `prior` losses against a reference of strength 1
        nll -= float(np.sum(prior * (theta - np.log(p + 1)) + prior * (0 - np.log(p + 1))))
        return nll

    reference = minimize(penalised_nll, np.zeros(5), method="BFGS", options={"gtol": 1e-10}).x
    assert bradley_terry(wins, prior=prior) == pytest.approx(reference, abs=1e-5)


def test_competition_ranks() -> None:
    assert competition_ranks([1.0, 3.0, 3.0, 2.0]) == [4, 1, 1, 3]


def test_top_group_with_margin() -> None:
    assert top_group([3.0, 2.9, None, 2.0], 0.0) == [0]
    assert top_group([3.0, 2.9, None, 2.0], 0.1) == [0, 1]
    assert top_group([None, None], 0.0) == []


def test_separate_top_hand_example() -> None:
    # Tied at 3 (next best 2): gap 1, delta = min(1, 1) / 2 = 0.5, k = 2.
    new, ranks = separate_top([3.0, 3.0, 2.0, None], [0, 1], [0.5, 1.0], scale_min=1)
    assert ranks == [2, 1]
    assert new == [3.0 - 0.5 * 1 / 2, 3.0, 2.0, None]


def test_separate_top_keeps_equal_evidence_tied_and_stays_on_the_scale() -> None:
    new, ranks = separate_top([1.0, 1.0, 1.0], [0, 1, 2], [2.0, 2.0, 0.0], scale_min=1)
    assert ranks == [1, 1, 3]
    # top - delta would leave the scale: members move up instead, winner on top
    assert new[0] == new[1] > new[2] >= 1.0


def test_separate_top_lifts_members_within_the_margin_above_non_members() -> None:
    scores = [4.2, 4.3, 3.0]
    new, ranks = separate_top(scores, [0, 1], [1.0, 0.0], scale_min=1)
    assert ranks == [1, 2]
    assert new[0] == 4.3 and 3.0 < new[1] < new[0]
