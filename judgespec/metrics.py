"""The scorecard's metric names and which way each is better, without the statistics.

This module is the one home of what a metric *is* to everything outside the audit: the
names a gate may use (checked when a contract validates), the order the audit reports
them in (:data:`judgespec.audit.METRIC_NAMES` is this tuple; the audit's statistics,
one :class:`judgespec.audit.MetricSpec` each, follow it), and the direction a framework
aggregation declares (lm-eval's ``higher_is_better``). It imports nothing, so
``judgespec validate`` and ``gate`` check a name without loading numpy or scipy.

Definitions of every metric: ``docs/metrics.md``.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

__all__ = ["HEADLINE_METRICS", "HIGHER_IS_BETTER", "METRIC_NAMES", "higher_is_better"]

_DIRECTIONS: dict[str, bool | None] = {
    "recovery": True,
    "top1_accuracy": True,
    "regret": False,
    "r_global": True,
    "r_within": True,
    "within_share_judge": None,
    "within_share_oracle": None,
    "tie_rate": False,
    "top_tie_rate": False,
    "sign_agreement": True,
    "kappa": True,
    "position_consistency": True,
    "preference_fairness": None,
    "pairwise_accuracy": True,
    "pairwise_zero_sum_rate": False,
    "transitivity_violations": False,
    "length_bias": None,
    "prefer_longer": None,
    "repeat_agreement": True,
    "parse_failure_rate": False,
}

METRIC_NAMES: tuple[str, ...] = tuple(_DIRECTIONS)
"""Names of the metrics in a scorecard, in reporting order."""

HIGHER_IS_BETTER: Mapping[str, bool | None] = MappingProxyType(_DIRECTIONS)
"""Metric name -> True (higher is better), False (lower is better) or None (neither:
a description such as ``within_share_judge``, or a bias whose best value is in the
middle, such as ``preference_fairness`` at 0 or ``prefer_longer`` at 0.5)."""

HEADLINE_METRICS: tuple[str, ...] = (
    "recovery",
    "top1_accuracy",
    "regret",
    "r_within",
    "r_global",
    "tie_rate",
    "top_tie_rate",
    "sign_agreement",
    "kappa",
    "parse_failure_rate",
)
"""The metrics every framework adapter reports in its own results (same names, same
values as the scorecard); the scorecard JSON carries all of :data:`METRIC_NAMES`."""


def higher_is_better(name: str) -> bool:
    """Whether a larger value of metric ``name`` is better, for aggregations that must say.

    A metric with no direction (:data:`HIGHER_IS_BETTER` is None) or an unknown name is
    a :class:`ValueError`: a framework must not rank judges by it.
    """
    if name not in _DIRECTIONS:
        raise ValueError(f"unknown metric {name!r}; known: {', '.join(METRIC_NAMES)}")
    direction = _DIRECTIONS[name]
    if direction is None:
        raise ValueError(f"metric {name!r} has no better direction (it describes, or its best value is in the middle)")
    return direction
