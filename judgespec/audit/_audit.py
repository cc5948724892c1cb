"""The audit entry point: validate arguments, build per-prompt statistics, bootstrap."""

from __future__ import annotations

import dataclasses
import functools
import math
import numbers
from collections.abc import Sequence
from dataclasses import dataclass
from typing import cast

import numpy as np

from .._ranking import RANKINGS, Ranking
from ._agreement import agreement_stats
from ._bootstrap import (
    DEFAULT_INTERVAL_METHOD,
    INTERVAL_METHODS,
    bootstrap_statistics,
    column_sums,
)
from ._derived import derive_from_presentations
from ._groups import Bool, Float, group_mean_rows
from ._joint import clip_interval, fallback_caveat, metric_statistic
from ._judgeside import (
    Judged,
    escalations,
    judge_side_stats,
    judged_rows,
    tie_group_sizes,
    tie_rows,
    tie_stats,
)
from ._metrics import METRICS, Context, MetricSpec, Sums
from ._pairwise import Presentations, pairwise_stats, resolve
from ._reliability import parse_stats, repeat_stats
from ._result import (
    AuditCounts,
    AuditDiagnostics,
    AuditResult,
    AuditSlice,
    BonPoint,
    MetricEstimate,
)
from ._selection import (
    TIE_POLICIES,
    TIE_POLICY_NAMES,
    Eligible,
    Selection,
    eligible_rows,
    selection_stats,
)
from ._slices import slice_values, subset_candidates, subset_comparisons
from ._table import WINNER_NULL, CandidatesTable, ComparisonsTable

SCATTER_POINTS = 1000
"""Most points in each diagnostic scatter sample."""


@dataclass(frozen=True)
class _Args:
    candidates: CandidatesTable
    comparisons: ComparisonsTable | None
    presentations: Presentations | None
    """The comparisons resolved to candidate rows."""
    tie_policy: str
    """The tie-policy name as given."""
    tie_rule: str
    """The audit rule it means (``expected``, ``first``, ``random`` or ``abstain``)."""
    derived: Bool
    """Row mask: the candidate's judge score was derived from comparisons."""
    by: str | None
    """The slice column, if any."""
    slice_of_prompt: list[str] | None
    """Each prompt's slice value (with ``by``)."""
    n_bootstrap: int
    seed: int
    confidence: float
    escalation_margin: float
    interval: str = DEFAULT_INTERVAL_METHOD


def _audit_iv(
    candidates: object,
    comparisons: object,
    tie_policy: object,
    ranking: object,
    n_bootstrap: object,
    seed: object,
    confidence: object,
    escalation_margin: object,
    by: object,
    interval: object = DEFAULT_INTERVAL_METHOD,
) -> _Args:
    """Input validation for :func:`run_audit` (raises TypeError / ValueError)."""
    if not isinstance(candidates, CandidatesTable):
        raise TypeError(
            f"candidates must be a CandidatesTable, got {type(candidates).__name__}: "
            "load it with read_candidates() or CandidatesTable.from_rows()"
        )
    if comparisons is not None and not isinstance(comparisons, ComparisonsTable):
        raise TypeError(
            f"comparisons must be a ComparisonsTable or None, got {type(comparisons).__name__}"
        )
    if not isinstance(tie_policy, str) or tie_policy not in TIE_POLICIES:
        raise ValueError(f"tie_policy must be one of {', '.join(TIE_POLICIES)}; got {tie_policy!r}")
    if not isinstance(ranking, str) or ranking not in RANKINGS:
        raise ValueError(f"ranking must be one of {', '.join(RANKINGS)}; got {ranking!r}")
    if interval not in INTERVAL_METHODS:
        raise ValueError(
            f"interval must be one of {', '.join(INTERVAL_METHODS)}; got {interval!r}"
        )
    if by is not None and (not isinstance(by, str) or not by):
        raise ValueError(f"by must be a column name (a non-empty string) or None, got {by!r}")
    # the slice column is checked before any computation (AuditDataError naming the file)
    values = None if by is None else slice_values(candidates, by)
    for name, value in (("n_bootstrap", n_bootstrap), ("seed", seed)):
        if isinstance(value, bool) or not isinstance(value, numbers.Integral) or int(value) < 0:
            raise ValueError(f"{name} must be a non-negative integer, got {value!r}")
    if (
        isinstance(confidence, bool)
        or not isinstance(confidence, numbers.Real)
        or not 0.0 < float(confidence) < 1.0
    ):
        raise ValueError(
            f"confidence must be a number strictly between 0 and 1, got {confidence!r}"
        )
    if (
        isinstance(escalation_margin, bool)
        or not isinstance(escalation_margin, numbers.Real)
        or not math.isfinite(float(escalation_margin))
        or float(escalation_margin) < 0
    ):
        raise ValueError(
            f"escalation_margin must be a finite number >= 0, got {escalation_margin!r}"
        )
    assert isinstance(n_bootstrap, numbers.Integral) and isinstance(seed, numbers.Integral)
    assert isinstance(confidence, numbers.Real) and isinstance(escalation_margin, numbers.Real)
    # every comparison must name a known candidate (AuditDataError otherwise)
    presentations = None if comparisons is None else resolve(candidates, comparisons)
    table = candidates
    if comparisons is not None and presentations is not None:
        table = derive_from_presentations(
            candidates, comparisons, presentations, cast(Ranking, ranking)
        )
    return _Args(
        candidates=table,
        comparisons=comparisons,
        presentations=presentations,
        tie_policy=tie_policy,
        tie_rule=TIE_POLICY_NAMES[tie_policy],
        derived=np.isnan(candidates.judge) & ~np.isnan(table.judge),
        n_bootstrap=int(n_bootstrap),
        seed=int(seed),
        confidence=float(confidence),
        escalation_margin=float(escalation_margin),
        by=by,
        slice_of_prompt=None if values is None else [str(v) for v in values],
        interval=str(interval),
    )


