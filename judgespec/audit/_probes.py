"""Statistics of intervention probes: score shift, flip rate, McNemar, Benjamini-Hochberg.

Per probe and sampled prompt p with target candidate t (see
:mod:`judgespec.judge.engine._probes`), judge scores s (original) and s' (perturbed):

- **score shift** ``d_p = s'_t - s_t``; the probe's estimate is ``mean_p d_p`` over the
  prompts where both scores exist.
- **flip rate**: the judge's pick distribution on a prompt puts ``1/|A|`` on each
  candidate of ``A = argmax_i s_i`` (uniform tie-breaking, the ``expected`` tie
  policy; candidates without a score cannot be picked); ``f_p`` is the total-variation
  distance ``1/2 sum_i |pi_i - pi'_i|`` between the original and perturbed pick
  distributions. Without ties ``f_p`` is 1 when the top-1 candidate changes and 0
  otherwise, so the mean is the share of prompts whose top-1 pick changes.
- **McNemar**: over every comparison of the target with another candidate (both
  verdicts parsed; for pointwise and logprob protocols the preference implied by the
  scores, target strictly higher), ``b`` counts comparisons the target lost (or tied)
  before and won after, ``c`` those it won before and lost (or tied) after. The exact
  McNemar p-value is the two-sided binomial test of ``b`` successes in ``b + c`` trials
  at 1/2: ``p = min(1, 2 sum_{k <= min(b, c)} C(b+c, k) / 2^(b+c))`` (McNemar 1947;
  Fagerland, Lydersen & Laake 2013), 1 when ``b + c = 0``. Comparisons within a prompt
  are not independent, so the p-value is a screening value; the intervals are the
  inference that accounts for clustering.
- **Benjamini-Hochberg** q-values across a contract's probes (Benjamini & Hochberg
  1995): with m p-values sorted ascending, ``q_(i) = min_{k >= i} min(1, m p_(k) / k)``.

Intervals are paired cluster-bootstrap percentile intervals over prompts: each
replicate draws the probe's prompts with replacement (``numpy.random.default_rng``
seeded by the probes' seed) and recomputes both means on that draw.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np

from ._bootstrap import percentile_interval, resample_sums

__all__ = [
    "ProbeEstimate",
    "ProbeStatistics",
    "ProbedPrompt",
    "ProbedRun",
    "bh_adjust",
    "flip_distance",
    "mcnemar_exact",
    "probe_statistics",
]


class ProbedPrompt(Protocol):
    """What the statistics read of one probed prompt (:class:`judgespec.judge.engine._probes.ProbePrompt`)."""

    @property
    def target(self) -> Any: ...
    @property
    def before(self) -> Mapping[str, float | None]: ...
    @property
    def after(self) -> Mapping[str, float | None]: ...
    @property
    def pairs(self) -> Sequence[tuple[bool, bool]]: ...


class ProbedRun(Protocol):
    """What the statistics read of one probe (:class:`judgespec.judge.engine._probes.ProbeRun`)."""

    @property
    def kind(self) -> str: ...
    @property
    def description(self) -> str: ...
    @property
    def pairs_from(self) -> str: ...
    @property
    def prompts(self) -> Sequence[ProbedPrompt]: ...


@dataclass(frozen=True)
class ProbeEstimate:
    """A mean over prompts with its paired cluster-bootstrap percentile interval."""

    estimate: float
    ci_low: float
    ci_high: float
    n: int
    """Prompts the mean is over."""


@dataclass(frozen=True)
class ProbeStatistics:
    """One probe's results."""

    kind: str
    description: str
    prompts: int
    """Prompts the probe ran on."""
    score_shift: ProbeEstimate
    flip_rate: ProbeEstimate
    pairs: int
    """Comparisons of the target with another candidate in the McNemar table."""
    gained: int
    """``b``: comparisons the target won only after the perturbation."""
    lost: int
    """``c``: comparisons the target won only before the perturbation."""
    pairs_from: str
    """``verdicts`` (comparisons) or ``scores`` (implied by pointwise scores)."""
    mcnemar_p: float
    bh_q: float = math.nan


def mcnemar_exact(gained: int, lost: int) -> float:
    """Exact (binomial) McNemar p-value of discordant counts ``b = gained``, ``c = lost``.

    ``p = min(1, 2 P(X <= min(b, c)))`` with ``X ~ Binomial(b + c, 1/2)``; 1 when there
    is no discordant pair.
    """
    if gained < 0 or lost < 0:
        raise ValueError("discordant counts must be non-negative")
    n = gained + lost
    if n == 0:
        return 1.0
    from scipy import stats as sps  # only probes need it; importing it costs ~1 s

    return float(sps.binomtest(gained, n, 0.5, alternative="two-sided").pvalue)


