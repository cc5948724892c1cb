"""The planted-defect suite: audit synthetic judges with known defects.

Every judge is the clean judge of :mod:`judgespec.instrument._design` plus one planted
defect. The suite audits each with :func:`judgespec.audit.run_audit` (and
:func:`judgespec.audit.run_contrast` for the paired recovery loss), checks that the
audit's interval covers the defect's true magnitude (:mod:`judgespec.instrument._truth`),
and evaluates every flag on every judge: each defect must raise its own flag, the clean
judge none.

Flags (each a statement about one interval at the audit's confidence level):

- ``ties``: ``tie_rate`` ci_low > 0;
- ``position``: ``position_consistency`` ci_high < 1 (judges with comparisons);
- ``length``: the ``length_bias`` interval excludes 0;
- ``baseline``: the interval of r_global − r_within excludes 0;
- ``self``: the interval of the self-preference contrast excludes 0, where the contrast
  is mean_p [(s_self − s̄_other) − (y_self − ȳ_other)] (judge lead of the tagged
  ``self`` candidate over the rest, minus its oracle lead);
- ``noise``: ``recovery`` ci_high < the clean judge's true recovery.

r_global − r_within and the self-preference contrast get a percentile cluster-bootstrap
interval over prompts from the audit's own resampler
(:func:`judgespec.audit._bootstrap.resample_sums`), as functions of per-prompt sums.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from ..audit import CandidatesTable, ComparisonsTable, JudgedSet, run_audit, run_contrast
from ..audit._bootstrap import percentile_interval, resample_sums
from ._design import Float, PlantedDesign, SyntheticAudit, synthetic_audit
from ._truth import (
    true_length_bias,
    true_position_consistency,
    true_recovery,
    true_rglobal_gap,
    true_tie_rate,
)

__all__ = [
    "DEFECTS",
    "FLAGS",
    "SUITE_CONFIDENCE",
    "DefectRecovery",
    "InstrumentReport",
    "planted_rows",
    "validate_instrument",
]

DEFECTS: tuple[str, ...] = ("clean", "coarse", "position", "length", "baseline", "self", "noise")
"""The judges of the suite: the clean judge, then one per planted defect."""

FLAGS: tuple[str, ...] = ("ties", "position", "length", "baseline", "self", "noise")
"""The flags evaluated on every judge (see the module docstring)."""

SUITE_CONFIDENCE = 0.996
"""Default confidence level of every interval of the suite. Thirteen checks can fail by
chance on a sound instrument (seven coverages, six flags on the clean judge); at 0.996
each, Bonferroni's bound keeps the chance that any fails near 13 x 0.004 = 0.05."""

_OWN_FLAG = {
    "coarse": "ties",
    "position": "position",
    "length": "length",
    "baseline": "baseline",
    "self": "self",
    "noise": "noise",
}


@dataclass(frozen=True)
class DefectRecovery:
    """One judge: its planted defect, the metric that should recover it, and the flags."""

    judge: str
    defect: str
    """What was planted, in words, with its parameter."""
    metric: str
    """The audit quantity that measures it."""
    true_value: float
    """Its value in the population, from the design's parameters (closed form)."""
    estimate: float
    ci_low: float
    ci_high: float
    flags: dict[str, bool]
    """Every flag of :data:`FLAGS` (``position`` only for judges with comparisons)."""
    expected_flag: str | None
    """The flag this defect must raise (None for the clean judge)."""

    @property
    def covered(self) -> bool:
        """The interval contains the true value."""
        return self.ci_low <= self.true_value <= self.ci_high

    @property
    def passed(self) -> bool:
        """Covered, the own flag raised, and (clean judge) no flag at all."""
        if not self.covered:
            return False
        if self.expected_flag is None:
            return not any(self.flags.values())
        return self.flags.get(self.expected_flag, False)


@dataclass(frozen=True)
class InstrumentReport:
    """The suite's outcome: one :class:`DefectRecovery` per judge of :data:`DEFECTS`."""

    design: PlantedDesign
    rows: list[DefectRecovery]
    n_bootstrap: int
    seed: int
    confidence: float
    interval_method: str
    extra: dict[str, float] = field(default_factory=dict)
    """Further true values shown with the table (the clean judge's recovery, r_within)."""

    @property
    def passed(self) -> bool:
        """Every judge passed (see :attr:`DefectRecovery.passed`)."""
        return all(row.passed for row in self.rows)


