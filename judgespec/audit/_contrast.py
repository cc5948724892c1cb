"""Paired contrasts: several judges audited on the same prompts and candidates.

Each judge's per-prompt statistics matrix is built as in :func:`run_audit`; the
matrices are aligned on the first judge's prompt order and placed side by side, and
ONE cluster bootstrap resamples the prompts of the joint matrix. Every judge therefore
sees the same resampled prompts, so the difference of a metric between a judge and
the reference (the first judge) gets a paired interval: the correlation between the
judges' errors on the same prompts is kept rather than ignored (Efron & Tibshirani
1993, ch. 6; Field & Welsh 2007 for resampling clusters).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from .._errors import AuditDataError
from ._audit import _audit_iv, prompt_statistics
from ._bootstrap import (
    DEFAULT_INTERVAL_METHOD,
    INTERVAL_METHODS,
    SumStatistic,
    bootstrap_statistics,
)
from ._joint import clip_interval, difference_statistic, fallback_caveat, metric_statistic
from ._metrics import HEADLINE_METRICS, METRIC_NAMES, METRICS, Sums
from ._result import MetricEstimate
from ._table import CandidatesTable, ComparisonsTable

__all__ = [
    "ContrastResult",
    "Difference",
    "JudgedSet",
    "MetricContrast",
    "holm_adjust",
    "run_contrast",
]


@dataclass(frozen=True)
class JudgedSet:
    """One judge's verdicts on the audited candidates: what a contrast compares."""

    label: str
    """Short name of the judge in tables and in ``contrast.json``."""
    candidates: CandidatesTable
    """Oracle and judge score per candidate."""
    comparisons: ComparisonsTable | None = None
    """Pairwise verdicts on the same candidates, when the judge compared."""
    tie_policy: str = "expected"
    """Tie policy (see :func:`run_audit`)."""
    ranking: str = "win_share"
    """How selection scores are derived from comparisons when candidates carry none."""


@dataclass(frozen=True)
class Difference:
    """metric(judge) − metric(reference) with its paired interval and test."""

    estimate: float
    ci_low: float
    ci_high: float
    p_value: float
    """Two-sided bootstrap p-value of "no difference" (interval inversion)."""
    p_holm: float
    """``p_value`` adjusted by Holm's step-down method across the metrics of this judge."""
    replicates: int
    """Bootstrap replicates on which the difference was defined."""
    reason: str | None = None
    """Why the difference is undefined (NaN), or a caveat."""


@dataclass(frozen=True)
class MetricContrast:
    """One metric of one judge against the reference."""

    metric: str
    judge: str
    reference: str
    judge_estimate: MetricEstimate
    reference_estimate: MetricEstimate
    difference: Difference


@dataclass(frozen=True)
class ContrastResult:
    """Everything a contrast computes."""

    labels: list[str]
    """The judges, reference first."""
    metrics: list[str]
    """The metrics contrasted, in reporting order."""
    estimates: dict[str, dict[str, MetricEstimate]]
    """Judge label -> metric -> estimate with its interval (from the joint bootstrap)."""
    contrasts: list[MetricContrast]
    """Per non-reference judge (in order), per metric: the paired difference."""
    prompts: int
    """Prompts contrasted (after ``intersect``)."""
    candidates: int
    """Candidates contrasted (after ``intersect``)."""
    dropped: dict[str, tuple[int, int]] = field(default_factory=dict)
    """Judge label -> (prompts, candidates) left out by ``intersect`` (only when any)."""
    n_bootstrap: int = 0
    seed: int = 0
    confidence: float = 0.95
    interval_method: str = DEFAULT_INTERVAL_METHOD


def holm_adjust(p_values: Sequence[float]) -> list[float]:
    """Holm's step-down adjustment; NaN entries are left out of the family and stay NaN.

    With the m defined p-values sorted ascending, p_(1) ≤ … ≤ p_(m), the adjusted value
    is max_{j ≤ i} min(1, (m − j + 1) p_(j)). It controls the family-wise error rate
    under any dependence between the tests (Holm 1979, "A simple sequentially rejective
    multiple test procedure", Scandinavian Journal of Statistics 6(2)).
    """
    defined = [(p, i) for i, p in enumerate(p_values) if not math.isnan(p)]
    defined.sort()
    m = len(defined)
    out = [math.nan] * len(p_values)
    running = 0.0
    for rank, (p, i) in enumerate(defined):
        running = max(running, min(1.0, (m - rank) * p))
        out[i] = running
    return out


