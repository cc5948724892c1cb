"""Terminal and Markdown rendering of a :class:`Comparison`."""

from __future__ import annotations

import math

from rich.console import Console
from rich.table import Table
from rich.text import Text

from judgespec.scorecard._compare import Comparison, MetricComparison
from judgespec.scorecard._format import NA, ci_label, fmt_ci, fmt_num, short_fingerprint
from judgespec.scorecard._model import Metric
from judgespec.scorecard._render_md import md_table, md_text

__all__ = ["render_comparison_markdown", "render_comparison_terminal"]


def _value(m: Metric | None) -> str:
    if m is None:
        return "missing"
    return f"{fmt_num(m.estimate)} {fmt_ci(m.ci_low, m.ci_high)}"


def _difference(row: MetricComparison, i: int) -> str:
    diff = row.differences[i]
    if math.isnan(diff):
        return NA
    text = fmt_num(diff)
    if not text.startswith("-"):
        text = "+" + text
    overlap = row.overlaps[i]
    if overlap is None:
        return text
    return f"{text} ({'intervals overlap' if overlap else 'no overlap'})"


def _columns(cmp: Comparison) -> list[str]:
    first = cmp.cards[0].label
    levels = {card.confidence for card in cmp.cards}
    interval = ci_label(cmp.cards[0].confidence) if len(levels) == 1 else "CI"
    head = ["metric"] + [f"{card.label} ({interval})" for card in cmp.cards]
    return head + [f"{card.label} - {first}" for card in cmp.cards[1:]]


def _rows(cmp: Comparison) -> list[list[str]]:
    return [
        [row.name]
        + [_value(v) for v in row.values]
        + [_difference(row, i) for i in range(1, len(cmp.cards))]
        for row in cmp.metrics
    ]


def _card_lines(cmp: Comparison) -> list[str]:
    return [
        f"{card.label}: framework {card.framework}, contract {card.contract} "
        f"({short_fingerprint(card.fingerprint)}), dataset {card.dataset or '-'}"
        for card in cmp.cards
    ]


def _verdict(cmp: Comparison) -> str:
    return "identical metrics: " + ("yes" if cmp.identical_metrics else "no")


def render_comparison_terminal(cmp: Comparison, console: Console | None = None) -> None:
    """Print a comparison to ``console`` (default: a new rich Console on stdout).

    Warnings (different contracts first) are printed in bold red before the table.
    """
    out = console if console is not None else Console()
    for warning in cmp.warnings:
        out.print(Text(f"WARNING: {warning}", style="bold red"))
    for line in _card_lines(cmp):
        out.print(Text(line))
    table = Table(title="Metrics side by side", title_justify="left")
    for i, column in enumerate(_columns(cmp)):
        table.add_column(column, justify="left" if i == 0 else "right")
    for row in _rows(cmp):
        table.add_row(*(Text(cell) for cell in row))
    out.print(table)
    out.print(Text(_verdict(cmp), style="bold"))


def _md_line(text: str) -> str:
    return " ".join(md_text(text).split())


def render_comparison_markdown(cmp: Comparison) -> str:
    """A comparison as Markdown: warnings, the cards, a side-by-side metrics table."""
    lines = ["# Scorecard comparison", ""]
    if cmp.warnings:
        lines += [f"> **WARNING:** {_md_line(w)}" for w in cmp.warnings] + [""]
    lines += [f"- {_md_line(line)}" for line in _card_lines(cmp)] + [""]
    lines += md_table(_columns(cmp), _rows(cmp), "l" + "r" * (len(_columns(cmp)) - 1))
    lines += ["", _verdict(cmp)]
    return "\n".join(lines) + "\n"
