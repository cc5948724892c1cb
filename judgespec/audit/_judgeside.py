"""Judge-side statistics: ties, length effects, escalations (all judged candidates).

These use every candidate with a non-null judge score, whether or not it carries an
oracle utility.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._groups import (
    Float,
    Int,
    group_max,
    group_mean_rows,
    group_starts,
    group_sum,
    keep_groups,
    run_ids,
    within_pairs,
)
from ._table import CandidatesTable


@dataclass(frozen=True)
class Judged:
    """Judged rows (judge score non-null), grouped by prompt in table order."""

    rows: Int
    pid: Int
    s: Float
    n_prompts: int


def judged_rows(table: CandidatesTable) -> Judged:
    """Every candidate with a judge score."""
    rows = np.flatnonzero(~np.isnan(table.judge))
    return Judged(
        rows=rows,
        pid=table.row_prompt[rows],
        s=table.judge[rows],
        n_prompts=table.n_prompts,
    )


TIE_COLUMN = "judge_score"
"""The column tie metrics use by default."""
RAW_TIE_COLUMN = "judge_score_raw"
"""The column tie metrics use when the table has it (scores before an engine tie break)."""


def tie_rows(table: CandidatesTable) -> tuple[Judged, str]:
    """The scores tie metrics count ties on, and the name of their column.

    Under the engine-level tie policies (``logprob``, ``pairwise_escalation``) the judge
    score has its top ties separated; ``judge_score_raw`` keeps the judge's own scores,
    so ties the engine broke are still counted as ties.
    """
    if table.judge_raw is None:
        return judged_rows(table), TIE_COLUMN
    rows = np.flatnonzero(~np.isnan(table.judge_raw))
    judged = Judged(
        rows=rows, pid=table.row_prompt[rows], s=table.judge_raw[rows], n_prompts=table.n_prompts
    )
    return judged, RAW_TIE_COLUMN


def tie_stats(ties: Judged) -> dict[str, Float]:
    """Per-prompt columns behind ``tie_rate`` and ``top_tie_rate`` (see :func:`tie_rows`).

    - ``tie_pairs``, ``tie_tied``: within-prompt pairs of scored candidates; those with
      s_i = s_j.
    - ``top_prompts``, ``top_tied``: 1 for a prompt with two or more scored candidates;
      1 when its maximum score is shared.
    """
    P = ties.n_prompts
    pid, s = ties.pid, ties.s
    i, j = within_pairs(pid, P)
    counts, _ = group_starts(pid, P)
    two = counts >= 2
    top = group_max(pid, s, P)
    top_count = group_sum(pid, s == top[pid], P)
    return {
        "tie_pairs": group_sum(pid[i], np.ones(len(i)), P),
        "tie_tied": group_sum(pid[i], s[i] == s[j], P),
        "top_prompts": two.astype(np.float64),
        "top_tied": (two & (top_count >= 2)).astype(np.float64),
    }


def judge_side_stats(table: CandidatesTable, judged: Judged) -> dict[str, Float]:
    """Per-prompt columns behind ``length_bias`` and ``prefer_longer``.

    - ``len_n``, ``len_ss``, ``len_ll``, ``len_sl``: judged candidates with a response in
      prompts with two or more of them; within-prompt sums of squares and products of
      demeaned judge score and response length.
    - ``pl_pairs``, ``pl_longer``: within-prompt pairs of judged candidates whose oracle
      is tied or absent (either null), judge scores differ and lengths (both known)
      differ; those where the judge prefers the longer response.
    """
    P = judged.n_prompts
    pid, s = judged.pid, judged.s
    y = table.oracle[judged.rows]
    length = table.length[judged.rows].astype(np.float64)
    i, j = within_pairs(pid, P)
    columns: dict[str, Float] = {}
    has_length = length >= 0
    lp = pid[has_length]
    keep = keep_groups(lp, P, 2)
    lp = lp[keep]
    ls = s[has_length][keep]
    ll = length[has_length][keep]
    ds = ls - group_mean_rows(lp, ls, P)
    dl = ll - group_mean_rows(lp, ll, P)
    columns["len_n"] = group_sum(lp, np.ones(len(lp)), P)
    columns["len_ss"] = group_sum(lp, ds * ds, P)
    columns["len_ll"] = group_sum(lp, dl * dl, P)
    columns["len_sl"] = group_sum(lp, ds * dl, P)

    oracle_flat = np.isnan(y[i]) | np.isnan(y[j]) | (y[i] == y[j])
    usable = (
        oracle_flat
        & (s[i] != s[j])
        & (length[i] >= 0)
        & (length[j] >= 0)
        & (length[i] != length[j])
    )
    longer_wins = (s[i] > s[j]) == (length[i] > length[j])
    columns["pl_pairs"] = group_sum(pid[i], usable, P)
    columns["pl_longer"] = group_sum(pid[i], usable & longer_wins, P)
    return columns


def escalations(table: CandidatesTable, judged: Judged, *, margin: float) -> list[str]:
    """Prompt ids whose two highest judge scores differ by at most ``margin``.

    Uses all judged candidates of prompts with two or more; ``margin = 0`` flags exactly
    the prompts whose top score is tied. Prompts keep table order.
    """
    P = judged.n_prompts
    pid, s = judged.pid, judged.s
    counts, _ = group_starts(pid, P)
    top = group_max(pid, s, P)
    at_top = s == top[pid]
    shared = group_sum(pid, at_top, P) >= 2
    runner_up = group_max(pid, np.where(at_top, -np.inf, s), P)
    with np.errstate(invalid="ignore"):  # -inf - -inf for prompts without two scores
        flagged = (counts >= 2) & (shared | (top - runner_up <= margin))
    return [table.prompt_ids[int(p)] for p in np.flatnonzero(flagged)]


def tie_group_sizes(judged: Judged) -> dict[int, int]:
    """Histogram of within-prompt groups of equal judge scores: size -> number of groups."""
    order = np.lexsort((judged.s, judged.pid))
    runs = run_ids(judged.pid[order], judged.s[order])
    if len(runs) == 0:
        return {}
    sizes, groups = np.unique(np.bincount(runs), return_counts=True)
    return {int(size): int(count) for size, count in zip(sizes, groups, strict=True)}
