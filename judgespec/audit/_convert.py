"""Converters from public data sets (they live in :mod:`judgespec.tables._convert`)."""

from ..tables._convert import (
    JUDGEBENCH_CATEGORIES,
    arena_to_candidates,
    judgebench_category,
    judgebench_reward_to_candidates,
    judgebench_to_tables,
)

__all__ = [
    "JUDGEBENCH_CATEGORIES",
    "arena_to_candidates",
    "judgebench_category",
    "judgebench_reward_to_candidates",
    "judgebench_to_tables",
]
