"""Audit metrics as functions of column sums, for the (joint) cluster bootstrap.

A metric's formula (:class:`~judgespec.audit._metrics.MetricSpec`) reads named columns
of the per-prompt statistics matrix. :func:`metric_statistic` turns it into a
:class:`~judgespec.audit._bootstrap.SumStatistic` over the columns it reads, and
:func:`difference_statistic` into the difference of one metric between two judges whose
matrices sit side by side in one joint matrix (same prompts, same row order).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from ._bootstrap import Float, SumStatistic
from ._metrics import MetricSpec, Sums

__all__ = [
    "METRIC_RANGES",
    "clip_interval",
    "difference_statistic",
    "fallback_caveat",
    "metric_names_read",
    "metric_statistic",
]


def metric_names_read(spec: MetricSpec, index: Mapping[str, int]) -> tuple[str, ...]:
    """The columns ``spec``'s formula reads (probed on zeros), in index order."""
    probe = Sums(np.zeros(len(index)), index)
    with np.errstate(all="ignore"):
        spec.value(probe)
    return tuple(sorted(probe.used, key=lambda name: index[name]))


def metric_statistic(spec: MetricSpec, index: Mapping[str, int], offset: int = 0) -> SumStatistic:
    """``spec`` as a statistic of the columns ``offset + index[name]`` of a matrix."""
    names = metric_names_read(spec, index)
    local = {name: i for i, name in enumerate(names)}

    def fn(sums: Float) -> Float:
        return spec.value(Sums(sums, local))

    return SumStatistic(fn=fn, columns=tuple(offset + index[name] for name in names))


def difference_statistic(
    spec: MetricSpec,
    index: Mapping[str, int],
    offset: int,
    reference_index: Mapping[str, int],
    reference_offset: int,
) -> SumStatistic:
    """metric(judge) − metric(reference), each read from its own block of columns."""
    names = metric_names_read(spec, index)
    ref_names = metric_names_read(spec, reference_index)
    local = {name: i for i, name in enumerate(names)}
    ref_local = {name: len(names) + i for i, name in enumerate(ref_names)}

    def fn(sums: Float) -> Float:
        return spec.value(Sums(sums, local)) - spec.value(Sums(sums, ref_local))

    columns = tuple(offset + index[n] for n in names) + tuple(
        reference_offset + reference_index[n] for n in ref_names
    )
    return SumStatistic(fn=fn, columns=columns)


METRIC_RANGES: dict[str, tuple[float, float]] = {
    "recovery": (-np.inf, 1.0),
    "top1_accuracy": (0.0, 1.0),
    "regret": (0.0, np.inf),
    "r_global": (-1.0, 1.0),
    "r_within": (-1.0, 1.0),
    "within_share_judge": (0.0, 1.0),
    "within_share_oracle": (0.0, 1.0),
    "tie_rate": (0.0, 1.0),
    "top_tie_rate": (0.0, 1.0),
    "sign_agreement": (0.0, 1.0),
    "kappa": (-1.0, 1.0),
    "position_consistency": (0.0, 1.0),
    "preference_fairness": (-1.0, 1.0),
    "pairwise_accuracy": (0.0, 1.0),
    "pairwise_zero_sum_rate": (0.0, 1.0),
    "transitivity_violations": (0.0, 1.0),
    "length_bias": (-1.0, 1.0),
    "prefer_longer": (0.0, 1.0),
    "repeat_agreement": (-np.inf, 1.0),
    "parse_failure_rate": (0.0, 1.0),
}
"""The values each metric can take. A studentized interval can reach past them; it is
clipped to this range (the true value lies inside, so clipping never loses coverage)."""


def clip_interval(name: str, low: float, high: float) -> tuple[float, float]:
    """``(low, high)`` clipped to the metric's range (unchanged for an unknown metric)."""
    lo, hi = METRIC_RANGES.get(name, (-np.inf, np.inf))
    return float(np.clip(low, lo, hi)), float(np.clip(high, lo, hi))


def fallback_caveat(asked: str, used: str) -> str | None:
    """The caveat recorded when the studentized interval fell back to the percentile one."""
    if asked == used:
        return None
    return (
        "percentile interval (the studentized standard error was 0 on more than "
        "(1 - confidence)/2 of the replicates)"
    )
