"""The audit's view of the table formats (they live in :mod:`judgespec.tables`)."""

from ..tables._columns import (
    CANDIDATE_COLUMNS,
    COMPARISON_COLUMNS,
    WINNER_FIRST,
    WINNER_NULL,
    WINNER_SECOND,
    WINNER_TIE,
)
from ..tables._table import CandidatesTable, ComparisonsTable, read_candidates, read_comparisons

__all__ = [
    "CANDIDATE_COLUMNS",
    "COMPARISON_COLUMNS",
    "WINNER_FIRST",
    "WINNER_NULL",
    "WINNER_SECOND",
    "WINNER_TIE",
    "CandidatesTable",
    "ComparisonsTable",
    "read_candidates",
    "read_comparisons",
]