def _judge_scores(data: SyntheticAudit, design: PlantedDesign) -> dict[str, Float]:
    s = data.clean
    return {
        "clean": s,
        "coarse": np.round(s / design.coarse_step) * design.coarse_step,
        "position": s,
        "length": s + design.length_beta * data.length_z,
        "baseline": s + design.baseline_gamma * data.baseline,
        "self": s + design.self_delta * data.is_self,
        "noise": s + design.noise_sigma * data.extra_noise,
    }


def _comparisons(data: SyntheticAudit, design: PlantedDesign, biased: bool) -> ComparisonsTable:
    """Every ordered pair of every prompt; the verdict follows the clean score, except
    that the position-biased judge says ``first`` on the presentations drawn in ``flip``."""
    return ComparisonsTable.from_rows(
        _comparison_rows(data, design, biased), source="<planted comparisons>"
    )


_FILLER = "lorem ipsum dolor sit amet "


def planted_rows(
    design: PlantedDesign | None = None,
) -> dict[str, tuple[list[dict[str, object]], list[dict[str, object]] | None]]:
    """Each judge's candidates rows (and comparisons rows, for ``clean`` and ``position``).

    The candidates rows carry ``prompt_id``, ``candidate_id``, ``oracle``,
    ``judge_score``, a content-free ``response`` of the drawn length (the audit measures
    length in characters) and the ``source`` tag (``self`` or ``other``): written as
    JSONL they are ordinary candidates and comparisons tables for ``judgespec score``.
    """
    design = design if design is not None else PlantedDesign()
    data = synthetic_audit(design)
    text = _FILLER * (int(data.length.max()) // len(_FILLER) + 1)
    out: dict[str, tuple[list[dict[str, object]], list[dict[str, object]] | None]] = {}
    for name, scores in _judge_scores(data, design).items():
        rows: list[dict[str, object]] = [
            {
                "prompt_id": data.prompt_ids[k],
                "candidate_id": data.candidate_ids[k],
                "oracle": float(data.oracle[k]),
                "judge_score": float(scores[k]),
                "response": text[: int(data.length[k])],
                "source": "self" if data.is_self[k] else "other",
            }
            for k in range(len(data.prompt_ids))
        ]
        comparisons = (
            _comparison_rows(data, design, biased=name == "position")
            if name in ("clean", "position")
            else None
        )
        out[name] = (rows, comparisons)
    return out


def _comparison_rows(
    data: SyntheticAudit, design: PlantedDesign, biased: bool
) -> list[dict[str, object]]:
    n = design.n_candidates
    rows: list[dict[str, object]] = []
    k = 0
    for p in range(design.n_prompts):
        base = p * n
        for i in range(n):
            for j in range(n):
                if i == j:
                    continue
                a, b = base + i, base + j
                winner = "first" if data.clean[a] > data.clean[b] else "second"
                if biased and data.flip[k]:
                    winner = "first"
                k += 1
                rows.append(
                    {
                        "prompt_id": data.prompt_ids[a],
                        "first_id": data.candidate_ids[a],
                        "second_id": data.candidate_ids[b],
                        "winner": winner,
                    }
                )
    return rows


def _table(data: SyntheticAudit, scores: Float, judge: str) -> CandidatesTable:
    return CandidatesTable.from_arrays(
        prompt_ids=data.prompt_ids,
        candidate_ids=data.candidate_ids,
        oracle=data.oracle,
        judge_score=scores,
        length=data.length,
        source=f"<planted judge {judge}>",
    )


def _interval(
    per_prompt: Float,
    fn: Callable[[Float], Float],
    *,
    n_bootstrap: int,
    seed: int,
    confidence: float,
) -> tuple[float, float, float]:
    """Estimate and percentile cluster-bootstrap interval of ``fn`` of column sums."""
    estimate = float(fn(per_prompt.sum(axis=0)[None, :])[0])
    sums = resample_sums(per_prompt, n_bootstrap=n_bootstrap, rng=np.random.default_rng(seed))
    low, high = percentile_interval(fn(sums)[:, None], confidence)
    return estimate, float(low[0]), float(high[0])


def _gap_statistic(sums: Float) -> Float:
    """r_global − r_within from the sums of [1, s, y, s², y², sy, ds², dy², ds·dy]."""
    n, s, y, ss, yy, sy, dss, dyy, dsy = (sums[:, k] for k in range(9))
    with np.errstate(invalid="ignore", divide="ignore"):
        cov = sy - s * y / n
        r_global = cov / np.sqrt((ss - s * s / n) * (yy - y * y / n))
        r_within = dsy / np.sqrt(dss * dyy)
    return np.asarray(r_global - r_within, dtype=np.float64)


def _gap(
    data: SyntheticAudit, scores: Float, design: PlantedDesign, **kw: object
) -> tuple[float, float, float]:
    p, n = design.n_prompts, design.n_candidates
    s = scores.reshape(p, n)
    y = data.oracle.reshape(p, n)
    ds = s - s.mean(axis=1, keepdims=True)
    dy = y - y.mean(axis=1, keepdims=True)
    per_prompt = np.column_stack(
        [
            np.full(p, float(n)),
            s.sum(1),
            y.sum(1),
            (s * s).sum(1),
            (y * y).sum(1),
            (s * y).sum(1),
            (ds * ds).sum(1),
            (dy * dy).sum(1),
            (ds * dy).sum(1),
        ]
    )
    return _interval(per_prompt, _gap_statistic, **kw)  # type: ignore[arg-type]


def _self_contrast(
    data: SyntheticAudit, scores: Float, design: PlantedDesign, **kw: object
) -> tuple[float, float, float]:
    p, n = design.n_prompts, design.n_candidates
    mask = data.is_self.reshape(p, n)
    s = scores.reshape(p, n)
    y = data.oracle.reshape(p, n)

    def lead(x: Float) -> Float:
        own = np.where(mask, x, 0.0).sum(1)
        rest = np.where(mask, 0.0, x).sum(1) / (n - 1)
        return np.asarray(own - rest, dtype=np.float64)

    per_prompt = np.column_stack([np.ones(p), lead(s) - lead(y)])

    def mean(sums: Float) -> Float:
        return np.asarray(sums[:, 1] / sums[:, 0], dtype=np.float64)

    return _interval(per_prompt, mean, **kw)  # type: ignore[arg-type]


def _excludes_zero(low: float, high: float) -> bool:
    return low > 0.0 or high < 0.0


def validate_instrument(
    design: PlantedDesign | None = None,
    *,
    n_bootstrap: int = 2000,
    seed: int = 0,
    confidence: float = SUITE_CONFIDENCE,
    interval: str = "percentile",
) -> InstrumentReport:
    """Audit the clean judge and one judge per planted defect; check what the audit recovers.

    Args:
        design: Sizes, noise levels and planted magnitudes (default
            :class:`PlantedDesign()`); its ``seed`` draws the data.
        n_bootstrap: As in :func:`judgespec.audit.run_audit`.
        seed: The bootstrap's seed, as in :func:`judgespec.audit.run_audit`.
        confidence: The intervals' level; the default :data:`SUITE_CONFIDENCE` makes the
            suite as a whole fail by chance about one time in twenty on a sound instrument.
        interval: The interval method, as in :func:`judgespec.audit.run_audit`.

    Returns:
        Per judge: the planted magnitude's true value, the audit's estimate and
        interval, and every flag. The suite passes when each interval covers its true
        value, each defect raises its own flag and the clean judge raises none.

    Notes:
        Each metric is the audit's own (``tie_rate``, ``position_consistency``,
        ``length_bias``, ``recovery`` and the paired recovery difference of
        :func:`judgespec.audit.run_contrast`); r_global − r_within and the self-preference
        contrast are computed from per-prompt sums with the audit's cluster resampler. True
        values are closed-form functions of the design (:mod:`judgespec.instrument._truth`).
        The design follows the global vs within-prompt decomposition of Landesberg, "When
        LLM Judge Scores Look Good but Best-of-N Decisions Fail" (arXiv 2603.12520).
    """
    design = design if design is not None else PlantedDesign()
    data = synthetic_audit(design)
    scores = _judge_scores(data, design)
    kw: dict[str, object] = {"n_bootstrap": n_bootstrap, "seed": seed, "confidence": confidence}
    tables = {name: _table(data, scores[name], name) for name in DEFECTS}
    comparisons = {
        "clean": _comparisons(data, design, biased=False),
        "position": _comparisons(data, design, biased=True),
    }
    audits = {
        name: run_audit(
            tables[name],
            comparisons.get(name),
            n_bootstrap=n_bootstrap,
            seed=seed,
            confidence=confidence,
            interval=interval,
        )
        for name in DEFECTS
    }
    contrast = run_contrast(
        [JudgedSet("clean", tables["clean"]), JudgedSet("noise", tables["noise"])],
        metrics=["recovery"],
        n_bootstrap=n_bootstrap,
        seed=seed,
        confidence=confidence,
        interval=interval,
    )
    clean_recovery = true_recovery(design)
    gaps = {name: _gap(data, scores[name], design, **kw) for name in DEFECTS}
    selfs = {name: _self_contrast(data, scores[name], design, **kw) for name in DEFECTS}

    def flags_of(name: str) -> dict[str, bool]:
        m = audits[name].metrics
        out = {
            "ties": m["tie_rate"].ci_low > 0.0,
            "length": _excludes_zero(m["length_bias"].ci_low, m["length_bias"].ci_high),
            "baseline": _excludes_zero(gaps[name][1], gaps[name][2]),
            "self": _excludes_zero(selfs[name][1], selfs[name][2]),
            "noise": m["recovery"].ci_high < clean_recovery,
        }
        if name in comparisons:
            pc = m["position_consistency"]
            out["position"] = not math.isnan(pc.ci_high) and pc.ci_high < 1.0
        return {flag: out[flag] for flag in FLAGS if flag in out}

    def metric_row(name: str, metric: str, true_value: float, defect: str) -> DefectRecovery:
        est = audits[name].metrics[metric]
        return DefectRecovery(
            judge=name,
            defect=defect,
            metric=metric,
            true_value=true_value,
            estimate=est.estimate,
            ci_low=est.ci_low,
            ci_high=est.ci_high,
            flags=flags_of(name),
            expected_flag=_OWN_FLAG.get(name),
        )

    def own_row(name: str, metric: str, true_value: float, defect: str,
                value: tuple[float, float, float]) -> DefectRecovery:
        return DefectRecovery(
            judge=name,
            defect=defect,
            metric=metric,
            true_value=true_value,
            estimate=value[0],
            ci_low=value[1],
            ci_high=value[2],
            flags=flags_of(name),
            expected_flag=_OWN_FLAG.get(name),
        )

    drop = contrast.contrasts[0].difference
    d = design
    rows = [
        metric_row("clean", "recovery", clean_recovery, "none"),
        metric_row("coarse", "tie_rate", true_tie_rate(d),
                   f"scores rounded to a step of {d.coarse_step:g}"),
        metric_row("position", "position_consistency", true_position_consistency(d),
                   f"verdict 'first' on a share {d.position_rate:g} of presentations"),
        metric_row("length", "length_bias", true_length_bias(d),
                   f"score += {d.length_beta:g} x (length - 600) / 150"),
        own_row("baseline", "r_global - r_within", true_rglobal_gap(d, d.baseline_gamma),
                f"score += {d.baseline_gamma:g} x prompt baseline b_p", gaps["baseline"]),
        own_row("self", "self-preference contrast", d.self_delta,
                f"score += {d.self_delta:g} for source 'self'", selfs["self"]),
        own_row("noise", "recovery(noise) - recovery(clean)",
                true_recovery(d, d.noise_sigma) - clean_recovery,
                f"score += N(0, {d.noise_sigma:g}^2)",
                (drop.estimate, drop.ci_low, drop.ci_high)),
    ]
    return InstrumentReport(
        design=design,
        rows=rows,
        n_bootstrap=n_bootstrap,
        seed=seed,
        confidence=confidence,
        interval_method=interval,
        extra={"clean_recovery": clean_recovery, "clean_r_within": clean_recovery},
    )
