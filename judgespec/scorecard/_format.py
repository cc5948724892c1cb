"""Number and header formatting shared by the renderers (deterministic, locale-free)."""

from __future__ import annotations

import math

from judgespec.scorecard._model import Scorecard

__all__ = [
    "BON_HEADER",
    "ESCALATIONS_SHOWN",
    "PROBE_HEADER",
    "bon_rows",
    "ci_label",
    "count_items",
    "fmt_ci",
    "fmt_num",
    "header_items",
    "metric_header",
    "metric_rows",
    "probe_rows",
    "short_fingerprint",
    "slice_header",
    "slice_rows",
]

ESCALATIONS_SHOWN = 50
"""How many escalated prompt ids the Markdown and HTML reports list."""

NA = "n/a"


def fmt_num(value: float, digits: int = 3) -> str:
    """``value`` with ``digits`` decimals; ``n/a`` for NaN; no negative zero."""
    if math.isnan(value):
        return NA
    text = f"{value:.{digits}f}"
    if text.startswith("-") and float(text) == 0.0:
        text = text[1:]
    return text


def fmt_ci(low: float, high: float, digits: int = 3) -> str:
    """An interval as ``[low, high]``; ``n/a`` when either end is NaN."""
    if math.isnan(low) or math.isnan(high):
        return NA
    return f"[{fmt_num(low, digits)}, {fmt_num(high, digits)}]"


def ci_label(confidence: float) -> str:
    """Column label of the intervals, e.g. ``95% CI``."""
    return f"{confidence * 100:g}% CI"


def short_fingerprint(fingerprint: str, length: int = 12) -> str:
    """The first ``length`` characters of a fingerprint, keeping an ``algo:`` prefix."""
    prefix, sep, digest = fingerprint.rpartition(":")
    return f"{prefix}{sep}{digest[:length]}"


def _opt(value: object) -> str:
    return "-" if value is None else str(value)


def header_items(sc: Scorecard, *, short: bool = True) -> list[tuple[str, str]]:
    """(label, text) pairs describing the contract and run, in display order.

    ``short`` abbreviates the fingerprint (terminal); reports show it in full.
    """
    c, r = sc.contract, sc.run
    judge = c.judge_model if c.revision is None else f"{c.judge_model} @ {c.revision}"
    return [
        ("Contract", f"{c.name} v{c.version}"),
        ("Fingerprint", short_fingerprint(c.fingerprint) if short else c.fingerprint),
        ("Judge model", judge),
        ("Protocol", f"{c.protocol} (tie policy: {c.tie_policy})"),
        ("Framework", r.framework),
        ("Policy model", _opt(r.policy_model)),
        ("Dataset", _opt(r.dataset)),
        ("n per prompt", _opt(r.n)),
        ("Candidate pool", _opt(r.candidate_pool)),
        (
            "Intervals",
            f"{ci_label(r.confidence)}, {r.interval_method} cluster bootstrap over prompts, "
            f"{r.n_bootstrap} replicates, seed {r.seed}",
        ),
        ("Created", f"{r.created_at} by judgespec {r.judgespec_version}"),
    ] + (
        [("Ties counted on", "judge_score_raw (the judge's scores before the engine's tie break)")]
        if r.tie_column == "judge_score_raw"
        else []
    )


def count_items(sc: Scorecard) -> list[tuple[str, str]]:
    """(label, text) pairs of the audit counts, in display order."""
    k = sc.counts
    coverage = f" ({k.oracle_labelled / k.candidates:.1%})" if k.candidates else ""
    items = [
        ("prompts", str(k.prompts)),
        ("candidates", str(k.candidates)),
        ("oracle labelled", f"{k.oracle_labelled}{coverage}"),
        ("judged", str(k.judged)),
        ("parse failures", str(k.parse_failures)),
        ("abstentions", str(k.abstentions)),
        ("selection prompts", str(k.selection_prompts)),
    ]
    if k.comparisons or k.comparison_parse_failures:
        items += [
            ("comparisons", str(k.comparisons)),
            ("comparison parse failures", str(k.comparison_parse_failures)),
        ]
    if k.derived_scores:
        items.append(("scores derived from comparisons", str(k.derived_scores)))
    return items


