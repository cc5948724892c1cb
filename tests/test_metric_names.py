"""judgespec.metrics: the one home of metric names and directions."""

from __future__ import annotations

import pytest

from judgespec.metrics import HEADLINE_METRICS, HIGHER_IS_BETTER, METRIC_NAMES, higher_is_better


def test_every_metric_has_a_direction_entry_and_headlines_are_metrics() -> None:
    assert tuple(HIGHER_IS_BETTER) == METRIC_NAMES
    assert set(HEADLINE_METRICS) <= set(METRIC_NAMES)
    # a framework ranks judges by every headline metric, so each has a direction
    assert all(HIGHER_IS_BETTER[name] is not None for name in HEADLINE_METRICS)


@pytest.mark.parametrize(
    ("name", "better"),
    [("recovery", True), ("regret", False), ("tie_rate", False), ("parse_failure_rate", False), ("kappa", True)],
)
def test_directions_follow_the_definitions(name: str, better: bool) -> None:
    # regret = max utility - utility of the pick (docs/metrics.md): lower is better
    assert higher_is_better(name) is better


def test_no_direction_and_unknown_names_are_errors() -> None:
    with pytest.raises(ValueError, match="'preference_fairness' has no better direction"):
        higher_is_better("preference_fairness")
    with pytest.raises(ValueError, match="unknown metric 'recall'"):
        higher_is_better("recall")
