"""The planted-defect suite over many data seeds: coverage, own-flag power, false flags.

Run: ``python benchmarks/bench_instrument.py [--seeds S] [--bootstrap B]``.

``judgespec validate-instrument`` checks one seeded synthetic audit. This benchmark draws
S audits (data seeds 0..S−1, 400 prompts x 4 candidates each) and reports, per judge,
the share of audits whose interval covers the defect's true value (nominal 95%; Monte
Carlo error sqrt(c(1 − c)/S)), the share in which the defect raised its own flag
(power), and for the clean judge the share in which each flag was raised (false flags,
nominal 5% for the two-sided interval flags) and the share of seeds on which the whole
suite passed. The default (S = 100, B = 300) takes about 3 minutes on 2 cores.
"""

from __future__ import annotations

import argparse
import collections
import math
import time

from judgespec.instrument import DEFECTS, FLAGS, PlantedDesign, validate_instrument


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=100)
    parser.add_argument("--bootstrap", type=int, default=300)
    args = parser.parse_args()
    covered: collections.Counter[str] = collections.Counter()
    own: collections.Counter[str] = collections.Counter()
    false: collections.Counter[str] = collections.Counter()
    passed = 0
    start = time.perf_counter()
    for seed in range(args.seeds):
        report = validate_instrument(PlantedDesign(seed=seed), n_bootstrap=args.bootstrap)
        passed += report.passed
        for row in report.rows:
            covered[row.judge] += row.covered
            if row.expected_flag is not None:
                own[row.judge] += row.flags[row.expected_flag]
            else:
                for flag, on in row.flags.items():
                    false[flag] += on
    s = args.seeds
    mc = math.sqrt(0.95 * 0.05 / s)
    print(f"{s} data seeds, {args.bootstrap} bootstrap replicates, {time.perf_counter() - start:.0f} s")
    print(f"| judge | coverage (nominal 0.95, MC error ±{mc:.3f}) | own flag raised |")
    print("|---|---|---|")
    for judge in DEFECTS:
        power = "n/a" if judge == "clean" else f"{own[judge] / s:.2f}"
        print(f"| {judge} | {covered[judge] / s:.2f} | {power} |")
    print()
    print("clean judge, share of seeds raising each flag: "
          + ", ".join(f"{flag} {false[flag] / s:.2f}" for flag in FLAGS))
    print(f"whole suite passed on {passed / s:.2f} of seeds")


if __name__ == "__main__":
    main()