def bh_adjust(pvalues: Sequence[float]) -> list[float]:
    """Benjamini-Hochberg adjusted p-values (q-values); NaN entries stay NaN and are not counted in m."""
    values = np.asarray(pvalues, dtype=np.float64)
    out = np.full(values.shape, np.nan)
    finite = np.isfinite(values)
    if finite.any():
        from scipy import stats as sps

        out[finite] = sps.false_discovery_control(values[finite], method="bh")
    return [float(x) for x in out]


def _pick(scores: Mapping[str, float | None]) -> dict[str, float]:
    valid = {k: float(v) for k, v in scores.items() if v is not None}
    if not valid:
        return {}
    top = max(valid.values())
    winners = [k for k, v in valid.items() if v == top]
    return {k: 1.0 / len(winners) for k in winners}


def flip_distance(
    before: Mapping[str, float | None], after: Mapping[str, float | None]
) -> float | None:
    """Total-variation distance between the two pick distributions; None if either has no score."""
    a, b = _pick(before), _pick(after)
    if not a or not b:
        return None
    return 0.5 * sum(abs(a.get(k, 0.0) - b.get(k, 0.0)) for k in set(a) | set(b))


def _interval(
    values: np.ndarray, defined: np.ndarray, sums: np.ndarray, col: int, confidence: float
) -> ProbeEstimate:
    n = int(defined.sum())
    if n == 0:
        return ProbeEstimate(math.nan, math.nan, math.nan, 0)
    estimate = float(values[defined].mean())
    with np.errstate(invalid="ignore", divide="ignore"):
        reps = sums[:, col] / sums[:, col + 1]
    low, high = percentile_interval(reps[:, None], confidence)
    return ProbeEstimate(estimate, float(low[0]), float(high[0]), n)


def probe_statistics(
    runs: Sequence[ProbedRun],
    *,
    n_bootstrap: int = 2000,
    seed: int = 0,
    confidence: float = 0.95,
) -> list[ProbeStatistics]:
    """Score shift, flip rate, McNemar and BH q-value of each probe run.

    ``runs`` are :class:`judgespec.judge.engine._probes.ProbeRun` objects (see
    :class:`ProbedRun`). Each probe's bootstrap uses its own generator
    ``default_rng([seed, index])``, so adding a probe leaves the others' intervals as
    they are.
    """
    out: list[ProbeStatistics] = []
    for index, run in enumerate(runs):
        prompts = list(run.prompts)
        shift = np.full(len(prompts), np.nan)
        flip = np.full(len(prompts), np.nan)
        gained = lost = pairs = 0
        for x, p in enumerate(prompts):
            key = json.dumps(p.target, sort_keys=True)
            sb, sa = p.before.get(key), p.after.get(key)
            if sb is not None and sa is not None:
                shift[x] = float(sa) - float(sb)
            f = flip_distance(p.before, p.after)
            if f is not None:
                flip[x] = f
            for before, after in p.pairs:
                pairs += 1
                gained += (not before) and after
                lost += before and not after
        has_shift, has_flip = np.isfinite(shift), np.isfinite(flip)
        matrix = np.column_stack(
            [np.where(has_shift, shift, 0.0), has_shift, np.where(has_flip, flip, 0.0), has_flip]
        ).astype(np.float64)
        rng = np.random.default_rng([seed, index])
        sums = (
            resample_sums(matrix, n_bootstrap=n_bootstrap, rng=rng)
            if len(prompts)
            else np.zeros((0, 4))
        )
        out.append(
            ProbeStatistics(
                kind=run.kind,
                description=run.description,
                prompts=len(prompts),
                score_shift=_interval(shift, has_shift, sums, 0, confidence),
                flip_rate=_interval(flip, has_flip, sums, 2, confidence),
                pairs=pairs,
                gained=gained,
                lost=lost,
                pairs_from=run.pairs_from,
                mcnemar_p=mcnemar_exact(gained, lost) if pairs else math.nan,
            )
        )
    qs = bh_adjust([s.mcnemar_p for s in out])
    return [ProbeStatistics(**{**s.__dict__, "bh_q": q}) for s, q in zip(out, qs, strict=True)]
