"""Terminal rendering of a scorecard with rich (tables, coloured warnings and gates)."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table
from rich.text import Text

from judgespec.scorecard._format import (
    BON_HEADER,
    PROBE_HEADER,
    bon_rows,
    count_items,
    fmt_num,
    header_items,
    metric_header,
    metric_rows,
    probe_rows,
    slice_header,
    slice_rows,
)
from judgespec.scorecard._model import Scorecard

__all__ = ["render_terminal"]

_ESCALATIONS_SHOWN_TERM = 10


def _header(sc: Scorecard) -> Table:
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold")
    grid.add_column()
    for label, text in header_items(sc, short=True):
        grid.add_row(Text(label), Text(text))
    counts = ", ".join(f"{text} {label}" for label, text in count_items(sc))
    grid.add_row(Text("Counts"), Text(counts))
    return grid


def _metrics(sc: Scorecard) -> Table:
    table = Table(title="Metrics", title_justify="left")
    name, estimate, ci, n, note = metric_header(sc)
    table.add_column(name)
    for column in (estimate, ci, n):
        table.add_column(column, justify="right")
    table.add_column(note, style="dim")
    for row in metric_rows(sc):
        table.add_row(*(Text(cell) for cell in row))
    return table


def _slices(sc: Scorecard) -> Table:
    table = Table(title=f"Slices by {sc.slices[0].by}", title_justify="left")
    header = slice_header(sc)
    table.add_column(header[0])
    for column in header[1:]:
        table.add_column(column, justify="right")
    for row in slice_rows(sc):
        table.add_row(*(Text(cell) for cell in row))
    return table


def _probes(sc: Scorecard) -> Table:
    table = Table(title="Probes (perturbed minus original)", title_justify="left")
    table.add_column(PROBE_HEADER[0])
    for column in PROBE_HEADER[1:]:
        table.add_column(column, justify="right")
    for row in probe_rows(sc):
        table.add_row(*(Text(cell) for cell in row))
    return table


def _bon(sc: Scorecard) -> Table:
    table = Table(title="Best-of-k (expected oracle utility)", title_justify="left")
    for column in BON_HEADER:
        table.add_column(column, justify="right")
    for row in bon_rows(sc):
        table.add_row(*row)
    return table


def _gates(sc: Scorecard) -> Table:
    table = Table(title="Gates", title_justify="left")
    table.add_column("gate")
    table.add_column("value", justify="right")
    table.add_column("result")
    table.add_column("reason")
    for g in sc.gates:
        verdict = Text("PASS", style="bold green") if g.passed else Text("FAIL", style="bold red")
        table.add_row(
            Text(f"{g.metric} {g.bound} {g.op} {g.threshold:g}"),
            Text(fmt_num(g.value)),
            verdict,
            Text(g.reason),
        )
    return table


def render_terminal(sc: Scorecard, console: Console | None = None) -> None:
    """Print the scorecard to ``console`` (default: a new rich Console on stdout).

    Shows the contract and run header with counts, contract warnings in yellow, the
    metrics table (estimate, interval, n), the slice table (with ``--by``), the probe table (when the contract declares probes), the
    best-of-k curve, gate outcomes and the
    number of escalated prompts. User-supplied text is never read as rich markup.
    """
    out = console if console is not None else Console()
    out.print(Text(f"judgespec scorecard: {sc.contract.name}", style="bold"))
    out.print(_header(sc))
    for warning in sc.all_warnings:
        out.print(Text(f"warning: {warning}", style="yellow"))
    out.print(_metrics(sc))
    if sc.slices:
        out.print(_slices(sc))
    if sc.probes:
        out.print(_probes(sc))
    if sc.bon_curve:
        out.print(_bon(sc))
    if sc.gates:
        out.print(_gates(sc))
        summary = "all gates passed" if sc.gates_passed else "gates FAILED"
        out.print(Text(summary, style="bold green" if sc.gates_passed else "bold red"))
    if sc.escalations:
        shown = sc.escalations[:_ESCALATIONS_SHOWN_TERM]
        more = len(sc.escalations) - len(shown)
        line = f"{len(sc.escalations)} prompt(s) escalated for human review: " + ", ".join(shown)
        if more:
            line += f", ... (+{more} more)"
        out.print(Text(line, style="yellow"))
