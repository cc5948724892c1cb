"""Probe statistics against independent computations: hand-worked values, math.comb, brute force."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from itertools import product
from typing import Any

import numpy as np
import pytest
from scipy import stats as sps

from judgespec.audit import bh_adjust, mcnemar_exact, probe_statistics
from judgespec.audit._probes import flip_distance


def _mcnemar_by_hand(b: int, c: int) -> float:
    n = b + c
    if n == 0:
        return 1.0
    tail = sum(math.comb(n, k) for k in range(min(b, c) + 1)) / 2**n
    return min(1.0, 2 * tail)


@pytest.mark.parametrize("b,c", [(0, 0), (0, 8), (8, 0), (3, 0), (5, 5), (2, 9), (13, 4), (1, 30)])
def test_mcnemar_exact_matches_the_binomial_sum(b: int, c: int) -> None:
    assert mcnemar_exact(b, c) == pytest.approx(_mcnemar_by_hand(b, c), rel=1e-12)


def test_mcnemar_hand_worked() -> None:
    # b = 0, c = 8: p = 2 * (1/2)^8 = 1/128
    assert mcnemar_exact(0, 8) == pytest.approx(1 / 128)
    # b = 1, c = 5: p = 2 * (1 + 6) / 64 = 7/32
    assert mcnemar_exact(1, 5) == pytest.approx(7 / 32)
    with pytest.raises(ValueError):
        mcnemar_exact(-1, 2)


def test_bh_hand_worked_example() -> None:
    # m = 4, sorted p: 0.01, 0.02, 0.03, 0.5 -> m p / k: 0.04, 0.04, 0.04, 0.5;
    # running minimum from the top keeps them; input order restored.
    p = [0.03, 0.5, 0.01, 0.02]
    assert bh_adjust(p) == pytest.approx([0.04, 0.5, 0.04, 0.04])
    # a non-monotone case: 0.01, 0.04, 0.03 -> 0.03, 0.045 -> min(0.06, 0.045)...
    p2 = [0.01, 0.04, 0.03]
    # sorted 0.01 (k=1): 0.03; 0.03 (k=2): 0.045; 0.04 (k=3): 0.04 -> step-up minimum
    assert bh_adjust(p2) == pytest.approx([0.03, 0.04, 0.04])


def test_bh_agrees_with_scipy_and_brute_force() -> None:
    rng = np.random.default_rng(7)
    for _ in range(20):
        p = rng.uniform(0, 0.2, size=int(rng.integers(1, 7))).tolist()
        m = len(p)
        order = sorted(range(m), key=lambda i: p[i])
        brute = [0.0] * m
        for rank, i in enumerate(order, start=1):
            brute[i] = min(1.0, min(p[order[k - 1]] * m / k for k in range(rank, m + 1)))
        assert bh_adjust(p) == pytest.approx(brute)
        assert bh_adjust(p) == pytest.approx(list(sps.false_discovery_control(p, method="bh")))


def test_bh_leaves_nan_out() -> None:
    out = bh_adjust([0.01, math.nan, 0.02])
    assert out[0] == pytest.approx(0.02) and out[2] == pytest.approx(0.02)
    assert math.isnan(out[1])


def test_flip_distance_hand_worked() -> None:
    assert flip_distance({"a": 3, "b": 1}, {"a": 1, "b": 3}) == 1.0
    assert flip_distance({"a": 3, "b": 1}, {"a": 4, "b": 1}) == 0.0
    # a tie of two becomes a clear winner: 1/2 (|1/2 - 1| + |1/2 - 0|) = 1/2
    assert flip_distance({"a": 3, "b": 3, "c": 1}, {"a": 3, "b": 2, "c": 1}) == 0.5
    # unscored candidates cannot be picked
    assert flip_distance({"a": None, "b": 2}, {"a": 5, "b": 2}) == 1.0
    assert flip_distance({"a": None}, {"a": 1}) is None


@dataclass(frozen=True)
class _Prompt:
    target: Any
    before: dict[str, float | None]
    after: dict[str, float | None]
    pairs: tuple[tuple[bool, bool], ...] = ()


@dataclass(frozen=True)
class _Run:
    kind: str
    prompts: tuple[_Prompt, ...]
    description: str = "test"
    pairs_from: str = "scores"
    extra: dict[str, Any] = field(default_factory=dict)


def _k(x: str) -> str:
    return json.dumps(x)


def _prompts() -> tuple[_Prompt, ...]:
    rng = np.random.default_rng(3)
    out = []
    for _ in range(9):
        before = {_k("t"): float(rng.integers(1, 6)), _k("o"): float(rng.integers(1, 6))}
        after = {_k("t"): float(rng.integers(1, 6)), _k("o"): before[_k("o")]}
        pairs = ((before[_k("t")] > before[_k("o")], after[_k("t")] > after[_k("o")]),)
        out.append(_Prompt("t", before, after, pairs))
    out.append(_Prompt("t", {_k("t"): None, _k("o"): 2.0}, {_k("t"): 3.0, _k("o"): 2.0}))
    return tuple(out)


def test_probe_statistics_against_brute_force() -> None:
    prompts = _prompts()
    runs = [_Run("verbosity", prompts), _Run("injection", prompts[:4])]
    n_boot, seed = 500, 11
    got = probe_statistics(runs, n_bootstrap=n_boot, seed=seed, confidence=0.9)
    for index, (run, stat) in enumerate(zip(runs, got, strict=True)):
        d = []
        f = []
        for p in run.prompts:
            tb, ta = p.before[_k("t")], p.after[_k("t")]
            d.append(np.nan if tb is None or ta is None else ta - tb)
            pick_b = max((v for v in p.before.values() if v is not None), default=None)
            pick_a = max((v for v in p.after.values() if v is not None), default=None)
            wb = {k for k, v in p.before.items() if v == pick_b}
            wa = {k for k, v in p.after.items() if v == pick_a}
            f.append(0.5 * sum(abs((k in wb) / len(wb) - (k in wa) / len(wa)) for k in wb | wa))
        d_arr, f_arr = np.array(d), np.array(f)
        assert stat.prompts == len(run.prompts)
        assert stat.score_shift.n == int(np.isfinite(d_arr).sum())
        assert stat.score_shift.estimate == pytest.approx(np.nanmean(d_arr))
        assert stat.flip_rate.estimate == pytest.approx(f_arr.mean())
        # the same draws, recomputed by looping over replicates
        rng = np.random.default_rng([seed, index])
        idx = rng.integers(0, len(d_arr), size=(n_boot, len(d_arr)))
        shift_reps = [
            np.nanmean(d_arr[row]) if np.isfinite(d_arr[row]).any() else np.nan for row in idx
        ]
        flip_reps = [f_arr[row].mean() for row in idx]
        lo, hi = np.nanquantile(shift_reps, [0.05, 0.95])
        assert (stat.score_shift.ci_low, stat.score_shift.ci_high) == pytest.approx((lo, hi))
        lo, hi = np.quantile(flip_reps, [0.05, 0.95])
        assert (stat.flip_rate.ci_low, stat.flip_rate.ci_high) == pytest.approx((lo, hi))
        b = sum((not x) and y for p in run.prompts for x, y in p.pairs)
        c = sum(x and not y for p in run.prompts for x, y in p.pairs)
        assert (stat.gained, stat.lost) == (b, c)
        assert stat.mcnemar_p == pytest.approx(_mcnemar_by_hand(b, c))
    qs = [s.bh_q for s in got]
    assert qs == pytest.approx(list(sps.false_discovery_control([s.mcnemar_p for s in got])))


def test_probe_without_prompts_is_undefined_not_zero() -> None:
    (stat,) = probe_statistics([_Run("formatting", ())], n_bootstrap=50)
    assert stat.prompts == 0 and stat.pairs == 0
    assert math.isnan(stat.score_shift.estimate) and math.isnan(stat.flip_rate.ci_low)
    assert math.isnan(stat.mcnemar_p) and math.isnan(stat.bh_q)


def test_all_discordant_directions() -> None:
    pairs = tuple(product([False, True], repeat=2))  # (F,F) (F,T) (T,F) (T,T)
    run = _Run("x", (_Prompt("t", {_k("t"): 1.0}, {_k("t"): 1.0}, pairs),))
    (stat,) = probe_statistics([run], n_bootstrap=10)
    assert (stat.pairs, stat.gained, stat.lost) == (4, 1, 1)
    assert stat.mcnemar_p == 1.0
