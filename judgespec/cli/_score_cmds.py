"""``judgespec score | report | compare | gate | import``: scoring recorded verdicts."""

from __future__ import annotations

import ctypes
import sys
from pathlib import Path

import click

from ._base import fail

__all__ = ["COMMANDS"]

_M_TRIM_THRESHOLD, _M_TOP_PAD, _M_MMAP_THRESHOLD = -1, -2, -3  # glibc's <malloc.h>


def retain_freed_memory() -> bool:
    """Let glibc keep the memory this process frees for reuse (Linux with glibc only).

    Scoring a large table allocates and frees arrays of several to tens of MiB over and
    over (per-prompt statistics, bootstrap draws). By default glibc returns such blocks
    to the kernel as soon as they are freed, so the next one is faulted in and zeroed
    page by page again; on a virtual machine that reports free pages to its host, each
    first touch is a host fault as well. With the mmap threshold at glibc's maximum
    (32 MiB), the heap never trimmed and grown 256 MiB at a time, the same pages serve
    again: at 100,000 prompts x 8 the command's system time fell from 0.6-3.3 s to
    0.2-0.3 s and its page faults by a quarter, with peak RSS within 5%. A no-op
    (False) where ``mallopt`` is unavailable. Only the short-lived CLI process does this.
    """
    if not sys.platform.startswith("linux"):
        return False
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):  # not glibc (e.g. musl has no mallopt)
        return False
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    return all(
        mallopt(option, value) == 1
        for option, value in (
            (_M_MMAP_THRESHOLD, 32 << 20),
            (_M_TRIM_THRESHOLD, 2**31 - 1),
            (_M_TOP_PAD, 256 << 20),
        )
    )


