"""Gates: thresholds on scorecard metrics, applied to confidence-interval bounds."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["Gate"]


class Gate(BaseModel):
    """A pass/fail threshold on one scorecard metric.

    The gate compares one bound of the metric's interval with the threshold, so that
    "recovery must be at least 0.3" is checked on ``ci_low`` by default: a gate passes
    only when the data rule out the failure at the scorecard's confidence level.
    """

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    metric: str = Field(min_length=1)
    """Scorecard metric name, e.g. ``recovery``, ``top1_accuracy``, ``tie_rate``."""
    op: Literal[">=", "<="] = ">="
    """``>=``: the metric must be at least the threshold; ``<=``: at most."""
    threshold: float = Field(allow_inf_nan=False)
    """The value the chosen bound is compared with."""
    bound: Literal["ci_low", "estimate", "ci_high"] | None = None
    """Which number is compared: defaults to ``ci_low`` for ``>=`` and ``ci_high`` for ``<=``."""

    def resolved_bound(self) -> Literal["ci_low", "estimate", "ci_high"]:
        """The bound actually compared (the conservative end of the interval by default)."""
        if self.bound is not None:
            return self.bound
        return "ci_low" if self.op == ">=" else "ci_high"