def run_audit(
    candidates: CandidatesTable,
    comparisons: ComparisonsTable | None = None,
    *,
    tie_policy: str = "expected",
    ranking: str = "win_share",
    n_bootstrap: int = 2000,
    seed: int = 0,
    confidence: float = 0.95,
    escalation_margin: float = 0.0,
    by: str | None = None,
    interval: str = DEFAULT_INTERVAL_METHOD,
) -> AuditResult:
    """Audit a judge's best-of-n selection: every metric with a cluster-bootstrap interval.

    Args:
        candidates: The candidates table (oracle utility and judge score per candidate).
        comparisons: Optional pairwise verdicts on the same candidates (position
            consistency, preference fairness, pairwise accuracy, transitivity). A prompt
            whose candidates carry no judge score gets selection scores derived from its
            comparisons (see ``ranking``), so a pairwise judge has recovery, top-1 accuracy,
            regret and a best-of-k curve.
        tie_policy: How the judge's pick is made when its top score is tied: ``expected``
            (expected value under uniform random tie-breaking, no RNG), ``first`` or
            ``first_position`` (first tied candidate in table order), ``random`` or
            ``seeded_random`` (seeded draw) or ``abstain`` (no pick: the prompt leaves the
            selection metrics and counts as an abstention; the best-of-k curve then covers
            the other prompts, resolving ties inside a subset by the expected value). The
            engine-level ``logprob`` and ``pairwise_escalation`` are accepted and score any
            tie left as ``expected``.
        ranking: How comparisons become selection scores where candidates have none
            (:func:`derive_selection_scores`): ``win_share`` (default, the pairwise
            protocol), ``copeland`` or ``bradley_terry`` (round-robin tournament) or
            ``knockout``.
        n_bootstrap: Cluster-bootstrap replicates (prompts resampled with replacement); 0
            skips the intervals (NaN).
        seed: Seed of the ``random`` tie-breaking and of the bootstrap (two independent
            numpy ``Generator`` streams spawned from one ``SeedSequence``; no global state).
            Equal seeds give bit-identical results.
        confidence: Level of the intervals.
        escalation_margin: Prompts whose two highest judge scores differ by at most this
            much are listed in :attr:`AuditResult.escalations` (0: exact ties only).
        by: A prompt-level metadata column (e.g. ``category``): every metric is also
            computed within each of its values, with its own cluster-bootstrap interval over
            that slice's prompts (:attr:`AuditResult.slices`, sorted by value). The column
            must exist, be constant within each prompt, and have two or more values
            (:class:`~judgespec.AuditDataError` otherwise).
        interval: Bootstrap interval method: ``studentized`` (bootstrap-t with a
            linearization standard error per replicate; the default, chosen by the coverage
            simulation in ``benchmarks/bench_coverage.py``) or ``percentile``. Each metric
            reports how many replicates were defined (:attr:`MetricEstimate.replicates`).

    Notes:
        The metrics are defined in :mod:`judgespec.audit._metrics` (one function per metric,
        with formula, tie handling and reference). Per prompt the statistics are reduced to
        sums; a metric is a function of summed per-prompt statistics, so every bootstrap
        replicate is a matrix product of resample counts with the per-prompt matrix (Field &
        Welsh 2007, "Bootstrapping clustered data", JRSS B 69(3); Efron & Tibshirani 1993).
        Intervals are computed over the replicates where the metric is defined
        (:func:`judgespec.audit._bootstrap.bootstrap_statistics`).
    """
    args = _audit_iv(
        candidates,
        comparisons,
        tie_policy,
        ranking,
        n_bootstrap,
        seed,
        confidence,
        escalation_margin,
        by,
        interval,
    )
    result = _compute(args)
    if args.by is None or args.slice_of_prompt is None:
        return result
    slices = [_slice(args, value) for value in sorted(set(args.slice_of_prompt))]
    return dataclasses.replace(result, slices=slices)


