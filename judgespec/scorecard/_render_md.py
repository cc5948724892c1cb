"""Markdown rendering of a scorecard (deterministic: same scorecard, same text)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from judgespec.scorecard._format import (
    BON_HEADER,
    ESCALATIONS_SHOWN,
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

__all__ = ["md_cell", "md_code", "md_table", "md_text", "render_markdown"]


_HTML_START = re.compile(r"<(?=[A-Za-z/!?])")
_ENTITY_START = re.compile(r"&(?=[A-Za-z#])")


def md_text(text: str) -> str:
    """Text that cannot become HTML in Markdown: every ``<`` that could open a tag, a
    comment, a processing instruction or an autolink becomes ``&lt;``, and every ``&``
    that could start an entity becomes ``&amp;`` (CommonMark 0.31, sections 6.5-6.6).
    A ``<`` before a space or ``=`` (``ci_high <= 0.5``) cannot start HTML and stays."""
    return _HTML_START.sub("&lt;", _ENTITY_START.sub("&amp;", text))


def md_cell(text: str) -> str:
    """Text safe inside a Markdown table cell (HTML escaped, pipes escaped, one line)."""
    return " ".join(md_text(text).replace("\\", "\\\\").replace("|", "\\|").split())


def md_code(text: str) -> str:
    """Inline code on one line whose fence is longer than any backtick run inside ``text``.

    Code spans show their content literally (no HTML); whitespace runs, line breaks
    included, become one space so the span cannot end early at a blank line.
    """
    text = " ".join(text.split())
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def md_table(header: Sequence[str], rows: Sequence[Sequence[str]], align: str) -> list[str]:
    """Lines of a Markdown table; ``align`` has one ``l`` or ``r`` per column."""
    marks = {"l": "---", "r": "---:"}
    lines = [
        "| " + " | ".join(md_cell(h) for h in header) + " |",
        "| " + " | ".join(marks[a] for a in align) + " |",
    ]
    lines += ["| " + " | ".join(md_cell(cell) for cell in row) + " |" for row in rows]
    return lines


def render_markdown(sc: Scorecard) -> str:
    """The scorecard as a Markdown document (tables for header, metrics, curve, gates).

    Numbers are shown with 3 decimals; ``n/a`` marks an undefined (NaN) value.
    """
    lines = [f"# Judge scorecard: {md_cell(sc.contract.name)}", ""]
    lines += md_table(["", ""], header_items(sc, short=False), "ll")
    if sc.all_warnings:
        lines += ["", "## Warnings", ""]
        lines += [f"- **warning:** {md_cell(w)}" for w in sc.all_warnings]
    lines += ["", "## Metrics", ""]
    lines += md_table(metric_header(sc), metric_rows(sc), "lrrrl")
    if sc.slices:
        lines += ["", f"## Slices by {md_cell(sc.slices[0].by)}", ""]
        header = slice_header(sc)
        lines += md_table(header, slice_rows(sc), "l" + "r" * (len(header) - 1))
    if sc.probes:
        lines += ["", "## Probes (perturbed minus original)", ""]
        lines += md_table(PROBE_HEADER, probe_rows(sc), "lrrrrrr")
    if sc.bon_curve:
        lines += ["", "## Best-of-k curve", ""]
        lines += md_table(BON_HEADER, bon_rows(sc), "r" * len(BON_HEADER))
    lines += ["", "## Counts", ""]
    lines += md_table(["count", "value"], count_items(sc), "lr")
    if sc.gates:
        lines += ["", "## Gates", ""]
        lines += md_table(
            ["gate", "value", "result", "reason"],
            [
                [
                    f"{g.metric} {g.bound} {g.op} {g.threshold:g}",
                    fmt_num(g.value),
                    "PASS" if g.passed else "**FAIL**",
                    g.reason,
                ]
                for g in sc.gates
            ],
            "lrll",
        )
        lines += ["", "All gates passed." if sc.gates_passed else "**Gates failed.**"]
    if sc.escalations:
        shown = sc.escalations[:ESCALATIONS_SHOWN]
        lines += ["", "## Escalations", ""]
        head = f"{len(sc.escalations)} prompt(s) escalated for human review"
        if len(shown) < len(sc.escalations):
            head += f" (first {len(shown)} shown)"
        lines += [head + ":", "", ", ".join(md_code(pid) for pid in shown)]
    return "\n".join(lines) + "\n"