# --------------------------------------------------------------------------- alignment


def _keys(table: CandidatesTable) -> list[tuple[str, str]]:
    prompt_of_row = table.row_prompt
    return [
        (table.prompt_ids[int(prompt_of_row[i])], str(table.candidate_ids[i]))
        for i in range(table.n_rows)
    ]


def _sample(items: Sequence[object]) -> str:
    return ", ".join(repr(x) for x in list(items)[:3]) + (", ..." if len(items) > 3 else "")


def _difference_message(ref: JudgedSet, other: JudgedSet, ref_keys: set[tuple[str, str]],
                        keys: set[tuple[str, str]]) -> str:  # fmt: skip
    ref_prompts = {p for p, _ in ref_keys}
    prompts = {p for p, _ in keys}
    parts = []
    only_ref, only_here = sorted(ref_prompts - prompts), sorted(prompts - ref_prompts)
    if only_ref:
        parts.append(f"{len(only_ref)} prompt(s) of {ref.label} missing ({_sample(only_ref)})")
    if only_here:
        parts.append(f"{len(only_here)} prompt(s) not in {ref.label} ({_sample(only_here)})")
    common = ref_prompts & prompts
    cand_ref = sorted(k for k in ref_keys - keys if k[0] in common)
    cand_here = sorted(k for k in keys - ref_keys if k[0] in common)
    if cand_ref:
        parts.append(
            f"{len(cand_ref)} candidate(s) of {ref.label} missing "
            f"({_sample([f'{p}/{c}' for p, c in cand_ref])})"
        )
    if cand_here:
        parts.append(
            f"{len(cand_here)} candidate(s) not in {ref.label} "
            f"({_sample([f'{p}/{c}' for p, c in cand_here])})"
        )
    return (
        f"{other.candidates.source} ({other.label}): not the candidate set of "
        f"{ref.candidates.source} ({ref.label}): {'; '.join(parts)}; a contrast needs the "
        "same prompts and candidates (intersect=True, --intersect on the CLI, contrasts the "
        "common part)"
    )


def _check_oracles(sets: Sequence[JudgedSet], common: set[tuple[str, str]]) -> None:
    ref = sets[0]
    ref_oracle = dict(zip(_keys(ref.candidates), ref.candidates.oracle.tolist(), strict=True))
    for other in sets[1:]:
        for key, value in zip(_keys(other.candidates), other.candidates.oracle.tolist(), strict=True):
            if key not in common:
                continue
            mine = ref_oracle[key]
            if not (mine == value or (math.isnan(mine) and math.isnan(value))):
                def show(v: float) -> str:
                    return "null" if math.isnan(v) else f"{v:g}"

                raise AuditDataError(
                    f"{other.candidates.source} ({other.label}): candidate {key[1]!r} of prompt "
                    f"{key[0]!r} has oracle {show(value)} but {show(mine)} in "
                    f"{ref.candidates.source} ({ref.label}): a contrast needs one oracle per "
                    "candidate; audit both judges against the same oracle"
                )


def _restrict(js: JudgedSet, order: list[tuple[str, str]], keep: set[tuple[str, str]]) -> JudgedSet:
    """``js`` with only the rows in ``keep``, in the reference's row order ``order``."""
    table = js.candidates
    rows = {key: row for key, row in zip(_keys(table), table.to_rows(), strict=True)}
    kept = [rows[key] for key in order if key in keep]
    new_table = CandidatesTable.from_rows(kept, source=table.source)
    comparisons = js.comparisons
    if comparisons is not None:
        comp_rows = [
            r for r in comparisons.to_rows()
            if (r["prompt_id"], r["first_id"]) in keep and (r["prompt_id"], r["second_id"]) in keep
        ]  # fmt: skip
        comparisons = (
            ComparisonsTable.from_rows(comp_rows, source=comparisons.source, candidates=new_table)
            if comp_rows
            else None
        )
    return JudgedSet(js.label, new_table, comparisons, js.tie_policy, js.ranking)


