"""Benchmark of the command line's start-up.

Run: ``python benchmarks/bench_startup.py [--runs 11] [--spec specs/smollm2-pointwise.yaml]``

Prints the wall time of the light commands (``judgespec validate SPEC``, ``--help``,
``schema``, ``verify SPEC``, ``lock`` of a copy of SPEC, ``gate`` of a small scorecard), each
a real subprocess through the installed console script (the user's path), as the median
of several runs, and each as a ratio to ``python -c "import yaml, pydantic"`` (the floor:
the two libraries any contract command needs) measured in the same run, interleaved, so
that the machine's load bears on all of them alike. Medians of wall time and of CPU time
(user + system, which a busy machine disturbs less) are printed with their ratios.
Goal: ``validate`` at most 0.25 s wall on a quiet machine; on a busy one, read the ratio.

The commands run with ``PYTHONDONTWRITEBYTECODE`` removed from their environment, so the
warm-up run leaves bytecode for the source tree as an installed package has it;
otherwise every run of a source checkout would compile judgespec anew.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _cpu_of_children() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


_ENV = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}


def _run(argv: Sequence[str]) -> tuple[float, float]:
    """Wall seconds and CPU seconds (user + system) of one run of ``argv``."""
    cpu = _cpu_of_children()
    start = time.perf_counter()
    done = subprocess.run(
        argv, cwd=ROOT, env=_ENV, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, check=False
    )
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed ({done.returncode}): {done.stderr.strip()}")
    return elapsed, _cpu_of_children() - cpu


def _judgespec() -> list[str]:
    """The console script beside this interpreter (as a user runs it), else ``-m``."""
    script = Path(sys.executable).with_name("judgespec")
    if script.exists():
        return [str(script)]
    found = shutil.which("judgespec")
    return [found] if found else [sys.executable, "-m", "judgespec"]


def _scorecard(judgespec: list[str], spec: Path, folder: Path) -> Path:
    """A small scorecard of ``spec`` for ``judgespec gate`` (made once, not timed)."""
    rows = [
        {"prompt_id": f"p{p}", "candidate_id": f"c{c}", "oracle": float((p + c) % 3), "judge_score": float((p * c) % 4)}
        for p in range(20)
        for c in range(4)
    ]
    candidates = folder / "candidates.jsonl"
    candidates.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    card = folder / "card.json"
    _run([*judgespec, "score", "--candidates", str(candidates), "--contract", str(spec), "--bootstrap", "50", "--out", str(card), "--quiet"])
    return card


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=11, help="Runs of each command (median reported).")
    parser.add_argument("--spec", type=Path, default=ROOT / "specs" / "smollm2-pointwise.yaml")
    args = parser.parse_args(argv)

    judgespec = _judgespec()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        copy = folder / args.spec.name  # with a gate, for ``gate``; ``lock`` writes beside it
        text = args.spec.read_text(encoding="utf-8")
        copy.write_text(text + "gates:\n  - {metric: tie_rate, op: '<=', threshold: 0.99}\n", encoding="utf-8")
        card = _scorecard(judgespec, copy, folder)
        commands = {
            "python -c 'import yaml, pydantic'": [sys.executable, "-c", "import yaml, pydantic"],
            f"judgespec validate {args.spec.name}": [*judgespec, "validate", str(args.spec)],
            "judgespec --help": [*judgespec, "--help"],
            "judgespec schema": [*judgespec, "schema"],
            f"judgespec verify {args.spec.name}": [*judgespec, "verify", str(args.spec)],
            f"judgespec lock {args.spec.name} (a copy)": [*judgespec, "lock", str(copy)],
            "judgespec gate card.json": [*judgespec, "gate", str(card), "--contract", str(copy)],
        }
        _measure(commands, args.runs)
    return 0


def _measure(commands: dict[str, list[str]], runs: int) -> None:
    """Run each command ``runs`` times, interleaved, and print medians and ratios."""
    for argv_ in commands.values():  # warm the file cache and the bytecode
        _run(argv_)
    load_before = os.getloadavg()
    walls: dict[str, list[float]] = {name: [] for name in commands}
    cpus: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, argv_ in commands.items():
            wall, cpu = _run(argv_)
            walls[name].append(wall)
            cpus[name].append(cpu)
    load_after = os.getloadavg()

    wall_median = {name: statistics.median(values) for name, values in walls.items()}
    cpu_median = {name: statistics.median(values) for name, values in cpus.items()}
    floor_name = next(iter(commands))
    print(f"{runs} runs each, interleaved; {os.cpu_count()} CPUs; "
          f"load average {load_before[0]:.2f} before, {load_after[0]:.2f} after")
    print(f"{'command':<44} {'wall s':>7} {'min s':>6} {'ratio':>6} {'CPU s':>6} {'ratio':>6}")
    for name in commands:
        print(
            f"{name:<44} {wall_median[name]:>7.3f} {min(walls[name]):>6.3f} "
            f"{wall_median[name] / wall_median[floor_name]:>6.2f} "
            f"{cpu_median[name]:>6.3f} {cpu_median[name] / cpu_median[floor_name]:>6.2f}"
        )


if __name__ == "__main__":
    sys.exit(main())
