"""Command-line functions of the lm-eval adapter, and the ``judgespec lmeval`` group.

Plain functions (:func:`compile_task`, :func:`run_lmeval_audit`,
:func:`score_from_lmeval_samples`, :func:`tables_from_lmeval_samples`) that the
``judgespec`` CLI calls, and :func:`lmeval_group`, the click group to add with
``cli.add_command(lmeval_group())``.
Nothing here imports lm-eval at module import time.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, TypeVar

import click

from judgespec import JudgespecError
from judgespec.frameworks import AuditOptions

from ._compile import compile_config, write_task_yaml
from ._run import run_lmeval_audit
from ._score_samples import score_from_lmeval_samples, tables_from_lmeval_samples

__all__ = [
    "FRAMEWORK",
    "LmevalFramework",
    "compile_task",
    "lmeval_group",
    "lmeval_options",
    "run_lmeval_audit",
    "score_from_lmeval_samples",
    "split_lmeval_options",
    "tables_from_lmeval_samples",
]

_F = TypeVar("_F", bound=Callable[..., Any])


def _batch_size(value: str | None) -> int | str | None:
    """lm-eval's ``--batch_size``: an integer, ``auto`` or ``auto:N``."""
    if value is None:
        return None
    text = value.strip()
    if text.isdigit() and int(text) > 0:
        return int(text)
    if text == "auto" or (text.startswith("auto:") and text[5:].isdigit()):
        return text
    raise click.BadParameter(f"{value!r} is not an integer, 'auto' or 'auto:N'", param_hint="--batch_size")


LMEVAL_OPTIONS: tuple[tuple[tuple[str, ...], dict[str, Any]], ...] = (
    (("--device", "lmeval_device"), {"default": None, "help": "lm-eval: device of the policy (cuda, cuda:0, cpu, mps; default: the model's own, which is cuda for hf: pass cpu on a machine without a GPU). Or device= in --model-args."}),
    (("--batch_size", "--batch-size", "lmeval_batch_size"), {"default": None, "help": "lm-eval: batch size of the policy: an integer, 'auto' or 'auto:N' (lm-eval's default: 1)."}),
    (("--max_batch_size", "--max-batch-size", "lmeval_max_batch_size"), {"type": int, "default": None, "help": "lm-eval: largest batch size tried with --batch_size auto."}),
    (("--apply_chat_template", "--apply-chat-template", "lmeval_apply_chat_template"), {"is_flag": True, "help": "lm-eval: render the policy's prompts with its chat template."}),
    (("--fewshot_as_multiturn/--no-fewshot_as_multiturn", "lmeval_fewshot_as_multiturn"), {"default": None, "help": "lm-eval: few-shot examples as a multi-turn chat (default: on with --apply_chat_template)."}),
    (("--system_instruction", "--system-instruction", "lmeval_system_instruction"), {"default": None, "help": "lm-eval: system instruction for the policy."}),
    (("--num_fewshot", "--num-fewshot", "lmeval_num_fewshot"), {"type": int, "default": None, "help": "lm-eval: few-shot examples (default: the base task's)."}),
    (("--gen_kwargs", "--gen-kwargs", "lmeval_gen_kwargs"), {"default": None, "help": "lm-eval: generation overrides, e.g. top_p=0.95 (sampling must stay on)."}),
    (("--include_path", "--include-path", "lmeval_include_path"), {"type": click.Path(path_type=Path, file_okay=False), "default": None, "help": "lm-eval: folder of your own tasks (to resolve --task by name)."}),
)
"""lm-eval's own options, with lm-eval's names (dashed spellings too) and defaults."""


def lmeval_options(function: _F) -> _F:
    """Add :data:`LMEVAL_OPTIONS` to a click command (keyword names ``lmeval_*``)."""
    for names, kwargs in reversed(LMEVAL_OPTIONS):
        function = click.option(*names, **kwargs)(function)
    return function


