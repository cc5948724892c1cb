"""Scorecards: the standardized, versioned result of a judge audit.

Build one from an audit result with :func:`build_scorecard`, write it as strict JSON
with :func:`write_scorecard`, read it with :func:`load_scorecard`, render it with
:func:`render_terminal`, :func:`render_markdown` or :func:`render_html`, gate it with
:func:`evaluate_gates` and compare several with :func:`compare_scorecards`. Paired
contrasts of judges on the same candidates are :class:`Contrast` files
(:func:`contrast_judged_sets`, :func:`write_contrast`, :func:`render_contrast_markdown`).

NaN (an undefined metric) is written as JSON ``null`` and read back as NaN.

Reading, gating and schema need only pydantic: what pulls in the audit's statistics
(:func:`build_scorecard`, the contrast functions and models) and the terminal renderers
(rich) is imported on first use, so ``judgespec gate`` starts fast.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from judgespec._lazy import lazy_exports
from judgespec.scorecard._compare import (
    CardSummary,
    Comparison,
    MetricComparison,
    compare_scorecards,
)
from judgespec.scorecard._gate import apply_gates, check_gate_fingerprint, evaluate_gates
from judgespec.scorecard._io import load_scorecard, parse_scorecard, write_scorecard
from judgespec.scorecard._model import (
    SCORECARD_VERSION,
    BonPoint,
    ContractInfo,
    Counts,
    Diagnostics,
    GateResult,
    Metric,
    ProbeResult,
    RunInfo,
    RunRecord,
    Scorecard,
    ScorecardError,
    Slice,
    TieGroup,
)
from judgespec.scorecard._render_html import render_html
from judgespec.scorecard._render_md import render_markdown
from judgespec.scorecard._schema import (
    SCORECARD_SCHEMA_PATH,
    scorecard_json_schema,
    scorecard_json_schema_text,
)

if TYPE_CHECKING:
    from judgespec.scorecard._build import (
        build_scorecard,
        format_created_at,
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
    from judgespec.scorecard._render_compare import (
        render_comparison_markdown,
        render_comparison_terminal,
    )
    from judgespec.scorecard._render_contrast import (
        render_contrast_html,
        render_contrast_markdown,
        render_contrast_terminal,
    )
    from judgespec.scorecard._render_term import (
        render_terminal,
    )

#: Public names imported on first use, by module.
_LAZY: dict[str, str] = {
    "build_scorecard": "judgespec.scorecard._build",
    "format_created_at": "judgespec.scorecard._build",
    "CONTRAST_SCHEMA_PATH": "judgespec.scorecard._contrast",
    "CONTRAST_VERSION": "judgespec.scorecard._contrast",
    "Contrast": "judgespec.scorecard._contrast",
    "ContrastGateResult": "judgespec.scorecard._contrast",
    "ContrastJudge": "judgespec.scorecard._contrast",
    "ContrastRow": "judgespec.scorecard._contrast",
    "ContrastRun": "judgespec.scorecard._contrast",
    "DifferenceValue": "judgespec.scorecard._contrast",
    "Dropped": "judgespec.scorecard._contrast",
    "JudgeValue": "judgespec.scorecard._contrast",
    "build_contrast": "judgespec.scorecard._contrast",
    "contrast_json_schema": "judgespec.scorecard._contrast",
    "contrast_judged_sets": "judgespec.scorecard._contrast",
    "gate_contrast": "judgespec.scorecard._contrast",
    "load_contrast": "judgespec.scorecard._contrast",
    "read_judged_set": "judgespec.scorecard._contrast",
    "write_contrast": "judgespec.scorecard._contrast",
    "render_comparison_markdown": "judgespec.scorecard._render_compare",
    "render_comparison_terminal": "judgespec.scorecard._render_compare",
    "render_contrast_html": "judgespec.scorecard._render_contrast",
    "render_contrast_markdown": "judgespec.scorecard._render_contrast",
    "render_contrast_terminal": "judgespec.scorecard._render_contrast",
    "render_terminal": "judgespec.scorecard._render_term",
}

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
    "ProbeResult",
    "RunInfo",
    "RunRecord",
    "Scorecard",
    "ScorecardError",
    "Slice",
    "TieGroup",
    "apply_gates",
    "build_contrast",
    "build_scorecard",
    "check_gate_fingerprint",
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


__getattr__, __dir__ = lazy_exports(__name__, _LAZY, __all__)
