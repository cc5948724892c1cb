"""Standalone HTML report of a scorecard: one file, inline CSS and SVG, no JavaScript."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

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
from judgespec.scorecard._svg import Series, bar_chart, line_chart, scatter_chart

__all__ = ["render_html"]

_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:2rem auto;
max-width:64rem;padding:0 1rem;color:#1f2328;line-height:1.4}
h1{font-size:1.5rem}h2{font-size:1.15rem;margin-top:2rem;border-bottom:1px solid #d0d7de}
table{border-collapse:collapse;margin:.5rem 0}
th,td{border:1px solid #d0d7de;padding:.25rem .6rem;text-align:left;vertical-align:top}
th{background:#f6f8fa}td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
table.kv th{background:none;font-weight:600}
.warn{background:#fff8c5;border:1px solid #d4a72c;padding:.5rem .8rem;margin:.5rem 0}
.pass{color:#1a7f37;font-weight:700}.fail{color:#cf222e;font-weight:700}
.note{color:#57606a}.plots{display:flex;flex-wrap:wrap;gap:1rem}
code{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:.85em}
svg{font-size:11px;background:#fff;border:1px solid #d0d7de}
svg text{fill:#1f2328}svg text.title{font-size:13px;font-weight:600}
svg text.empty{fill:#57606a}svg .grid{stroke:#eaeef2}svg .axis{stroke:#57606a}
svg .zero{stroke:#8c959f;stroke-dasharray:4 3}svg .dot{fill:#0969da;fill-opacity:.35}
svg .bar{fill:#8250df}
footer{margin-top:2rem;color:#57606a;font-size:.85rem}
"""

_JUDGE, _ORACLE, _RANDOM = "#0969da", "#1a7f37", "#8c959f"


