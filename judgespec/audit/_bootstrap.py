"""Cluster bootstrap over prompts on per-prompt sufficient statistics.

Every audit metric is a function of column sums of a per-prompt statistics matrix
``S`` (P prompts x m columns). A cluster-bootstrap replicate draws P prompts with
replacement (Field & Welsh 2007; Efron & Tibshirani 1993, ch. 6, resampling whole
clusters), which is a vector of resample counts ``c`` (how often each prompt was drawn),
and its column sums are ``c @ S``. Replicates are computed in chunks: per chunk, one
``rng.integers`` call draws the prompt indices, one ``np.bincount`` over offset indices
turns them into counts, and one matrix product gives the sums. There is no Python loop
over prompts or replicates, and memory stays bounded by the chunk size.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

Float = NDArray[np.float64]

MAX_CHUNK_CELLS = 1 << 21
"""Upper bound on replicates x prompts drawn at once (about 16 MiB per int64 array)."""


def resample_sums(
    stats: Float,
    *,
    n_bootstrap: int,
    rng: np.random.Generator,
    columns: Sequence[int] | None = None,
    max_cells: int = MAX_CHUNK_CELLS,
) -> Float:
    """Column sums of ``stats`` (P x m) for ``n_bootstrap`` cluster-bootstrap replicates.

    Returns an array of shape (n_bootstrap, m). Columns that are zero for every prompt
    stay zero and are not multiplied. The result depends only on ``stats``,
    ``n_bootstrap`` and the state of ``rng``. With ``columns``, only those columns are
    resampled (the others stay zero); prompts are drawn the same way either way.
    """
    n_prompts, n_cols = stats.shape
    out = np.zeros((n_bootstrap, n_cols))
    if n_bootstrap == 0 or n_prompts == 0:
        return out
    chosen = np.arange(n_cols) if columns is None else np.asarray(columns, dtype=np.intp)
    active = chosen[np.any(stats[:, chosen] != 0, axis=0)]
    # (m x P) @ (P x chunk): the long axis is contiguous in both operands
    dense_t = np.ascontiguousarray(stats[:, active].T)
    chunk = max(1, min(n_bootstrap, max_cells // n_prompts))
    shift = (np.arange(chunk, dtype=np.intp) * n_prompts)[:, None]
    for start in range(0, n_bootstrap, chunk):
        size = min(chunk, n_bootstrap - start)
        draws = rng.integers(0, n_prompts, size=(size, n_prompts), dtype=np.intp)
        draws += shift[:size]
        counts = np.bincount(draws.ravel(), minlength=size * n_prompts)
        weights = counts.reshape(size, n_prompts).astype(np.float64)
        out[start : start + size, active] = (dense_t @ weights.T).T
    return out


def percentile_interval(replicates: Float, confidence: float) -> tuple[Float, Float]:
    """Percentile interval per column of ``replicates`` (B x k), ignoring NaN replicates.

    A replicate is NaN when the metric is undefined on that resample (for example, every
    resampled prompt has a constant oracle); such replicates are left out. A column with
    no finite replicate gets a NaN interval.
    """
    alpha = (1.0 - confidence) / 2.0
    if replicates.shape[0] == 0:
        nan = np.full(replicates.shape[1], np.nan)
        return nan, nan.copy()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN columns
        low, high = np.nanquantile(replicates, [alpha, 1.0 - alpha], axis=0)
    return np.asarray(low, dtype=np.float64), np.asarray(high, dtype=np.float64)
