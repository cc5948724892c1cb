"""The planted-defect design: a seeded synthetic audit whose true values are known.

Per prompt p (``n_prompts`` of them) and candidate i (``n_candidates`` each):

- oracle utility  y = b_p + u_i,  b_p ~ N(0, σ_b²), u_i ~ N(0, 1);
- clean judge     s = (b_p + e_p) + (u_i + e_i),  e_i ~ N(0, σ²), e_p ~ N(0, σ_b² σ²):
  its noise has the same prompt/within split as the oracle, so its global and
  within-prompt correlations with the oracle are equal, 1/√(1 + σ²);
- response length L_i = round(600 + 150 z_i) characters, z_i ~ N(0, 1), independent of
  quality; candidate ``c0`` of every prompt has ``source = "self"``, the others
  ``"other"``.

Each defective judge is the clean judge plus one planted defect (see
:data:`DEFECTS` in :mod:`judgespec.instrument._planted`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

__all__ = ["PlantedDesign", "SyntheticAudit", "synthetic_audit"]

Float = NDArray[np.float64]


@dataclass(frozen=True)
class PlantedDesign:
    """Sizes, noise levels and the planted magnitude of every defect."""

    n_prompts: int = 400
    """Prompts in the synthetic audit."""
    n_candidates: int = 4
    """Candidates per prompt."""
    sigma_b: float = 2.0
    """σ_b: standard deviation of the oracle's prompt-level baseline."""
    sigma: float = 0.7
    """σ: the clean judge's noise (within-prompt standard deviation)."""
    coarse_step: float = 1.0
    """Coarse scale: the judge reports round(s / step) · step."""
    position_rate: float = 0.3
    """Position preference: share ρ of presentations whose verdict is "first" whatever the candidates."""
    length_beta: float = 0.6
    """Length reward: s += β (L − 600) / 150."""
    baseline_gamma: float = 1.0
    """Prompt-level baseline: s += γ b_p (the judge over-weights how good the prompt's answers are overall)."""
    self_delta: float = 0.5
    """Self-preference: s += δ for the candidate whose source is ``self``."""
    noise_sigma: float = 1.5
    """Random noise: s += N(0, τ²) within prompts (τ = noise_sigma)."""
    seed: int = 0
    """Seed of the synthetic data (the bootstrap has its own seed)."""

    def __post_init__(self) -> None:
        if self.n_prompts < 20 or self.n_candidates < 2:
            raise ValueError(
                f"the design needs n_prompts >= 20 and n_candidates >= 2, got "
                f"{self.n_prompts} and {self.n_candidates}"
            )
        for name in ("sigma_b", "sigma", "coarse_step", "noise_sigma"):
            if not getattr(self, name) > 0:
                raise ValueError(f"{name} must be > 0, got {getattr(self, name)!r}")
        if not 0.0 <= self.position_rate <= 1.0:
            raise ValueError(f"position_rate must be in [0, 1], got {self.position_rate!r}")


@dataclass(frozen=True)
class SyntheticAudit:
    """The drawn data: one row per candidate, prompt-major order."""

    prompt_ids: list[str]
    candidate_ids: list[str]
    prompt_index: NDArray[np.int64]
    oracle: Float
    baseline: Float
    """b_p of each row's prompt."""
    clean: Float
    """The clean judge's score."""
    length: NDArray[np.int64]
    length_z: Float
    """(L − 600) / 150."""
    is_self: NDArray[np.bool_]
    extra_noise: Float
    """A N(0, 1) draw per candidate, scaled by τ for the noisy judge."""
    flip: NDArray[np.bool_]
    """Per (prompt, ordered pair) presentation: the position-biased judge says "first"."""


def synthetic_audit(design: PlantedDesign) -> SyntheticAudit:
    """Draw the synthetic audit of ``design`` (deterministic in ``design.seed``)."""
    rng = np.random.default_rng(design.seed)
    p, n = design.n_prompts, design.n_candidates
    b = rng.normal(0.0, design.sigma_b, p)
    e_p = rng.normal(0.0, design.sigma_b * design.sigma, p)
    u = rng.normal(0.0, 1.0, (p, n))
    e = rng.normal(0.0, design.sigma, (p, n))
    z = rng.normal(0.0, 1.0, (p, n))
    length = np.maximum(np.rint(600.0 + 150.0 * z), 1).astype(np.int64)
    extra = rng.normal(0.0, 1.0, (p, n))
    flip = rng.random((p, n * (n - 1))) < design.position_rate
    oracle = b[:, None] + u
    clean = (b + e_p)[:, None] + u + e
    is_self = np.zeros((p, n), dtype=bool)
    is_self[:, 0] = True
    return SyntheticAudit(
        prompt_ids=[f"p{k:04d}" for k in range(p) for _ in range(n)],
        candidate_ids=[f"c{i}" for _ in range(p) for i in range(n)],
        prompt_index=np.repeat(np.arange(p, dtype=np.int64), n),
        oracle=oracle.reshape(-1),
        baseline=np.repeat(b, n),
        clean=clean.reshape(-1),
        length=length.reshape(-1),
        length_z=np.asarray((length - 600.0) / 150.0, dtype=np.float64).reshape(-1),
        is_self=is_self.reshape(-1),
        extra_noise=extra.reshape(-1),
        flip=flip.reshape(-1),
    )
