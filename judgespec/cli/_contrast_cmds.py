"""``judgespec contrast``: paired differences between judges on the same candidates."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

import click

from ._base import fail

if TYPE_CHECKING:
    from ..contract import Gate
    from ..scorecard import Contrast

__all__ = ["audit_contracts", "contrast", "parse_gate", "write_contrast_outputs"]

_GATE = re.compile(
    r"^\s*(?P<metric>[A-Za-z_][A-Za-z0-9_]*)\s*(?P<op>>=|<=)\s*(?P<threshold>[-+]?[0-9.]+(?:[eE][-+]?[0-9]+)?)"
    r"\s*(?:@\s*(?P<bound>ci_low|estimate|ci_high))?\s*$"
)


def parse_gate(text: str) -> Gate:
    """A gate written ``METRIC>=X`` or ``METRIC<=X``, optionally ``@ci_low|estimate|ci_high``."""
    from ..contract import Gate

    match = _GATE.match(text)
    if match is None:
        raise click.BadParameter(
            f"{text!r}: write a gate as METRIC>=NUMBER or METRIC<=NUMBER, optionally "
            "followed by @ci_low, @estimate or @ci_high (e.g. 'recovery>=0')"
        )
    return Gate(
        metric=match["metric"],
        op=match["op"],
        threshold=float(match["threshold"]),
        bound=match["bound"],
    )


def write_contrast_outputs(contrast: Contrast, out_dir: Path) -> list[Path]:
    """Write contrast.json, contrast.md and contrast.html into ``out_dir``."""
    from ..scorecard import render_contrast_html, render_contrast_markdown, write_contrast

    out_dir.mkdir(parents=True, exist_ok=True)
    json_path = write_contrast(contrast, out_dir / "contrast.json")
    md_path = out_dir / "contrast.md"
    md_path.write_text(render_contrast_markdown(contrast), encoding="utf-8")
    html_path = out_dir / "contrast.html"
    html_path.write_text(render_contrast_html(contrast), encoding="utf-8")
    return [json_path, md_path, html_path]


@click.command()
@click.argument("sources", nargs=-1, required=True)
@click.option("--label", "labels", multiple=True, help="Name of each judge, in the order of SOURCES (default: folder name or file stem).")
@click.option("--metric", "metrics", multiple=True, help="Metric to contrast (repeatable; default: the headline metrics).")
@click.option("--intersect", is_flag=True, help="Contrast only the candidates every source has; say how much was dropped.")
@click.option("--interval", type=click.Choice(["studentized", "percentile"]), default="studentized", show_default=True, help="Bootstrap interval method.")
@click.option("--bootstrap", "n_bootstrap", type=click.IntRange(min=0), default=2000, show_default=True, help="Replicates of the joint cluster bootstrap.")
@click.option("--seed", type=int, default=0, show_default=True, help="Bootstrap seed.")
@click.option("--confidence", type=click.FloatRange(0, 1, min_open=True, max_open=True), default=0.95, show_default=True, help="Confidence level of the intervals.")
@click.option("--gate", "gates", multiple=True, help="Gate on each judge's difference to the first, e.g. 'recovery>=0' (checked on ci_low; '@estimate' to change); exit 1 if one fails.")
@click.option("--out", "out_dir", type=click.Path(path_type=Path, file_okay=False), default=None, help="Directory for contrast.json, contrast.md and contrast.html.")
@click.option("--quiet", is_flag=True, help="Do not print the tables.")
def contrast(
    sources: tuple[str, ...],
    labels: tuple[str, ...],
    metrics: tuple[str, ...],
    intersect: bool,
    interval: str,
    n_bootstrap: int,
    seed: int,
    confidence: float,
    gates: tuple[str, ...],
    out_dir: Path | None,
    quiet: bool,
) -> None:
    """Compare judges on the same prompts and candidates, metric by metric.

    Each SOURCE is one judge's verdicts: an audit output folder, a folder written by
    'judgespec import', a candidates table, or CANDIDATES,COMPARISONS. The first is
    the reference. Every metric gets each judge's estimate and the difference to the
    reference with an interval from ONE cluster bootstrap (the same resampled prompts
    for every judge), a two-sided p-value and Holm-adjusted p-values across metrics.
    """
    from ..scorecard import contrast_judged_sets, read_judged_set, render_contrast_terminal

    if len(sources) < 2:
        fail("contrast needs two or more sources (the first is the reference)")
    if labels and len(labels) != len(sources):
        fail(f"give one --label per source: {len(labels)} label(s) for {len(sources)} source(s)")
    parsed_gates = [parse_gate(g) for g in gates]
    sets = [
        read_judged_set(source, label=labels[i] if labels else None)
        for i, source in enumerate(sources)
    ]
    try:
        result = contrast_judged_sets(
            sets,
            metrics=list(metrics) or None,
            n_bootstrap=n_bootstrap,
            seed=seed,
            confidence=confidence,
            interval=interval,
            intersect=intersect,
            gates=parsed_gates,
        )
    except ValueError as exc:
        fail(str(exc))
    if not quiet:
        render_contrast_terminal(result)
    if out_dir is not None:
        paths = write_contrast_outputs(result, out_dir)
        click.echo(f"wrote {', '.join(str(p) for p in paths)}", err=True)
    failed = [g for g in result.gates if not g.passed]
    if failed:
        names = ", ".join(f"{g.metric} ({g.judge}: {g.reason})" for g in failed)
        fail(f"{len(failed)} of {len(result.gates)} gate(s) failed: {names}")


def audit_contracts(
    contract_paths: tuple[Path, ...],
    *,
    candidates: Path | None,
    limit: int | None,
    seed: int,
    n_bootstrap: int,
    interval: str,
    no_cache: bool,
    out_dir: Path,
    quiet: bool,
    gates: tuple[str, ...],
    by: str | None = None,
) -> None:
    """``judgespec audit`` with several contracts: judge one candidate set under each, contrast."""
    import sys

    from ..contract import load_contract
    from ..judge import JudgeCache, read_candidate_rows
    from ..pipeline import judge_and_score
    from ..scorecard import (
        contrast_judged_sets,
        read_judged_set,
        render_contrast_terminal,
        render_html,
        write_scorecard,
    )

    if len(contract_paths) < 2:
        fail("--contrast-gate needs two or more --contract options")
    parsed_gates = [parse_gate(g) for g in gates]
    loaded = [load_contract(p) for p in contract_paths]  # all fail before any model loads
    if candidates is None:
        first = loaded[0].contract.audit
        if first is not None and first.dataset is not None:
            relative = contract_paths[0].parent / first.dataset
            candidates = relative if relative.exists() else Path(first.dataset)
    if candidates is None:
        fail("several --contract options need --candidates FILE (or audit.dataset in the first contract)")
    assert candidates is not None
    labels = _labels(contract_paths, [lc.contract.name for lc in loaded])
    rows = read_candidate_rows(candidates, limit=limit)
    cache = None if no_cache else JudgeCache.default()
    sets = []
    try:
        for path, lc, label in zip(contract_paths, loaded, labels, strict=True):
            outcome = judge_and_score(
                lc, rows, cache=cache, progress=not quiet and sys.stderr.isatty(),
                dataset=str(candidates), seed=seed, n_bootstrap=n_bootstrap,
                interval=interval, source=str(candidates), by=by,
            )  # fmt: skip
            folder = out_dir / label
            outcome.judged.write(folder)
            write_scorecard(outcome.scorecard, folder / "scorecard.json")
            (folder / "report.html").write_text(render_html(outcome.scorecard), encoding="utf-8")
            click.echo(f"wrote {folder}/ ({path})", err=True)
            sets.append(read_judged_set(folder, label=label))
    finally:
        if cache is not None:
            cache.close()
    result = contrast_judged_sets(
        sets, n_bootstrap=n_bootstrap, seed=seed, interval=interval,
        gates=parsed_gates,
    )  # fmt: skip
    if not quiet:
        render_contrast_terminal(result)
    paths = write_contrast_outputs(result, out_dir)
    click.echo(f"wrote {', '.join(str(p) for p in paths)}", err=True)
    failed = [g for g in result.gates if not g.passed]
    if failed:
        names = ", ".join(f"{g.metric} ({g.judge}: {g.reason})" for g in failed)
        fail(f"{len(failed)} of {len(result.gates)} gate(s) failed: {names}")


def _labels(paths: tuple[Path, ...], names: list[str]) -> list[str]:
    """Folder-safe, unique labels: the contract names, else file stems, else numbered."""
    safe = [re.sub(r"[^A-Za-z0-9._-]+", "-", n).strip("-") or "judge" for n in names]
    if len(set(safe)) == len(safe):
        return safe
    stems = [p.stem for p in paths]
    if len(set(stems)) == len(stems):
        return stems
    return [f"{i + 1}-{s}" for i, s in enumerate(safe)]
