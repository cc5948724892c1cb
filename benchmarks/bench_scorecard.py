"""Benchmark of scoring at scale: the user's path beside the audit and the RNG floor.

Run: ``python benchmarks/bench_scorecard.py [--scale 100k|1m] [--candidates 8]``.

Measured in one run, on one seeded synthetic table (P prompts x 8 candidates, written
to a Parquet file with a string metadata column):

1. **the user's path**: ``judgespec score --candidates big.parquet`` as a subprocess
   (read, validate, audit with 2,000 cluster-bootstrap replicates, write the
   scorecard): wall time and peak RSS (``/usr/bin/time``, else ``getrusage`` of the
   children);
2. **run_audit** alone: on a table built beforehand from arrays, in this process (warm:
   its memory has held such arrays before), and on the table read from the same file
   in a fresh interpreter with the command's memory setting, timing the call alone
   (cold, as in the user's path: on this virtual machine, memory a process touches for
   the first time costs system time, which a long-lived process does not pay again).
   The user's path is compared with the cold call, so that the ratio is the cost of the
   start-up, the read and the write, not of the machine's page faults;
3. **the RNG floor**: drawing the bootstrap counts alone (the draws and the
   ``bincount`` that :func:`judgespec.audit._bootstrap.resample_row_sums` makes, nothing
   else), the least any cluster bootstrap of this size can cost.

Each is run ``--repeats`` times (default 3 at the base scale, once at 1M), interleaved so
that the machine's load bears on all of them alike; medians are reported, and the peak
RSS is the largest. Printed as ratios, the figures to read on a shared machine. Goals on
2 cores: at 100k prompts, the user's path <= 1.25 x run_audit (cold) and <= 1 GB peak
RSS, run_audit (warm) <= 2 x the RNG floor; with ``--scale 1m`` (also runs 100k), 1M prompts end to end <= 12 x the 100k
time and <= 4 GB peak RSS. Also cross-checks the point metrics against a per-prompt loop
on a 10,000-prompt subsample.
"""

from __future__ import annotations

import argparse
import math
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from judgespec.audit import CandidatesTable, run_audit
from judgespec.audit._bootstrap import MAX_CHUNK_CELLS


@dataclass(frozen=True)
class Synthetic:
    prompt: np.ndarray
    candidate: np.ndarray
    oracle: np.ndarray
    judge: np.ndarray


def synthetic(prompts: int, candidates: int, *, seed: int = 0) -> Synthetic:
    """Seeded synthetic audit: prompt difficulty shared by judge and oracle, coarse scores."""
    rng = np.random.default_rng(seed)
    rows = prompts * candidates
    prompt = np.repeat(np.arange(prompts), candidates)
    difficulty = rng.normal(size=prompts)[prompt]
    oracle = difficulty + rng.normal(size=rows)
    judge = np.round(2 * (0.8 * difficulty + 0.3 * (oracle - difficulty) + rng.normal(size=rows)))
    return Synthetic(prompt, np.tile(np.arange(candidates), prompts), oracle, judge / 2)


def table_of(data: Synthetic) -> CandidatesTable:
    return CandidatesTable.from_arrays(
        prompt_ids=np.char.add("p", data.prompt.astype(str)),
        candidate_ids=np.char.add("c", data.candidate.astype(str)),
        oracle=data.oracle,
        judge_score=data.judge,
        source="<synthetic>",
    )


def write_parquet(data: Synthetic, path: Path) -> None:
    categories = np.array(["knowledge", "reasoning", "math", "coding"])
    pq.write_table(
        pa.table(
            {
                "prompt_id": pa.array(np.char.add("p", data.prompt.astype(str))),
                "candidate_id": pa.array(np.char.add("c", data.candidate.astype(str))),
                "oracle": data.oracle,
                "judge_score": data.judge,
                "category": pa.array(categories[data.prompt % 4]),
            }
        ),
        path,
    )


_COLD_AUDIT = """
import sys, time
from judgespec.audit import read_candidates, run_audit
from judgespec.cli._score_cmds import retain_freed_memory
retain_freed_memory()  # the process setting the command makes
table = read_candidates(sys.argv[1])
start = time.perf_counter()
run_audit(table, n_bootstrap=int(sys.argv[2]), seed=0)
print(time.perf_counter() - start)
"""


def cold_audit(path: Path, replicates: int) -> float:
    """Seconds of ``run_audit`` alone on the file's table, in a fresh interpreter."""
    done = subprocess.run([sys.executable, "-c", _COLD_AUDIT, str(path), str(replicates)],
                          check=True, capture_output=True, text=True)  # fmt: skip
    return float(done.stdout.split()[-1])


def user_path(path: Path, out: Path, replicates: int) -> tuple[float, float]:
    """``judgespec score`` on the file as a subprocess: (wall seconds, peak RSS in MiB)."""
    command = [sys.executable, "-m", "judgespec", "score", "--candidates", str(path),
               "--out", str(out), "--quiet", "--seed", "0", "--bootstrap", str(replicates)]  # fmt: skip
    timer = shutil.which("time") or ("/usr/bin/time" if os.path.exists("/usr/bin/time") else None)
    report = out.with_suffix(".time")
    if timer is not None:
        command = [timer, "-f", "%M", "-o", str(report), *command]
    start = time.perf_counter()
    subprocess.run(command, check=True)
    wall = time.perf_counter() - start
    if timer is not None:
        peak_kib = float(report.read_text().split()[-1])
    else:  # the largest child so far; this is the only child this process waits for
        peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return wall, peak_kib / 1024


