"""Vectorised helpers for ragged groups (rows grouped by prompt, in table order).

Every function takes ``pid``: the prompt index of each row of a compact selection of
rows, sorted ascending (rows of one prompt are contiguous and keep table order). No
function loops over prompts; the only Python loops run over distinct group sizes.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

Float = NDArray[np.float64]
Int = NDArray[np.intp]
Bool = NDArray[np.bool_]


def group_starts(pid: Int, n_prompts: int) -> tuple[Int, Int]:
    """Per prompt: number of rows and index of its first row (0 for empty prompts)."""
    counts = np.bincount(pid, minlength=n_prompts).astype(np.intp)
    starts = np.zeros(n_prompts, dtype=np.intp)
    np.cumsum(counts[:-1], out=starts[1:])
    return counts, starts


def keep_groups(pid: Int, n_prompts: int, minimum: int) -> Bool:
    """Row mask: the row's prompt has at least ``minimum`` rows in the selection."""
    counts = np.bincount(pid, minlength=n_prompts)
    return counts[pid] >= minimum


def group_sum(pid: Int, values: NDArray[Any], n_prompts: int) -> Float:
    """Per-prompt sum of ``values`` (float64)."""
    weights = np.asarray(values, dtype=np.float64)
    return np.bincount(pid, weights=weights, minlength=n_prompts).astype(np.float64)


def group_mean_rows(pid: Int, values: Float, n_prompts: int) -> Float:
    """Each row's prompt mean of ``values``; exactly the common value of a constant prompt.

    (So that deviations from the mean are exactly zero, not rounding noise, when every
    value of a prompt is equal.)
    """
    counts = np.bincount(pid, minlength=n_prompts)
    sums = np.bincount(pid, weights=values, minlength=n_prompts)
    with np.errstate(invalid="ignore", divide="ignore"):
        means = sums / counts
    high = group_max(pid, values, n_prompts)
    constant = high == group_min(pid, values, n_prompts)
    means = np.where(constant, high, means)
    return means[pid]


def centred(values: Float) -> Float:
    """``values`` minus their mean; exactly zero when all values are equal."""
    if len(values) == 0 or values.min() == values.max():
        return np.zeros_like(values)
    return np.asarray(values - values.mean(), dtype=np.float64)


def group_max(pid: Int, values: Float, n_prompts: int) -> Float:
    """Per-prompt maximum of ``values`` (``-inf`` for prompts without rows)."""
    out = np.full(n_prompts, -np.inf)
    counts, starts = group_starts(pid, n_prompts)
    present = counts > 0
    if np.any(present):
        out[present] = np.maximum.reduceat(values, starts[present])
    return out


def group_min(pid: Int, values: Float, n_prompts: int) -> Float:
    """Per-prompt minimum of ``values`` (``inf`` for prompts without rows)."""
    return -group_max(pid, -values, n_prompts)


def within_pairs(pid: Int, n_prompts: int) -> tuple[Int, Int]:
    """All pairs ``(i, j)``, ``i < j``, of rows in the same prompt (indices into ``pid``).

    Within a prompt the pairs follow table order (``i`` comes first in the table).
    """
    counts, starts = group_starts(pid, n_prompts)
    first: list[Int] = []
    second: list[Int] = []
    for size in np.unique(counts[counts >= 2]).tolist():
        groups = starts[counts == size][:, None]
        a, b = np.triu_indices(size, 1)
        first.append((groups + a[None, :]).ravel())
        second.append((groups + b[None, :]).ravel())
    if not first:
        empty = np.zeros(0, dtype=np.intp)
        return empty, empty.copy()
    return np.concatenate(first), np.concatenate(second)


def rank_within(pid: Int, n_prompts: int) -> Int:
    """0-based position of each row within its prompt."""
    _, starts = group_starts(pid, n_prompts)
    return np.arange(len(pid), dtype=np.intp) - starts[pid]


def run_ids(pid: Int, values: Float) -> Int:
    """Ids of runs of equal ``values`` within a prompt (rows sorted so equal values touch)."""
    if len(pid) == 0:
        return np.zeros(0, dtype=np.intp)
    new = np.ones(len(pid), dtype=bool)
    new[1:] = (pid[1:] != pid[:-1]) | (values[1:] != values[:-1])
    return np.cumsum(new) - 1
