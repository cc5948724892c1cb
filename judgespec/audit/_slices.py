"""Slices: the audit recomputed within each value of a prompt-level metadata column.

A slice column (for example JudgeBench's ``category`` or a task family) must be a
metadata column of the candidates table with one value per prompt (every candidate of
a prompt carries the same value) and at least two distinct values. Each slice is the
sub-table of the prompts with that value (and their comparisons), audited on its own:
its metrics have their own cluster-bootstrap intervals, resampling that slice's prompts.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Sequence
from typing import Any

import numpy as np

from .._errors import AuditDataError
from ..tables import metadata_column
from ._groups import Bool
from ._table import CandidatesTable, ComparisonsTable

__all__ = ["slice_values", "subset_candidates", "subset_comparisons"]


def _label(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value)


def slice_values(table: CandidatesTable, by: str) -> list[str | None]:
    """The slice value of every prompt (as text), checked.

    Raises :class:`AuditDataError` naming the table when the column is missing, differs
    within a prompt, is null for a prompt, or has only one value.
    """
    where = table.source
    column = metadata_column(table.metadata, by)
    if column is None:
        raise AuditDataError(
            f"{where}: slice column {by!r} is missing: no candidate row has it; "
            "slice by a metadata column of the candidates table"
        )
    values: list[str | None] = []
    for p, pid in enumerate(table.prompt_ids):
        cells = column[int(table.offsets[p]) : int(table.offsets[p + 1])]
        seen = {_label(value) if value is not None else None for value in cells}
        if None in seen:
            raise AuditDataError(
                f"{where}: slice column {by!r} is null or missing for prompt {pid!r}: "
                "give every candidate a value"
            )
        if len(seen) > 1:
            raise AuditDataError(
                f"{where}: slice column {by!r} differs within prompt {pid!r} "
                f"({', '.join(sorted(v for v in seen if v is not None))}): a slice must keep "
                "a prompt's candidates together"
            )
        values.append(seen.pop())
    distinct = set(values)
    if len(distinct) < 2:
        raise AuditDataError(
            f"{where}: slice column {by!r} has one value ({next(iter(distinct))!r}) for every "
            "prompt: slicing needs two or more values"
        )
    return values


def subset_candidates(table: CandidatesTable, keep: Bool) -> CandidatesTable:
    """The table restricted to the prompts where ``keep`` (length ``P``) is true."""
    rows = np.flatnonzero(keep[table.row_prompt])
    sizes = table.sizes[keep]
    offsets = np.zeros(len(sizes) + 1, dtype=np.int64)
    np.cumsum(sizes, out=offsets[1:])

    def take(values: Sequence[Any] | None) -> list[Any] | None:
        return None if values is None else [values[i] for i in rows.tolist()]

    def frozen(array: Any) -> Any:
        out = np.array(array)
        out.setflags(write=False)
        return out

    return dataclasses.replace(
        table,
        prompt_ids=[pid for pid, k in zip(table.prompt_ids, keep.tolist(), strict=True) if k],
        offsets=frozen(offsets),
        candidate_ids=frozen(table.candidate_ids[rows]),
        oracle=frozen(table.oracle[rows]),
        judge=frozen(table.judge[rows]),
        judge_raw=None if table.judge_raw is None else frozen(table.judge_raw[rows]),
        parse_failure=frozen(table.parse_failure[rows]),
        length=frozen(table.length[rows]),
        judge_samples=take(table.judge_samples),
        prompts=take(table.prompts),
        responses=take(table.responses),
        metadata=take(table.metadata),
    )


def subset_comparisons(
    comparisons: ComparisonsTable, prompt_ids: set[str]
) -> ComparisonsTable | None:
    """The comparisons of the given prompts (None when there are none)."""
    rows = np.flatnonzero([pid in prompt_ids for pid in comparisons.prompt_ids.tolist()])
    if len(rows) == 0:
        return None

    def frozen(array: Any) -> Any:
        out = np.array(array)
        out.setflags(write=False)
        return out

    meta = comparisons.metadata
    return dataclasses.replace(
        comparisons,
        prompt_ids=frozen(comparisons.prompt_ids[rows]),
        first_ids=frozen(comparisons.first_ids[rows]),
        second_ids=frozen(comparisons.second_ids[rows]),
        winner=frozen(comparisons.winner[rows]),
        strength=frozen(comparisons.strength[rows]),
        metadata=None if meta is None else [meta[i] for i in rows.tolist()],
    )