def _table(header: Sequence[str], rows: Sequence[Sequence[str]], numeric: Sequence[bool]) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in header)
    body = "".join(
        "<tr>"
        + "".join(
            f'<td class="num">{escape(c)}</td>' if num else f"<td>{escape(c)}</td>"
            for c, num in zip(row, numeric, strict=True)
        )
        + "</tr>"
        for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _kv(items: Sequence[tuple[str, str]]) -> str:
    rows = "".join(f"<tr><th>{escape(k)}</th><td>{escape(v)}</td></tr>" for k, v in items)
    return f'<table class="kv"><tbody>{rows}</tbody></table>'


def _metrics(sc: Scorecard) -> str:
    return _table(metric_header(sc), metric_rows(sc), [False, True, True, True, False])


def _bon(sc: Scorecard) -> str:
    curve = sc.bon_curve
    chart = line_chart(
        [
            Series("oracle", _ORACLE, [(p.k, p.oracle_utility) for p in curve]),
            Series("judge", _JUDGE, [(p.k, p.utility) for p in curve]),
            Series("random", _RANDOM, [(p.k, p.random_utility) for p in curve], dashed=True),
        ],
        title="Best-of-k: expected oracle utility of the pick",
        x_label="k (candidates per prompt)",
        y_label="oracle utility",
    )
    table = _table(BON_HEADER, bon_rows(sc), [True] * len(BON_HEADER))
    return f'<div class="plots">{chart}{table}</div>'


def _metric_note(sc: Scorecard, name: str) -> str:
    m = sc.metrics.get(name)
    return "" if m is None else f" ({name} = {fmt_num(m.estimate)})"


def _diagnostics(sc: Scorecard) -> str:
    d = sc.diagnostics
    if d is None:
        return '<p class="note">No diagnostics in this scorecard.</p>'
    scatter_g = scatter_chart(
        d.scatter_global,
        title="Global" + _metric_note(sc, "r_global"),
        x_label="judge score",
        y_label="oracle utility",
    )
    scatter_w = scatter_chart(
        d.scatter_within,
        title="Within prompt" + _metric_note(sc, "r_within"),
        x_label="judge score - prompt mean",
        y_label="oracle - prompt mean",
    )
    ties = bar_chart(
        [(str(t.size), float(t.groups)) for t in d.tie_groups],
        title="Within-prompt tie groups" + _metric_note(sc, "tie_rate"),
        x_label=f"size of a group of equal scores ({sc.run.tie_column})",
        y_label="groups",
    )
    return (
        "<h2>Agreement: global vs within prompt</h2>"
        '<p class="note">Selection depends on the within-prompt ranking; global agreement '
        "is carried by prompt-level baselines.</p>"
        f'<div class="plots">{scatter_g}{scatter_w}</div>'
        f'<h2>Ties</h2><div class="plots">{ties}</div>'
    )


def _gates(sc: Scorecard) -> str:
    rows = "".join(
        "<tr>"
        f"<td>{escape(f'{g.metric} {g.bound} {g.op} {g.threshold:g}')}</td>"
        f'<td class="num">{escape(fmt_num(g.value))}</td>'
        + ('<td class="pass">PASS</td>' if g.passed else '<td class="fail">FAIL</td>')
        + f"<td>{escape(g.reason)}</td></tr>"
        for g in sc.gates
    )
    summary = (
        '<p class="pass">All gates passed.</p>'
        if sc.gates_passed
        else '<p class="fail">Gates failed.</p>'
    )
    return (
        "<h2>Gates</h2><table><thead><tr><th>gate</th><th>value</th><th>result</th>"
        f"<th>reason</th></tr></thead><tbody>{rows}</tbody></table>{summary}"
    )


def _escalations(sc: Scorecard) -> str:
    shown = sc.escalations[:ESCALATIONS_SHOWN]
    head = f"{len(sc.escalations)} prompt(s) escalated for human review"
    if len(shown) < len(sc.escalations):
        head += f"; the first {len(shown)} are listed"
    items = ", ".join(f"<code>{escape(pid)}</code>" for pid in shown)
    return f"<h2>Escalations</h2><p>{escape(head)}:</p><p>{items}</p>"


def render_html(sc: Scorecard) -> str:
    """The scorecard as one standalone HTML page (deterministic; no external assets).

    Contains the contract and run header, contract warnings, the metrics table, the
    slice table (with ``--by``), the probe table, the best-of-k curve (judge vs oracle vs random utility), global vs within-prompt
    scatter plots and the tie histogram (when the scorecard has diagnostics), counts,
    gates and the first 50 escalated prompt ids. All text is HTML-escaped.
    """
    c = sc.contract
    title = f"judgespec scorecard: {c.name} v{c.version}"
    parts = [
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(title)}</title><style>{_CSS}</style></head><body>",
        f"<h1>{escape(title)}</h1>",
        _kv(header_items(sc, short=False)),
    ]
    parts += [f'<div class="warn"><strong>warning:</strong> {escape(w)}</div>' for w in sc.all_warnings]
    parts += ["<h2>Metrics</h2>", _metrics(sc)]
    if sc.slices:
        header = slice_header(sc)
        parts += [
            f"<h2>Slices by {escape(sc.slices[0].by)}</h2>",
            _table(header, slice_rows(sc), [False] + [True] * (len(header) - 1)),
        ]
    if sc.probes:
        parts += [
            "<h2>Probes (perturbed minus original)</h2>",
            _table(PROBE_HEADER, probe_rows(sc), [False] + [True] * (len(PROBE_HEADER) - 1)),
        ]
    if sc.bon_curve:
        parts += ["<h2>Best-of-k curve</h2>", _bon(sc)]
    parts.append(_diagnostics(sc))
    parts += ["<h2>Counts</h2>", _kv(count_items(sc))]
    if sc.gates:
        parts.append(_gates(sc))
    if sc.escalations:
        parts.append(_escalations(sc))
    parts.append(
        f"<footer>Built {escape(sc.run.created_at)} by judgespec "
        f"{escape(sc.run.judgespec_version)}; scorecard format {sc.scorecard_version}.</footer>"
    )
    parts.append("</body></html>\n")
    return "\n".join(parts)
