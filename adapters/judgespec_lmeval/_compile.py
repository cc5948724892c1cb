"""Compiling a judge contract and a base task into an lm-eval best-of-n audit task.

The compiled task ``include:``s the base task's YAML (so its data set, prompt, target,
few-shot setup, metric and ``!function`` helpers stay exactly the base task's) and
overrides only what a best-of-n audit changes:

- ``class: !function judgespec_lmeval.BestOfNTask``: the task class that judges all
  candidates in one batch after generation and reports the audit metrics;
- ``repeats: n`` with sampling ``generation_kwargs`` (``do_sample: true``, temperature);
- ``filter_list``: each of the base task's filter ensembles with its answer extraction
  kept and its selection step (``take_first``, ``majority_vote``) replaced by
  ``take_first_k`` with ``k: n``, i.e. all n candidates;
- ``metadata.judgespec``: the contract path and fingerprint, n, the oracle metric and
  filter (see :class:`~judgespec_lmeval._settings.AuditSettings`).

The base task's tags are kept. The YAML holds no code (only references to installed
package functions) and, as written by :func:`write_task_yaml`, no absolute path where a
relative one works: ``include:`` and the contract are relative to the YAML's folder.
"""

from __future__ import annotations

import importlib
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import yaml

from judgespec import JudgespecError, LoadedContract, load_contract

from ._base import BaseTask, resolve_base_task
from ._settings import METADATA_KEY, AuditSettings

__all__ = [
    "TASK_CLASS",
    "CompiledTask",
    "FunctionRef",
    "check_task_name",
    "compile_config",
    "write_task_yaml",
]

TASK_CLASS = "judgespec_lmeval.BestOfNTask"
"""Dotted name of the task class every compiled task uses."""

_NAME_RE = re.compile(r"[^A-Za-z0-9_.-]+")
_VALID_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.@-]*$")


class FunctionRef(str):
    """A dotted name written as lm-eval's ``!function`` tag in the compiled YAML."""


@dataclass(frozen=True)
class CompiledTask:
    """A compiled audit task: its lm-eval name, its config and (once written) its file."""

    name: str
    """The lm-eval task name (``--tasks NAME``)."""
    config: dict[str, Any]
    """The task config as written to YAML (``FunctionRef`` values become ``!function``)."""
    settings: AuditSettings
    """The ``metadata.judgespec`` block."""
    base: BaseTask
    """The base task it was compiled from."""
    path: Path | None = None
    """The YAML file, once written."""


def _dotted_name(value: Callable[..., Any]) -> str | None:
    module, qualname = getattr(value, "__module__", None), getattr(value, "__qualname__", None)
    if not module or not qualname or "<" in qualname:
        return None
    if not all(part.isidentifier() for part in f"{module}.{qualname}".split(".")):
        return None  # e.g. lm-eval's file-path module names for helpers next to a YAML
    try:
        obj: Any = importlib.import_module(module)
        for part in qualname.split("."):
            obj = getattr(obj, part)
    except (ImportError, AttributeError):
        return None
    return f"{module}.{qualname}" if obj is value else None


def _function_ref(value: Any, *, where: str) -> Any:
    """A callable (function or class) as a ``FunctionRef``; any other value as is."""
    if not callable(value):
        return value
    dotted = _dotted_name(value)
    if dotted is not None:
        return FunctionRef(dotted)
    module = str(getattr(value, "__module__", ""))
    if os.sep in module:
        raise JudgespecError(
            f"{where}: '!function' helper {getattr(value, '__name__', value)} lives in "
            f"{module}.py next to the base YAML, which the compiled task cannot reference; "
            "move it into an installed module and name it by its dotted path"
        )
    raise JudgespecError(
        f"{where}: function {value!r} cannot be imported by a dotted name; move it into an "
        "installed module"
    )


def _inline_config(base: BaseTask) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in base.config.items():
        if key in ("filter_list", "metadata", "class", "include"):
            continue
        out[key] = _function_ref(value, where=f"base task '{base.name}': {key}")
    return out