def _align(sets: Sequence[JudgedSet], intersect: bool) -> tuple[list[JudgedSet], dict[str, tuple[int, int]]]:
    ref = sets[0]
    ref_order = _keys(ref.candidates)
    ref_keys = set(ref_order)
    all_keys = [set(_keys(js.candidates)) for js in sets]
    common = set.intersection(*all_keys)
    if not intersect:
        for js, keys in zip(sets[1:], all_keys[1:], strict=True):
            if keys != ref_keys:
                raise AuditDataError(_difference_message(ref, js, ref_keys, keys))
    _check_oracles(sets, common)
    if not common:
        raise AuditDataError(
            f"{ref.candidates.source} ({ref.label}): the judged sets share no candidate: "
            "nothing to contrast"
        )
    aligned: list[JudgedSet] = []
    dropped: dict[str, tuple[int, int]] = {}
    common_prompts = {p for p, _ in common}
    for js, keys in zip(sets, all_keys, strict=True):
        if keys != common:
            lost_prompts = len({p for p, _ in keys} - common_prompts)
            dropped[js.label] = (lost_prompts, len(keys - common))
        if keys != common or _keys(js.candidates) != [k for k in ref_order if k in common]:
            js = _restrict(js, ref_order, common)
        aligned.append(js)
    return aligned, dropped


# --------------------------------------------------------------------------- contrast


def _contrast_iv(
    sets: object, metrics: object, intersect: object
) -> tuple[list[JudgedSet], list[str]]:
    if not isinstance(sets, Sequence) or len(sets) < 2:
        raise ValueError("a contrast needs two or more judged sets (the first is the reference)")
    for js in sets:
        if not isinstance(js, JudgedSet):
            raise TypeError(f"judged sets must be JudgedSet objects, got {type(js).__name__}")
    labels = [js.label for js in sets]
    if len(set(labels)) != len(labels):
        dup = sorted({x for x in labels if labels.count(x) > 1})
        raise ValueError(f"judge labels must be unique; {_sample(dup)} occur(s) twice: give each a label")
    if metrics is not None and (isinstance(metrics, str) or not isinstance(metrics, Sequence)):
        raise TypeError("metrics must be a sequence of metric names or None")
    names = list(HEADLINE_METRICS) if metrics is None else [str(m) for m in metrics]
    unknown = [m for m in names if m not in METRIC_NAMES]
    if unknown or not names:
        raise ValueError(
            f"unknown metric(s) {_sample(unknown)}: choose from {', '.join(METRIC_NAMES)}"
            if unknown
            else "no metric to contrast"
        )
    if not isinstance(intersect, bool):
        raise TypeError("intersect must be True or False")
    return list(sets), names


