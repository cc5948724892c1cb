"""``judgespec audit``: judge, score and report in one command, in any framework."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .._atomic import atomic_write_text
from ..contract import load_contract
from ..frameworks import framework_names
from ._base import fail

__all__ = ["audit"]


@click.command()
@click.option("--contract", "contract_paths", type=click.Path(path_type=Path, dir_okay=False), required=True, multiple=True, help="The judge contract; repeat it (offline) to judge one candidate set under each contract and contrast them, the first as reference.")
@click.option("--framework", type=click.Choice(["offline", *framework_names()]), default="offline", show_default=True, help="offline: judge a candidates table; an installed framework plugin (inspect, lmeval, ...): generate candidates with a policy model in that framework.")
@click.option("--candidates", type=click.Path(path_type=Path, dir_okay=False), help="offline: the candidates table (JSONL) to judge.")
@click.option("--dataset", default=None, help="inspect: local JSONL/CSV with input and target.")
@click.option("--task", default=None, help="lmeval: base generate_until task (registered name or task YAML).")
@click.option("--model", default=None, help="inspect/lmeval: the policy model (Inspect 'provider/model'; lm-eval model type such as 'hf').")
@click.option("--model-args", default=None, help="lmeval: the policy's model_args, e.g. 'pretrained=DIR'.")
@click.option("--device", default=None, help="lmeval: the policy's device (cuda, cuda:0, cpu; default: the model's own, which is cuda for hf).")
@click.option("--batch-size", "--batch_size", "batch_size", default=None, help="lmeval: the policy's batch size: an integer, 'auto' or 'auto:N' (lm-eval's default: 1).")
@click.option("--apply-chat-template", "--apply_chat_template", "apply_chat_template", is_flag=True, help="lmeval: render the policy's prompts with its chat template.")
@click.option("--include-path", "--include_path", "include_path", type=click.Path(path_type=Path, file_okay=False), default=None, help="lmeval: folder of your own lm-eval tasks (to resolve --task by name).")
@click.option("--judge-model", default=None, help="inspect: replace the contract's judge (binds the judge model role).")
@click.option("--n", type=click.IntRange(min=2), default=None, help="inspect/lmeval: candidates per prompt (default: the contract's audit.n, else 4).")
@click.option("--temperature", type=float, default=1.0, show_default=True, help="inspect/lmeval: policy sampling temperature.")
@click.option("--oracle", default=None, help="inspect: oracle scorer (match, includes, exact, model_graded_fact, field:<name>; default: the contract's audit.oracle, else match).")
@click.option("--limit", type=click.IntRange(min=1), default=None, help="Audit only the first N prompts.")
@click.option("--seed", type=int, default=0, show_default=True, help="Bootstrap seed.")
@click.option("--bootstrap", "n_bootstrap", type=click.IntRange(min=0), default=2000, show_default=True, help="Bootstrap replicates.")
@click.option("--interval", type=click.Choice(["studentized", "percentile"]), default="studentized", show_default=True, help="offline: bootstrap interval method (recorded in the scorecard).")
@click.option("--contrast-gate", "contrast_gates", multiple=True, help="With several --contract: a gate on each contract's difference to the first, e.g. 'recovery>=0'.")
@click.option("--no-cache", is_flag=True, help="offline: neither read nor write the judge cache.")
@click.option("--by", "by", default=None, metavar="COLUMN", help="offline: also audit each value of this prompt-level column of the candidates on its own (the scorecard's slices).")
@click.option("--out", "out_dir", type=click.Path(path_type=Path, file_okay=False), required=True, help="Output directory (scorecard.json, report.html, judged tables or framework logs).")
@click.option("--quiet", is_flag=True, help="No progress bar and no terminal summary.")
def audit(
    contract_paths: tuple[Path, ...],
    framework: str,
    candidates: Path | None,
    dataset: str | None,
    task: str | None,
    model: str | None,
    model_args: str | None,
    device: str | None,
    batch_size: str | None,
    apply_chat_template: bool,
    include_path: Path | None,
    judge_model: str | None,
    n: int | None,
    temperature: float,
    oracle: str | None,
    limit: int | None,
    seed: int,
    n_bootstrap: int,
    interval: str,
    contrast_gates: tuple[str, ...],
    no_cache: bool,
    by: str | None,
    out_dir: Path,
    quiet: bool,
) -> None:
    """Run a best-of-n audit under a contract; write scorecard.json and report.html.

    Options not given come from the contract's optional ``audit:`` section (data set,
    n, oracle, policy model; a relative data set path is relative to the contract).
    With several --contract, each contract's tables, scorecard.json and report.html go
    to a subfolder of --out named after it, and contrast.json/.md/.html to --out.
    """
    from ..scorecard import load_scorecard, render_html, render_terminal, write_scorecard

    if len(contract_paths) > 1 or contrast_gates:
        from ._contrast_cmds import audit_contracts

        if framework != "offline":
            fail("several --contract options need --framework offline (one candidate set)")
        audit_contracts(
            contract_paths, candidates=candidates, limit=limit, seed=seed,
            n_bootstrap=n_bootstrap, interval=interval, no_cache=no_cache, out_dir=out_dir,
            quiet=quiet, gates=contrast_gates, by=by,
        )  # fmt: skip
        return
    if interval != "studentized" and framework != "offline":
        fail(f"--interval {interval} is available with --framework offline")
    contract_path = contract_paths[0]
    loaded = load_contract(contract_path)  # fails before any model loads
    out_dir.mkdir(parents=True, exist_ok=True)
    if framework == "offline":
        from ..frameworks import AuditOptions

        data = AuditOptions.build(contract_path, out_dir=out_dir, data=candidates, loaded=loaded).data
        if data is None:
            fail("--framework offline needs --candidates FILE (or the contract's audit.dataset)")
        assert data is not None
        candidates = Path(data)
        from ..judge import JudgeCache, read_candidate_rows
        from ..pipeline import judge_and_score

        rows = read_candidate_rows(candidates, limit=limit)
        cache = None if no_cache else JudgeCache.default()
        try:
            outcome = judge_and_score(
                loaded,
                rows,
                cache=cache,
                progress=not quiet and sys.stderr.isatty(),
                dataset=str(candidates),
                seed=seed,
                n_bootstrap=n_bootstrap,
                interval=interval,
                source=str(candidates),
                by=by,
            )
        finally:
            if cache is not None:
                cache.close()
        outcome.judged.write(out_dir)
        card = outcome.scorecard
        if not quiet:
            click.echo(outcome.judged.stats.summary(), err=True)
        card_path = write_scorecard(card, out_dir / "scorecard.json")
    else:
        from ..frameworks import audit_in_framework, load_framework

        if by is not None:
            fail(f"--by works with --framework offline; score the {framework} output with 'judgespec score --by'")
        plugin = load_framework(framework)
        card_path = audit_in_framework(
            framework, contract_path, out_dir=out_dir, loaded=loaded,
            data={"dataset": dataset, "task": task}.get(plugin.data_option), model=model,
            n=n, oracle=oracle, temperature=temperature, limit=limit, seed=seed,
            n_bootstrap=n_bootstrap, judge_model=judge_model, model_args=model_args,
            device=device, batch_size=batch_size, apply_chat_template=apply_chat_template,
            include_path=include_path,
        )  # fmt: skip
        card = load_scorecard(card_path)
    report = out_dir / "report.html"
    atomic_write_text(report, render_html(card))
    if not quiet:
        render_terminal(card)
    click.echo(f"wrote {card_path} and {report}", err=True)