def split_lmeval_options(values: dict[str, Any]) -> tuple[str | None, Path | None, dict[str, Any]]:
    """``(device, include_path, simple_evaluate options)`` from the ``lmeval_*`` values."""
    options: dict[str, Any] = {}
    batch = _batch_size(values.get("lmeval_batch_size"))
    if batch is not None:
        options["batch_size"] = batch
    if values.get("lmeval_max_batch_size") is not None:
        options["max_batch_size"] = values["lmeval_max_batch_size"]
    chat = bool(values.get("lmeval_apply_chat_template"))
    options["apply_chat_template"] = chat
    multiturn = values.get("lmeval_fewshot_as_multiturn")
    if multiturn and not chat:
        raise click.UsageError("--fewshot_as_multiturn needs --apply_chat_template (as in lm-eval)")
    options["fewshot_as_multiturn"] = chat if multiturn is None else bool(multiturn)
    for key in ("system_instruction", "num_fewshot", "gen_kwargs"):
        if values.get(f"lmeval_{key}") is not None:
            options[key] = values[f"lmeval_{key}"]
    return values.get("lmeval_device"), values.get("lmeval_include_path"), options


def compile_task(
    contract_path: str | os.PathLike[str],
    *,
    task: str | os.PathLike[str] | Mapping[str, Any],
    n: int,
    out_dir: str | os.PathLike[str],
    temperature: float = 1.0,
    name: str | None = None,
    oracle_metric: str | None = None,
    oracle_filter: str | None = None,
    max_gen_toks: int | None = None,
    judge_after_generation: bool = False,
    include_path: str | os.PathLike[str] | None = None,
) -> list[Path]:
    """Compile a contract and a base task into an lm-eval task YAML; return the files written.

    Run the result with ``lm-eval run --include_path OUT_DIR --tasks <name> --log_samples``.
    ``judge_after_generation`` compiles with ``judge: deferred``: the lm-eval run only
    generates and applies the oracle; judge and score afterwards with
    ``judgespec score --from-lmeval-samples``. See
    :func:`~judgespec_lmeval._compile.compile_config` for the other options and errors.
    """
    compiled = compile_config(
        contract_path,
        task,
        n=n,
        temperature=temperature,
        name=name,
        oracle_metric=oracle_metric,
        oracle_filter=oracle_filter,
        max_gen_toks=max_gen_toks,
        judge="deferred" if judge_after_generation else "inline",
        include_path=include_path,
    )
    written = write_task_yaml(compiled, out_dir)
    assert written.path is not None
    return [written.path]


