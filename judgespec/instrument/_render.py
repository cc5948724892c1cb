"""The planted-defect table as Markdown (the docs' table and the command's output)."""

from __future__ import annotations

from ._planted import InstrumentReport

__all__ = ["render_instrument_markdown"]


def _num(value: float) -> str:
    return f"{value:.3f}"


def render_instrument_markdown(report: InstrumentReport) -> str:
    """One row per judge: defect, metric, true value, estimate with interval, flags.

    The text depends only on the report, so a fresh run with the same design, seed and
    bootstrap settings renders the same bytes.
    """
    d = report.design
    level = f"{100 * report.confidence:g}%"
    lines = [
        f"{d.n_prompts} prompts x {d.n_candidates} candidates (data seed {d.seed}); "
        f"{report.interval_method} cluster-bootstrap {level} intervals, "
        f"{report.n_bootstrap} replicates, seed {report.seed}.",
        "",
        f"| judge | planted defect | audit metric | true value | estimate [{level} CI] "
        "| covered | flags raised |",
        "|---|---|---|---|---|---|---|",
    ]
    for row in report.rows:
        raised = [
            f"**{flag}**" if flag == row.expected_flag else flag
            for flag, on in row.flags.items()
            if on
        ]
        lines.append(
            f"| {row.judge} | {row.defect} | {row.metric} | {_num(row.true_value)} "
            f"| {_num(row.estimate)} [{_num(row.ci_low)}, {_num(row.ci_high)}] "
            f"| {'yes' if row.covered else 'NO'} | {', '.join(raised) or 'none'} |"
        )
    verdict = "passed" if report.passed else "FAILED"
    lines += [
        "",
        f"Suite {verdict}: every interval covers its true value, each defect raises its own "
        "flag (bold) and the clean judge raises none."
        if report.passed
        else f"Suite {verdict}: see the rows above (an uncovered true value, a missing own "
        "flag, or a flag on the clean judge).",
    ]
    return "\n".join(lines) + "\n"
