"""Audit planning: prompts a gate needs, and the minimum detectable difference of a contrast.

Both read the pilot's intervals. A cluster-bootstrap interval at confidence level c
from P_0 prompts gives the pilot's standard error

    SE_0 = (ci_high − ci_low) / (2 z),  z = z_{(1+c)/2} = Φ⁻¹((1 + c)/2),

(for a gate, the half of the interval that faces the threshold: (estimate − ci_low)/z when
the threshold lies below the estimate, (ci_high − estimate)/z above it, because bootstrap
intervals of ratios such as recovery are skewed and it is the facing arm that must clear
the threshold), and an audit of P prompts drawn like the pilot's has SE(P) = SE_0 √(P_0 / P) (every
metric is a smooth function of per-prompt sums, so its variance falls as 1/P; Efron &
Tibshirani 1993, ch. 6; Field & Welsh 2007 for resampling whole prompts).

**Gates.** A gate is *decided* when its interval is clear of the threshold X: it passes
(``>=``: ci_low ≥ X) or fails beyond doubt (ci_high < X). Taking the pilot estimate μ as
the true value and the estimate as normal with standard error SE(P),

    P(decided at P) = Φ(|μ − X| / SE(P) − z) + Φ(−|μ − X| / SE(P) − z),

increasing in P. The planned size is the smallest P with P(decided) ≥ the stated power;
ignoring the second (opposite-side) term it is the textbook
P ≈ P_0 [SE_0 (z + z_power) / (μ − X)]² (Chow, Shao & Wang 2008, *Sample Size
Calculations in Clinical Research*, §3.1).

**Contrasts.** The minimum detectable difference of a paired contrast at P prompts, for a
two-sided test at level 1 − c with the stated power, is

    MDE(P) = (z + z_power) · SE_diff · √(P_0 / P),

with SE_diff from the paired difference's interval (Bloom 1995, "Minimum detectable
effects", Evaluation Review 19(5)).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from scipy import stats

from .._errors import JudgespecError
from ..contract._gate import Gate
from ..scorecard import Contrast, Scorecard

__all__ = [
    "ContrastPlan",
    "GatePlan",
    "PlanError",
    "decision_probability",
    "plan_contrast",
    "plan_gate",
    "standard_error",
]

MAX_PROMPTS = 100_000_000
"""Largest audit the planner searches; beyond it a gate counts as undecidable."""


class PlanError(JudgespecError):
    """The pilot cannot size the audit (undefined metric, no interval, no such metric)."""


def _z(confidence: float) -> float:
    return float(stats.norm.ppf((1.0 + confidence) / 2.0))


def standard_error(ci_low: float, ci_high: float, confidence: float) -> float:
    """SE = (ci_high − ci_low) / (2 z_{(1+c)/2}): the normal-theory reading of an interval."""
    return (ci_high - ci_low) / (2.0 * _z(confidence))


def decision_probability(
    distance: float, se: float, confidence: float
) -> float:
    """P(an interval at ``confidence`` is clear of a threshold ``distance`` away from the truth).

    Φ(|d|/se − z) + Φ(−|d|/se − z), z = z_{(1+c)/2}; the estimate is taken as normal
    around the true value with standard error ``se``.
    """
    z = _z(confidence)
    k = abs(distance) / se
    return float(stats.norm.cdf(k - z) + stats.norm.cdf(-k - z))


@dataclass(frozen=True)
class GatePlan:
    """How many prompts a gate needs to be decided with the stated probability."""

    gate: str
    """The gate as written, e.g. ``recovery>=0.3``."""
    estimate: float
    """The pilot's estimate (taken as the true value)."""
    ci_low: float
    ci_high: float
    se_pilot: float
    """Standard error of the pilot, from its interval."""
    pilot_prompts: int
    """Prompts of the pilot (the resampling unit)."""
    confidence: float
    power: float
    prompts: int | None
    """Planned prompts: the smallest P with P(decided) >= power; None when the pilot
    estimate equals the threshold (no size decides it) or more than 10^8 would be needed."""
    pass_probability: float
    """P(the gate passes) at the planned size (NaN without one)."""
    pilot_decision_probability: float
    """P(decided) at the pilot's own size."""


@dataclass(frozen=True)
class ContrastPlan:
    """The minimum detectable difference of one paired contrast row."""

    judge: str
    reference: str
    metric: str
    difference: float
    """The pilot's paired difference (judge − reference)."""
    se_pilot: float
    pilot_prompts: int
    prompts: int
    """The audit size the MDE is for."""
    mde: float
    """(z + z_power) · SE_diff · √(P_0 / P)."""
    prompts_for_difference: int | None
    """Prompts at which the pilot's difference equals the MDE (None when it is 0)."""
    confidence: float
    power: float


def _check_power(power: float) -> float:
    if isinstance(power, bool) or not 0.0 < float(power) < 1.0:
        raise PlanError(f"power must be strictly between 0 and 1, got {power!r}")
    return float(power)


def _gate_text(gate: Gate) -> str:
    return f"{gate.metric}{gate.op}{gate.threshold:g}"