@click.command()
@click.option("--candidates", type=click.Path(path_type=Path, dir_okay=False), help="Candidates table (JSONL or Parquet).")
@click.option("--comparisons", type=click.Path(path_type=Path, dir_okay=False), help="Comparisons table (pairwise verdicts).")
@click.option("--from-inspect-log", "inspect_log", type=click.Path(path_type=Path), help="Build the candidates table from an Inspect log.")
@click.option("--from-lmeval-samples", "lmeval_samples", type=click.Path(path_type=Path), help="Build the candidates table from lm-eval --log_samples output.")
@click.option("--task", "lmeval_task", default=None, help="lm-eval samples: the task to score when the folder holds several (a group run).")
@click.option("--filter", "lmeval_filter", default=None, help="lm-eval samples: the filter ensemble whose answers give the oracle (default: the task's oracle filter).")
@click.option("--contract", type=click.Path(path_type=Path, dir_okay=False), help="The judge contract (tie policy, gates, fingerprint).")
@click.option("--oracle", default=None, help="--from-inspect-log of an epoch log: the scorer whose value is the oracle utility.")
@click.option("--judge", "judge_field", default=None, help="--from-inspect-log of an epoch log: the judge score: <scorer>, <scorer>:<metadata key> or metadata:<key>.")
@click.option("--seed", type=int, default=None, help="Bootstrap seed [default: the audit's recorded seed, else 0].")
@click.option("--bootstrap", "n_bootstrap", type=click.IntRange(min=0), default=None, help="Bootstrap replicates, 0: no intervals [default: the audit's recorded count, else 2000].")
@click.option("--interval", type=click.Choice(["studentized", "percentile"]), default="studentized", show_default=True, help="Bootstrap interval method (recorded in the scorecard).")
@click.option("--dataset", default=None, help="Data set name recorded in the scorecard.")
@click.option("--framework", default="offline", show_default=True, help="Framework recorded in the scorecard.")
@click.option("--out", type=click.Path(path_type=Path, dir_okay=False), required=True, help="Where to write SCORECARD.json.")
@click.option("--by", "by", default=None, metavar="COLUMN", help="Also audit each value of this prompt-level column (e.g. category) on its own: the scorecard's slices. With --from-inspect-log a sample metadata field, with --from-lmeval-samples a field of the logged documents.")
@click.option("--strict", is_flag=True, help="Reject columns outside the candidates/comparisons formats.")
@click.option("--quiet", is_flag=True, help="Do not print the terminal summary.")
def score(
    candidates: Path | None,
    comparisons: Path | None,
    inspect_log: Path | None,
    lmeval_samples: Path | None,
    lmeval_task: str | None,
    lmeval_filter: str | None,
    contract: Path | None,
    oracle: str | None,
    judge_field: str | None,
    seed: int | None,
    n_bootstrap: int | None,
    interval: str,
    dataset: str | None,
    framework: str,
    out: Path,
    by: str | None,
    strict: bool,
    quiet: bool,
) -> None:
    """Score a candidates table, an Inspect log or lm-eval samples into a scorecard.

    Recorded verdicts are scored as they are; lm-eval samples whose verdicts were
    deferred, or recorded under another contract, are judged under --contract first.
    Candidates without judge scores get selection scores derived from --comparisons
    (win share, or the contract's tournament ranking).
    """
    from ..pipeline import score_tables
    from ..scorecard import write_scorecard

    retain_freed_memory()
    sources = [s for s in (candidates, inspect_log, lmeval_samples) if s is not None]
    if len(sources) != 1:
        fail("give exactly one of --candidates, --from-inspect-log and --from-lmeval-samples")
    picks = {"task": lmeval_task, "filter": lmeval_filter}
    given = {k: v for k, v in picks.items() if v is not None}
    if given and lmeval_samples is None:
        fail("--task and --filter select lm-eval samples; use them with --from-lmeval-samples")
    if inspect_log is None and (oracle is not None or judge_field is not None):
        fail("--oracle and --judge apply to --from-inspect-log only")
    loaded = None
    if contract is not None:
        from ..contract import load_contract

        loaded = load_contract(contract)
    if candidates is not None:
        from ..audit import read_candidates, read_comparisons

        table = read_candidates(candidates, strict=strict)
        comp_table = read_comparisons(comparisons, table, strict=strict) if comparisons else None
        card = score_tables(
            table,
            comp_table,
            loaded=loaded,
            framework=framework,
            dataset=dataset or str(candidates),
            seed=seed if seed is not None else 0,
            n_bootstrap=n_bootstrap if n_bootstrap is not None else 2000,
            interval=interval,
            source=str(candidates),
            by=by,
        )
    else:
        from ..frameworks import load_source

        name = "inspect-log" if inspect_log is not None else "lmeval-samples"
        if interval != "studentized":
            fail(f"--interval {interval} is available with --candidates; --from-{name} uses studentized intervals")
        reader = load_source(name, purpose=f"Scoring --from-{name}")
        if inspect_log is not None:  # seed and replicates default to the audit's own
            card = reader(
                inspect_log, contract=loaded, seed=seed, n_bootstrap=n_bootstrap,
                oracle=oracle, judge=judge_field, by=by,
            )
        else:
            card = reader(
                sources[0], contract=loaded, seed=seed if seed is not None else 0,
                n_bootstrap=n_bootstrap if n_bootstrap is not None else 2000,
                by=by, **given,
            )
    write_scorecard(card, out)
    if not quiet:
        from ..scorecard import render_terminal  # rich: only for the summary

        render_terminal(card)
    click.echo(f"wrote {out}", err=True)