def rng_floor(prompts: int, replicates: int, *, seed: int = 0) -> float:
    """Seconds to draw the resample counts of ``replicates`` cluster-bootstrap replicates."""
    rng = np.random.default_rng(seed)
    chunk = max(1, min(replicates, MAX_CHUNK_CELLS // prompts))
    shift = (np.arange(chunk, dtype=np.intp) * prompts)[:, None]
    start = time.perf_counter()
    for first in range(0, replicates, chunk):
        size = min(chunk, replicates - first)
        draws = rng.integers(0, prompts, size=(size, prompts), dtype=np.intp)
        draws += shift[:size]
        np.bincount(draws.ravel(), minlength=size * prompts)
    return time.perf_counter() - start


def loop_point_metrics(table: CandidatesTable) -> dict[str, float]:
    """Recovery, top-1, regret, r_within and tie rate, one prompt at a time."""
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


@dataclass(frozen=True)
class Scale:
    prompts: int
    cli_wall: float
    cli_rss: float
    audit_wall: float
    floor: float


def measure(prompts: int, candidates: int, replicates: int, work: Path, repeats: int = 1) -> Scale:
    data = synthetic(prompts, candidates)
    path = work / f"big-{prompts}.parquet"
    write_parquet(data, path)
    size = path.stat().st_size / 2**20
    print(f"\n{prompts:,} prompts x {candidates} candidates ({size:.0f} MiB Parquet), "
          f"{replicates:,} replicates, {repeats} interleaved run(s) of each, medians")  # fmt: skip
    table = table_of(data)
    del data
    cli_walls, cli_rsss, cold_walls, audit_walls, floors = [], [], [], [], []
    for _ in range(repeats):  # interleaved: the machine's load bears on all of them alike
        wall, rss = user_path(path, work / f"card-{prompts}.json", replicates)
        cli_walls.append(wall)
        cli_rsss.append(rss)
        cold_walls.append(cold_audit(path, replicates))
        start = time.perf_counter()
        run_audit(table, n_bootstrap=replicates, seed=0)
        audit_walls.append(time.perf_counter() - start)
        floors.append(rng_floor(prompts, replicates))
    cli_wall, cold_wall, audit_wall, floor = (
        statistics.median(v) for v in (cli_walls, cold_walls, audit_walls, floors)
    )
    cli_rss = max(cli_rsss)
    runs = zip(cli_walls, cold_walls, audit_walls, floors, strict=True)
    spread = ", ".join(f"{a:.2f}/{b:.2f}/{c:.2f}/{d:.2f}" for a, b, c, d in runs)
    print(f"  judgespec score --candidates {path.name}: {cli_wall:.2f} s wall, "
          f"{cli_rss:.0f} MiB peak RSS (largest)")  # fmt: skip
    print(f"  run_audit alone, cold (fresh interpreter, the call only): {cold_wall:.2f} s")
    print(f"  run_audit alone, warm (this process, prebuilt arrays): {audit_wall:.2f} s")
    print(f"  RNG floor (bootstrap counts alone): {floor:.2f} s")
    if repeats > 1:
        print(f"  each run (user's path / run_audit cold / warm / floor, s): {spread}")
    print(f"  ratios: user's path / run_audit cold = {cli_wall / cold_wall:.2f} (goal <= 1.25; "
          f"against warm: {cli_wall / audit_wall:.2f}); run_audit warm / RNG floor = "
          f"{audit_wall / floor:.2f} (goal <= 2; cold: {cold_wall / floor:.2f})")  # fmt: skip
    if prompts >= 10_000:
        small = CandidatesTable.from_arrays(
            prompt_ids=[table.prompt_ids[int(p)] for p in table.row_prompt[: int(table.offsets[10_000])]],
            candidate_ids=table.candidate_ids[: int(table.offsets[10_000])],
            oracle=table.oracle[: int(table.offsets[10_000])],
            judge_score=table.judge[: int(table.offsets[10_000])],
        )
        vectorised = run_audit(small, n_bootstrap=0).metrics
        for name, value in loop_point_metrics(small).items():
            if not math.isclose(vectorised[name].estimate, value, rel_tol=1e-9, abs_tol=1e-12):
                raise SystemExit(f"mismatch in {name}: loop {value} vs run_audit {vectorised[name]}")
        print("  point metrics agree with a per-prompt loop on 10,000 prompts")
    return Scale(prompts, cli_wall, cli_rss, audit_wall, floor)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", choices=["100k", "1m"], default="100k")
    parser.add_argument("--candidates", type=int, default=8)
    parser.add_argument("--replicates", type=int, default=2000)
    parser.add_argument("--prompts", type=int, default=None, help="Override the base scale (100,000).")
    parser.add_argument("--repeats", type=int, default=3,
                        help="Interleaved runs of each measurement at the base scale (medians; 1 at 1M).")  # fmt: skip
    args = parser.parse_args()
    base = args.prompts or 100_000
    print(f"load average before: {', '.join(f'{x:.2f}' for x in os.getloadavg())} "
          f"on {os.cpu_count()} CPUs")  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="bench-scorecard-") as tmp:
        work = Path(tmp)
        small = measure(base, args.candidates, args.replicates, work, args.repeats)
        if args.scale == "1m":
            big = measure(10 * base, args.candidates, args.replicates, work)
            print(f"\n{big.prompts:,} vs {small.prompts:,} prompts, end to end: "
                  f"{big.cli_wall / small.cli_wall:.1f} x the time (goal <= 12), "
                  f"{big.cli_rss:.0f} MiB peak RSS (goal <= 4096)")  # fmt: skip
    print(f"load average after: {', '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