SLICE_METRICS = (
    "recovery",
    "top1_accuracy",
    "regret",
    "r_within",
    "tie_rate",
    "pairwise_accuracy",
    "pairwise_zero_sum_rate",
    "position_consistency",
)
"""The metrics the slice table shows (those defined in at least one slice)."""


def _slice_metrics(sc: Scorecard) -> list[str]:
    return [
        name
        for name in SLICE_METRICS
        if any(name in s.metrics and not math.isnan(s.metrics[name].estimate) for s in sc.slices)
    ]


def slice_header(sc: Scorecard) -> list[str]:
    """Column names of the slice table: the slice, its prompts, then one per metric."""
    return ["slice", "prompts", *_slice_metrics(sc)]


def slice_rows(sc: Scorecard) -> list[list[str]]:
    """One row per slice: ``by = value``, prompts, and ``estimate [low, high]`` per metric."""
    names = _slice_metrics(sc)
    rows = []
    for s in sc.slices:
        cells = [f"{s.by} = {s.value}", str(s.counts.prompts)]
        for name in names:
            m = s.metrics.get(name)
            if m is None or math.isnan(m.estimate):
                cells.append(NA)
            elif math.isnan(m.ci_low) or math.isnan(m.ci_high):
                cells.append(fmt_num(m.estimate))
            else:
                cells.append(f"{fmt_num(m.estimate)} {fmt_ci(m.ci_low, m.ci_high)}")
        rows.append(cells)
    return rows


PROBE_HEADER = ["probe", "prompts", "score shift", "flip rate", "flips b/c (pairs)", "McNemar p", "BH q"]
"""Columns of the probe table."""


def _probe_cell(estimate: float, low: float, high: float) -> str:
    if math.isnan(estimate):
        return NA
    if math.isnan(low) or math.isnan(high):
        return fmt_num(estimate)
    return f"{fmt_num(estimate)} {fmt_ci(low, high)}"


def probe_rows(sc: Scorecard) -> list[list[str]]:
    """One row per probe: kind and perturbation, prompts, score shift and flip rate with
    intervals, McNemar's discordant counts ``b/c`` (comparisons), p-value and BH q-value."""
    rows = []
    for p in sc.probes:
        shift, flip = p.score_shift, p.flip_rate
        rows.append(
            [
                f"{p.kind}: {p.description}",
                str(p.prompts),
                _probe_cell(shift.estimate, shift.ci_low, shift.ci_high),
                _probe_cell(flip.estimate, flip.ci_low, flip.ci_high),
                f"{p.gained}/{p.lost} ({p.pairs} {p.pairs_from})",
                fmt_num(p.mcnemar_p, 4),
                fmt_num(p.bh_q, 4),
            ]
        )
    return rows


BON_HEADER = ["k", "judge", "oracle", "random", "recovery", "prompts"]
"""Column names of the best-of-k table."""


def metric_header(sc: Scorecard) -> list[str]:
    """Column names of the metrics table."""
    return ["metric", "estimate", ci_label(sc.run.confidence), "n", "note"]


def metric_rows(sc: Scorecard) -> list[list[str]]:
    """One row of text per metric, in the scorecard's order (every renderer's table)."""
    return [
        [
            name,
            fmt_num(m.estimate),
            fmt_ci(m.ci_low, m.ci_high),
            f"{m.n} {m.unit}",
            _note(m.reason, m.replicates, sc.run.n_bootstrap, math.isnan(m.estimate)),
        ]
        for name, m in sc.metrics.items()
    ]


def _note(reason: str | None, replicates: int | None, n_bootstrap: int, undefined: bool) -> str:
    """The note column: the reason or caveat, and how many replicates were undefined."""
    parts = [reason] if reason else []
    if replicates is not None and not undefined and n_bootstrap and replicates < n_bootstrap:
        parts.append(f"interval from {replicates} of {n_bootstrap} replicates (others undefined)")
    return "; ".join(parts)


def bon_rows(sc: Scorecard) -> list[list[str]]:
    """One row of text per point of the best-of-k curve."""
    return [
        [
            str(p.k),
            fmt_num(p.utility),
            fmt_num(p.oracle_utility),
            fmt_num(p.random_utility),
            fmt_num(p.recovery),
            str(p.prompts),
        ]
        for p in sc.bon_curve
    ]
