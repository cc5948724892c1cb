"""``run_lmeval_audit``: compile, generate with lm-eval, judge, write results and a scorecard.

Output folder layout::

    OUT/tasks/<task>.yaml                      the compiled task (rerun it with lm-eval)
    OUT/lmeval/<model>/results_<date>.json     lm-eval's results (audit metrics included)
    OUT/lmeval/<model>/samples_<task>_<date>.jsonl   --log_samples output with the records
    OUT/scorecard.json                         the standardized scorecard

With ``judge_after_generation`` (the default) the task is compiled with ``judge:
deferred``: lm-eval generates and applies the oracle, the policy model is released,
and only then is the judge loaded to judge every candidate (GPU memory holds one model
at a time). The verdicts are written into the samples and the audit metrics into the
results, exactly as an inline run would have them; the scorecard is then read back
from the written samples file, the same post-hoc path as ``judgespec score
--from-lmeval-samples``.
"""

from __future__ import annotations

import gc
import os
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from judgespec import JudgespecError

from ._compile import compile_config, write_task_yaml
from ._deps import require_lm_eval
from ._records import verdicts_of, with_verdicts
from ._samples import docs_from_samples
from ._score_samples import judge_sample_docs, score_from_lmeval_samples
from ._task_metrics import RECORD_METRIC

if TYPE_CHECKING:
    from judgespec.judge import JudgeBackend

    from ._task import BestOfNTask

__all__ = ["run_lmeval_audit"]


def _build_task(path: Path, name: str) -> BestOfNTask:
    from lm_eval.tasks import TaskManager

    loaded = TaskManager(include_defaults=False).load([str(path)])
    task = loaded["tasks"].get(name)
    if task is None:  # pragma: no cover - the compiled file names the task
        raise JudgespecError(f"{path}: lm-eval did not load task '{name}'")
    return task  # type: ignore[no-any-return]


def _release_accelerator_memory() -> None:
    """Collect garbage (the policy LM is unreferenced now) and empty the CUDA cache."""
    gc.collect()
    torch = sys.modules.get("torch")
    if torch is not None and torch.cuda.is_available():
        torch.cuda.empty_cache()


def _judge_in_place(
    task: BestOfNTask,
    samples: list[dict[str, Any]],
    results: dict[str, Any],
    *,
    backend: JudgeBackend | None,
) -> None:
    """Judge deferred samples once, write verdicts into every filter's records, re-aggregate."""
    settings = task.audit_settings
    docs = docs_from_samples(samples, filter=settings.oracle_filter, source=task.task_name)
    judged = judge_sample_docs(task.contract, docs, backend=backend)
    by_prompt = {str(r["prompt_id"]): r for r in judged}
    for sample in samples:
        record = sample[RECORD_METRIC]
        source = by_prompt[str(record["prompt_id"])]
        new = with_verdicts(
            record, verdicts_of(source), source["comparisons"], judged_by=task.contract.fingerprint
        )
        sample.update(task.doc_values(new))
    metrics = results["results"][task.task_name]
    aggregation = task.aggregation()
    for filter_name in dict.fromkeys(s["filter"] for s in samples):
        items = [s for s in samples if s["filter"] == filter_name]
        for metric in task.metric_names:
            metrics[f"{metric},{filter_name}"] = aggregation[metric]([s[metric] for s in items])


SCRIPTED_MODEL = "judgespec-scripted"
"""The scripted policy's lm-eval model name (:mod:`judgespec_lmeval._scripted`)."""


def _register_scripted_model() -> None:
    """Register ``judgespec-scripted`` with lm-eval, after lm-eval's own models."""
    import lm_eval.models  # noqa: F401  (registering before them would hide hf and vllm)

    from . import _scripted  # noqa: F401


def _parse_model_args(model_args: str | Mapping[str, Any] | None) -> dict[str, Any]:
    if model_args is None:
        return {}
    if isinstance(model_args, Mapping):
        return dict(model_args)
    from lm_eval.utils import simple_parse_args_string

    try:
        return dict(simple_parse_args_string(model_args))
    except Exception as exc:  # lm-eval raises bare errors for a malformed string
        raise JudgespecError(
            f"--model-args {model_args!r}: not lm-eval's key=value,key=value form ({exc})"
        ) from None


def _check_options(
    task: BestOfNTask,
    model_args: str | Mapping[str, Any] | None,
    device: str | None,
    options: Mapping[str, Any],
) -> None:
    """Refuse what lm-eval would refuse (or would let the task refuse) after loading the policy."""
    for reserved in ("model", "model_args", "tasks", "limit", "device", "log_samples", "task_manager"):
        if reserved in options:
            raise JudgespecError(f"evaluate_options: '{reserved}' is set by run_lmeval_audit itself")
    if options.get("predict_only"):
        raise JudgespecError(
            "evaluate_options: predict_only leaves nothing to score; use `lm-eval run "
            "--predict_only` and `judgespec score --from-lmeval-samples` instead"
        )
    parsed = _parse_model_args(model_args)
    if device is not None and "device" in parsed:
        raise JudgespecError(
            f"the device is given twice (--device {device} and device={parsed['device']} in "
            "--model-args); give one"
        )
    gen_kwargs = options.get("gen_kwargs")
    if gen_kwargs:
        from lm_eval.utils import simple_parse_args_string

        parsed_gen = (
            simple_parse_args_string(gen_kwargs) if isinstance(gen_kwargs, str) else dict(gen_kwargs)
        )
        task.set_config(key="generation_kwargs", value=parsed_gen, update=True)


