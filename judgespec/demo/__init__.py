"""The embedded demo: ``judgespec demo`` runs with the package alone, offline."""

from ._arena import ARENA_POOLS, ArenaPool, arena_sample_path, score_arena_pool
from ._run import (
    CONTRAST_METRICS,
    LIVE_SIZES,
    DemoResult,
    contrast_table,
    live_notes,
    run_demo,
    summary_table,
)
from ._task import Question, arithmetic_questions, exact_oracle, last_integer

__all__ = [
    "ARENA_POOLS",
    "CONTRAST_METRICS",
    "LIVE_SIZES",
    "ArenaPool",
    "DemoResult",
    "Question",
    "arena_sample_path",
    "arithmetic_questions",
    "contrast_table",
    "exact_oracle",
    "last_integer",
    "live_notes",
    "run_demo",
    "score_arena_pool",
    "summary_table",
]
