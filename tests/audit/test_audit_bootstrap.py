"""Cluster bootstrap: agreement with scipy, determinism, resampling invariants."""

from __future__ import annotations

import dataclasses
import math
import os
import subprocess
import sys
from collections.abc import Callable

import numpy as np
import pytest
from scipy import stats

from judgespec.audit import AuditResult, CandidatesTable, run_audit
from judgespec.audit._bootstrap import column_sums, percentile_interval, resample_sums


def regret_table(prompts: int = 300, seed: int = 7) -> tuple[CandidatesTable, np.ndarray]:
    """Best-of-2 prompts without judge ties: per-prompt regret is one number per cluster."""
    rng = np.random.default_rng(seed)
    y = rng.random((prompts, 2))
    s = y + rng.normal(0, 0.3, (prompts, 2))
    rows = [
        {"prompt_id": f"p{p}", "candidate_id": c, "oracle": float(y[p, i]),
         "judge_score": float(s[p, i])}
        for p in range(prompts)
        for i, c in enumerate("ab")
    ]  # fmt: skip
    picked = y[np.arange(prompts), np.argmax(s, axis=1)]
    return CandidatesTable.from_rows(rows), y.max(axis=1) - picked


def test_cluster_bootstrap_matches_scipy_percentile_on_a_plain_mean() -> None:
    # regret = mean over prompts of a per-prompt value: with one cluster per prompt the
    # cluster bootstrap is the ordinary bootstrap of that mean
    table, per_prompt = regret_table()
    ours = run_audit(table, n_bootstrap=4000, seed=3, interval="percentile").metrics["regret"]
    ref = stats.bootstrap(
        (per_prompt,), np.mean, n_resamples=4000, method="percentile",
        confidence_level=0.95, rng=np.random.default_rng(11),
    )  # fmt: skip
    assert ours.estimate == pytest.approx(per_prompt.mean())
    assert ours.ci_low == pytest.approx(ref.confidence_interval.low, abs=0.01)
    assert ours.ci_high == pytest.approx(ref.confidence_interval.high, abs=0.01)
    assert ours.ci_low < ours.estimate < ours.ci_high


def test_confidence_level_narrows_the_interval() -> None:
    table, _ = regret_table(prompts=100)
    wide = run_audit(table, n_bootstrap=500, confidence=0.95).metrics["regret"]
    narrow = run_audit(table, n_bootstrap=500, confidence=0.5).metrics["regret"]
    assert wide.ci_low < narrow.ci_low < narrow.ci_high < wide.ci_high


def test_same_seed_is_bit_identical_and_other_seeds_differ() -> None:
    table, _ = regret_table(prompts=80)
    a = run_audit(table, n_bootstrap=300, seed=5)
    b = run_audit(table, n_bootstrap=300, seed=5)
    c = run_audit(table, n_bootstrap=300, seed=6)

    def numbers(result: AuditResult) -> np.ndarray:
        return np.array([(m.estimate, m.ci_low, m.ci_high) for m in result.metrics.values()])

    # bit-identical (NaN where undefined, so compare with equal_nan)
    assert np.array_equal(numbers(a), numbers(b), equal_nan=True)
    assert dataclasses.replace(a, metrics={}) == dataclasses.replace(b, metrics={})
    assert a.metrics["regret"].ci_low != c.metrics["regret"].ci_low
    assert a.metrics["regret"].estimate == c.metrics["regret"].estimate


def test_every_replicate_resamples_exactly_p_prompts() -> None:
    rng = np.random.default_rng(0)
    n_prompts = 1000
    per_prompt = np.column_stack([np.ones(n_prompts), np.eye(n_prompts)[:, 0]])
    sums = resample_sums(per_prompt, n_bootstrap=700, rng=rng, max_cells=10_000)  # 10 per chunk
    assert sums.shape == (700, 2)
    assert np.all(sums[:, 0] == n_prompts)  # counts of each replicate add up to P
    # how often prompt 0 is drawn: Binomial(P, 1/P), mean 1
    assert sums[:, 1].mean() == pytest.approx(1.0, abs=0.15)
    assert set(np.unique(sums[:, 1])) <= set(range(10))


def test_resample_sums_only_requested_columns() -> None:
    stats_ = np.arange(12, dtype=float).reshape(4, 3)
    sums = resample_sums(stats_, n_bootstrap=5, rng=np.random.default_rng(1), columns=[2])
    assert np.all(sums[:, :2] == 0)
    assert np.all(sums[:, 2] > 0)