def run_lmeval_audit(
    contract_path: str | os.PathLike[str],
    *,
    task: str | os.PathLike[str] | Mapping[str, Any],
    n: int,
    model: Any,
    model_args: str | Mapping[str, Any] | None,
    out_dir: str | os.PathLike[str],
    limit: int | float | None = None,
    device: str | None = None,
    judge_after_generation: bool = True,
    temperature: float = 1.0,
    max_gen_toks: int | None = None,
    oracle_metric: str | None = None,
    oracle_filter: str | None = None,
    seed: int = 0,
    n_bootstrap: int = 2000,
    include_path: str | os.PathLike[str] | None = None,
    evaluate_options: Mapping[str, Any] | None = None,
    judge_backend: JudgeBackend | None = None,
) -> Path:
    """Audit a judge contract on best-of-n selection over an lm-eval task; return the scorecard path.

    Args:
        contract_path: The judge contract YAML.
        task: The base ``generate_until`` task (registered name, YAML path or config).
        n: Candidates per prompt (at least 2).
        model: The policy: an lm-eval model name (``hf``, ``vllm``, ...) or an ``LM``.
        model_args: The policy's model args (``"pretrained=...,dtype=..."`` or a mapping).
        out_dir: Output folder (see the module docstring for its layout).
        limit: Documents to evaluate (lm-eval's ``--limit``).
        device: lm-eval's ``--device`` (default None: the model's own default, which is
            ``cuda`` for ``hf``; pass ``cpu`` on a machine without a GPU); or ``device=``
            in ``model_args``, not both.
        judge_after_generation: Generate with the policy first, release it, then judge
            (one model in memory at a time; only a policy given by name can be released,
            an ``LM`` object stays referenced by the caller). False judges inside the
            lm-eval run.
        temperature: Policy sampling temperature.
        max_gen_toks: Override the base task's generation length.
        oracle_metric: The base metric used as the oracle (default: its first metric).
        oracle_filter: The filter ensemble the scorecard uses (default: the first).
        seed: Seed of the audit statistics (bootstrap, seeded tie-breaking).
        n_bootstrap: Bootstrap replicates of the scorecard's intervals.
        include_path: Folder of your own lm-eval tasks, for resolving ``task`` by name.
        evaluate_options: Further keyword arguments of ``lm_eval.simple_evaluate``
            (``batch_size``, ``max_batch_size``, ``apply_chat_template``,
            ``fewshot_as_multiturn``, ``system_instruction``, ``num_fewshot``,
            ``gen_kwargs``, ...). ``gen_kwargs`` that turn sampling off are refused
            before the policy loads.
        judge_backend: Serve the judge with this backend instead of the contract's own.

    Raises:
        JudgespecError: for a bad contract, base task, n, ``gen_kwargs`` or a device given
            twice, before any model is loaded.
    """
    require_lm_eval("run_lmeval_audit")
    from lm_eval import simple_evaluate
    from lm_eval.loggers import EvaluationTracker
    from lm_eval.tasks import TaskManager

    from judgespec.scorecard import write_scorecard

    out = Path(out_dir)
    compiled = compile_config(
        contract_path,
        task,
        n=n,
        temperature=temperature,
        max_gen_toks=max_gen_toks,
        oracle_metric=oracle_metric,
        oracle_filter=oracle_filter,
        judge="deferred" if judge_after_generation else "inline",
        seed=seed,
        include_path=include_path,
    )
    compiled = write_task_yaml(compiled, out / "tasks")
    assert compiled.path is not None
    task_obj = _build_task(compiled.path, compiled.name)
    task_obj.judge_backend = judge_backend
    options = dict(evaluate_options or {})
    _check_options(task_obj, model_args, device, options)
    options.setdefault("bootstrap_iters", 0)
    if model == SCRIPTED_MODEL:
        _register_scripted_model()
    tracker = EvaluationTracker(output_path=str(out / "lmeval"))
    results = simple_evaluate(
        model=model,
        model_args=dict(model_args) if isinstance(model_args, Mapping) else model_args,
        tasks=[task_obj],
        limit=limit,
        device=device,
        log_samples=True,
        evaluation_tracker=tracker,
        task_manager=TaskManager(include_defaults=False),
        **options,
    )
    if results is None:
        raise JudgespecError(
            "run_lmeval_audit runs in one process; with several ranks use `lm-eval run` and "
            "score the samples with `judgespec score --from-lmeval-samples`"
        )
    samples = results.pop("samples")
    if judge_after_generation:
        _release_accelerator_memory()
        _judge_in_place(task_obj, samples[compiled.name], results, backend=judge_backend)
    tracker.save_results_aggregated(results=results, samples=samples)
    tracker.save_results_samples(task_name=compiled.name, samples=samples[compiled.name])
    model_dir = out / "lmeval" / str(tracker.general_config_tracker.model_name_sanitized)
    samples_file = model_dir / f"samples_{compiled.name}_{tracker.date_id}.jsonl"
    card = score_from_lmeval_samples(
        samples_file,
        contract=task_obj.contract,
        seed=seed,
        n_bootstrap=n_bootstrap,
        backend=judge_backend,
    )
    return write_scorecard(card, out / "scorecard.json")
