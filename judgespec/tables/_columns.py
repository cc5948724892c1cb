"""Column names of the candidates and comparisons tables, and the winner codes."""

from __future__ import annotations

__all__ = [
    "CANDIDATE_COLUMNS",
    "COMPARISON_COLUMNS",
    "ID_COLUMNS",
    "TIE_BREAK_COLUMNS",
    "WINNER_CODES",
    "WINNER_FIRST",
    "WINNER_NAMES",
    "WINNER_NULL",
    "WINNER_SECOND",
    "WINNER_TIE",
]

CANDIDATE_COLUMNS = (
    "prompt_id",
    "candidate_id",
    "prompt",
    "response",
    "oracle",
    "judge_score",
    "parse_failure",
    "judge_samples",
    "judge_score_raw",
)
"""The candidates-table columns; any other column is metadata."""

TIE_BREAK_COLUMNS = ("judge_score_raw", "tie_break", "tie_break_score")
"""Columns an engine-level tie policy adds: the score before the break, the rank the
break gave within a tied top, and the evidence it used (see :mod:`judgespec.judge.engine._ties`)."""

ID_COLUMNS = ("prompt_id", "candidate_id")
"""The key of a candidates-table row; each must be a non-empty string."""

COMPARISON_COLUMNS = ("prompt_id", "first_id", "second_id", "winner", "strength")
"""The comparisons-table columns; any other column is metadata."""

WINNER_NULL = -1
"""Winner code of a comparison whose judge output could not be parsed."""
WINNER_FIRST = 0
"""Winner code: the candidate presented first won."""
WINNER_SECOND = 1
"""Winner code: the candidate presented second won."""
WINNER_TIE = 2
"""Winner code: the judge declared a tie."""

WINNER_CODES: dict[str | None, int] = {
    "first": WINNER_FIRST,
    "second": WINNER_SECOND,
    "tie": WINNER_TIE,
    None: WINNER_NULL,
}
"""``winner`` value -> code."""
WINNER_NAMES = {code: name for name, code in WINNER_CODES.items()}
"""Code -> ``winner`` value."""
