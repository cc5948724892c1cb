"""``judgespec demo``: the replay audit of the Arena sample, then a live CPU audit.

The live audit samples ``n`` answers per arithmetic question from the embedded
SmolLM2, judges them under the three bundled contracts (pointwise and pairwise with
constrained verdicts, logprob-expected), scores each, and ends in a paired contrast
of the three protocols (one joint cluster bootstrap, pointwise as the reference).
Everything the demo shows on stderr goes through one progress display.
"""

from __future__ import annotations

import math
import os
import time
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from ..scorecard import Contrast, Scorecard, render_html, write_scorecard
from ._arena import ARENA_POOLS, score_arena_pool
from ._task import arithmetic_questions

__all__ = [
    "CONTRAST_METRICS",
    "LIVE_SIZES",
    "DemoResult",
    "contrast_table",
    "live_notes",
    "run_demo",
    "summary_table",
]

LIVE_SIZES = {"full": (40, 4), "quick": (8, 3)}
"""Live audit sizes: (questions, candidates per question)."""
CONTRAST_METRICS = ("recovery", "top1_accuracy", "r_within")
"""The metrics the demo's closing contrast compares."""
TABLE_METRICS = ("r_global", "r_within", "recovery", "top1_accuracy")


@dataclass
class DemoResult:
    """What the demo produced: one scorecard per audit, and where it wrote them."""

    scorecards: dict[str, Scorecard] = field(default_factory=dict)
    reports: dict[str, Path] = field(default_factory=dict)
    contrast: Contrast | None = None
    """The paired contrast of the live protocols (None without the live audit)."""
    seconds: float = 0.0


def _save(result: DemoResult, key: str, card: Scorecard, out_dir: Path) -> None:
    folder = out_dir / key
    folder.mkdir(parents=True, exist_ok=True)
    write_scorecard(card, folder / "scorecard.json")
    (folder / "report.html").write_text(render_html(card), encoding="utf-8")
    result.scorecards[key] = card
    result.reports[key] = folder / "report.html"


def _num(value: float) -> str:
    """Two decimals without the leading zero (``.27``, ``-.05``, ``1.00``)."""
    text = f"{value:.2f}"
    return text.replace("0.", ".", 1) if text.startswith(("0.", "-0.")) else text


def _cell(card: Scorecard, name: str, notes: list[str]) -> str:
    """Estimate over its interval (two lines), or ``n/a`` with a numbered footnote."""
    m = card.metrics.get(name)
    if m is None or math.isnan(m.estimate):
        reason = m.reason if m is not None and m.reason else "not computed for this protocol"
        note = f"{name}: {reason}"
        if note not in notes:
            notes.append(note)
        return f"n/a [{notes.index(note) + 1}]"
    if math.isnan(m.ci_low):
        return f"{m.estimate:.2f}"
    return f"{m.estimate:.2f}\n[{_num(m.ci_low)},{_num(m.ci_high)}]"


def _parsed(card: Scorecard) -> str:
    c = card.counts
    if card.contract.protocol in ("pairwise", "tournament"):
        total, failed = c.comparisons, c.comparison_parse_failures
    else:
        total, failed = c.candidates, c.parse_failures
    return "n/a" if total == 0 else f"{100 * (total - failed) / total:.0f}%"


def summary_table(result: DemoResult, notes: list[str] | None = None) -> Table:
    """Correlations, recovery and top-1 with 95% intervals, ties and parse rate per audit.

    ``n`` counts the prompts with two or more candidates. Cells are two lines (estimate, then interval) so the table fits 100 columns; a
    metric that is undefined shows ``n/a [k]`` and its reason goes to ``notes[k-1]``.
    """
    notes = notes if notes is not None else []
    table = Table(
        title="judgespec demo: selection-aware scorecards (95% intervals)",
        title_justify="left",
        show_lines=True,
        show_edge=False,
        pad_edge=False,
    )
    table.add_column("audit", no_wrap=True)
    for column in ("prompts", *TABLE_METRICS, "ties", "parsed"):
        label = {"top1_accuracy": "top-1", "prompts": "n"}.get(column, column)
        table.add_column(label, justify="right", no_wrap=True)
    for key, card in result.scorecards.items():
        ties = card.metrics.get("tie_rate")
        table.add_row(
            key,
            str(card.counts.selection_prompts),
            *(_cell(card, name, notes) for name in TABLE_METRICS),
            "n/a" if ties is None or math.isnan(ties.estimate) else f"{ties.estimate:.2f}",
            _parsed(card),
        )
    return table


def contrast_table(contrast: Contrast) -> Table:
    """Each live protocol minus the reference (pointwise), metric by metric, paired."""
    reference = contrast.judges[0].label
    others = [j.label for j in contrast.judges[1:]]
    table = Table(
        title=f"paired contrast vs {reference} (one joint bootstrap)",
        title_justify="left",
    )
    table.add_column("metric")
    for label in others:
        table.add_column(f"{label} - {reference}", justify="right")
    for metric in CONTRAST_METRICS:
        cells = []
        for label in others:
            row = next((r for r in contrast.rows_of(label) if r.metric == metric), None)
            d = None if row is None else row.difference
            if d is None or math.isnan(d.estimate):
                cells.append("n/a")
            else:
                cells.append(f"{d.estimate:+.2f} [{_num(d.ci_low)},{_num(d.ci_high)}]")
        table.add_row(metric, *cells)
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
            parsed = c.comparisons - c.comparison_parse_failures
            notes.append(f"{key}: {parsed} of {c.comparisons} comparisons parsed")
            bias = []
            if pc is not None and pc.estimate == pc.estimate:
                bias.append(f"position consistency {pc.estimate:.2f}")
            if pf is not None and pf.estimate == pf.estimate:
                bias.append(f"preference fairness {pf.estimate:+.2f} (+1: always the first slot)")
            if bias:
                notes.append(f"{key}: " + ", ".join(bias))
        else:
            notes.append(
                f"{key}: {c.candidates - c.parse_failures} of {c.candidates} verdicts parsed "
                "(failures are counted, never replaced by a score)"
            )
    return notes


