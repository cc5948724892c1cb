"""Coverage of the audit's bootstrap intervals, measured by simulation.

Run: ``python benchmarks/bench_coverage.py [--quick] [--reps R] [--bootstrap B]``.

A known hierarchical model generates audits of P prompts x 4 candidates: prompt
difficulty d_p ~ N(0, 1); candidate quality q_i = d_p + N(0, 0.8²); oracle utility
y_i = q_i + N(0, 0.3²); judge score s_i = clip(round(3 + 0.7·d_p + 0.6·(q_i − d_p) +
N(0, 0.8²)), 1, 5), a coarse 1-5 scale that ties often (within-prompt pairs tie about
a third of the time). The population value of each metric (every metric is a ratio of
expected per-prompt sums) is computed once from 400,000 simulated prompts. Each
replicate audit draws P prompts and computes the 95% interval of ``recovery``,
``r_within``, ``top1_accuracy`` and ``tie_rate`` with the audit's own code path
(per-prompt statistics, ONE cluster bootstrap shared by both methods, the same
clipping and fallback as :func:`judgespec.audit.run_audit`), under the ``percentile``
and the ``studentized`` (bootstrap-t) method. Coverage is the share of replicate
audits whose interval contains the population value; its Monte Carlo standard error
is sqrt(c(1 − c)/R). The mean width of the intervals is printed beside it.

The default run (R = 1,000 audits per size, B = 1,000 bootstrap replicates, P = 20, 50,
200) takes about 3 minutes on 2 cores; ``--quick`` (R = 150, B = 400) about a minute of
wall time on a busy machine (Monte Carlo error about ±0.02 there, so read it as a smoke
run, not a measurement).
"""

from __future__ import annotations

import argparse
import math
import time

import numpy as np

from judgespec.audit import CandidatesTable
from judgespec.audit._audit import _audit_iv, _estimates, prompt_statistics
from judgespec.audit._bootstrap import INTERVAL_METHODS
from judgespec.audit._metrics import METRICS, Sums

METRICS_CHECKED = ("recovery", "r_within", "top1_accuracy", "tie_rate")
CANDIDATES = 4
TRUTH_PROMPTS = 400_000


def simulate(prompts: int, rng: np.random.Generator) -> CandidatesTable:
    """One audit of ``prompts`` x 4 candidates from the hierarchical model above."""
    rows = prompts * CANDIDATES
    prompt = np.repeat(np.arange(prompts), CANDIDATES)
    difficulty = rng.normal(size=prompts)[prompt]
    within = rng.normal(0.0, 0.8, rows)
    oracle = difficulty + within + rng.normal(0.0, 0.3, rows)
    judge = np.clip(np.round(3 + 0.7 * difficulty + 0.6 * within + rng.normal(0.0, 0.8, rows)), 1, 5)
    return CandidatesTable.from_arrays(
        prompt_ids=np.char.add("p", prompt.astype(str)),
        candidate_ids=np.tile(np.array(["a", "b", "c", "d"], dtype=object), prompts),
        oracle=oracle,
        judge_score=judge,
        source="<simulated>",
    )


def point_values(table: CandidatesTable) -> dict[str, float]:
    """Point estimates of the checked metrics (no bootstrap)."""
    ps = prompt_statistics(_audit_iv(table, None, "expected", "win_share", 0, 0, 0.95, 0.0, None))
    point = Sums(ps.stats.sum(axis=0), ps.index)
    return {spec.name: float(spec.value(point)) for spec in METRICS if spec.name in METRICS_CHECKED}


def intervals(
    table: CandidatesTable, *, n_bootstrap: int, seed: int, method: str
) -> dict[str, tuple[float, float]]:
    """The audit's 95% intervals of the checked metrics under ``method``."""
    args = _audit_iv(table, None, "expected", "win_share", n_bootstrap, seed, 0.95, 0.0, None, method)
    ps = prompt_statistics(args)
    point = Sums(ps.stats.sum(axis=0), ps.index)
    specs = [spec for spec in METRICS if spec.name in METRICS_CHECKED]
    _, boot_seed = np.random.SeedSequence(seed).spawn(2)
    est = _estimates(ps.stats, point, ps.ctx, args, np.random.default_rng(boot_seed), specs)
    return {name: (m.ci_low, m.ci_high) for name, m in est.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="R = 150 audits, B = 400 replicates")
    parser.add_argument("--reps", type=int, default=None, help="replicate audits per size")
    parser.add_argument("--bootstrap", type=int, default=None, help="bootstrap replicates")
    parser.add_argument("--sizes", default="20,50,200", help="prompts per audit, comma-separated")
    parser.add_argument("--seed", type=int, default=2026)
    opts = parser.parse_args()
    reps = opts.reps or (150 if opts.quick else 1000)
    n_boot = opts.bootstrap or (400 if opts.quick else 1000)
    sizes = [int(x) for x in opts.sizes.split(",")]
    rng = np.random.default_rng(opts.seed)
    start = time.perf_counter()
    truth = point_values(simulate(TRUTH_PROMPTS, rng))
    print(f"population values ({TRUTH_PROMPTS:,} prompts x {CANDIDATES}): "
          + ", ".join(f"{k} {v:.4f}" for k, v in truth.items()))  # fmt: skip
    print(f"simulation: R = {reps} audits per size, B = {n_boot} bootstrap replicates, "
          "nominal 0.95, Monte Carlo SE = sqrt(c(1-c)/R)")  # fmt: skip
    print()
    print(f"| prompts | metric | {' | '.join(INTERVAL_METHODS)} |")
    print("|---|---|" + "---|" * len(INTERVAL_METHODS))
    for prompts in sizes:
        hits = {(m, k): 0 for m in INTERVAL_METHODS for k in METRICS_CHECKED}
        valid = {(m, k): 0 for m in INTERVAL_METHODS for k in METRICS_CHECKED}
        width = {(m, k): 0.0 for m in INTERVAL_METHODS for k in METRICS_CHECKED}
        for r in range(reps):
            table = simulate(prompts, rng)
            for method in INTERVAL_METHODS:
                got = intervals(table, n_bootstrap=n_boot, seed=r, method=method)
                for name in METRICS_CHECKED:
                    low, high = got[name]
                    if math.isnan(low):
                        continue  # undefined on this draw (e.g. every judge score tied)
                    valid[method, name] += 1
                    width[method, name] += high - low
                    hits[method, name] += low <= truth[name] <= high
        for name in METRICS_CHECKED:
            cells = []
            for method in INTERVAL_METHODS:
                n = valid[method, name]
                c = hits[method, name] / n if n else math.nan
                se = math.sqrt(c * (1 - c) / n) if n else math.nan
                undefined = "" if n == reps else f", {reps - n} undefined"
                mean_width = width[method, name] / n if n else math.nan
                cells.append(f"{c:.3f} ± {se:.3f} (width {mean_width:.3f}{undefined})")
            print(f"| {prompts} | {name} | {' | '.join(cells)} |")
    print()
    print(f"wall time {time.perf_counter() - start:.0f} s")


if __name__ == "__main__":
    main()
