"""The names of the scorecard's metrics, without the statistics that compute them.

Contract validation checks that every gate names one of these metrics. The names live
here, apart from :mod:`judgespec.audit` (numpy, scipy), so that ``judgespec validate``
and ``judgespec gate`` need not import the audit's statistics to check a name; a test
keeps this tuple equal to :data:`judgespec.audit.METRIC_NAMES`.
"""

from __future__ import annotations

__all__ = ["METRIC_NAMES"]

METRIC_NAMES: tuple[str, ...] = (
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
    "kappa",
    "position_consistency",
    "preference_fairness",
    "pairwise_accuracy",
    "pairwise_zero_sum_rate",
    "transitivity_violations",
    "length_bias",
    "prefer_longer",
    "repeat_agreement",
    "parse_failure_rate",
)
"""Names of the metrics in a scorecard, in reporting order."""