def run_contrast(
    sets: Sequence[JudgedSet],
    *,
    metrics: Sequence[str] | None = None,
    n_bootstrap: int = 2000,
    seed: int = 0,
    confidence: float = 0.95,
    interval: str = DEFAULT_INTERVAL_METHOD,
    intersect: bool = False,
) -> ContrastResult:
    """Compare judges metric by metric with paired differences from one joint bootstrap.

    Args:
        sets: Two or more judged sets over the same prompts and candidates; the first is the
            reference that every other judge is compared with.
        metrics: Metric names to contrast (default: :data:`HEADLINE_METRICS`).
        n_bootstrap, seed, confidence, interval: As in :func:`run_audit`. With the same
            values each judge's own interval here equals its interval in a separate audit
            (the bootstrap draws the same prompts).
        intersect: Contrast only the candidates every set has (and the comparisons between
            them), reporting what was dropped; otherwise differing candidate sets are an
            error.

    Notes:
        For metric M, judge j and reference r, the difference is d = M_j − M_r, computed on
        the data and on each bootstrap replicate from the same resampled prompts. Its
        interval and two-sided p-value come from
        :func:`judgespec.audit._bootstrap.bootstrap_statistics` (percentile or
        studentized); the p-values of one judge are Holm-adjusted across the metrics whose
        difference is defined (:func:`holm_adjust`). A metric undefined for either judge has
        an undefined difference with the reason.

    Raises:
        AuditDataError: When the sets differ in prompts or candidates (without
            ``intersect``), give one candidate different oracle utilities, or share nothing.
    """
    judged, names = _contrast_iv(sets, metrics, intersect)
    if interval not in INTERVAL_METHODS:
        raise ValueError(f"interval must be one of {', '.join(INTERVAL_METHODS)}; got {interval!r}")
    aligned, dropped = _align(judged, intersect)
    args = [
        _audit_iv(
            js.candidates, js.comparisons, js.tie_policy, js.ranking, n_bootstrap, seed,
            confidence, 0.0, None, interval,
        )
        for js in aligned
    ]
    blocks = [prompt_statistics(a) for a in args]
    offsets = np.cumsum([0] + [b.stats.shape[1] for b in blocks])
    joint = np.hstack([b.stats for b in blocks])
    points = [Sums(b.stats.sum(axis=0), b.index) for b in blocks]
    specs = [spec for spec in METRICS if spec.name in names]
    specs.sort(key=lambda spec: names.index(spec.name))
    defined = [[not math.isnan(float(spec.value(pt))) for spec in specs] for pt in points]

    statistics: list[SumStatistic] = []
    slots: dict[tuple[str, int, int], int] = {}  # (kind, judge, metric) -> position
    for j, block in enumerate(blocks):
        for m, spec in enumerate(specs):
            if defined[j][m]:
                slots["est", j, m] = len(statistics)
                statistics.append(metric_statistic(spec, block.index, int(offsets[j])))
            if j and defined[j][m] and defined[0][m]:
                slots["diff", j, m] = len(statistics)
                statistics.append(
                    difference_statistic(spec, block.index, int(offsets[j]), blocks[0].index, 0)
                )
    _, boot_seed = np.random.SeedSequence(args[0].seed).spawn(2)
    outcomes = bootstrap_statistics(
        joint,
        statistics,
        n_bootstrap=args[0].n_bootstrap,
        rng=np.random.default_rng(boot_seed),
        confidence=args[0].confidence,
        method=interval,
    )
    estimates: dict[str, dict[str, MetricEstimate]] = {}
    for j, (js, block, pt) in enumerate(zip(aligned, blocks, points, strict=True)):
        per: dict[str, MetricEstimate] = {}
        for m, spec in enumerate(specs):
            n = round(float(spec.count(pt)))
            slot = slots.get(("est", j, m))
            if slot is None:
                per[spec.name] = MetricEstimate(
                    math.nan, math.nan, math.nan, n, spec.unit, spec.reason(pt, block.ctx)
                )
                continue
            o = outcomes[slot]
            low, high = clip_interval(spec.name, o.ci_low, o.ci_high)
            per[spec.name] = MetricEstimate(
                o.estimate, low, high, n, spec.unit, fallback_caveat(interval, o.method), o.defined
            )
        estimates[js.label] = per

    contrasts: list[MetricContrast] = []
    ref = aligned[0].label
    for j in range(1, len(aligned)):
        label = aligned[j].label
        raw_p = [
            outcomes[slots["diff", j, m]].p_value if ("diff", j, m) in slots else math.nan
            for m in range(len(specs))
        ]
        adjusted = holm_adjust(raw_p)
        for m, spec in enumerate(specs):
            slot = slots.get(("diff", j, m))
            if slot is None:
                missing = [lab for lab, jj in ((ref, 0), (label, j)) if not defined[jj][m]]
                reasons = "; ".join(
                    f"{lab}: {estimates[lab][spec.name].reason}" for lab in missing
                )
                diff = Difference(math.nan, math.nan, math.nan, math.nan, math.nan, 0,
                                  f"undefined for {reasons}")  # fmt: skip
            else:
                o = outcomes[slot]
                diff = Difference(
                    o.estimate, o.ci_low, o.ci_high, o.p_value, adjusted[m], o.defined,
                    fallback_caveat(interval, o.method),
                )  # fmt: skip
            contrasts.append(
                MetricContrast(
                    metric=spec.name,
                    judge=label,
                    reference=ref,
                    judge_estimate=estimates[label][spec.name],
                    reference_estimate=estimates[ref][spec.name],
                    difference=diff,
                )
            )
    return ContrastResult(
        labels=[js.label for js in aligned],
        metrics=[spec.name for spec in specs],
        estimates=estimates,
        contrasts=contrasts,
        prompts=aligned[0].candidates.n_prompts,
        candidates=aligned[0].candidates.n_rows,
        dropped=dropped,
        n_bootstrap=args[0].n_bootstrap,
        seed=args[0].seed,
        confidence=args[0].confidence,
        interval_method=interval,
    )
