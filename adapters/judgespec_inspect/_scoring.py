"""Adapter rows -> scorecard, through :func:`judgespec.pipeline.score_tables` only.

The in-log metric, the scorecard written next to the log and post-hoc scoring of a log
all call :func:`scorecard_from_rows`, which hands the canonically ordered rows to the
shared pipeline: one candidate set gives identical metrics whichever path scored it,
and identical to the offline CLI on the same tables.
"""

from __future__ import annotations

from dataclasses import dataclass

from judgespec import LoadedContract
from judgespec.pipeline import score_tables
from judgespec.scorecard import Scorecard

from ._records import AuditRows, candidate_pool_text

__all__ = ["AuditSettings", "scorecard_from_rows"]


@dataclass(frozen=True)
class AuditSettings:
    """What a scorecard records about the run besides the rows."""

    policy_model: str | None = None
    dataset: str | None = None
    n: int | None = None
    temperature: float | None = None
    seed: int = 0
    """Seed of the cluster bootstrap."""
    n_bootstrap: int = 2000
    confidence: float = 0.95
    candidate_pool: str | None = None
    """Overrides the pool description built from the rows."""


def scorecard_from_rows(
    rows: AuditRows,
    loaded: LoadedContract | None,
    settings: AuditSettings,
    *,
    created_at: str | None = None,
    source: str = "<inspect log>",
) -> Scorecard:
    """Score rebuilt rows with the shared pipeline (framework ``inspect``).

    Warnings of the rows (a judge replaced through the ``judge`` model role, fewer
    candidates than n) become the scorecard's run warnings.
    """
    pool = settings.candidate_pool or candidate_pool_text(rows, temperature=settings.temperature)
    return score_tables(
        rows.candidates,
        rows.comparisons or None,
        loaded=loaded,
        framework="inspect",
        policy_model=settings.policy_model,
        dataset=settings.dataset,
        n=settings.n if settings.n is not None else rows.n_requested,
        candidate_pool=pool,
        seed=settings.seed,
        n_bootstrap=settings.n_bootstrap,
        confidence=settings.confidence,
        created_at=created_at,
        source=source,
        warnings=rows.warnings,
    )
