"""``judgespec demo``: replay and live audits on embedded data and the embedded judge."""

from __future__ import annotations

from pathlib import Path

import click

__all__ = ["demo"]


@click.command()
@click.option("--out", "out_dir", type=click.Path(path_type=Path, file_okay=False), default=Path("judgespec-demo"), show_default=True, help="Where scorecards and HTML reports go.")
@click.option("--quick", is_flag=True, help="A smaller live audit (3 questions x 3 candidates) and 200 bootstrap replicates.")
@click.option("--no-live", is_flag=True, help="Only the replay audit of the bundled Arena sample (no model).")
@click.option("--seed", type=int, default=0, show_default=True)
def demo(out_dir: Path, quick: bool, no_live: bool, seed: int) -> None:
    """Audit the bundled Arena sample, then SmolLM2 judging SmolLM2 on a CPU."""
    from rich.console import Console

    from ..demo import live_notes, run_demo, summary_table

    console = Console(stderr=True)
    result = run_demo(out_dir, quick=quick, live=not no_live, seed=seed, console=console)
    out = Console()
    if not out.is_terminal:
        out = Console(width=140)
    out.print(summary_table(result))
    out.print(
        "Global correlation can look fine while within-prompt correlation and recovery "
        "(the share of perfect selection's gain over random that the judge captures) stay low."
    )
    for note in live_notes(result):
        out.print(f"  {note}")
    for key, path in result.reports.items():
        out.print(f"  {key}: {path}")
    out.print(f"done in {result.seconds:.0f} s")