def _slice(args: _Args, value: str) -> AuditSlice:
    """The audit of one slice: its prompts, their comparisons, its own bootstrap."""
    assert args.by is not None and args.slice_of_prompt is not None
    keep = np.array([v == value for v in args.slice_of_prompt], dtype=bool)
    table = subset_candidates(args.candidates, keep)
    comparisons = (
        None
        if args.comparisons is None
        else subset_comparisons(args.comparisons, set(table.prompt_ids))
    )
    sub = dataclasses.replace(
        args,
        candidates=table,
        comparisons=comparisons,
        presentations=None if comparisons is None else resolve(table, comparisons),
        derived=args.derived[keep[args.candidates.row_prompt]],
        by=None,
        slice_of_prompt=None,
    )
    result = _compute(sub)
    return AuditSlice(by=args.by, value=value, counts=result.counts, metrics=result.metrics)


@dataclass(frozen=True)
class PromptStatistics:
    """The per-prompt statistics matrix of one audit and what its metrics need."""

    rows: Float
    """m statistics x P prompts, one contiguous row per statistic (prompts in the
    table's order): the matrix is built once, in this form, and read by the bootstrap
    without copies."""
    index: dict[str, int]
    """Statistic name -> row of ``rows`` (column of ``stats``)."""
    ctx: Context
    """What the reasons for an undefined metric need."""
    selection: Selection
    eligible: Eligible
    judged: Judged
    ties: Judged
    """The rows the tie metrics use."""
    tie_column: str
    """The score column the tie metrics used."""

    @functools.cached_property
    def stats(self) -> Float:
        """P prompts x m statistics, C-ordered (a copy of ``rows`` transposed)."""
        return np.ascontiguousarray(self.rows.T)

    @functools.cached_property
    def sums(self) -> Float:
        """Σ_p S_p of every statistic, added in prompt order (:func:`column_sums`)."""
        return column_sums(self.rows.T)


def prompt_statistics(args: _Args) -> PromptStatistics:
    """Build the per-prompt statistics matrix (the tie policy's seed is spawned from ``args.seed``)."""
    table = args.candidates
    tie_seed, _ = np.random.SeedSequence(args.seed).spawn(2)
    el = eligible_rows(table)
    judged = judged_rows(table)
    ties, tie_column = tie_rows(table)
    selection = selection_stats(el, tie_policy=args.tie_rule, rng=np.random.default_rng(tie_seed))
    columns: dict[str, Float] = {}
    for part in (
        selection.columns,
        agreement_stats(el),
        tie_stats(ties),
        judge_side_stats(table, judged),
        pairwise_stats(table, args.presentations),
        repeat_stats(table),
        parse_stats(table),
    ):
        columns.update(part)
    index = {name: i for i, name in enumerate(columns)}
    rows = np.empty((len(columns), table.n_prompts))  # m statistics x P prompts
    for i, column in enumerate(columns.values()):
        rows[i] = column
    del columns
    ctx = Context(
        judged=int(np.count_nonzero(~np.isnan(table.judge))),
        oracle_labelled=int(np.count_nonzero(~np.isnan(table.oracle))),
        selection_prompts=int(np.count_nonzero(selection.selection_prompts)),
        has_comparisons=args.comparisons is not None,
        has_samples=table.judge_samples is not None,
    )
    return PromptStatistics(rows, index, ctx, selection, el, judged, ties, tie_column)


