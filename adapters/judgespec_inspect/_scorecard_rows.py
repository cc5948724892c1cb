"""Adapter rows -> scorecard, through :func:`judgespec.pipeline.score_tables` only.

The in-log metric, the scorecard stored inside the log and post-hoc scoring of a log
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
    by: str | None = None,
) -> Scorecard:
    """Score rebuilt rows with the shared pipeline (framework ``inspect``).

    Warnings of the rows (a judge replaced through the ``judge`` model role, fewer
    candidates than n, identical candidates) become the scorecard's run warnings. When
    the ``judge`` role replaced the contract's judge, the contract block names the model
    that gave the verdicts (no revision: it is not the pinned one) and says so in its
    warnings; the fingerprint stays the contract's (prompt, protocol and decoding ran as
    pinned). ``by`` names a column of the rows to slice by (see
    :func:`judgespec.pipeline.score_tables`).
    """
    pool = settings.candidate_pool or candidate_pool_text(rows, temperature=settings.temperature)
    card = score_tables(
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
        by=by,
    )
    if not rows.judge_overrides:
        return card
    used = " + ".join(rows.judge_overrides)
    note = (
        f"judge overridden: the contract pins '{card.contract.judge_model}'; the verdicts came "
        f"from '{used}' (model role 'judge')"
    )
    contract = card.contract.model_copy(
        update={"judge_model": used, "revision": None, "warnings": [*card.contract.warnings, note]}
    )
    return card.model_copy(update={"contract": contract})
