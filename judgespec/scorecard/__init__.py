"""Scorecards: the standardized, versioned result of a judge audit.

Build one from an audit result with :func:`build_scorecard`, write it as strict JSON
with :func:`write_scorecard`, read it with :func:`load_scorecard`, render it with
:func:`render_terminal`, :func:`render_markdown` or :func:`render_html`, gate it with
:func:`evaluate_gates` and compare several with :func:`compare_scorecards`.

NaN (an undefined metric) is written as JSON ``null`` and read back as NaN.

Reading, gating and schema need only pydantic: :func:`build_scorecard` (which pulls in the
audit's statistics) and the terminal renderers (rich) are imported on first use, so
``judgespec gate`` starts fast.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

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
    from judgespec.scorecard._build import build_scorecard, format_created_at
    from judgespec.scorecard._render_compare import (
        render_comparison_markdown,
        render_comparison_terminal,
    )
    from judgespec.scorecard._render_term import render_terminal

_LAZY = {
    "build_scorecard": "judgespec.scorecard._build",
    "format_created_at": "judgespec.scorecard._build",
    "render_comparison_markdown": "judgespec.scorecard._render_compare",
    "render_comparison_terminal": "judgespec.scorecard._render_compare",
    "render_terminal": "judgespec.scorecard._render_term",
}

__all__ = [
    "SCORECARD_SCHEMA_PATH",
    "SCORECARD_VERSION",
    "BonPoint",
    "CardSummary",
    "Comparison",
    "ContractInfo",
    "Counts",
    "Diagnostics",
    "GateResult",
    "Metric",
    "MetricComparison",
    "RunInfo",
    "RunRecord",
    "Scorecard",
    "ScorecardError",
    "Slice",
    "TieGroup",
    "apply_gates",
    "build_scorecard",
    "check_gate_fingerprint",
    "compare_scorecards",
    "evaluate_gates",
    "format_created_at",
    "load_scorecard",
    "parse_scorecard",
    "render_comparison_markdown",
    "render_comparison_terminal",
    "render_html",
    "render_markdown",
    "render_terminal",
    "scorecard_json_schema",
    "scorecard_json_schema_text",
    "write_scorecard",
]


def __getattr__(name: str) -> Any:
    """Import a lazily exported name on first use (PEP 562)."""
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'judgespec.scorecard' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
