"""``judgespec demo``: replay and live audits on embedded data and the embedded judge."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from rich.console import Console

    from ..demo import DemoResult

__all__ = ["demo", "print_demo"]


@click.command()
@click.option("--out", "out_dir", type=click.Path(path_type=Path, file_okay=False), default=Path("judgespec-demo"), show_default=True, help="Where scorecards and HTML reports go.")
@click.option("--quick", is_flag=True, help="A smaller live audit (8 questions x 3 candidates) and 200 bootstrap replicates.")
@click.option("--no-live", is_flag=True, help="Only the replay audit of the bundled Arena sample (no model).")
@click.option("--seed", type=int, default=0, show_default=True)
def demo(out_dir: Path, quick: bool, no_live: bool, seed: int) -> None:
    """Audit the bundled Arena sample, then SmolLM2 judging SmolLM2 on a CPU.

    The live audit (40 questions x 4 sampled answers) runs the pointwise, logprob and
    pairwise contracts and ends in their paired contrast.
    """
    from rich.console import Console

    from ..demo import run_demo

    console = Console(stderr=True)
    result = run_demo(out_dir, quick=quick, live=not no_live, seed=seed, console=console)
    out = Console(highlight=False)
    if not out.is_terminal:
        out = Console(width=100, highlight=False)
    print_demo(result, out, out_dir)
    out.print(f"done in {result.seconds:.0f} s")


def print_demo(result: DemoResult, out: Console, out_dir: Path) -> None:
    """The demo's closing summary: scorecards, footnotes, notes, contrast, report paths."""
    from ..demo import contrast_table, live_notes, summary_table

    notes: list[str] = []
    out.print(summary_table(result, notes))
    for k, note in enumerate(notes, start=1):
        out.print(f"  [{k}] {note}")
    out.print(
        "Global correlation can look fine while within-prompt correlation and recovery "
        "(the share of perfect selection's gain over random that the judge captures) stay low."
    )
    for note in live_notes(result):
        out.print(f"  {note}")
    if result.contrast is not None:
        out.print(contrast_table(result.contrast))
    for key, path in result.reports.items():
        out.print(f"  {key}: {path}")
    if result.contrast is not None:
        out.print(f"  live-contrast: {out_dir / 'live-contrast' / 'report.html'}")