class _Display:
    """The demo's one progress display: a line per step, with a bar where it has a size."""

    def __init__(self, console: Console) -> None:
        self.progress = Progress(
            TextColumn("{task.description:<34}"),
            BarColumn(bar_width=24),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
        )

    def __enter__(self) -> _Display:
        self.progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.progress.stop()

    def print(self, text: str) -> None:
        self.progress.console.print(text, highlight=False)

    @contextmanager
    def step(self, description: str, total: int | None = 1) -> Iterator[Any]:
        """A step; completed when the block ends."""
        task = self.progress.add_task(description, total=total)
        yield task
        total_now = self.progress.tasks[task].total
        self.progress.update(task, completed=total_now if total_now is not None else 1)

    def hook(self, task: Any) -> Callable[[int, int], None]:
        """A judge-engine progress callback that moves ``task``."""

        def advance(done: int, added: int) -> None:
            if added:
                current = self.progress.tasks[task].total or 0
                self.progress.update(task, total=current + added)
            if done:
                self.progress.advance(task, done)

        return advance


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

    The live audit judges ``LIVE_SIZES["full"]`` (40 questions x 4 candidates) with
    2,000 bootstrap replicates; ``quick`` uses ``LIVE_SIZES["quick"]`` and 200, for CI.
    """
    console = console or Console(stderr=True)
    start = time.perf_counter()
    boot = n_bootstrap if n_bootstrap is not None else (200 if quick else 2000)
    result = DemoResult()
    with _Display(console) as display:
        for pool in ARENA_POOLS:
            with display.step(f"replay: {pool.key}"):
                card = score_arena_pool(pool, seed=seed, n_bootstrap=boot)
                _save(result, pool.key, card, out_dir)
        if live:
            _run_live(result, out_dir, quick=quick, seed=seed, n_bootstrap=boot, display=display)
    result.seconds = time.perf_counter() - start
    return result


@contextmanager
def _no_framework_warnings() -> Iterator[None]:
    """Keep torch's and transformers' Python warnings off the demo's terminal."""
    with warnings.catch_warnings():
        for module in ("torch", "transformers", "accelerate"):
            warnings.filterwarnings("ignore", module=rf"{module}(\.|$)")
        yield


def _run_live(
    result: DemoResult,
    out_dir: Path,
    *,
    quick: bool,
    seed: int,
    n_bootstrap: int,
    display: _Display,
) -> None:
    import torch

    from ..judge import JudgeCache, TransformersBackend, load_embedded
    from ._live import LIVE_CONTRACTS, generate_candidates, judge_live

    threads = int(os.environ.get("JUDGESPEC_THREADS", "0")) or max(1, min(2, os.cpu_count() or 1))
    torch.set_num_threads(threads)
    count, n = LIVE_SIZES["quick" if quick else "full"]
    questions = arithmetic_questions(count, seed=seed)
    judged: dict[str, Any] = {}
    with _no_framework_warnings():
        with display.step("live: load SmolLM2-135M (CPU)"):
            model, tokenizer = load_embedded("cpu")
            backend = TransformersBackend(model, tokenizer, batch_size=16)
        with display.step(f"live: sample {n} answers x {count}", total=count * n) as task:
            rows = generate_candidates(
                backend,
                questions,
                n=n,
                seed=seed,
                advance=lambda k: display.progress.advance(task, k),
            )
        correct = int(sum(r["oracle"] for r in rows))
        display.print(f"  policy: {correct} of {len(rows)} sampled answers are exactly right")
        cache = JudgeCache(out_dir / "judge-cache.sqlite")
        try:
            for name in LIVE_CONTRACTS:
                key = f"live-{name.removeprefix('smollm2-')}"
                with display.step(f"live: judge, {name}", total=0) as task:
                    card, output = judge_live(
                        name,
                        rows,
                        backend,
                        n=n,
                        seed=seed,
                        n_bootstrap=n_bootstrap,
                        cache=cache,
                        progress=display.hook(task),
                    )
                output.write(out_dir / key)
                _save(result, key, card, out_dir)
                judged[key] = output
        finally:
            cache.close()
    with display.step("live: paired contrast of the protocols"):
        result.contrast = _contrast(out_dir, list(judged), seed=seed, n_bootstrap=n_bootstrap)


def _contrast(out_dir: Path, keys: list[str], *, seed: int, n_bootstrap: int) -> Contrast:
    from ..scorecard import (
        contrast_judged_sets,
        read_judged_set,
        render_contrast_html,
        write_contrast,
    )

    sets = [read_judged_set(out_dir / key, label=key.removeprefix("live-")) for key in keys]
    contrast = contrast_judged_sets(
        sets, metrics=list(CONTRAST_METRICS), n_bootstrap=n_bootstrap, seed=seed
    )
    folder = out_dir / "live-contrast"
    folder.mkdir(parents=True, exist_ok=True)
    write_contrast(contrast, folder / "contrast.json")
    (folder / "report.html").write_text(render_contrast_html(contrast), encoding="utf-8")
    return contrast
