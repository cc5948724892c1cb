"""Terminal, Markdown and HTML rendering of a :class:`Contrast`."""

from __future__ import annotations

import math
from html import escape

from rich.console import Console
from rich.table import Table
from rich.text import Text

from judgespec.scorecard._contrast import Contrast, ContrastRow
from judgespec.scorecard._format import NA, ci_label, fmt_ci, fmt_num
from judgespec.scorecard._render_html import _CSS, _table
from judgespec.scorecard._render_md import md_cell, md_table

__all__ = ["render_contrast_html", "render_contrast_markdown", "render_contrast_terminal"]


def fmt_p(value: float) -> str:
    """A p-value with 3 significant decimals (``<0.001`` below that); ``n/a`` for NaN."""
    if math.isnan(value):
        return NA
    return "<0.001" if value < 0.001 else f"{value:.3f}"


def _signed(value: float) -> str:
    text = fmt_num(value)
    return text if text == NA or text.startswith("-") or float(text) == 0.0 else "+" + text


def _value(estimate: float, low: float, high: float) -> str:
    """``estimate [low, high]``; ``n/a`` alone for an undefined metric."""
    if math.isnan(estimate):
        return NA
    return f"{fmt_num(estimate)} {fmt_ci(low, high)}"


def _header(contrast: Contrast, judge: str) -> list[str]:
    ci = ci_label(contrast.run.confidence)
    ref = contrast.judges[0].label
    return ["metric", f"{ref} ({ci})", f"{judge} ({ci})", f"{judge} - {ref} ({ci})", "p", "p (Holm)"]


def _row(row: ContrastRow) -> list[str]:
    ref, judge = row.judges
    d = row.difference
    diff = NA if math.isnan(d.estimate) else f"{_signed(d.estimate)} {fmt_ci(d.ci_low, d.ci_high)}"
    return [
        row.metric,
        _value(ref.estimate, ref.ci_low, ref.ci_high),
        _value(judge.estimate, judge.ci_low, judge.ci_high),
        diff,
        fmt_p(row.p_value),
        fmt_p(row.p_holm),
    ]


def _summary(contrast: Contrast) -> list[str]:
    run = contrast.run
    lines = [
        f"{run.prompts} prompts, {run.candidates} candidates; one joint cluster bootstrap "
        f"({run.n_bootstrap} replicates, {run.interval_method} intervals, seed {run.seed}): "
        "every judge sees the same resampled prompts",
    ]
    lines += [
        f"{j.label}: {j.source}"
        + (f", contract {j.contract}" if j.contract else "")
        + f", tie policy {j.tie_policy}"
        + (" (reference)" if i == 0 else "")
        for i, j in enumerate(contrast.judges)
    ]
    lines += [
        f"--intersect left out of {d.label}: {d.prompts} prompt(s), {d.candidates} candidate(s)"
        for d in run.dropped
    ]
    return lines


def _notes(contrast: Contrast) -> list[str]:
    notes: list[str] = []
    for row in contrast.contrasts:
        reason = row.difference.reason
        note = f"{row.metric} ({row.judges[1].label}): {reason}"
        if reason and note not in notes:
            notes.append(note)
    return notes


def _gate_lines(contrast: Contrast) -> list[str]:
    return [
        f"{'PASS' if g.passed else 'FAIL'}  {g.judge} - {g.reference}: {g.reason}"
        for g in contrast.gates
    ]


def render_contrast_terminal(contrast: Contrast, console: Console | None = None) -> None:
    """Print a contrast: one table per non-reference judge, then notes and gates."""
    out = console if console is not None else Console()
    for line in _summary(contrast):
        out.print(Text(line))
    for judge in contrast.judges[1:]:
        table = Table(title=f"{judge.label} vs {contrast.judges[0].label}", title_justify="left")
        for i, column in enumerate(_header(contrast, judge.label)):
            table.add_column(column, justify="left" if i == 0 else "right")
        for row in contrast.rows_of(judge.label):
            table.add_row(*(Text(cell) for cell in _row(row)))
        out.print(table)
    for note in _notes(contrast):
        out.print(Text(f"note: {note}", style="dim"))
    for line in _gate_lines(contrast):
        out.print(Text(line, style="bold green" if line.startswith("PASS") else "bold red"))


def render_contrast_markdown(contrast: Contrast) -> str:
    """A contrast as Markdown: the judges, one paired table per judge, notes, gates."""
    lines = ["# Judge contrast", ""]
    lines += [f"- {md_cell(line)}" for line in _summary(contrast)] + [""]
    for judge in contrast.judges[1:]:
        lines += [f"## {md_cell(judge.label)} vs {md_cell(contrast.judges[0].label)}", ""]
        rows = [_row(row) for row in contrast.rows_of(judge.label)]
        lines += [*md_table(_header(contrast, judge.label), rows, "lrrrrr"), ""]
    notes = _notes(contrast)
    if notes:
        lines += ["## Notes", ""] + [f"- {md_cell(n)}" for n in notes] + [""]
    if contrast.gates:
        lines += ["## Gates", ""] + [f"- {md_cell(g)}" for g in _gate_lines(contrast)] + [""]
    return "\n".join(lines)


def render_contrast_html(contrast: Contrast) -> str:
    """A standalone HTML page of the contrast (inline CSS, no JavaScript)."""
    parts = [
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">",
        "<title>Judge contrast</title>",
        f"<style>{_CSS}</style></head><body><h1>Judge contrast</h1><ul>",
        "".join(f"<li>{escape(line)}</li>" for line in _summary(contrast)),
        "</ul>",
    ]
    for judge in contrast.judges[1:]:
        rows = [_row(row) for row in contrast.rows_of(judge.label)]
        parts.append(f"<h2>{escape(judge.label)} vs {escape(contrast.judges[0].label)}</h2>")
        parts.append(_table(_header(contrast, judge.label), rows, [False] + [True] * 5))
    notes = _notes(contrast)
    if notes:
        parts.append('<h2>Notes</h2><ul class="note">')
        parts.append("".join(f"<li>{escape(n)}</li>" for n in notes) + "</ul>")
    if contrast.gates:
        parts.append("<h2>Gates</h2><ul>")
        parts.append(
            "".join(
                f'<li><span class="{"pass" if g.passed else "fail"}">'
                f'{"PASS" if g.passed else "FAIL"}</span> '
                f"{escape(g.judge)} - {escape(g.reference)}: {escape(g.reason)}</li>"
                for g in contrast.gates
            )
            + "</ul>"
        )
    parts.append(
        f"<footer>judgespec {escape(contrast.run.judgespec_version)}, "
        f"{escape(contrast.run.created_at)}</footer></body></html>\n"
    )
    return "".join(parts)
