"""Per-prompt sufficient statistics of pairwise verdicts (a comparisons table).

Each comparison row presents candidates ``first`` and ``second`` of one prompt. Rows of
the same unordered pair {a, b} form a *pair group*; a row's *vote* is +1 when the lower
table row of the pair wins, -1 when the higher one wins, 0 for a tie. Null winners
(unparsable judge output) cast no vote.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from .._errors import AuditDataError
from ._groups import Bool, Float, Int, group_sum
from ._table import (
    WINNER_FIRST,
    WINNER_NULL,
    WINNER_SECOND,
    CandidatesTable,
    ComparisonsTable,
)

PAIRWISE_COLUMNS = (
    "pc_matched",
    "pc_consistent",
    "pf_inconsistent",
    "pf_lean",
    "pa_pairs",
    "pa_correct",
    "pa_zero",
    "tr_triads",
    "tr_cycles",
)
_TRIAD_CELLS = 1 << 22  # prompts x triads evaluated at once


@dataclass(frozen=True)
class Presentations:
    """Comparison rows resolved to table rows."""

    pid: Int
    first: Int
    second: Int
    winner: NDArray[np.int8]


def resolve(candidates: CandidatesTable, comparisons: ComparisonsTable) -> Presentations:
    """Table row of every named candidate; an unknown name is an AuditDataError."""
    row_prompt = candidates.row_prompt
    index = {
        (candidates.prompt_ids[int(p)], str(c)): row
        for row, (p, c) in enumerate(zip(row_prompt, candidates.candidate_ids, strict=True))
    }
    first = np.empty(comparisons.n_rows, dtype=np.intp)
    second = np.empty(comparisons.n_rows, dtype=np.intp)
    for k, (pid, a, b) in enumerate(
        zip(comparisons.prompt_ids, comparisons.first_ids, comparisons.second_ids, strict=True)
    ):
        for cid, out in ((a, first), (b, second)):
            row = index.get((pid, cid))
            if row is None:
                raise AuditDataError(
                    f"{comparisons.source}:{k + 1}: unknown candidate {(pid, cid)!r}: "
                    f"not in {candidates.source}"
                )
            out[k] = row
    return Presentations(
        pid=row_prompt[first],
        first=first,
        second=second,
        winner=np.asarray(comparisons.winner, dtype=np.int8),
    )


def _votes(pres: Presentations) -> tuple[Int, Int, Int, Float, Bool, Bool]:
    low = np.minimum(pres.first, pres.second)
    high = np.maximum(pres.first, pres.second)
    forward = pres.first == low
    first_wins = pres.winner == WINNER_FIRST
    second_wins = pres.winner == WINNER_SECOND
    vote = np.where(first_wins, 1.0, np.where(second_wins, -1.0, 0.0))
    vote = np.where(forward, vote, -vote)
    valid = pres.winner != WINNER_NULL
    _, group = np.unique(low.astype(np.int64) * (high.max() + 1) + high, return_inverse=True)
    return low, high, group.reshape(-1), vote, forward, valid


def pairwise_stats(
    candidates: CandidatesTable, presentations: Presentations | None
) -> dict[str, Float]:
    """Per-prompt columns behind the pairwise-protocol metrics.

    - ``pc_matched``, ``pc_consistent``: matched presentation pairs (the k-th (a, b)
      presentation with the k-th (b, a) one, table order, null winners left out); those
      whose verdict by candidate (a, b or tie) is the same in both orders.
    - ``pf_inconsistent``, ``pf_lean``: inconsistent matched pairs; sum over them of
      (first-slot wins - second-slot wins) / 2 over the two presentations.
    - ``pa_pairs``, ``pa_correct``, ``pa_zero``: pair groups whose two candidates have
      different, non-null oracle utilities; those whose summed votes favour the
      oracle-better candidate; those whose votes sum to 0 (ties, inconsistent orders or
      no parsed verdict).
    - ``tr_triads``, ``tr_cycles``: candidate triads whose three pairs all have a
      majority (non-zero summed votes); those whose majorities form a cycle.
    """
    P = candidates.n_prompts
    if presentations is None or len(presentations.pid) == 0:
        return {name: np.zeros(P) for name in PAIRWISE_COLUMNS}
    pres = presentations
    low, high, group, vote, forward, valid = _votes(pres)
    columns = _consistency(pres, group, vote, forward, valid, P)
    n_groups = int(group.max()) + 1
    group_low = np.zeros(n_groups, dtype=np.intp)
    group_high = np.zeros(n_groups, dtype=np.intp)
    group_low[group] = low
    group_high[group] = high
    group_pid = candidates.row_prompt[group_low]
    total = np.bincount(group, weights=np.where(valid, vote, 0.0), minlength=n_groups)

    y_low, y_high = candidates.oracle[group_low], candidates.oracle[group_high]
    scored = ~np.isnan(y_low) & ~np.isnan(y_high) & (y_low != y_high)
    toward_better = total * np.sign(y_low - y_high)
    columns["pa_pairs"] = group_sum(group_pid, scored, P)
    columns["pa_correct"] = group_sum(group_pid, scored & (toward_better > 0), P)
    columns["pa_zero"] = group_sum(group_pid, scored & (toward_better == 0), P)

    majority = np.sign(total)
    decided = majority != 0
    triads, cycles = _triads(
        candidates,
        group_pid[decided],
        group_low[decided],
        group_high[decided],
        majority[decided],
    )
    columns["tr_triads"] = triads
    columns["tr_cycles"] = cycles
    return columns


def _consistency(
    pres: Presentations, group: Int, vote: Float, forward: Bool, valid: Bool, P: int
) -> dict[str, Float]:
    idx = np.flatnonzero(valid)
    order = idx[np.lexsort((idx, forward[idx], group[idx]))]
    g, f = group[order], forward[order]
    new = np.ones(len(order), dtype=bool)
    new[1:] = (g[1:] != g[:-1]) | (f[1:] != f[:-1])
    run_start = np.flatnonzero(new)
    run = np.cumsum(new) - 1
    rank = np.arange(len(order)) - run_start[run]
    key = g.astype(np.int64) * (len(order) + 1) + rank
    _, ia, ib = np.intersect1d(key[f], key[~f], assume_unique=True, return_indices=True)
    a, b = order[f][ia], order[~f][ib]
    consistent = vote[a] == vote[b]
    first_slot = (pres.winner[a] == WINNER_FIRST).astype(float) + (pres.winner[b] == WINNER_FIRST)
    second_slot = (pres.winner[a] == WINNER_SECOND).astype(float) + (
        pres.winner[b] == WINNER_SECOND
    )
    pid = pres.pid[a]
    return {
        "pc_matched": group_sum(pid, np.ones(len(a)), P),
        "pc_consistent": group_sum(pid, consistent, P),
        "pf_inconsistent": group_sum(pid, ~consistent, P),
        "pf_lean": group_sum(pid, np.where(consistent, 0.0, (first_slot - second_slot) / 2), P),
    }


def _triads(
    candidates: CandidatesTable, pid: Int, low: Int, high: Int, majority: Float
) -> tuple[Float, Float]:
    """Decided and cyclic triads per prompt, over dense per-prompt majority matrices."""
    P = candidates.n_prompts
    triads = np.zeros(P)
    cycles = np.zeros(P)
    edges = np.bincount(pid, minlength=P)
    sizes = candidates.sizes
    offsets = candidates.offsets
    for size in np.unique(sizes[(edges >= 3) & (sizes >= 3)]).tolist():
        prompts = np.flatnonzero((edges >= 3) & (sizes == size))
        slot = np.full(P, -1, dtype=np.intp)
        slot[prompts] = np.arange(len(prompts))
        on = slot[pid] >= 0
        matrix = np.zeros((len(prompts), size, size), dtype=np.int8)
        lo = low[on] - offsets[pid[on]]
        hi = high[on] - offsets[pid[on]]
        matrix[slot[pid[on]], lo, hi] = majority[on]
        matrix[slot[pid[on]], hi, lo] = -majority[on]
        combos = np.array(list(itertools.combinations(range(size), 3)), dtype=np.intp)
        a, b, c = combos[:, 0], combos[:, 1], combos[:, 2]
        step = max(1, _TRIAD_CELLS // len(combos))
        for start in range(0, len(prompts), step):
            block = matrix[start : start + step]
            ab, bc, ac = block[:, a, b], block[:, b, c], block[:, a, c]
            decided = (ab != 0) & (bc != 0) & (ac != 0)
            cyclic = decided & (ab == bc) & (ac == -ab)
            chosen = prompts[start : start + step]
            triads[chosen] = decided.sum(axis=1)
            cycles[chosen] = cyclic.sum(axis=1)
    return triads, cycles