@click.command()
@click.argument("scorecard", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--format", "fmt", type=click.Choice(["term", "md", "html"]), default="term", show_default=True)
@click.option("--out", type=click.Path(path_type=Path, dir_okay=False), default=None, help="Write to a file instead of standard output.")
def report(scorecard: Path, fmt: str, out: Path | None) -> None:
    """Render a scorecard for a terminal, as Markdown, or as a standalone HTML report."""
    from ..scorecard import load_scorecard, render_html, render_markdown, render_terminal

    card = load_scorecard(scorecard)
    if fmt == "term" and out is None:
        render_terminal(card)
        return
    if fmt == "term":
        from rich.console import Console

        with out.open("w", encoding="utf-8") as handle:  # type: ignore[union-attr]
            render_terminal(card, Console(file=handle, width=120, color_system=None))
        return
    text = render_markdown(card) if fmt == "md" else render_html(card)
    if out is None:
        click.echo(text, nl=False)
    else:
        out.write_text(text, encoding="utf-8")
        click.echo(f"wrote {out}", err=True)


@click.command()
@click.argument("scorecards", nargs=-1, required=True, type=click.Path(path_type=Path, dir_okay=False))
@click.option("--format", "fmt", type=click.Choice(["term", "md"]), default="term", show_default=True)
@click.option("--strict", is_flag=True, help="Exit 1 unless every metric is identical (estimates and intervals).")
def compare(scorecards: tuple[Path, ...], fmt: str, strict: bool) -> None:
    """Compare scorecards side by side; flags differing contract fingerprints."""
    from ..scorecard import (
        compare_scorecards,
        load_scorecard,
        render_comparison_markdown,
        render_comparison_terminal,
    )

    if len(scorecards) < 2:
        fail("compare needs two or more scorecards")
    cards = [load_scorecard(p) for p in scorecards]
    labels = [p.stem for p in scorecards]
    if len(set(labels)) != len(labels):
        labels = [str(p) for p in scorecards]
    cmp = compare_scorecards(cards, labels=labels)
    if fmt == "md":
        click.echo(render_comparison_markdown(cmp), nl=False)
    else:
        render_comparison_terminal(cmp)
    if strict and not cmp.identical_metrics:
        fail("the scorecards' metrics differ (see the table above)")


@click.command()
@click.argument("scorecard", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--contract", type=click.Path(path_type=Path, dir_okay=False), required=True, help="Contract whose gates to apply.")
@click.option("--allow-fingerprint-mismatch", is_flag=True, help="Gate a scorecard made under another contract fingerprint (or none), with a warning.")
def gate(scorecard: Path, contract: Path, allow_fingerprint_mismatch: bool) -> None:
    """Apply a contract's gates to a scorecard; exit 1 naming each failed gate.

    The scorecard must have been made under the contract's fingerprint.
    """
    from ..contract import load_contract
    from ..scorecard import check_gate_fingerprint, evaluate_gates, load_scorecard

    loaded = load_contract(contract)
    card = load_scorecard(scorecard)
    if not loaded.contract.gates:
        fail(f"{contract}: the contract defines no gates; add a 'gates:' list")
    warning = check_gate_fingerprint(
        card, loaded.fingerprint, source=str(scorecard), allow_mismatch=allow_fingerprint_mismatch
    )
    if warning is not None:
        click.echo(f"warning: {warning}", err=True)
    results = evaluate_gates(card, loaded.contract.gates)
    failed = [r for r in results if not r.passed]
    for r in results:
        status = "PASS" if r.passed else "FAIL"
        click.echo(f"{status}  {r.metric} {r.bound} {r.op} {r.threshold}: {r.reason}")
    if failed:
        names = ", ".join(f"{r.metric} ({r.reason})" for r in failed)
        fail(f"{len(failed)} of {len(results)} gate(s) failed: {names}")


@click.group(name="import")
def import_group() -> None:
    """Convert public judge data sets into candidates/comparisons tables."""


@import_group.command(name="arena")
@click.argument("source", type=click.Path(path_type=Path, dir_okay=False, exists=True))
@click.option("--policies", default=None, help="Comma-separated candidate ids to keep (default: all).")
@click.option("--out", type=click.Path(path_type=Path, dir_okay=False), required=True)
def import_arena(source: Path, policies: str | None, out: Path) -> None:
    """Arena sample (oracle_label) -> candidates table."""
    from ..tables import arena_to_candidates, write_jsonl

    keep = [p.strip() for p in policies.split(",")] if policies else None
    rows = arena_to_candidates(source, policies=keep)
    write_jsonl(out, rows)
    click.echo(f"wrote {len(rows)} candidates to {out}", err=True)


@import_group.command(name="judgebench")
@click.argument("source", type=click.Path(path_type=Path, dir_okay=False, exists=True))
@click.option("--out", type=click.Path(path_type=Path, file_okay=False), required=True, help="Directory for candidates.jsonl (and comparisons.jsonl).")
def import_judgebench(source: Path, out: Path) -> None:
    """JudgeBench judged file (pairwise or reward model) -> tables.

    Writes candidates.jsonl (with the paper's category: knowledge, reasoning, math,
    coding) and comparisons.jsonl (the verdicts in both orders). A reward model's
    candidates carry its order-averaged scores; a pairwise judge's carry none (the audit
    derives them from the comparisons).
    """
    from ..tables import judgebench_reward_to_candidates, judgebench_to_tables, write_jsonl

    out.mkdir(parents=True, exist_ok=True)
    cands, comps = judgebench_to_tables(source)
    if ".reward_model." in source.name:
        cands = judgebench_reward_to_candidates(source)
    write_jsonl(out / "candidates.jsonl", cands)
    write_jsonl(out / "comparisons.jsonl", comps)
    click.echo(f"wrote tables to {out}", err=True)


COMMANDS = [score, report, compare, gate, import_group]
