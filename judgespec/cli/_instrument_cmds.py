"""``judgespec validate-instrument``: the planted-defect suite."""

from __future__ import annotations

from pathlib import Path

import click

from ._base import fail

__all__ = ["validate_instrument_cmd"]


def _write_tables(design: object, folder: Path) -> None:
    """``candidates.<judge>.jsonl`` and ``comparisons.<judge>.jsonl`` of every judge."""
    import json

    from ..instrument import PlantedDesign, planted_rows

    assert isinstance(design, PlantedDesign)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for judge, (rows, comparisons) in planted_rows(design).items():
            for kind, table in (("candidates", rows), ("comparisons", comparisons)):
                if table is not None:
                    text = "".join(json.dumps(row) + "\n" for row in table)
                    (folder / f"{kind}.{judge}.jsonl").write_text(text, encoding="utf-8")
    except OSError as exc:
        fail(f"{folder}: cannot write the tables: {exc.strerror or exc}")


@click.command(name="validate-instrument")
@click.option("--prompts", type=click.IntRange(min=20), default=400, show_default=True, help="Prompts in the synthetic audit.")
@click.option("--candidates", type=click.IntRange(min=2), default=4, show_default=True, help="Candidates per prompt.")
@click.option("--data-seed", type=click.IntRange(min=0), default=0, show_default=True, help="Seed of the synthetic data.")
@click.option("--bootstrap", "n_bootstrap", type=click.IntRange(min=1), default=2000, show_default=True, help="Cluster-bootstrap replicates.")
@click.option("--seed", type=click.IntRange(min=0), default=0, show_default=True, help="Seed of the bootstrap.")
@click.option("--confidence", type=click.FloatRange(min=0.0, max=1.0, min_open=True, max_open=True), default=0.996, show_default=True, help="Confidence level of every interval (0.996: the 13 chance-prone checks together fail about 1 time in 20 on a sound instrument).")
@click.option("--out", type=click.Path(path_type=Path, dir_okay=False), help="Also write the Markdown table to this file.")
@click.option("--tables", type=click.Path(path_type=Path, file_okay=False), help="Also write each judge's candidates (and comparisons) table as JSONL into this folder, for judgespec score.")
def validate_instrument_cmd(
    prompts: int,
    candidates: int,
    data_seed: int,
    n_bootstrap: int,
    seed: int,
    confidence: float,
    out: Path | None,
    tables: Path | None,
) -> None:
    """Audit synthetic judges with planted defects; check the audit recovers each one.

    Judges: a clean judge, and the clean judge with one planted defect each (coarse
    scale, position preference, length reward, prompt-level baseline, self-preference
    for a tagged source, random noise). Prints a Markdown table of each defect's true
    magnitude, the audit's estimate and interval, and the flags raised. Exits 1 when an
    interval misses its true value, a defect raises no flag or the clean judge raises one.
    """
    from ..instrument import PlantedDesign, render_instrument_markdown, validate_instrument

    design = PlantedDesign(n_prompts=prompts, n_candidates=candidates, seed=data_seed)
    report = validate_instrument(
        design, n_bootstrap=n_bootstrap, seed=seed, confidence=confidence
    )
    text = render_instrument_markdown(report)
    click.echo(text, nl=False)
    if out is not None:
        try:
            out.write_text(text, encoding="utf-8")
        except OSError as exc:
            fail(f"{out}: cannot write: {exc.strerror or exc}")
    if tables is not None:
        _write_tables(design, tables)
    if not report.passed:
        fail("the planted-defect suite failed (see the table)")
