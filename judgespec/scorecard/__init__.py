"""Scorecards: the standardized, versioned result of a judge audit.

Build one from an audit result with :func:`build_scorecard`, write it as strict JSON
with :func:`write_scorecard`, read it with :func:`load_scorecard`, render it with
:func:`render_terminal`, :func:`render_markdown` or :func:`render_html`, gate it with
:func:`evaluate_gates` and compare several with :func:`compare_scorecards`. Paired
contrasts of judges on the same candidates are :class:`Contrast` files
(:func:`contrast_judged_sets`, :func:`write_contrast`, :func:`render_contrast_markdown`).

NaN (an undefined metric) is written as JSON ``null`` and read back as NaN.
"""

from __future__ import annotations

from judgespec.scorecard._build import build_scorecard, format_created_at
from judgespec.scorecard._compare import (
    CardSummary,
    Comparison,
    MetricComparison,
    compare_scorecards,
)
from judgespec.scorecard._contrast import (
    CONTRAST_SCHEMA_PATH,
    CONTRAST_VERSION,
    Contrast,
    ContrastGateResult,
    ContrastJudge,
    ContrastRow,
    ContrastRun,
    DifferenceValue,
    Dropped,
    JudgeValue,
    build_contrast,
    contrast_json_schema,
    contrast_judged_sets,
    gate_contrast,
    load_contrast,
    read_judged_set,
    write_contrast,
)
from judgespec.scorecard._gate import apply_gates, evaluate_gates
from judgespec.scorecard._io import load_scorecard, parse_scorecard, write_scorecard
from judgespec.scorecard._model import (
    SCORECARD_VERSION,
    BonPoint,
    ContractInfo,
    Counts,
    Diagnostics,
    GateResult,
    Metric,
    RunInfo,
    RunRecord,
    Scorecard,
    ScorecardError,
    TieGroup,
)
from judgespec.scorecard._render_compare import (
    render_comparison_markdown,
    render_comparison_terminal,
)
from judgespec.scorecard._render_contrast import (
    render_contrast_html,
    render_contrast_markdown,
    render_contrast_terminal,
)
from judgespec.scorecard._render_html import render_html
from judgespec.scorecard._render_md import render_markdown
from judgespec.scorecard._render_term import render_terminal
from judgespec.scorecard._schema import (
    SCORECARD_SCHEMA_PATH,
    scorecard_json_schema,
    scorecard_json_schema_text,
)

__all__ = [
    "CONTRAST_SCHEMA_PATH",
    "CONTRAST_VERSION",
    "SCORECARD_SCHEMA_PATH",
    "SCORECARD_VERSION",
    "BonPoint",
    "CardSummary",
    "Comparison",
    "ContractInfo",
    "Contrast",
    "ContrastGateResult",
    "ContrastJudge",
    "ContrastRow",
    "ContrastRun",
    "Counts",
    "Diagnostics",
    "DifferenceValue",
    "Dropped",
    "GateResult",
    "JudgeValue",
    "Metric",
    "MetricComparison",
    "RunInfo",
    "RunRecord",
    "Scorecard",
    "ScorecardError",
    "TieGroup",
    "apply_gates",
    "build_contrast",
    "build_scorecard",
    "compare_scorecards",
    "contrast_json_schema",
    "contrast_judged_sets",
    "evaluate_gates",
    "format_created_at",
    "gate_contrast",
    "load_contrast",
    "load_scorecard",
    "parse_scorecard",
    "read_judged_set",
    "render_comparison_markdown",
    "render_comparison_terminal",
    "render_contrast_html",
    "render_contrast_markdown",
    "render_contrast_terminal",
    "render_html",
    "render_markdown",
    "render_terminal",
    "scorecard_json_schema",
    "scorecard_json_schema_text",
    "write_contrast",
    "write_scorecard",
]
