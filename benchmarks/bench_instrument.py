"""The planted-defect suite over many data seeds: coverage, own-flag power, false flags.

Run: ``python benchmarks/bench_instrument.py [--seeds S] [--bootstrap B]``.

``judgespec validate-instrument`` checks one seeded synthetic audit. This benchmark draws
S audits (data seeds 0..S−1, 400 prompts x 4 candidates each) and reports, per judge,
the share of audits whose interval covers the defect's true value (nominal: the
confidence level c, default the suite's 0.996; Monte Carlo error sqrt(c(1 − c)/S)), the
share in which the defect raised its own flag (power), for the clean judge the share in
which each flag was raised (false flags, at most 1 − c for the two-sided interval
flags), and the share of seeds on which the whole suite passed (about 0.95 by design).
The default (S = 100, B = 1000, percentile) takes about 6 minutes on 2 busy cores.
"""

from __future__ import annotations

import argparse
import collections
import math
import time

from judgespec.instrument import (
    DEFECTS,
    FLAGS,
    SUITE_CONFIDENCE,
    PlantedDesign,
    validate_instrument,
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=100)
    parser.add_argument("--bootstrap", type=int, default=1000)
    parser.add_argument("--interval", choices=["studentized", "percentile"], default="percentile")
    parser.add_argument("--confidence", type=float, default=SUITE_CONFIDENCE)
    args = parser.parse_args()
    covered: collections.Counter[str] = collections.Counter()
    own: collections.Counter[str] = collections.Counter()
    false: collections.Counter[str] = collections.Counter()
    passed = 0
    start = time.perf_counter()
    for seed in range(args.seeds):
        report = validate_instrument(
            PlantedDesign(seed=seed),
            n_bootstrap=args.bootstrap,
            interval=args.interval,
            confidence=args.confidence,
        )
        passed += report.passed
        for row in report.rows:
            covered[row.judge] += row.covered
            if row.expected_flag is not None:
                own[row.judge] += row.flags[row.expected_flag]
            else:
                for flag, on in row.flags.items():
                    false[flag] += on
    s = args.seeds
    c = args.confidence
    mc = math.sqrt(c * (1 - c) / s)
    print(
        f"{s} data seeds, {args.interval} {100 * c:g}% intervals, {args.bootstrap} bootstrap "
        "replicates, "
        f"{time.perf_counter() - start:.0f} s"
    )
    print(f"| judge | coverage (nominal {c:g}, MC error ±{mc:.3f}) | own flag raised |")
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
