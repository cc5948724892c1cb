"""Per-prompt sufficient statistics of judge-oracle agreement (correlation, kappa).

All use the eligible candidates of :func:`~judgespec.audit._selection.eligible_rows`
(oracle and judge score non-null, prompts with two or more of them).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from ._groups import Float, centred, group_mean_rows, group_starts, group_sum
from ._selection import Eligible

PAIR_CELLS = 1 << 18
"""Most within-prompt pairs labelled at once (bounds the temporaries at any scale)."""


def _labels(diff: Float) -> NDArray[np.intp]:
    """0 where diff > 0, 1 where diff < 0, 2 where diff == 0."""
    labels: NDArray[np.intp] = (diff < 0).astype(np.intp) + 2 * (diff == 0).astype(np.intp)
    return labels


def agreement_stats(el: Eligible) -> dict[str, Float]:
    """Per-prompt columns behind ``r_global``, ``r_within``, ``within_share_*``, ``kappa``.

    - ``cor_n``, ``cor_s``, ``cor_y``, ``cor_ss``, ``cor_yy``, ``cor_sy``: count and raw
      sums of s, y, s², y², s·y, after subtracting the overall means of s and y (Pearson's
      r is shift invariant; centring keeps the sums well conditioned).
    - ``cor_wss``, ``cor_wyy``, ``cor_wsy``: the same sums of prompt-demeaned values.
    - ``kap_ab`` for a, b in 0..2: count of within-prompt pairs i < j (table order) with
      judge label a and oracle label b (0: i better, 1: j better, 2: tie).
    """
    P = el.n_prompts
    pid, s, y = el.pid, el.s, el.y
    s0 = centred(s)
    y0 = centred(y)
    ds = s - group_mean_rows(pid, s, P)
    dy = y - group_mean_rows(pid, y, P)
    columns = {
        "cor_n": group_sum(pid, np.ones(len(pid)), P),
        "cor_s": group_sum(pid, s0, P),
        "cor_y": group_sum(pid, y0, P),
        "cor_ss": group_sum(pid, s0 * s0, P),
        "cor_yy": group_sum(pid, y0 * y0, P),
        "cor_sy": group_sum(pid, s0 * y0, P),
        "cor_wss": group_sum(pid, ds * ds, P),
        "cor_wyy": group_sum(pid, dy * dy, P),
        "cor_wsy": group_sum(pid, ds * dy, P),
    }
    cells = _pair_cells(pid, s, y, P)
    for a in range(3):
        for b in range(3):
            columns[f"kap_{a}{b}"] = cells[:, 3 * a + b]
    return columns


def _pair_cells(pid: NDArray[np.intp], s: Float, y: Float, n_prompts: int) -> Float:
    """Per prompt, counts of its pairs i < j (table order) by (judge label, oracle label).

    Prompts of equal size are taken together as a (prompts x n) matrix, a block of
    prompts at a time, so no array of all pairs is built (at 100,000 prompts x 8 that
    would be 2.8 million pairs per index, label and cell array).
    """
    counts, starts = group_starts(pid, n_prompts)
    cells = np.zeros((n_prompts, 9))
    for size in np.unique(counts[counts >= 2]).tolist():
        groups = np.flatnonzero(counts == size)
        first, second = np.triu_indices(size, 1)
        block = max(1, PAIR_CELLS // len(first))
        for lo in range(0, len(groups), block):
            chunk = groups[lo : lo + block]
            rows = starts[chunk][:, None] + np.arange(size)
            sg, yg = s[rows], y[rows]
            cell = _labels(sg[:, first] - sg[:, second]) * 3 + _labels(yg[:, first] - yg[:, second])
            cell += (np.arange(len(chunk)) * 9)[:, None]
            cells[chunk] = np.bincount(cell.ravel(), minlength=9 * len(chunk)).reshape(-1, 9)
    return cells
