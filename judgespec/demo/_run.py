"""``judgespec demo``: the replay audit of the Arena sample, then a live CPU audit."""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from pathlib import Path

from rich.console import Console
from rich.table import Table

from ..scorecard import Scorecard, render_html, write_scorecard
from ._arena import ARENA_POOLS, score_arena_pool
from ._task import arithmetic_questions

__all__ = ["DemoResult", "live_notes", "run_demo", "summary_table"]


@dataclass
class DemoResult:
    """What the demo produced: one scorecard per audit, and where it wrote them."""

    scorecards: dict[str, Scorecard] = field(default_factory=dict)
    reports: dict[str, Path] = field(default_factory=dict)
    seconds: float = 0.0


def _save(result: DemoResult, key: str, card: Scorecard, out_dir: Path) -> None:
    folder = out_dir / key
    folder.mkdir(parents=True, exist_ok=True)
    write_scorecard(card, folder / "scorecard.json")
    (folder / "report.html").write_text(render_html(card), encoding="utf-8")
    result.scorecards[key] = card
    result.reports[key] = folder / "report.html"


def _fmt(card: Scorecard, name: str) -> str:
    m = card.metrics.get(name)
    if m is None or m.estimate != m.estimate:
        return "n/a"
    if m.ci_low == m.ci_low:
        return f"{m.estimate:.2f} [{m.ci_low:.2f}, {m.ci_high:.2f}]"
    return f"{m.estimate:.2f}"


def summary_table(result: DemoResult) -> Table:
    """Global vs within-prompt correlation vs recovery, side by side."""
    table = Table(title="judgespec demo: selection-aware scorecards", title_justify="left")
    for column in ("audit", "prompts", "r_global", "r_within", "recovery", "top1_accuracy", "tie_rate", "parse fail."):
        table.add_column(column, justify="left" if column == "audit" else "right")
    for key, card in result.scorecards.items():
        table.add_row(
            key,
            str(card.counts.selection_prompts),
            _fmt(card, "r_global"),
            _fmt(card, "r_within"),
            _fmt(card, "recovery"),
            _fmt(card, "top1_accuracy"),
            _fmt(card, "tie_rate"),
            str(card.counts.parse_failures + card.counts.comparison_parse_failures),
        )
    return table


def live_notes(result: DemoResult) -> list[str]:
    """One line per live audit on what the numbers alone do not show."""
    notes: list[str] = []
    for key, card in result.scorecards.items():
        if not key.startswith("live-"):
            continue
        c = card.counts
        if card.contract.protocol in ("pairwise", "tournament"):
            pc = card.metrics.get("position_consistency")
            pf = card.metrics.get("preference_fairness")
            text = f"{key}: {c.comparison_parse_failures} of {c.comparisons} comparisons unparsable"
            if pc is not None and pc.estimate == pc.estimate:
                text += f"; position consistency {pc.estimate:.2f}"
            if pf is not None and pf.estimate == pf.estimate:
                text += f", preference fairness {pf.estimate:+.2f} (+1: always the first slot)"
            notes.append(text)
        else:
            notes.append(f"{key}: {c.parse_failures} of {c.candidates} verdicts unparsable (counted, never replaced by a score)")
    return notes


def run_demo(
    out_dir: Path,
    *,
    quick: bool = False,
    live: bool = True,
    seed: int = 0,
    n_bootstrap: int | None = None,
    console: Console | None = None,
) -> DemoResult:
    """Run the demo; write ``<out_dir>/<audit>/scorecard.json`` and ``report.html``.

    ``quick`` shrinks the live audit (3 questions x 3 candidates, 200 bootstrap
    replicates) for CI; the full demo uses 6 questions x 4 candidates and 2,000.
    """
    console = console or Console(stderr=True)
    start = time.perf_counter()
    boot = n_bootstrap if n_bootstrap is not None else (200 if quick else 2000)
    result = DemoResult()
    console.rule("1. Replay audit: bundled Arena sample (recorded judge verdicts)")
    for pool in ARENA_POOLS:
        with console.status(f"scoring {pool.title} ({boot} bootstrap replicates)"):
            _save(result, pool.key, score_arena_pool(pool, seed=seed, n_bootstrap=boot), out_dir)
        console.print(f"  done: {pool.title}")
    if live:
        _run_live(result, out_dir, quick=quick, seed=seed, n_bootstrap=boot, console=console)
    result.seconds = time.perf_counter() - start
    return result


def _run_live(
    result: DemoResult, out_dir: Path, *, quick: bool, seed: int, n_bootstrap: int, console: Console
) -> None:
    import torch

    from ..judge import JudgeCache, TransformersBackend, load_embedded
    from ._live import LIVE_CONTRACTS, generate_candidates, judge_live

    threads = int(os.environ.get("JUDGESPEC_THREADS", "0")) or max(1, min(2, os.cpu_count() or 1))
    torch.set_num_threads(threads)
    questions = arithmetic_questions(3 if quick else 6, seed=seed)
    n = 3 if quick else 4
    console.rule("2. Live CPU audit: SmolLM2-135M as policy and as judge")
    with console.status("loading the embedded SmolLM2 (first run converts the GGUF, ~15 s)"):
        model, tokenizer = load_embedded("cpu")
        backend = TransformersBackend(model, tokenizer, batch_size=8)
    with console.status(f"sampling {n} answers to each of {len(questions)} arithmetic questions"):
        rows = generate_candidates(backend, questions, n=n, seed=seed)
    correct = sum(r["oracle"] for r in rows)
    console.print(f"  policy: {int(correct)} of {len(rows)} sampled answers are exactly right")
    cache = JudgeCache(out_dir / "judge-cache.sqlite")
    for name in LIVE_CONTRACTS:
        console.print(f"  judging under {name}")
        card, _ = judge_live(
            name, rows, backend, n=n, seed=seed, n_bootstrap=n_bootstrap, cache=cache, progress=True
        )
        _save(result, f"live-{name.removeprefix('smollm2-')}", card, out_dir)
