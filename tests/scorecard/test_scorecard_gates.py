"""Gate semantics with hand-set numbers."""

from __future__ import annotations

import json
import math
from collections.abc import Callable

import pydantic
import pytest

from judgespec.audit._result import MetricEstimate
from judgespec.contract._gate import Gate
from judgespec.scorecard import (
    GateResult,
    Metric,
    Scorecard,
    ScorecardError,
    apply_gates,
    evaluate_gates,
    parse_scorecard,
)

METRICS = {
    "recovery": Metric(estimate=0.25, ci_low=0.15, ci_high=0.35, n=100, unit="prompts"),
    "tie_rate": Metric(estimate=0.6, ci_low=0.55, ci_high=0.7, n=900, unit="pairs"),
    "kappa": Metric(
        estimate=math.nan,
        ci_low=math.nan,
        ci_high=math.nan,
        n=0,
        unit="pairs",
        reason="no pairwise data",
    ),
}


def _one(gate: Gate) -> GateResult:
    (result,) = evaluate_gates(METRICS, [gate])
    return result


@pytest.mark.parametrize(
    ("gate", "bound", "value", "passed"),
    [
        (Gate(metric="recovery", threshold=0.2), "ci_low", 0.15, False),  # estimate 0.25 would pass
        (Gate(metric="recovery", threshold=0.1), "ci_low", 0.15, True),
        (Gate(metric="recovery", threshold=0.15), "ci_low", 0.15, True),  # equality passes
        (
            Gate(metric="tie_rate", op="<=", threshold=0.65),
            "ci_high",
            0.7,
            False,
        ),  # estimate 0.6 would pass
        (Gate(metric="tie_rate", op="<=", threshold=0.75), "ci_high", 0.7, True),
        (Gate(metric="tie_rate", op="<=", threshold=0.7), "ci_high", 0.7, True),
        (Gate(metric="recovery", threshold=0.2, bound="estimate"), "estimate", 0.25, True),
        (Gate(metric="recovery", threshold=0.3, bound="ci_high"), "ci_high", 0.35, True),
        (Gate(metric="tie_rate", op="<=", threshold=0.58, bound="ci_low"), "ci_low", 0.55, True),
    ],
)
def test_gate_compares_resolved_bound(gate: Gate, bound: str, value: float, passed: bool) -> None:
    result = _one(gate)
    assert (result.bound, result.value, result.passed) == (bound, value, passed)
    assert (result.metric, result.op, result.threshold) == (gate.metric, gate.op, gate.threshold)
    assert result.reason.startswith(f"{gate.metric} {bound} ")
    assert ("is not" in result.reason) is (not passed)


def test_nan_metric_fails_with_its_reason() -> None:
    result = _one(Gate(metric="kappa", threshold=0.0))
    assert not result.passed
    assert math.isnan(result.value)
    assert (
        result.reason
        == "kappa ci_low is undefined (NaN): no pairwise data; an undefined metric fails"
    )
    # ... also for "<=" gates, where NaN comparisons would otherwise be vacuous
    assert not _one(Gate(metric="kappa", op="<=", threshold=1.0)).passed


def test_unknown_metric_fails_naming_known_metrics() -> None:
    result = _one(Gate(metric="recovry", threshold=0.1))
    assert not result.passed
    assert math.isnan(result.value)
    assert result.reason == (
        "metric 'recovry' is not in the scorecard (did you mean 'recovery'?); "
        "known metrics: kappa, recovery, tie_rate"
    )


def test_missing_metric_fails_without_suggestion() -> None:
    result = _one(Gate(metric="position_consistency", threshold=0.8))
    assert not result.passed
    assert "did you mean" not in result.reason
    assert "known metrics: kappa, recovery, tie_rate" in result.reason


def test_audit_metric_estimates_are_accepted() -> None:
    metrics = {"recovery": MetricEstimate(0.3, 0.21, 0.4, 50, "prompts")}
    (result,) = evaluate_gates(metrics, [Gate(metric="recovery", threshold=0.2)])
    assert result.passed and result.value == 0.21


def test_non_finite_threshold_is_an_error() -> None:
    # The contract model refuses it; a gate built around validation still fails loudly.
    with pytest.raises(pydantic.ValidationError, match="finite number"):
        Gate(metric="recovery", threshold=math.nan)
    sneaky = Gate.model_construct(metric="recovery", op=">=", threshold=math.nan, bound=None)
    with pytest.raises(ScorecardError, match="threshold nan is not a finite number"):
        evaluate_gates(METRICS, [sneaky])


def test_gates_are_kept_in_order_on_the_scorecard(card_factory: Callable[..., Scorecard]) -> None:
    gates = [
        Gate(metric="recovery", threshold=0.1),  # ci_low 0.1502
        Gate(metric="tie_rate", op="<=", threshold=0.5),  # ci_high 0.70
        Gate(metric="kappa", threshold=0.2),  # NaN
    ]
    card = card_factory(gates=gates)
    assert [(g.metric, g.passed) for g in card.gates] == [
        ("recovery", True),
        ("tie_rate", False),
        ("kappa", False),
    ]
    assert not card.gates_passed
    data = json.loads(card.to_json())
    assert data["gates"][2]["value"] is None
    assert parse_scorecard(card.to_json()) == card


def test_apply_gates_replaces_outcomes(scorecard: Scorecard) -> None:
    assert scorecard.gates == [] and scorecard.gates_passed
    gated = apply_gates(scorecard, [Gate(metric="recovery", threshold=0.1)])
    assert gated.gates_passed and len(gated.gates) == 1
    regated = apply_gates(gated, [Gate(metric="recovery", threshold=0.2)])
    assert [g.passed for g in regated.gates] == [False]
    assert scorecard.gates == []  # the original is unchanged
