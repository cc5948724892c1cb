"""Benchmark of the audit statistics: 100,000 prompts x 8 candidates, 2,000 replicates.

Run: ``python benchmarks/bench_scorecard.py [--prompts N] [--candidates N]``.

Prints the wall time and peak memory of a full :func:`judgespec.audit.run_audit`
(every metric, cluster bootstrap with 2,000 replicates), and compares the throughput
of its point estimates with a straightforward per-prompt Python loop computing the same
point metrics (recovery, top-1 accuracy, regret, r_within, tie rate) on a 10,000-prompt
subsample. The loop also cross-checks the numbers. Goal: <= 3 s and <= 1 GB on 2 cores.
"""

from __future__ import annotations

import argparse
import math
import resource
import time
import tracemalloc

import numpy as np

from judgespec.audit import CandidatesTable, run_audit


def synthetic_table(prompts: int, candidates: int, *, seed: int = 0) -> CandidatesTable:
    """Seeded synthetic audit: prompt difficulty shared by judge and oracle, coarse scores."""
    rng = np.random.default_rng(seed)
    rows = prompts * candidates
    prompt = np.repeat(np.arange(prompts), candidates)
    difficulty = rng.normal(size=prompts)[prompt]
    oracle = difficulty + rng.normal(size=rows)
    judge = np.round(2 * (0.8 * difficulty + 0.3 * (oracle - difficulty) + rng.normal(size=rows)))
    return CandidatesTable.from_arrays(
        prompt_ids=np.char.add("p", prompt.astype(str)),
        candidate_ids=np.char.add("c", np.tile(np.arange(candidates), prompts).astype(str)),
        oracle=oracle,
        judge_score=judge / 2,
        length=rng.integers(50, 3000, rows),
        source="<synthetic>",
    )


def loop_point_metrics(table: CandidatesTable) -> dict[str, float]:
    """The same point metrics, one prompt at a time in plain Python/numpy."""
    gain = room = top1 = regret = 0.0
    sxy = sxx = syy = 0.0
    pairs = ties = 0
    prompts = 0
    for p in range(table.n_prompts):
        lo, hi = int(table.offsets[p]), int(table.offsets[p + 1])
        y_all, s_all = table.oracle[lo:hi], table.judge[lo:hi]
        scored = s_all[~np.isnan(s_all)]
        for i in range(len(scored)):
            for j in range(i + 1, len(scored)):
                pairs += 1
                ties += scored[i] == scored[j]
        ok = ~np.isnan(y_all) & ~np.isnan(s_all)
        y, s = y_all[ok], s_all[ok]
        if len(y) < 2:
            continue
        prompts += 1
        top = s == s.max()
        pick = y[top].mean()
        best = y.max()
        if best > y.min():
            gain += pick - y.mean()
            room += best - y.mean()
            regret += best - pick
        top1 += np.mean(y[top] == best)
        ds, dy = s - s.mean(), y - y.mean()
        sxy += float(ds @ dy)
        sxx += float(ds @ ds)
        syy += float(dy @ dy)
    return {
        "recovery": gain / room,
        "top1_accuracy": top1 / prompts,
        "regret": regret / prompts,
        "r_within": sxy / math.sqrt(sxx * syy),
        "tie_rate": ties / pairs,
    }


def subsample(table: CandidatesTable, prompts: int) -> CandidatesTable:
    rows = int(table.offsets[prompts])
    prompt_of_row = table.row_prompt[:rows]
    return CandidatesTable.from_arrays(
        prompt_ids=[table.prompt_ids[int(p)] for p in prompt_of_row],
        candidate_ids=table.candidate_ids[:rows],
        oracle=table.oracle[:rows],
        judge_score=table.judge[:rows],
        length=table.length[:rows],
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--prompts", type=int, default=100_000)
    parser.add_argument("--candidates", type=int, default=8)
    parser.add_argument("--replicates", type=int, default=2000)
    parser.add_argument("--loop-prompts", type=int, default=10_000)
    args = parser.parse_args()

    start = time.perf_counter()
    table = synthetic_table(args.prompts, args.candidates)
    print(f"table: {args.prompts:,} prompts x {args.candidates} candidates "
          f"built in {time.perf_counter() - start:.2f} s (not part of the audit)")  # fmt: skip

    run_audit(subsample(table, 1000), n_bootstrap=10)  # warm up imports and caches
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    start = time.perf_counter()
    result = run_audit(table, n_bootstrap=args.replicates, seed=0)
    wall = time.perf_counter() - start
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"run_audit, {args.replicates:,} replicates: {wall:.2f} s wall")
    print(
        f"  peak RSS of the process: {rss_after:.0f} MiB (before the audit: {rss_before:.0f} MiB)"
    )

    tracemalloc.start()
    run_audit(table, n_bootstrap=args.replicates, seed=0)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"  peak memory allocated during run_audit (tracemalloc): {peak / 2**20:.0f} MiB")
    recovery = result.metrics["recovery"]
    print(f"  recovery {recovery.estimate:.4f} [{recovery.ci_low:.4f}, {recovery.ci_high:.4f}]")

    start = time.perf_counter()
    run_audit(table, n_bootstrap=0)
    point_wall = time.perf_counter() - start
    small = subsample(table, args.loop_prompts)
    start = time.perf_counter()
    loop = loop_point_metrics(small)
    loop_wall = time.perf_counter() - start
    vectorised = run_audit(small, n_bootstrap=0).metrics
    for name, value in loop.items():
        if not math.isclose(vectorised[name].estimate, value, rel_tol=1e-9, abs_tol=1e-12):
            raise SystemExit(f"mismatch in {name}: loop {value} vs run_audit {vectorised[name]}")
    loop_rate = args.loop_prompts / loop_wall
    point_rate = args.prompts / point_wall
    full_rate = args.prompts / wall
    print(f"point estimates, all metrics, vectorised: {point_wall:.2f} s "
          f"= {point_rate:,.0f} prompts/s")  # fmt: skip
    print(f"per-prompt loop, 5 point metrics, {args.loop_prompts:,} prompts: {loop_wall:.2f} s "
          f"= {loop_rate:,.0f} prompts/s (numbers agree)")  # fmt: skip
    print(f"throughput ratio, vectorised / loop: {point_rate / loop_rate:.1f}x for point "
          f"estimates (all metrics vs the loop's 5); {full_rate / loop_rate:.1f}x for the full "
          f"audit with {args.replicates:,} bootstrap replicates vs the loop's point estimates")  # fmt: skip
    naive = args.prompts / loop_rate * (args.replicates + 1)
    print(f"extrapolated: the loop recomputing its 5 metrics on each of {args.replicates:,} "
          f"resamples would take about {naive:,.0f} s for {args.prompts:,} prompts, "
          f"{naive / wall:,.0f}x the full run_audit")  # fmt: skip


if __name__ == "__main__":
    main()
