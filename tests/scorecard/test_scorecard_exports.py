"""The public surface of judgespec.scorecard stays what it is."""

from __future__ import annotations

import judgespec.scorecard as scorecard

EXPECTED = {
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
    "ProbeResult",
    "RunInfo",
    "RunRecord",
    "Scorecard",
    "ScorecardError",
    "Slice",
    "TieGroup",
    "apply_gates",
    "check_gate_fingerprint",
    "build_scorecard",
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
    "CONTRAST_SCHEMA_PATH",
    "CONTRAST_VERSION",
    "Contrast",
    "ContrastGateResult",
    "ContrastJudge",
    "ContrastRow",
    "ContrastRun",
    "DifferenceValue",
    "Dropped",
    "JudgeValue",
    "build_contrast",
    "contrast_json_schema",
    "contrast_judged_sets",
    "gate_contrast",
    "load_contrast",
    "read_judged_set",
    "render_contrast_html",
    "render_contrast_markdown",
    "render_contrast_terminal",
    "write_contrast",
}


def test_public_names() -> None:
    assert set(scorecard.__all__) == EXPECTED
    assert len(scorecard.__all__) == len(EXPECTED)
    for name in scorecard.__all__:
        assert getattr(scorecard, name) is not None


def test_error_is_a_judgespec_error() -> None:
    from judgespec._errors import JudgespecError

    assert issubclass(scorecard.ScorecardError, JudgespecError)


def test_public_functions_have_docstrings() -> None:
    for name in scorecard.__all__:
        obj = getattr(scorecard, name)
        if callable(obj):
            assert obj.__doc__, name
