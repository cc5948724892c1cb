"""Result objects of an audit: what the statistics hand to the scorecard.

These are plain frozen dataclasses (no pydantic) so that the statistics layer stays
light; :mod:`judgespec.scorecard` turns them into the versioned, serialisable scorecard.
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = [
    "AuditCounts",
    "AuditDiagnostics",
    "AuditResult",
    "AuditSlice",
    "BonPoint",
    "MetricEstimate",
]


@dataclass(frozen=True)
class MetricEstimate:
    """One metric: point estimate with a cluster-bootstrap confidence interval.

    ``estimate``, ``ci_low`` and ``ci_high`` are ``nan`` when the metric is undefined on
    the data (constant oracle, all ties, no pairwise data, ...); ``reason`` then says why.
    ``n`` is the number of units the estimate averages over (prompts, pairs, ...), as
    named by ``unit``.
    """

    estimate: float
    ci_low: float
    ci_high: float
    n: int
    unit: str
    reason: str | None = None
    replicates: int | None = None
    """Bootstrap replicates on which the metric (and, for the studentized interval, its
    standard error) was defined; the interval uses only these. None: not recorded."""


@dataclass(frozen=True)
class BonPoint:
    """Expected oracle utility and recovery of judge selection from a random k-subset."""

    k: int
    utility: float
    oracle_utility: float
    random_utility: float
    recovery: float
    prompts: int


@dataclass(frozen=True)
class AuditCounts:
    """What went into the audit (and what was left out, and why)."""

    prompts: int
    """Prompts in the table."""
    candidates: int
    """Candidate rows in the table."""
    oracle_labelled: int
    """Candidates with a non-null oracle utility."""
    judged: int
    """Candidates with a non-null judge score."""
    parse_failures: int
    """Candidates whose judge output could not be parsed (judge score null)."""
    abstentions: int
    """Prompts on which the judge made no pick (all scores missing, or the abstain tie policy)."""
    selection_prompts: int
    """Prompts with two or more candidates that carry both an oracle and a judge score."""
    comparisons: int = 0
    """Rows in the comparisons table, when one was given."""
    comparison_parse_failures: int = 0
    """Comparisons whose winner is null (unparsable judge output)."""
    derived_scores: int = 0
    """Candidates whose selection score was derived from comparisons (no judge score given)."""


@dataclass(frozen=True)
class AuditDiagnostics:
    """Small, deterministic samples of the data for plots (never the whole table)."""

    scatter_global: list[tuple[float, float]] = field(default_factory=list)
    """Up to 1,000 (judge score, oracle) points."""
    scatter_within: list[tuple[float, float]] = field(default_factory=list)
    """The same points, each demeaned within its prompt."""
    tie_group_sizes: dict[int, int] = field(default_factory=dict)
    """Histogram: size of a within-prompt group of equal scores (in ``tie_column``) -> groups."""


@dataclass(frozen=True)
class AuditSlice:
    """The audit of the prompts whose slice column ``by`` has one ``value``."""

    by: str
    value: str
    counts: AuditCounts
    metrics: dict[str, MetricEstimate]
    """Every metric, with a cluster-bootstrap interval over this slice's prompts."""


@dataclass(frozen=True)
class AuditResult:
    """Everything the statistics layer computes for one audit."""

    metrics: dict[str, MetricEstimate]
    bon_curve: list[BonPoint]
    counts: AuditCounts
    escalations: list[str]
    """Prompt ids whose top judge scores are tied or within the escalation margin."""
    tie_policy: str
    n_bootstrap: int
    seed: int
    confidence: float
    interval_method: str = "percentile"
    """How the intervals were computed: ``percentile`` or ``studentized`` (bootstrap-t)."""
    diagnostics: AuditDiagnostics = field(default_factory=AuditDiagnostics)
    tie_column: str = "judge_score"
    """The column ``tie_rate``, ``top_tie_rate`` and the tie histogram were computed on:
    ``judge_score``, or ``judge_score_raw`` (scores before an engine-level tie break)."""
    slices: list[AuditSlice] = field(default_factory=list)
    """Per-value audits of the ``by`` column (empty without one)."""