def _filter_list(base: BaseTask, n: int) -> list[dict[str, Any]]:
    ensembles = []
    for spec in base.filters:
        steps = [
            {
                key: _function_ref(v, where=f"base task '{base.name}': filter '{spec.name}'")
                for key, v in step.items()
            }
            for step in spec.steps
        ]
        steps.append({"function": "take_first_k", "k": n})
        ensembles.append({"name": spec.name, "filter": steps})
    return ensembles


def _generation_kwargs(
    base: BaseTask, temperature: float, max_gen_toks: int | None
) -> dict[str, Any]:
    gen = dict(base.config.get("generation_kwargs") or {})
    gen["do_sample"] = True
    gen["temperature"] = float(temperature)
    if max_gen_toks is not None:
        gen["max_gen_toks"] = int(max_gen_toks)
    return gen


def _default_name(base: BaseTask, loaded: LoadedContract, n: int, judge: str) -> str:
    suffix = "_deferred" if judge == "deferred" else ""
    return _NAME_RE.sub("_", f"{base.name}_judgespec_{loaded.contract.name}_n{n}{suffix}")


def check_task_name(name: str, *, base: str) -> str:
    """A task name lm-eval can select with ``--tasks`` and write into file names."""
    if not _VALID_NAME.match(name) or name.endswith((".yaml", ".yml")):
        raise JudgespecError(
            f"--name {name!r}: a task name is letters, digits and _ . @ - (no spaces, commas "
            "or slashes; lm-eval splits --tasks on commas and writes the name into file names)"
        )
    if name == base:
        raise JudgespecError(
            f"--name {name!r} is the base task's name; give the audit its own name"
        )
    return name


def compile_config(
    contract: str | os.PathLike[str],
    task: str | os.PathLike[str] | Mapping[str, Any] | BaseTask,
    *,
    n: int,
    temperature: float = 1.0,
    name: str | None = None,
    oracle_metric: str | None = None,
    oracle_filter: str | None = None,
    max_gen_toks: int | None = None,
    judge: Literal["inline", "deferred"] = "inline",
    seed: int = 0,
    include_path: str | os.PathLike[str] | None = None,
) -> CompiledTask:
    """Compile a contract and a base task into an audit task config (nothing written).

    Args:
        contract: The judge contract YAML; it must load and validate.
        task: The base task: a registered lm-eval name, a task YAML path, a config
            mapping, or an already resolved :class:`BaseTask`.
        n: Candidates per prompt (``repeats``); at least 2.
        temperature: Sampling temperature of the policy; must be positive.
        name: The compiled task's name (default ``<base>_judgespec_<contract>_n<n>``, with
            ``_deferred`` appended for ``judge="deferred"``).
        oracle_metric: The base metric that is the oracle (default: its first metric).
        oracle_filter: The filter ensemble the scorecard uses (default: the first).
        max_gen_toks: Override the base task's generation length.
        judge: ``inline`` (judge inside the task) or ``deferred`` (judge from samples).
        seed: Seed of the audit statistics.
        include_path: Extra lm-eval task folder for resolving ``task`` by name.

    Raises:
        JudgespecError: for a contract that fails validation, n < 2, a non-positive
            temperature, an unknown or unsuitable base task, or an unknown oracle metric
            or filter. Nothing is loaded beyond configs.
    """
    loaded = load_contract(Path(contract))
    if isinstance(n, bool) or not isinstance(n, int) or n < 2:
        raise JudgespecError(f"n must be an integer of at least 2 (best of n), got {n!r}")
    if not temperature > 0:
        raise JudgespecError(
            f"temperature must be positive, got {temperature!r}: greedy decoding gives n "
            "identical candidates"
        )
    if max_gen_toks is not None and max_gen_toks < 1:
        raise JudgespecError(f"max_gen_toks must be at least 1, got {max_gen_toks!r}")
    base = task if isinstance(task, BaseTask) else resolve_base_task(task, include_path=include_path)
    metric = oracle_metric or base.metrics[0]
    if metric not in base.metrics:
        raise JudgespecError(
            f"oracle metric '{metric}' is not a metric of base task '{base.name}' "
            f"(its metrics: {', '.join(base.metrics)})"
        )
    filter_names = [f.name for f in base.filters]
    chosen_filter = oracle_filter or filter_names[0]
    if chosen_filter not in filter_names:
        raise JudgespecError(
            f"oracle filter '{chosen_filter}' is not a filter of base task '{base.name}' "
            f"(its filters: {', '.join(filter_names)})"
        )
    settings = AuditSettings(
        contract=str(Path(contract).resolve()),
        fingerprint=loaded.fingerprint,
        n=n,
        oracle_metric=metric,
        oracle_filter=chosen_filter,
        judge=judge,
        base_task=base.source,
        seed=seed,
    )
    task_name = (
        check_task_name(name, base=base.name) if name is not None
        else _default_name(base, loaded, n, judge)
    )
    config: dict[str, Any] = (
        {"include": str(base.yaml_path)} if base.yaml_path is not None else _inline_config(base)
    )
    base_meta = base.config.get("metadata")
    metadata = dict(base_meta) if isinstance(base_meta, Mapping) else {}
    metadata.pop("config_source", None)
    metadata[METADATA_KEY] = settings.model_dump()
    config.update(
        {
            "task": task_name,
            "class": FunctionRef(TASK_CLASS),
            "repeats": n,
            "generation_kwargs": _generation_kwargs(base, temperature, max_gen_toks),
            "filter_list": _filter_list(base, n),
            "metadata": metadata,
        }
    )
    return CompiledTask(name=task_name, config=config, settings=settings, base=base)