def lmeval_group() -> click.Group:
    """The ``judgespec lmeval`` command group (``compile``, ``run``)."""
    from judgespec.cli import plugin_group

    @plugin_group("lmeval")
    def group() -> None:
        """Best-of-n judge audits as lm-evaluation-harness tasks."""

    @group.command(name="compile")
    @click.argument("contract", type=click.Path(path_type=Path, dir_okay=False))
    @click.option("--task", "task", required=True, help="Base generate_until task: a registered lm-eval name or a task YAML.")
    @click.option("--n", "n", type=int, required=True, help="Candidates per prompt (at least 2).")
    @click.option("--out", "out_dir", type=click.Path(path_type=Path, file_okay=False), required=True, help="Folder for the task YAML (pass it to lm-eval's --include_path).")
    @click.option("--temperature", type=float, default=1.0, show_default=True, help="Policy sampling temperature.")
    @click.option("--name", default=None, help="Task name (default <base>_judgespec_<contract>_n<n>).")
    @click.option("--oracle-metric", default=None, help="Base metric used as the oracle (default: its first metric).")
    @click.option("--oracle-filter", default=None, help="Filter ensemble the scorecard uses (default: the first).")
    @click.option("--max-gen-toks", type=int, default=None, help="Override the base task's generation length.")
    @click.option("--judge-after-generation", is_flag=True, help="Do not judge inside lm-eval; judge the samples afterwards.")
    @click.option("--include-path", "--include_path", "include_path", type=click.Path(path_type=Path, file_okay=False), default=None, help="Folder of your own lm-eval tasks (to resolve --task by name).")
    def compile_cmd(
        contract: Path,
        task: str,
        n: int,
        out_dir: Path,
        temperature: float,
        name: str | None,
        oracle_metric: str | None,
        oracle_filter: str | None,
        max_gen_toks: int | None,
        judge_after_generation: bool,
        include_path: Path | None,
    ) -> None:
        """Compile CONTRACT and a base task into an lm-eval best-of-n audit task."""
        paths = compile_task(
            contract,
            task=task,
            n=n,
            out_dir=out_dir,
            temperature=temperature,
            name=name,
            oracle_metric=oracle_metric,
            oracle_filter=oracle_filter,
            max_gen_toks=max_gen_toks,
            judge_after_generation=judge_after_generation,
            include_path=include_path,
        )
        for path in paths:
            click.echo(f"wrote {path}", err=True)
        click.echo(f"run: lm-eval run --include_path {out_dir} --tasks {paths[0].stem} --log_samples --output_path OUT ...", err=True)

    @group.command(name="run")
    @click.argument("contract", type=click.Path(path_type=Path, dir_okay=False))
    @click.option("--task", "task", required=True, help="Base generate_until task: a registered lm-eval name or a task YAML.")
    @click.option("--n", "n", type=int, required=True, help="Candidates per prompt (at least 2).")
    @click.option("--model", default="hf", show_default=True, help="lm-eval model type of the policy (hf, vllm, ...).")
    @click.option("--model-args", "--model_args", "model_args", default="", help="Policy model args in lm-eval's form, e.g. pretrained=DIR,dtype=float32.")
    @click.option("--out", "out_dir", type=click.Path(path_type=Path, file_okay=False), required=True, help="Output folder.")
    @click.option("--limit", type=int, default=None, help="Documents to evaluate.")
    @click.option("--judge-inline", is_flag=True, help="Judge inside the lm-eval run (both models in memory at once).")
    @click.option("--temperature", type=float, default=1.0, show_default=True, help="Policy sampling temperature.")
    @click.option("--max-gen-toks", type=int, default=None, help="Override the base task's generation length.")
    @click.option("--oracle-metric", default=None, help="Base metric used as the oracle (default: its first metric).")
    @click.option("--oracle-filter", default=None, help="Filter ensemble the scorecard uses (default: the first).")
    @lmeval_options
    @click.option("--seed", type=int, default=0, show_default=True, help="Seed of the audit statistics.")
    @click.option("--bootstrap", "n_bootstrap", type=click.IntRange(min=0), default=2000, show_default=True, help="Bootstrap replicates.")
    def run_cmd(
        contract: Path,
        task: str,
        n: int,
        model: str,
        model_args: str,
        out_dir: Path,
        limit: int | None,
        judge_inline: bool,
        temperature: float,
        max_gen_toks: int | None,
        oracle_metric: str | None,
        oracle_filter: str | None,
        seed: int,
        n_bootstrap: int,
        **lmeval: Any,
    ) -> None:
        """Generate n candidates per prompt with lm-eval, judge them under CONTRACT, score.

        lm-eval's own options keep lm-eval's names and defaults (--device,
        --batch_size, --apply_chat_template, ...; the dashed spellings work too).
        """
        device, include_path, options = split_lmeval_options(lmeval)
        path = run_lmeval_audit(
            contract,
            task=task,
            n=n,
            model=model,
            model_args=model_args,
            out_dir=out_dir,
            limit=limit,
            device=device,
            judge_after_generation=not judge_inline,
            temperature=temperature,
            max_gen_toks=max_gen_toks,
            oracle_metric=oracle_metric,
            oracle_filter=oracle_filter,
            seed=seed,
            n_bootstrap=n_bootstrap,
            include_path=include_path,
            evaluate_options=options,
        )
        click.echo(f"wrote {path}", err=True)

    return group


class LmevalFramework:
    """``judgespec audit --framework lmeval``: generate with an lm-eval policy, judge, score."""

    name = "lmeval"
    data_option = "task"

    def run_audit(self, options: AuditOptions) -> Path:
        """Run :func:`run_lmeval_audit` under ``options`` (``options.data`` is the base task)."""
        if options.data is None:
            raise JudgespecError("--framework lmeval needs --task (or the contract's audit.dataset)")
        if options.model is None:
            raise JudgespecError("--framework lmeval needs --model (the policy) or the contract's audit.policy_model")
        evaluate: dict[str, object] = {"apply_chat_template": options.apply_chat_template}
        if options.batch_size is not None:
            size = options.batch_size.strip()
            if not (size.isdigit() or size == "auto" or (size.startswith("auto:") and size[5:].isdigit())):
                raise JudgespecError(f"--batch-size {options.batch_size!r}: give an integer, 'auto' or 'auto:N'")
            evaluate["batch_size"] = int(size) if size.isdigit() else size
        return run_lmeval_audit(
            options.contract_path, task=options.data, n=options.n, model=options.model,
            model_args=options.model_args, out_dir=options.out_dir, limit=options.limit,
            temperature=options.temperature, seed=options.seed, n_bootstrap=options.n_bootstrap,
            device=options.device, include_path=options.include_path, evaluate_options=evaluate,
        )  # fmt: skip


FRAMEWORK = LmevalFramework()
"""The ``judgespec.frameworks`` entry point ``lmeval``."""
