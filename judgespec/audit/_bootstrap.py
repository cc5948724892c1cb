"""Cluster bootstrap over prompts on per-prompt sufficient statistics.

Every audit metric is a function of column sums of a per-prompt statistics matrix
``S`` (P prompts x m columns). A cluster-bootstrap replicate draws P prompts with
replacement (Field & Welsh 2007; Efron & Tibshirani 1993, ch. 6, resampling whole
clusters), which is a vector of resample counts ``c`` (how often each prompt was drawn),
and its column sums are ``c @ S``. Replicates are drawn in chunks: per chunk, one
``rng.integers`` call draws the prompt indices and one ``np.bincount`` over offset
indices turns them into counts; the counts of a block of chunks (up to
``MAX_BLOCK_CELLS`` replicate-prompt cells) go through one matrix product with the
statistics, stored as contiguous rows, on a worker thread and one BLAS thread while the
next block is drawn. There is no Python loop over prompts or replicates, and memory
stays bounded by the block size (two blocks in flight) whatever the number of
replicates.
"""

from __future__ import annotations

import functools
import math
import threading
import warnings
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from threadpoolctl import ThreadpoolController

Float = NDArray[np.float64]

MAX_CHUNK_CELLS = 1 << 21
"""Upper bound on replicates x prompts drawn at once (about 16 MiB per int64 array)."""

MAX_BLOCK_CELLS = 1 << 25
"""Upper bound on replicates x prompts multiplied at once (256 MiB of float64 counts; two
such buffers are in use while drawing and multiplying overlap)."""


def column_sums(stats: Float) -> Float:
    """Σ_p S_p of every column of ``stats`` (P x m), added in prompt order.

    The sums are the sequential sums ((S_1 + S_2) + S_3) + …, whatever the memory layout
    of ``stats`` (a C-ordered ``stats.sum(axis=0)`` gives the same bits; a column-major
    matrix would be summed pairwise there), so the point estimates do not depend on how
    the matrix is stored.
    """
    n_prompts, n_cols = stats.shape
    out = np.zeros(n_cols)
    if n_prompts == 0:
        return out
    if stats.flags.c_contiguous:
        return np.asarray(stats.sum(axis=0), dtype=np.float64)
    running = np.empty(n_prompts)
    for j in range(n_cols):
        np.cumsum(stats[:, j], out=running)
        out[j] = running[-1]
    return out


def resample_sums(
    stats: Float,
    *,
    n_bootstrap: int,
    rng: np.random.Generator,
    columns: Sequence[int] | None = None,
    max_cells: int = MAX_CHUNK_CELLS,
    block_cells: int | None = None,
) -> Float:
    """Column sums of ``stats`` (P x m) for ``n_bootstrap`` cluster-bootstrap replicates.

    Returns an array of shape (n_bootstrap, m). Columns that are zero for every prompt
    stay zero and are not multiplied. The result depends only on ``stats``,
    ``n_bootstrap`` and the state of ``rng`` (``max_cells`` sets how the prompt draws
    are split into calls; ``block_cells`` only how many replicates one matrix product
    takes, which does not change the result). With ``columns``, only those columns are
    resampled (the others stay zero); prompts are drawn the same way either way.
    """
    n_prompts, n_cols = stats.shape
    out = np.zeros((n_bootstrap, n_cols))
    if n_bootstrap == 0 or n_prompts == 0:
        return out
    chosen = np.arange(n_cols) if columns is None else np.asarray(columns, dtype=np.intp)
    rows = np.empty((len(chosen), n_prompts))  # one contiguous row per column
    for i, c in enumerate(chosen):
        rows[i] = stats[:, c]
    replicated, active = resample_row_sums(
        rows, n_bootstrap=n_bootstrap, rng=rng, max_cells=max_cells, block_cells=block_cells
    )
    out[:, chosen[active]] = replicated
    return out


