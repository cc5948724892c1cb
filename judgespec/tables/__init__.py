"""The table formats: candidates and comparisons tables, in one place.

Column names, the id rule (ids are non-empty strings), one reader for JSON Lines,
gzip-compressed JSON Lines and Parquet (read column by column into Arrow or Python
columns, validated vectorised, every error one line naming the file and line), one
atomic, NaN-safe JSON Lines writer, and converters from public data sets. Both the
judge engine and the audit read tables through this package.
"""

from ._columnar import ColumnarMetadata, metadata_column
from ._columns import (
    CANDIDATE_COLUMNS,
    COMPARISON_COLUMNS,
    ID_COLUMNS,
    TIE_BREAK_COLUMNS,
    WINNER_FIRST,
    WINNER_NULL,
    WINNER_SECOND,
    WINNER_TIE,
)
from ._convert import (
    JUDGEBENCH_CATEGORIES,
    arena_to_candidates,
    judgebench_category,
    judgebench_reward_to_candidates,
    judgebench_to_tables,
)
from ._ids import check_id
from ._jsonl import iter_jsonl, write_jsonl
from ._table import (
    CandidatesTable,
    ComparisonsTable,
    check_candidate_rows,
    read_candidate_rows,
    read_candidates,
    read_comparisons,
)

__all__ = [
    "CANDIDATE_COLUMNS",
    "COMPARISON_COLUMNS",
    "ID_COLUMNS",
    "JUDGEBENCH_CATEGORIES",
    "TIE_BREAK_COLUMNS",
    "WINNER_FIRST",
    "WINNER_NULL",
    "WINNER_SECOND",
    "WINNER_TIE",
    "CandidatesTable",
    "ColumnarMetadata",
    "ComparisonsTable",
    "arena_to_candidates",
    "check_candidate_rows",
    "check_id",
    "iter_jsonl",
    "judgebench_category",
    "judgebench_reward_to_candidates",
    "judgebench_to_tables",
    "metadata_column",
    "read_candidate_rows",
    "read_candidates",
    "read_comparisons",
    "write_jsonl",
]