def _compute(args: _Args) -> AuditResult:
    table = args.candidates
    _, boot_seed = np.random.SeedSequence(args.seed).spawn(2)
    ps = prompt_statistics(args)
    index, ctx, selection = ps.index, ps.ctx, ps.selection
    stats = ps.rows.T  # P x m, column-major: each statistic's column is contiguous
    point = Sums(ps.sums, index)
    # what needs the row-level arrays is computed first, so they are freed before the
    # bootstrap builds its own matrix
    diagnostics = AuditDiagnostics(
        scatter_global=_scatter(ps.eligible, demean=False),
        scatter_within=_scatter(ps.eligible, demean=True),
        tie_group_sizes=tie_group_sizes(ps.ties),
    )
    escalated = escalations(table, ps.judged, margin=args.escalation_margin)
    tie_column, max_k, abstained = ps.tie_column, selection.max_k, selection.abstained
    del ps, selection
    judged_per_prompt = np.bincount(
        table.row_prompt, weights=~np.isnan(table.judge), minlength=table.n_prompts
    )
    counts = AuditCounts(
        prompts=table.n_prompts,
        candidates=table.n_rows,
        oracle_labelled=ctx.oracle_labelled,
        judged=ctx.judged,
        parse_failures=int(np.count_nonzero(table.parse_failure)),
        abstentions=int(np.count_nonzero(judged_per_prompt == 0) + np.count_nonzero(abstained)),
        selection_prompts=ctx.selection_prompts,
        comparisons=0 if args.comparisons is None else args.comparisons.n_rows,
        comparison_parse_failures=(
            0
            if args.comparisons is None
            else int(np.count_nonzero(args.comparisons.winner == WINNER_NULL))
        ),
        derived_scores=int(np.count_nonzero(args.derived)),
    )
    return AuditResult(
        metrics=_estimates(stats, point, ctx, args, np.random.default_rng(boot_seed)),
        bon_curve=_bon_curve(point, max_k),
        counts=counts,
        escalations=escalated,
        tie_policy=args.tie_policy,
        tie_column=tie_column,
        n_bootstrap=args.n_bootstrap,
        seed=args.seed,
        confidence=args.confidence,
        interval_method=args.interval,
        diagnostics=diagnostics,
    )


def _estimates(
    stats: Float,
    point: Sums,
    ctx: Context,
    args: _Args,
    rng: np.random.Generator,
    specs: Sequence[MetricSpec] = METRICS,
) -> dict[str, MetricEstimate]:
    """Point estimate, interval, n, defined replicates and reason of each metric in ``specs``."""
    defined = [spec for spec in specs if not math.isnan(float(spec.value(point)))]
    outcomes = bootstrap_statistics(
        stats,
        [metric_statistic(spec, point.index) for spec in defined],
        n_bootstrap=args.n_bootstrap,
        rng=rng,
        confidence=args.confidence,
        method=args.interval,
    )
    by_name = {spec.name: outcome for spec, outcome in zip(defined, outcomes, strict=True)}
    metrics: dict[str, MetricEstimate] = {}
    for spec in specs:
        estimate = float(spec.value(point))
        n = round(float(spec.count(point)))
        outcome = by_name.get(spec.name)
        if outcome is None:
            nan = math.nan
            metrics[spec.name] = MetricEstimate(
                nan, nan, nan, n, spec.unit, spec.reason(point, ctx), replicates=0
            )
            continue
        low, high = clip_interval(spec.name, outcome.ci_low, outcome.ci_high)
        metrics[spec.name] = MetricEstimate(
            estimate,
            low,
            high,
            n,
            spec.unit,
            fallback_caveat(args.interval, outcome.method),
            replicates=outcome.defined,
        )
    return metrics


def _bon_curve(point: Sums, max_k: int) -> list[BonPoint]:
    """Best-of-k curve from the summed ``bon_*`` columns (see ``selection_stats``).

    For k = 1..max n over prompts with n_p >= k: mean expected utility of the judge's
    pick from a uniformly random k-subset, of the subset's best candidate, and of a
    random candidate; recovery at k = Σ (judge − random) / Σ (oracle − random), NaN
    when the denominator is 0 (always at k = 1).
    """
    curve: list[BonPoint] = []
    for k in range(1, max_k + 1):
        n = float(point[f"bon_n_{k}"])
        judge = float(point[f"bon_judge_{k}"])
        oracle = float(point[f"bon_oracle_{k}"])
        random = float(point[f"bon_random_{k}"])
        room = oracle - random
        curve.append(
            BonPoint(
                k=k,
                utility=judge / n,
                oracle_utility=oracle / n,
                random_utility=random / n,
                recovery=(judge - random) / room if room != 0 else math.nan,
                prompts=int(n),
            )
        )
    return curve


def _scatter(el: Eligible, *, demean: bool) -> list[tuple[float, float]]:
    """Evenly spaced (deterministic) sample of at most 1,000 eligible (s, y) points."""
    s, y = el.s, el.y
    if demean:
        s = s - group_mean_rows(el.pid, s, el.n_prompts)
        y = y - group_mean_rows(el.pid, y, el.n_prompts)
    if len(s) > SCATTER_POINTS:
        take = np.unique(np.linspace(0, len(s) - 1, SCATTER_POINTS).round().astype(np.intp))
        s, y = s[take], y[take]
    return [(float(a), float(b)) for a, b in zip(s.tolist(), y.tolist(), strict=True)]