class _Dumper(yaml.SafeDumper):
    """Safe YAML plus lm-eval's ``!function`` tag for :class:`FunctionRef` values."""


def _represent_function(dumper: yaml.SafeDumper, value: FunctionRef) -> yaml.Node:
    return dumper.represent_scalar("!function", str(value))


_Dumper.add_representer(FunctionRef, _represent_function)


def _relative(path: str | os.PathLike[str], folder: Path) -> str:
    """``path`` relative to ``folder``; absolute when the two share only the file system
    root (a relative path through ``/`` is no more portable) or no relative path exists."""
    target, base = Path(path).resolve(), folder.resolve()
    try:
        common = Path(os.path.commonpath([target, base]))
    except ValueError:  # another drive on Windows
        return str(target)
    if common == Path(common.anchor):
        return str(target)
    return os.path.relpath(target, base)


def write_task_yaml(compiled: CompiledTask, out_dir: str | os.PathLike[str]) -> CompiledTask:
    """Write ``<out_dir>/<name>.yaml``; return the compiled task with its path.

    The written ``include:`` and ``metadata.judgespec.contract`` are relative to
    ``out_dir`` (lm-eval resolves an include against the including file's folder, and
    the task resolves the contract the same way), so the folder can move together with
    the base task and the contract.
    """
    folder = Path(out_dir)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise JudgespecError(f"{folder}: cannot create the output folder: {exc}") from None
    path = folder / f"{compiled.name}.yaml"
    s = compiled.settings
    config = dict(compiled.config)
    if "include" in config:
        config["include"] = _relative(config["include"], folder)
    metadata = dict(config["metadata"])
    metadata[METADATA_KEY] = {**metadata[METADATA_KEY], "contract": _relative(s.contract, folder)}
    config["metadata"] = metadata
    header = (
        f"# lm-eval best-of-{s.n} audit of judge contract {metadata[METADATA_KEY]['contract']}\n"
        f"# (fingerprint {s.fingerprint}) on base task {s.base_task}.\n"
        "# Generated by `judgespec lmeval compile`; run it with\n"
        f"#   lm-eval run --include_path {folder} --tasks {compiled.name} --log_samples ...\n"
    )
    body = yaml.dump(config, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)
    try:
        path.write_text(header + body, encoding="utf-8")
    except OSError as exc:
        raise JudgespecError(f"{path}: cannot write the task YAML: {exc}") from None
    return CompiledTask(
        name=compiled.name,
        config=config,
        settings=compiled.settings,
        base=compiled.base,
        path=path,
    )
