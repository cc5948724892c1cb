"""The true (population) value of each planted defect's audit metric, in closed form.

Computed from the design's parameters alone, never from drawn data, so that the audit's
estimates are checked against something that is not the audit. Notation as in
:mod:`judgespec.instrument._design`; v_W = 1 + σ² is the clean judge's within-prompt
variance and v_P = σ_b² (1 + σ²) its prompt-level variance.
"""

from __future__ import annotations

import math

import numpy as np
from scipy import stats

from ._design import PlantedDesign

__all__ = [
    "true_length_bias",
    "true_position_consistency",
    "true_recovery",
    "true_rglobal_gap",
    "true_tie_rate",
]


def true_recovery(design: PlantedDesign, extra_sigma: float = 0.0) -> float:
    """Recovery of a judge whose within-prompt noise has variance σ² + τ².

    With Gaussian utilities the judge's within-prompt score is t_i = u_i + ε_i,
    E[u_i | t_i] = t_i / (1 + σ² + τ²), so E[u_pick] = E[max_i t_i] / (1 + σ² + τ²)
    = M_n / √(1 + σ² + τ²), where M_n is the mean of the maximum of n standard normals;
    oracle selection gains E[max u − ū] = M_n. Recovery, a ratio of sums, converges to
    the ratio 1 / √(1 + σ² + τ²) (for every n).
    """
    return 1.0 / math.sqrt(1.0 + design.sigma**2 + extra_sigma**2)


def true_tie_rate(design: PlantedDesign) -> float:
    """Share of within-prompt pairs that a step-``w`` rounding of the clean score ties.

    Two candidates of one prompt share the prompt part c ~ N(0, v_P) and have independent
    within parts ~ N(0, v_W). They tie when both fall in one bin [(k − ½)w, (k + ½)w):

        P(tie) = ∫ φ(c; v_P) Σ_k [Φ((a_{k+1} − c)/√v_W) − Φ((a_k − c)/√v_W)]² dc,

    integrated here on a fine grid (trapezoid rule over ±10 prompt-level SDs).
    """
    w = design.coarse_step
    sd_p = design.sigma_b * math.sqrt(1.0 + design.sigma**2)
    sd_w = math.sqrt(1.0 + design.sigma**2)
    span = 10.0 * (sd_p + sd_w)
    c = np.linspace(-10.0 * sd_p, 10.0 * sd_p, 8001)
    k = np.arange(-math.ceil(span / w) - 1, math.ceil(span / w) + 2)
    edges = (k - 0.5) * w
    cdf = stats.norm.cdf((edges[None, :] - c[:, None]) / sd_w)
    inner = np.sum(np.diff(cdf, axis=1) ** 2, axis=1)
    return float(np.trapezoid(inner * stats.norm.pdf(c, scale=sd_p), c))


def true_position_consistency(design: PlantedDesign) -> float:
    """1 − ρ: a pair's verdicts survive the swap unless the order that puts the better
    candidate second was overridden to "first" (probability ρ)."""
    return 1.0 - design.position_rate


def true_length_bias(design: PlantedDesign) -> float:
    """Within-prompt correlation of s + β z with length: β / √(1 + σ² + β²)."""
    beta = design.length_beta
    return beta / math.sqrt(1.0 + design.sigma**2 + beta**2)


def true_rglobal_gap(design: PlantedDesign, gamma: float) -> float:
    """r_global − r_within of the judge s + γ b_p.

    cov(s, y) = (1 + γ) σ_b² + 1, var y = σ_b² + 1,
    var s = (1 + γ)² σ_b² + σ_b² σ² + 1 + σ²; r_within = 1 / √(1 + σ²) (γ b_p is
    constant within a prompt). With γ = 0 the gap is 0 by the design of the clean judge.
    """
    sb2, s2 = design.sigma_b**2, design.sigma**2
    cov = (1.0 + gamma) * sb2 + 1.0
    var_s = (1.0 + gamma) ** 2 * sb2 + sb2 * s2 + 1.0 + s2
    r_global = cov / math.sqrt(var_s * (sb2 + 1.0))
    return r_global - 1.0 / math.sqrt(1.0 + s2)