def plan_gate(scorecard: Scorecard, gate: Gate, *, power: float = 0.8, source: str = "pilot") -> GatePlan:
    """Prompts needed for ``gate`` to be decided with probability ``power`` (see module notes).

    The pilot's metric interval gives SE_0; its prompts P_0 are the metric's ``n`` when
    counted in prompts, else the scorecard's ``counts.prompts`` (the bootstrap resamples
    prompts whatever the metric's unit). The search is exact on integers (bisection on
    the monotone P(decided)).

    Raises:
        PlanError: naming ``source`` when the metric is missing, undefined, has no
            interval (``--bootstrap 0``) or the gate compares the estimate, not a bound.
    """
    power = _check_power(power)
    if gate.bound == "estimate":
        raise PlanError(
            f"gate {_gate_text(gate)}@estimate compares the point estimate, which any size "
            "decides; plan sizes gates on an interval bound (drop '@estimate')"
        )
    metric = scorecard.metrics.get(gate.metric)
    if metric is None:
        known = ", ".join(sorted(scorecard.metrics))
        raise PlanError(f"{source}: metric {gate.metric!r} is not in the scorecard; known: {known}")
    values = (metric.estimate, metric.ci_low, metric.ci_high)
    if not all(math.isfinite(v) for v in values):
        why = f" ({metric.reason})" if metric.reason else ""
        raise PlanError(
            f"{source}: {gate.metric} has no finite estimate and interval{why}; a pilot "
            "needs an interval (audit it with --bootstrap > 0)"
        )
    if metric.ci_high <= metric.ci_low:
        raise PlanError(
            f"{source}: {gate.metric} has a zero-width interval [{metric.ci_low:g}, "
            f"{metric.ci_high:g}]; it carries no variance to plan from"
        )
    confidence = scorecard.run.confidence
    n0 = metric.n if metric.unit == "prompts" else scorecard.counts.prompts
    distance = metric.estimate - gate.threshold
    # the half of the interval that faces the threshold (bootstrap intervals of ratios
    # are skewed; the facing arm is the one the threshold has to clear)
    if distance > 0:
        se0 = (metric.estimate - metric.ci_low) / _z(confidence)
    elif distance < 0:
        se0 = (metric.ci_high - metric.estimate) / _z(confidence)
    else:
        se0 = standard_error(metric.ci_low, metric.ci_high, confidence)
    if not se0 > 0:
        raise PlanError(
            f"{source}: {gate.metric}'s interval [{metric.ci_low:g}, {metric.ci_high:g}] has "
            f"no width on the side of the threshold {gate.threshold:g}; nothing to plan from"
        )

    def prob(n: int) -> float:
        return decision_probability(distance, se0 * math.sqrt(n0 / n), confidence)

    prompts: int | None = None
    if distance != 0.0 and prob(MAX_PROMPTS) >= power:
        lo, hi = 1, MAX_PROMPTS  # prob(lo - 1) < power <= prob(hi) once lo is checked
        if prob(1) >= power:
            hi = 1
        while lo < hi:
            mid = (lo + hi) // 2
            if prob(mid) >= power:
                hi = mid
            else:
                lo = mid + 1
        prompts = hi
    if prompts is None:
        pass_p = math.nan
    else:
        se = se0 * math.sqrt(n0 / prompts)
        z = _z(confidence)
        sign = 1.0 if gate.op == ">=" else -1.0
        pass_p = float(stats.norm.cdf(sign * distance / se - z))
    return GatePlan(
        gate=_gate_text(gate),
        estimate=metric.estimate,
        ci_low=metric.ci_low,
        ci_high=metric.ci_high,
        se_pilot=se0,
        pilot_prompts=n0,
        confidence=confidence,
        power=power,
        prompts=prompts,
        pass_probability=pass_p,
        pilot_decision_probability=prob(n0),
    )


def plan_contrast(
    contrast: Contrast, *, power: float = 0.8, prompts: int | None = None
) -> list[ContrastPlan]:
    """The MDE of every defined row of a contrast at ``prompts`` (default: the pilot's).

    Rows whose difference has no finite interval are left out.
    """
    power = _check_power(power)
    n0 = contrast.run.prompts
    n = n0 if prompts is None else prompts
    if n < 1:
        raise PlanError(f"prompts must be >= 1, got {n}")
    confidence = contrast.run.confidence
    scale = _z(confidence) + float(stats.norm.ppf(power))
    out: list[ContrastPlan] = []
    for row in contrast.contrasts:
        diff = row.difference
        if not (math.isfinite(diff.ci_low) and math.isfinite(diff.ci_high)) or diff.ci_high <= diff.ci_low:
            continue
        se0 = standard_error(diff.ci_low, diff.ci_high, confidence)
        needed = (
            None
            if not math.isfinite(diff.estimate) or diff.estimate == 0.0
            else math.ceil(n0 * (scale * se0 / diff.estimate) ** 2)
        )
        out.append(
            ContrastPlan(
                judge=row.judges[1].label,
                reference=row.judges[0].label,
                metric=row.metric,
                difference=diff.estimate,
                se_pilot=se0,
                pilot_prompts=n0,
                prompts=n,
                mde=scale * se0 * math.sqrt(n0 / n),
                prompts_for_difference=needed,
                confidence=confidence,
                power=power,
            )
        )
    if not out:
        raise PlanError("the contrast has no difference with a finite interval to plan from")
    return out
