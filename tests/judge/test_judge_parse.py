"""Strict parsing: exactly one verdict in the judge's output, or a reasoned failure."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from judgespec.contract import PairLabels, Scale
from judgespec.contract._model import DEFAULT_SCORE_PATTERN
from judgespec.judge import (
    PARSE_FAILURE_REASONS,
    ParseFailure,
    expected_score,
    parse_pair,
    parse_score,
)
from judgespec.judge.protocols._parse import label_tokens

SCALE = Scale(min=1, max=5)
LABELS = PairLabels()


def score(text: str) -> float | ParseFailure:
    return parse_score(text, pattern=DEFAULT_SCORE_PATTERN, scale=SCALE)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Score: 4", 4.0),
        ("The answer is fine.\nscore = 2", 2.0),
        ("**Score:** 3", 3.0),
        ("Score: **5**", 5.0),
        ("Score: 4.5", 4.5),
    ],
)
def test_parse_score_accepts_one_match(text: str, expected: float) -> None:
    assert score(text) == expected


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "empty_output"),
        ("   \n\t", "empty_output"),
        ("It is a good answer.", "no_match"),
        ("Score: 4. On reflection, Score: 4", "multiple_matches"),
        ("Score: 2 ... Score: 5", "multiple_matches"),
        ("Score: 9", "out_of_scale"),
        ("Score: 0", "out_of_scale"),
        ("Score: -3", "out_of_scale"),
    ],
)
def test_parse_score_failures_have_reasons(text: str, reason: str) -> None:
    result = score(text)
    assert isinstance(result, ParseFailure)
    assert result.reason == reason
    assert reason in PARSE_FAILURE_REASONS


def test_parse_score_non_numeric_capture() -> None:
    result = parse_score("Score: high", pattern=r"Score: (\w+)", scale=SCALE)
    assert result == ParseFailure("not_numeric", "'high'")
    assert parse_score("Score: nan", pattern=r"Score: (\w+)", scale=SCALE) == ParseFailure(
        "not_numeric", "'nan'"
    )


def test_two_equal_matches_are_still_a_failure() -> None:
    result = score("Score: 3\nScore: 3")
    assert isinstance(result, ParseFailure)
    assert result.reason == "multiple_matches"
    assert "2 matches" in result.detail


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("After thought: [[A]]", "first"),
        ("[[B]] is better", "second"),
        ("They are equal: [[C]]", "tie"),
    ],
)
def test_parse_pair_accepts_one_label(text: str, expected: str) -> None:
    assert parse_pair(text, labels=LABELS, allow_tie=True) == expected


@pytest.mark.parametrize(
    ("text", "allow_tie", "reason"),
    [
        ("", True, "empty_output"),
        ("A is better", True, "no_label"),
        ("[[A]] ... no wait, [[B]]", True, "multiple_labels"),
        ("[[A]] and again [[A]]", True, "multiple_labels"),
        ("[[C]]", False, "tie_not_allowed"),
        ("[[D]]", True, "no_label"),
    ],
)
def test_parse_pair_failures(text: str, allow_tie: bool, reason: str) -> None:
    result = parse_pair(text, labels=LABELS, allow_tie=allow_tie)
    assert isinstance(result, ParseFailure)
    assert result.reason == reason


def test_expected_score_renormalises_over_the_scale() -> None:
    # p(1..5) proportional to 1, 0, 0, 0, 1 and a large mass elsewhere: score 3.
    lp = {"1": math.log(0.1), "2": -math.inf, "3": -math.inf, "4": -math.inf, "5": math.log(0.1)}
    result = expected_score(lp, scale=SCALE)
    assert not isinstance(result, ParseFailure)
    assert result.score == pytest.approx(3.0)
    assert result.mass == pytest.approx(0.2)


def test_expected_score_hand_example() -> None:
    # p = (0.1, 0.2, 0.3, 0.4) on 1..4 of a 1-5 scale, 5 missing: sum k p_k = 3.0
    lp = {"1": math.log(0.1), "2": math.log(0.2), "3": math.log(0.3), "4": math.log(0.4)}
    result = expected_score(lp, scale=SCALE)
    assert not isinstance(result, ParseFailure)
    assert result.score == pytest.approx(3.0)


def test_expected_score_without_probability_fails() -> None:
    assert expected_score({"1": -math.inf}, scale=SCALE) == ParseFailure("no_probability")
    assert expected_score({}, scale=SCALE) == ParseFailure("no_probability")


@given(st.lists(st.floats(min_value=-30, max_value=0), min_size=5, max_size=5))
def test_expected_score_stays_on_the_scale(values: list[float]) -> None:
    lp = {str(k + 1): v for k, v in enumerate(values)}
    result = expected_score(lp, scale=SCALE)
    assert not isinstance(result, ParseFailure)
    assert 1.0 <= result.score <= 5.0


def test_label_tokens_split_the_distinguishing_part() -> None:
    assert label_tokens(PairLabels()) == ("[[", "A", "B")
    assert label_tokens(PairLabels(first="A", second="B", tie="C")) == ("", "A", "B")
    assert label_tokens(
        PairLabels(first="Verdict: first", second="Verdict: second", tie="Verdict: tie")
    ) == (
        "Verdict: ",
        "first",
        "second",
    )
