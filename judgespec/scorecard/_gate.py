"""Evaluating gates (thresholds on metric interval bounds) against a scorecard."""

from __future__ import annotations

import difflib
import math
from collections.abc import Mapping, Sequence
from typing import Protocol

from judgespec.contract._gate import Gate
from judgespec.scorecard._model import GateResult, Scorecard, ScorecardError

__all__ = ["apply_gates", "check_gate_fingerprint", "evaluate_gates"]

NO_CONTRACT = "none"
"""The fingerprint a scorecard scored without a contract records."""


class _HasInterval(Protocol):
    @property
    def estimate(self) -> float: ...
    @property
    def ci_low(self) -> float: ...
    @property
    def ci_high(self) -> float: ...
    @property
    def reason(self) -> str | None: ...


def _num(value: float) -> str:
    return f"{value:.6g}"


def _evaluate_one(gate: Gate, metrics: Mapping[str, _HasInterval]) -> GateResult:
    bound = gate.resolved_bound()
    if not math.isfinite(gate.threshold):
        raise ScorecardError(
            f"gate on {gate.metric!r}: threshold {gate.threshold!r} is not a finite number"
        )

    def result(value: float, passed: bool, reason: str) -> GateResult:
        return GateResult(
            metric=gate.metric,
            op=gate.op,
            bound=bound,
            threshold=gate.threshold,
            value=value,
            passed=passed,
            reason=reason,
        )

    metric = metrics.get(gate.metric)
    if metric is None:
        known = sorted(metrics)
        hint = difflib.get_close_matches(gate.metric, known, n=1)
        reason = f"metric {gate.metric!r} is not in the scorecard"
        if hint:
            reason += f" (did you mean {hint[0]!r}?)"
        reason += f"; known metrics: {', '.join(known) if known else '(none)'}"
        return result(math.nan, False, reason)
    value = float(getattr(metric, bound))
    if math.isnan(value):
        why = f": {metric.reason}" if metric.reason else ""
        return result(
            math.nan,
            False,
            f"{gate.metric} {bound} is undefined (NaN){why}; an undefined metric fails",
        )
    passed = value >= gate.threshold if gate.op == ">=" else value <= gate.threshold
    if passed:
        reason = f"{gate.metric} {bound} {_num(value)} {gate.op} {_num(gate.threshold)}"
    else:
        reason = f"{gate.metric} {bound} {_num(value)} is not {gate.op} {_num(gate.threshold)}"
    return result(value, passed, reason)


def evaluate_gates(
    scorecard_or_metrics: Scorecard | Mapping[str, _HasInterval],
    gates: Sequence[Gate],
) -> list[GateResult]:
    """Evaluate each gate on a scorecard (or a metric-name -> metric mapping).

    A gate compares its resolved bound (``Gate.resolved_bound()``: ``ci_low`` for
    ``>=`` and ``ci_high`` for ``<=`` unless set) of the metric with its threshold. A
    metric that is missing from the scorecard, or whose compared number is NaN, fails
    the gate with a reason; a gate never passes silently. The metrics may be scorecard
    :class:`Metric` objects or the audit's ``MetricEstimate`` objects.

    Raises:
        ScorecardError: when a gate's threshold is not a finite number.

    Returns:
        One :class:`GateResult` per gate, in the order given.
    """
    metrics = (
        scorecard_or_metrics.metrics
        if isinstance(scorecard_or_metrics, Scorecard)
        else scorecard_or_metrics
    )
    return [_evaluate_one(gate, metrics) for gate in gates]


def apply_gates(scorecard: Scorecard, gates: Sequence[Gate]) -> Scorecard:
    """A copy of ``scorecard`` whose ``gates`` are the outcomes of ``gates`` (replaced)."""
    return scorecard.model_copy(update={"gates": evaluate_gates(scorecard, gates)})


def check_gate_fingerprint(
    scorecard: Scorecard, fingerprint: str, *, source: str, allow_mismatch: bool = False
) -> str | None:
    """Refuse to gate a scorecard that was not made under the contract being applied.

    A gate's thresholds belong to one judge: a scorecard made under another contract
    fingerprint (or scored without a contract) says nothing about it.

    Returns:
        None when the fingerprints match; with ``allow_mismatch``, a one-line warning.

    Raises:
        ScorecardError: naming ``source`` and both fingerprints when they differ and
            ``allow_mismatch`` is false.
    """
    made = scorecard.contract.fingerprint
    if made == fingerprint:
        return None
    if made == NO_CONTRACT:
        problem = f"{source} was scored without a contract"
    else:
        problem = f"{source} was made under fingerprint {made}, the contract is {fingerprint}"
    if allow_mismatch:
        return f"{problem}; gating it anyway (--allow-fingerprint-mismatch)"
    raise ScorecardError(
        f"{problem}; rescore under this contract, or pass --allow-fingerprint-mismatch "
        "to gate it anyway"
    )