def test_replicate_blocks_give_identical_sums_to_a_brute_force_loop() -> None:
    """One matrix product per replicate, per 8 replicates or for all: identical bits."""
    rng = np.random.default_rng(5)
    n_prompts, n_bootstrap = 36, 22
    stats_ = rng.integers(-40, 40, size=(n_prompts, 5)) / 8.0  # dyadic: every sum is exact
    stats_[:, 3] = 0.0  # a column that is zero for every prompt stays zero
    real = rng.normal(size=(n_prompts, 4))  # rounding: the same dot products in any block
    draws = np.random.default_rng(11)
    brute = np.zeros((n_bootstrap, 5))
    for first in range(0, n_bootstrap, 4):  # the draws the code makes: 4 replicates a call
        size = min(4, n_bootstrap - first)
        for r, picked in enumerate(draws.integers(0, n_prompts, size=(size, n_prompts))):
            for p in picked.tolist():
                brute[first + r] += stats_[p]
    per_block = []
    for block_cells in (1, 8 * n_prompts, 1 << 30, None):  # None: the default blocks
        kwargs = {"n_bootstrap": n_bootstrap, "max_cells": 4 * n_prompts, "block_cells": block_cells}
        sums = resample_sums(stats_, rng=np.random.default_rng(11), **kwargs)
        assert np.array_equal(sums, brute)
        per_block.append(resample_sums(real, rng=np.random.default_rng(11), **kwargs))
    assert all(np.array_equal(per_block[0], other) for other in per_block[1:])


_THREADS_SCRIPT = """
import hashlib, sys
import numpy as np
from threadpoolctl import threadpool_info
from judgespec.audit._bootstrap import resample_sums
before = [pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "blas"]
stats_ = np.random.default_rng(3).normal(size=(874, 40)) * 1e3
sums = resample_sums(stats_, n_bootstrap=2000, rng=np.random.default_rng(0))
after = [pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "blas"]
print(hashlib.sha256(sums.tobytes()).hexdigest(), before == after, before)
"""


def test_resampled_sums_do_not_depend_on_blas_threads() -> None:
    """The same bits under one and several BLAS threads; the thread setting is restored.

    874 prompts x 40 real-valued columns (the arena sample's size): a product this size
    is split over threads by a multi-threaded BLAS, which rounded differently before the
    products were held to one thread.
    """
    outputs = []
    for threads in ("1", "2", "4"):
        env = {**os.environ, "OPENBLAS_NUM_THREADS": threads, "OMP_NUM_THREADS": threads,
               "MKL_NUM_THREADS": threads}  # fmt: skip
        done = subprocess.run([sys.executable, "-c", _THREADS_SCRIPT], env=env,
                              capture_output=True, text=True, check=True)  # fmt: skip
        digest, restored, before = done.stdout.split(maxsplit=2)
        assert restored == "True", f"BLAS threads not restored under {threads}: {before}"
        outputs.append(digest)
    assert outputs[0] == outputs[1] == outputs[2]


def test_column_sums_add_in_prompt_order_whatever_the_layout() -> None:
    rng = np.random.default_rng(2)
    stats_ = rng.normal(size=(1001, 3)) * 10.0 ** rng.integers(-8, 8, size=(1001, 3))
    sequential = np.zeros(3)
    for row in stats_:
        sequential = sequential + row
    column_major = np.asfortranarray(stats_)
    assert np.array_equal(column_sums(stats_), sequential)
    assert np.array_equal(column_sums(column_major), sequential)
    assert np.array_equal(column_sums(np.zeros((0, 3))), np.zeros(3))


def test_percentile_interval_ignores_undefined_replicates() -> None:
    replicates = np.array([[1.0, np.nan], [2.0, np.nan], [np.nan, np.nan], [3.0, np.nan]])
    low, high = percentile_interval(replicates, 0.5)
    assert low[0] == pytest.approx(1.5) and high[0] == pytest.approx(2.5)
    assert math.isnan(low[1]) and math.isnan(high[1])


def test_interval_of_a_ratio_metric_brackets_the_estimate(
    make_table: Callable[..., CandidatesTable],
) -> None:
    rng = np.random.default_rng(2)
    prompts = {
        f"p{i}": [(c, float(rng.integers(0, 3)), float(rng.integers(0, 3))) for c in "abcd"]
        for i in range(60)
    }
    m = run_audit(make_table(prompts), n_bootstrap=400, seed=1).metrics
    for name in ("recovery", "kappa", "r_within", "tie_rate", "top1_accuracy"):
        assert m[name].ci_low <= m[name].estimate <= m[name].ci_high, name
