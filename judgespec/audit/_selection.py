"""Per-prompt sufficient statistics of judge selection: the pick and the best-of-k curve.

Selection uses, per prompt, the candidates with both an oracle utility and a judge
score ("eligible" candidates); a prompt counts when it has two or more. Candidates with
a null judge score are never given a score and cannot be picked.

Tie policies for the judge's pick among tied top candidates:

``expected``
    Expected value under uniform random tie-breaking among the tied top (no RNG).
``first``
    The first tied candidate in table order.
``random``
    A uniformly random tied candidate, drawn from a seeded numpy ``Generator``.
``abstain``
    No pick when the top is tied: the prompt leaves the selection metrics and counts as
    an abstention.

The best-of-k curve is exact (no sampling): ranking a prompt's n candidates by judge
score, the candidate at rank r tops a uniformly random k-subset with probability
C(n-1-r, k-1) / C(n, k). Under ``expected`` each member of a tie group gets the mean of
its group's probabilities; under ``first`` and ``random`` the tie-break order fixes the
ranks; under ``abstain`` abstaining prompts are left out and ties inside a subset of the
remaining prompts are resolved by the expected value.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ._groups import (
    Bool,
    Float,
    Int,
    group_max,
    group_min,
    group_starts,
    group_sum,
    keep_groups,
    rank_within,
    run_ids,
)
from ._table import CandidatesTable

TIE_POLICY_NAMES: dict[str, str] = {
    "expected": "expected",
    "first": "first",
    "random": "random",
    "abstain": "abstain",
    "first_position": "first",
    "seeded_random": "random",
    "logprob": "expected",
    "pairwise_escalation": "expected",
}
"""Every accepted tie-policy name -> the audit rule it means. The contract's names
(``first_position``, ``seeded_random``) are accepted beside the short ones; the
engine-level policies (``logprob``, ``pairwise_escalation``) have already separated ties
in the judge scores, so any tie left is scored as ``expected``."""

TIE_POLICIES: tuple[str, ...] = tuple(TIE_POLICY_NAMES)
"""The tie-policy names :func:`~judgespec.audit.run_audit` accepts."""


@dataclass(frozen=True)
class Eligible:
    """Eligible rows (oracle and judge score non-null) of prompts with two or more."""

    rows: Int
    """Table row of each eligible row."""
    pid: Int
    """Prompt index of each eligible row (sorted, table order within a prompt)."""
    s: Float
    """Judge score."""
    y: Float
    """Oracle utility."""
    n_prompts: int
    """Prompts in the table (``P``)."""


def eligible_rows(table: CandidatesTable) -> Eligible:
    """The candidates that selection metrics use (see module docstring)."""
    mask = ~np.isnan(table.oracle) & ~np.isnan(table.judge)
    if mask.all() and bool(np.all(table.sizes >= 2)):  # every row: the table's own arrays
        return Eligible(
            rows=np.arange(table.n_rows),
            pid=table.row_prompt,
            s=table.judge,
            y=table.oracle,
            n_prompts=table.n_prompts,
        )
    rows = np.flatnonzero(mask)
    pid = table.row_prompt[rows]
    keep = keep_groups(pid, table.n_prompts, 2)
    rows = rows[keep]
    return Eligible(
        rows=rows,
        pid=pid[keep],
        s=table.judge[rows],
        y=table.oracle[rows],
        n_prompts=table.n_prompts,
    )


@dataclass(frozen=True)
class Selection:
    """Per-prompt selection statistics (length-``P`` columns) and what was left out."""

    columns: dict[str, Float]
    selection_prompts: Bool
    """Prompts with two or more eligible candidates."""
    abstained: Bool
    """Selection prompts on which the tie policy made no pick (``abstain`` only)."""
    max_k: int
    """Largest subset size of the best-of-k curve (0 without selection prompts)."""


def _pick_order(el: Eligible, tie_policy: str, rng: np.random.Generator) -> Int:
    """Row order: by prompt, judge score descending, then the tie-break key."""
    if tie_policy == "random":
        return _sort_within(el.pid, el.n_prompts, rng.random(len(el.pid)), -el.s)
    return _sort_within(el.pid, el.n_prompts, -el.s)


def _sort_within(pid: Int, n_prompts: int, *keys: NDArray[Any]) -> Int:
    """Row order of ``numpy.lexsort((*keys, pid))`` for ``pid`` sorted ascending.

    The last key is the primary one; ties keep row order. When every prompt with rows
    has the same number of them (the common best-of-n layout) the rows are sorted
    within each prompt as one small sort per row of a (prompts x n) matrix, which is
    several times faster than sorting all rows by prompt again.
    """
    counts = np.bincount(pid, minlength=n_prompts)
    present = counts[counts > 0]
    if len(present) == 0 or present.min() != present.max():
        return np.lexsort((*keys, pid))
    size = int(present[0])
    groups = len(pid) // size
    if len(keys) == 1:
        order = np.argsort(keys[0].reshape(groups, size), axis=-1, kind="stable")
    else:
        order = np.lexsort(tuple(k.reshape(groups, size) for k in keys), axis=-1)
    order += (np.arange(groups, dtype=order.dtype) * size)[:, None]
    return order.reshape(-1)


class _RankRuns:
    """Runs of candidates that share a position probability, in rank order per prompt.

    For the judge under ``expected``/``abstain`` a run is a tie group (each member gets
    the mean of its group's position probabilities); otherwise every candidate is its own
    run. For the oracle a run is a group of equal utilities (any order gives the same
    expected maximum).
    """

    def __init__(self, run: Int, pid: Int, rank: Int, n: Int, y: Float) -> None:
        starts = np.flatnonzero(np.diff(run, prepend=-1) != 0)
        self.size = np.diff(np.append(starts, len(run)))
        self.pid = pid[starts]
        self.ysum = np.add.reduceat(y, starts) if len(starts) else np.zeros(0)
        n_run = n[starts]
        above = n_run - rank[starts]  # candidates at or below the run's first rank
        below = above - self.size  # candidates below the run
        # T depends on (n, m) only: evaluate it once per distinct pair, then gather
        width = int(n_run.max()) + 1 if len(n_run) else 1
        keys, inverse = _unique_small(
            np.concatenate([n_run * width + above, n_run * width + below]), width * width
        )
        self.pair_n, self.pair_m = np.divmod(keys, width)
        self.at_top, self.past = np.split(inverse, 2)
        self.log_factorial = _log_factorials(width)

    def expected_pick(self, k: int, n_prompts: int) -> Float:
        """Per prompt, Σ_i P(i tops a uniform random k-subset) · y_i.

        The candidate at rank r (0-based) of n tops the subset with probability
        C(n-1-r, k-1) / C(n, k). Summed over the ranks of a run [a, b) this telescopes to
        T(n-a) - T(n-b), with T(m) = C(m, k) / C(n, k) the probability that the subset
        avoids the top n-m ranks; each member of the run gets the mean, (T(n-a) - T(n-b))
        / (b - a).
        """
        n, m = self.pair_n, self.pair_m
        usable = (n >= k) & (m >= k)
        lf = self.log_factorial
        log_ratio = _log_comb(np.where(usable, m, k), k, lf) - _log_comb(np.where(usable, n, k), k, lf)
        tail = np.where(usable, np.exp(log_ratio), 0.0)
        share = (tail[self.at_top] - tail[self.past]) / self.size
        weights = share * self.ysum
        return np.bincount(self.pid, weights=weights, minlength=n_prompts).astype(np.float64)


def _unique_small(codes: Int, bound: int) -> tuple[Int, Int]:
    """``numpy.unique(codes, return_inverse=True)`` for codes in ``[0, bound)``: by a
    presence table (no sort) when ``bound`` is small beside ``len(codes)``."""
    if bound > 4 * len(codes) + 1024:
        keys, inverse = np.unique(codes, return_inverse=True)
        return keys, inverse.reshape(-1)
    present = np.zeros(bound, dtype=bool)
    present[codes] = True
    keys = np.flatnonzero(present)
    lookup = np.zeros(bound, dtype=np.intp)
    lookup[keys] = np.arange(len(keys))
    return keys, lookup[codes]


def _log_factorials(upto: int) -> Float:
    """log i! for i = 0..upto, each ``math.lgamma(i + 1)`` (correct to about one ulp)."""
    return np.array([math.lgamma(i + 1.0) for i in range(upto + 1)], dtype=np.float64)


def _log_comb(m: Int, k: int, log_factorial: Float) -> Float:
    """log C(m, k) = log m! - log k! - log (m - k)! for m >= k (``log_factorial`` up to max m)."""
    return np.asarray(log_factorial[m] - log_factorial[k] - log_factorial[m - k], dtype=np.float64)


def selection_stats(el: Eligible, *, tie_policy: str, rng: np.random.Generator) -> Selection:
    """Per-prompt columns behind ``recovery``, ``top1_accuracy``, ``regret``, ``bon_curve``.

    Columns (zero outside the prompts that make a pick):

    - ``sel_n``: 1 for a prompt where the judge makes a pick.
    - ``sel_gain`` = E[y_pick] - ȳ_p and ``sel_room`` = max_i y_i - ȳ_p (both 0 when all
      utilities of the prompt are equal).
    - ``sel_top1`` = P(pick ∈ argmax_i y_i); ``sel_regret`` = max_i y_i - E[y_pick].
    - ``bon_n_k``, ``bon_judge_k``, ``bon_oracle_k``, ``bon_random_k`` for k = 1..max n:
      prompt has n_p >= k; expected utility of the judge's pick, of the best candidate,
      and of a random candidate in a uniformly random k-subset.
    """
    P = el.n_prompts
    order = _pick_order(el, tie_policy, rng)
    ps, ss, ys = el.pid[order], el.s[order], el.y[order]
    del order  # row-level arrays are dropped as soon as they are used (memory at scale)
    n_p, starts = group_starts(ps, P)
    selection = n_p >= 2
    rank = rank_within(ps, P)
    n_rows = n_p[ps]
    tie_group = run_ids(ps, ss)
    del ss
    top = tie_group == tie_group[starts[ps]] if len(ps) else np.zeros(0, dtype=bool)
    top_size = group_sum(ps, top, P)
    abstained = selection & (top_size >= 2) if tie_policy == "abstain" else np.zeros(P, bool)
    picks = selection & ~abstained

    if tie_policy in ("expected", "abstain"):
        with np.errstate(invalid="ignore", divide="ignore"):
            weight = np.where(top, 1.0 / top_size[ps], 0.0)
    else:
        weight = (rank == 0).astype(np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = group_sum(ps, ys, P) / n_p
    best = group_max(ps, ys, P)
    varies = picks & (best > group_min(ps, ys, P))
    expected_pick = group_sum(ps, weight * ys, P)
    top1 = group_sum(ps, weight * (ys == best[ps]), P)
    columns: dict[str, Float] = {
        "sel_n": picks.astype(np.float64),
        "sel_gain": np.where(varies, expected_pick - mean, 0.0),
        "sel_room": np.where(varies, best - mean, 0.0),
        "sel_top1": np.where(picks, top1, 0.0),
        "sel_regret": np.where(varies, best - expected_pick, 0.0),
    }
    del top, weight

    max_k = int(n_p[picks].max()) if np.any(picks) else 0
    keep = picks[ps]
    every = bool(keep.all())  # then the arrays are used as they are, without masked copies

    def kept(values: NDArray[Any]) -> NDArray[Any]:
        return values if every else values[keep]

    judge_run = tie_group if tie_policy in ("expected", "abstain") else np.arange(len(ps))
    judge_runs = _RankRuns(kept(judge_run), kept(ps), kept(rank), kept(n_rows), kept(ys))
    del judge_run, tie_group
    by_oracle = _sort_within(ps, P, -ys)  # rows of a prompt stay together: ranks carry over
    oracle_y = ys[by_oracle]
    del by_oracle
    oracle_runs = _RankRuns(
        kept(run_ids(ps, oracle_y)), kept(ps), kept(rank), kept(n_rows), kept(oracle_y)
    )
    del oracle_y, rank, n_rows
    for k in range(1, max_k + 1):
        in_k = picks & (n_p >= k)
        if k == 1:  # a 1-subset is a uniformly random pick, whoever picks
            judge_u = oracle_u = mean
        else:
            judge_u = judge_runs.expected_pick(k, P)
            oracle_u = oracle_runs.expected_pick(k, P)
        # prompts whose utilities are all equal: every pick has that utility exactly
        judge_u = np.where(varies, judge_u, best)
        oracle_u = np.where(varies, oracle_u, best)
        random_u = np.where(varies, mean, best)
        columns[f"bon_n_{k}"] = in_k.astype(np.float64)
        columns[f"bon_judge_{k}"] = np.where(in_k, judge_u, 0.0)
        columns[f"bon_oracle_{k}"] = np.where(in_k, oracle_u, 0.0)
        columns[f"bon_random_{k}"] = np.where(in_k, random_u, 0.0)
    return Selection(columns=columns, selection_prompts=selection, abstained=abstained, max_k=max_k)