def resample_row_sums(
    rows: Float,
    *,
    n_bootstrap: int,
    rng: np.random.Generator,
    max_cells: int = MAX_CHUNK_CELLS,
    block_cells: int | None = None,
) -> tuple[Float, NDArray[np.intp]]:
    """Replicate sums of the non-zero rows of ``rows`` (m x P, one row per statistic).

    Returns ``(sums, active)``: ``active`` are the rows that are not zero for every
    prompt, ``sums`` (n_bootstrap x len(active)) their cluster-bootstrap column sums
    ``c_b @ S`` (c_b the resample counts of replicate b). ``rows`` is overwritten:
    its active rows are moved to its front, so no second copy of the matrix is made.

    The prompts are drawn in calls of ``chunk = max_cells // P`` replicates (the draws
    themselves, and so the random stream, do not depend on ``block_cells``); the counts
    of a block of replicates (at most ``block_cells // P``; by default at most
    ``MAX_BLOCK_CELLS // P`` and a sixteenth of ``n_bootstrap``, so that there are blocks
    to overlap) are gathered into one float64 block and multiplied with the statistics in one matrix product, so the m x P matrix
    is read once per block rather than once per chunk (at a million prompts, a chunk
    holds two replicates: the product was bound by memory bandwidth).

    The conversion of the counts to float64 and the products run on a worker thread
    while this thread draws the next block (so at most two blocks of counts and one of
    float64 weights are held at a time), and on one BLAS thread (:func:`one_blas_thread`):
    every replicate's sum is then the same single-threaded dot product over all P
    prompts whatever the block and whatever the machine's thread settings, so the
    result depends on neither ``block_cells`` nor ``OPENBLAS_NUM_THREADS`` (a BLAS that
    splits one product over threads may round differently), and the drawing, the
    floor of any cluster bootstrap, is not slowed by BLAS threads competing for the
    same cores.
    """
    n_prompts = rows.shape[1]
    active = np.flatnonzero(np.any(rows != 0, axis=1))
    if n_bootstrap == 0 or n_prompts == 0:
        return np.zeros((n_bootstrap, len(active))), active
    for i, j in enumerate(active):  # compact in place: the active rows first
        if i != j:
            rows[i] = rows[j]
    dense = rows[: len(active)]
    out = np.empty((n_bootstrap, len(active)))
    chunk = max(1, min(n_bootstrap, max_cells // n_prompts))
    block = _block_size(n_bootstrap, n_prompts, chunk, block_cells)
    shift = (np.arange(chunk, dtype=np.intp) * n_prompts)[:, None]

    weights = np.empty((block, n_prompts))  # the worker's; one float64 block

    def multiply(counts: list[NDArray[np.intp]], first: int) -> None:
        filled = 0
        for chunk_counts in counts:  # int64 counts to float64, chunk by chunk
            weights[filled : filled + len(chunk_counts)] = chunk_counts
            filled += len(chunk_counts)
        counts.clear()
        # (m x P) @ (P x block): the long axis is contiguous in both operands
        out[first : first + filled] = (dense @ weights[:filled].T).T

    with one_blas_thread(), ThreadPoolExecutor(max_workers=1) as worker:
        previous: Future[None] | None = None
        for first in range(0, n_bootstrap, block):
            counts: list[NDArray[np.intp]] = []
            for start in range(first, min(first + block, n_bootstrap), chunk):
                size = min(chunk, n_bootstrap - start)
                draws = rng.integers(0, n_prompts, size=(size, n_prompts), dtype=np.intp)
                draws += shift[:size]
                counts.append(np.bincount(draws.ravel(), minlength=size * n_prompts).reshape(size, n_prompts))
                del draws
            if previous is not None:  # at most one block waits while one is multiplied
                previous.result()
            previous = worker.submit(multiply, counts, first)
        if previous is not None:
            previous.result()
    return out, active


def _block_size(n_bootstrap: int, n_prompts: int, chunk: int, block_cells: int | None) -> int:
    """Replicates per matrix product: whole chunks, at least one; at most ``block_cells``
    cells, by default ``MAX_BLOCK_CELLS`` and a sixteenth of the replicates (so that
    drawing and multiplying overlap)."""
    if block_cells is None:
        cap = min(MAX_BLOCK_CELLS // n_prompts, -(-n_bootstrap // 16))
    else:
        cap = block_cells // n_prompts
    return min(n_bootstrap, max(chunk, cap // chunk * chunk))


_BLAS_LOCK = threading.RLock()


@functools.cache
def _blas_controller() -> ThreadpoolController:
    """The thread pools of the BLAS numpy loaded (inspected once)."""
    return ThreadpoolController()


@contextmanager
def one_blas_thread() -> Iterator[None]:
    """Run the enclosed matrix products on one BLAS thread, then restore the setting.

    The BLAS thread count is a process-wide setting, so the section holds a lock:
    bootstraps in concurrent threads take turns rather than restoring each other's
    setting mid-product.
    """
    with _BLAS_LOCK, _blas_controller().limit(limits=1, user_api="blas"):
        yield


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


# --------------------------------------------------------------------------- intervals

INTERVAL_METHODS: tuple[str, ...] = ("percentile", "studentized")
"""Bootstrap interval methods: ``percentile`` and ``studentized`` (bootstrap-t)."""

DEFAULT_INTERVAL_METHOD = "studentized"
"""The interval method used unless another is asked for (chosen by the coverage
simulation in ``benchmarks/bench_coverage.py``; results in ``benchmarks/RESULTS.md``)."""

_REL_STEP = 1e-6
"""Relative step of the central differences behind the linearization gradient."""


@dataclass(frozen=True)
class SumStatistic:
    """A statistic that is a smooth function of column sums of the per-prompt matrix.

    ``fn`` maps an array ``(..., k)`` holding the sums of ``columns`` (in that order) to
    the statistic ``(...)``, NaN where it is undefined. Every audit metric, and every
    difference of two judges' metrics, has this form.
    """

    fn: Callable[[Float], Float]
    columns: tuple[int, ...]


@dataclass(frozen=True)
class BootstrapOutcome:
    """Point estimate, interval, test and replicate count of one :class:`SumStatistic`."""

    estimate: float
    ci_low: float
    ci_high: float
    p_value: float
    """Two-sided bootstrap p-value of the hypothesis ``statistic = 0`` (interval inversion)."""
    defined: int
    """Replicates on which the statistic (and, for bootstrap-t, its standard error) is defined."""
    se: float
    """Linearization (delta-method) standard error at the data; NaN when not computed."""
    method: str
    """The method that made the interval: ``studentized`` falls back to ``percentile``
    for a statistic whose standard error is 0 or undefined on more than α/2 of the
    replicates (a rare event, e.g. one tie among hundreds of pairs), where the
    bootstrap-t tail quantile cannot be estimated."""


def _gradient(fn: Callable[[Float], Float], sums: Float) -> Float:
    """Central-difference gradient of ``fn`` at each row of ``sums`` (B x k) -> (B x k)."""
    grad = np.empty_like(sums)
    step = _REL_STEP * np.maximum(np.abs(sums), 1.0)
    for j in range(sums.shape[1]):
        up = sums.copy()
        down = sums.copy()
        up[:, j] += step[:, j]
        down[:, j] -= step[:, j]
        with np.errstate(invalid="ignore", divide="ignore"):
            grad[:, j] = (fn(up) - fn(down)) / (2.0 * step[:, j])
    return grad


def _linearized_se(fn: Callable[[Float], Float], sums: Float, squares: Float, n_prompts: int) -> Float:
    """Delta-method standard error of ``fn`` at each replicate (Efron & Tibshirani 1993, ch. 21).

    With T = Σ_p c_p S_p the replicate's column sums (c_p resample counts, Σ c_p = P) and
    g = ∇fn(T), the empirical influence of prompt p is P·gᵀ(S_p − T/P), so
    SE² = Σ_p c_p (gᵀ(S_p − T/P))² = gᵀ (Q − T Tᵀ / P) g with Q = Σ_p c_p S_p S_pᵀ.
    ``squares`` holds Q as (B x k x k).
    """
    grad = _gradient(fn, sums)
    centred = squares - sums[:, :, None] * sums[:, None, :] / n_prompts
    with np.errstate(invalid="ignore"):
        var = np.einsum("bi,bij,bj->b", grad, centred, grad)
        return np.sqrt(np.where(var > 0, var, np.where(var > -1e-12, 0.0, np.nan)))


def bootstrap_statistics(
    stats: Float,
    statistics: Sequence[SumStatistic],
    *,
    n_bootstrap: int,
    rng: np.random.Generator,
    confidence: float,
    method: str,
) -> list[BootstrapOutcome]:
    """Intervals and p-values of several statistics from ONE cluster bootstrap.

    Every statistic is evaluated on the same resampled prompts (one draw of resample
    counts per replicate), so the intervals of differences between judges are paired.

    ``percentile``: the interval is the α/2 and 1 − α/2 quantiles of the replicates
    θ*_b (Efron & Tibshirani 1993, ch. 13). ``studentized`` (bootstrap-t, ibid. ch. 12;
    Davison & Hinkley 1997, §5.2): with the linearization standard error SE*_b of each
    replicate and SE of the data, t*_b = (θ*_b − θ̂)/SE*_b and the interval is
    [θ̂ − t*_(1−α/2)·SE, θ̂ − t*_(α/2)·SE]. The linearization SE needs only second
    moments of the per-prompt sums (see :func:`_linearized_se`), so it is exact to
    compute for every replicate without a nested bootstrap.

    Replicates where the statistic is undefined (NaN), or, for bootstrap-t, where
    SE*_b is 0 or undefined, are left out and counted (``defined``). When more than
    α/2 of all replicates have a defined θ*_b but no usable SE*_b, the t tail cannot
    be estimated and the statistic gets the percentile interval (``method`` says so).
    A statistic equal to θ̂ on every replicate (e.g. two judges that agree on every
    prompt) gets the interval [θ̂, θ̂] under either method.

    The p-value of θ = 0 inverts the same equal-tailed interval: the smallest level at
    which the interval excludes 0, p = min(1, 2·min(1 + #{u*_b ≤ u}, 1 + #{u*_b ≥ u}) /
    (1 + B')), with u*_b = θ*_b and u = 0 (percentile), or u*_b = t*_b and u = θ̂/SE
    (studentized), over the B' defined replicates.
    """
    if method not in INTERVAL_METHODS:
        raise ValueError(f"interval method must be one of {', '.join(INTERVAL_METHODS)}; got {method!r}")
    n_prompts = stats.shape[0]
    used = sorted({c for s in statistics for c in s.columns})
    where = {c: i for i, c in enumerate(used)}
    pairs: list[tuple[int, int]] = []
    if method == "studentized":
        pair_set = {
            (min(a, b), max(a, b))
            for s in statistics
            for a in s.columns
            for b in s.columns
        }
        pairs = sorted((where[a], where[b]) for a, b in pair_set)
    # the used columns, then the second-moment products S_a·S_b, as rows of ONE matrix
    # (k + pairs) x P, each row written once (contiguous for the matrix product)
    joint = np.empty((len(used) + len(pairs), n_prompts))
    for i, c in enumerate(used):
        joint[i] = stats[:, c]
    for i, (a, b) in enumerate(pairs):
        np.multiply(joint[a], joint[b], out=joint[len(used) + i])
    # point sums: sequential over prompts with the product columns, numpy's pairwise
    # sum of each row without them (the summation orders of earlier versions, so every
    # estimate and interval stays bit-identical)
    point = column_sums(joint.T) if pairs else joint.sum(axis=1)
    replicated = np.zeros((n_bootstrap, joint.shape[0]))
    sums, active = resample_row_sums(joint, n_bootstrap=n_bootstrap, rng=rng)
    replicated[:, active] = sums
    del joint, sums
    pair_at = {pair: len(used) + i for i, pair in enumerate(pairs)}
    alpha = (1.0 - confidence) / 2.0
    out: list[BootstrapOutcome] = []
    for s in statistics:
        local = [where[c] for c in s.columns]
        estimate = float(s.fn(point[local][None, :])[0])
        values = s.fn(replicated[:, local]) if n_bootstrap else np.zeros(0)
        se = math.nan
        used_method = "percentile"
        finite_values = np.isfinite(values)
        ok = finite_values
        low = high = p = math.nan
        degenerate = bool(finite_values.any()) and bool(np.all(values[finite_values] == estimate))
        if method == "studentized" and math.isfinite(estimate) and not degenerate:
            sq_point = _squares(point[None, :], local, pair_at)
            se = float(_linearized_se(s.fn, point[local][None, :], sq_point, n_prompts)[0])
            rep_se = _linearized_se(
                s.fn, replicated[:, local], _squares(replicated, local, pair_at), n_prompts
            )
            with np.errstate(invalid="ignore", divide="ignore"):
                pivots = (values - estimate) / rep_se
            studentizable = finite_values & np.isfinite(rep_se) & (rep_se > 0)
            lost = int(np.count_nonzero(finite_values & ~studentizable))
            if math.isfinite(se) and studentizable.any() and lost <= alpha * n_bootstrap:
                used_method, ok = "studentized", studentizable
                kept = pivots[ok]
                lo_t, hi_t = np.quantile(kept, [alpha, 1.0 - alpha])
                low, high = estimate - float(hi_t) * se, estimate - float(lo_t) * se
                if se > 0:
                    u = estimate / se
                else:
                    u = math.copysign(math.inf, estimate) if estimate else 0.0
                p = _inverted_p(kept, u)
        if used_method == "percentile" and math.isfinite(estimate) and ok.any():
            finite = values[ok]
            lo_v, hi_v = np.quantile(finite, [alpha, 1.0 - alpha])
            low, high = float(lo_v), float(hi_v)
            p = _inverted_p(finite, 0.0)
            if degenerate:  # every method gives the point itself
                used_method = method
        out.append(
            BootstrapOutcome(estimate, low, high, p, int(np.count_nonzero(ok)), se, used_method)
        )
    return out


def _squares(sums: Float, local: Sequence[int], pair_at: dict[tuple[int, int], int]) -> Float:
    """Q = Σ_p c_p S_p S_pᵀ of the statistic's columns, (B x k x k), from the product sums."""
    k = len(local)
    out = np.empty((sums.shape[0], k, k))
    for i, a in enumerate(local):
        for j, b in enumerate(local):
            out[:, i, j] = sums[:, pair_at[(min(a, b), max(a, b))]]
    return out


def _inverted_p(replicates: Float, value: float) -> float:
    """Two-sided p-value from inverting an equal-tailed interval at ``value``."""
    below = int(np.count_nonzero(replicates <= value))
    above = int(np.count_nonzero(replicates >= value))
    return min(1.0, 2.0 * (1 + min(below, above)) / (1 + replicates.size))
