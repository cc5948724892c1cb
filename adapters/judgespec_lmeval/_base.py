"""Resolving and checking the base task a best-of-n audit is compiled from.

A base task is any lm-eval ``generate_until`` task: a registered name (``gsm8k``), a
task YAML file, or a config mapping (e.g. a local JSONL with ``dataset_path: json``).
Resolution reads configs only (and imports the task's ``!function`` helpers, as lm-eval
does; no data set is loaded, no model is touched), so every bad input fails before
anything expensive happens.
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

from judgespec import JudgespecError

from ._deps import require_lm_eval
from ._settings import SELECTION_FILTERS

__all__ = ["BaseTask", "FilterSpec", "resolve_base_task"]

_DEFAULT_METRIC = "exact_match"
"""lm-eval's default metric of a ``generate_until`` task without ``metric_list``."""


@dataclass(frozen=True)
class FilterSpec:
    """One filter ensemble of the base task, selection filters removed."""

    name: str
    """Ensemble name (``strict-match``, ``none``, ...): the ``,<filter>`` of metric keys."""
    steps: tuple[dict[str, Any], ...]
    """The answer-extraction steps in order (``{"function": ..., **kwargs}``)."""


@dataclass(frozen=True)
class BaseTask:
    """A resolved base task: where its config lives and what the audit reuses from it."""

    name: str
    """The base task's ``task`` name."""
    source: str
    """What the caller gave: a registered name, a YAML path, or ``<config>``."""
    config: dict[str, Any]
    """The merged config (includes and ``!function`` references resolved)."""
    yaml_path: Path | None
    """The YAML file to ``include:``, or None for a config mapping (inlined instead)."""
    filters: tuple[FilterSpec, ...]
    """Filter ensembles, selection filters (``take_first``, ``take_first_k`` ...) removed."""
    metrics: tuple[str, ...] = field(default=())
    """Metric names of the base task, in ``metric_list`` order."""


def _metric_name(entry: Any, *, task: str) -> str:
    if not isinstance(entry, Mapping) or "metric" not in entry:
        raise JudgespecError(f"base task '{task}': metric_list entries need a 'metric' key")
    metric = entry["metric"]
    if callable(metric):
        return str(getattr(metric, "__name__", metric))
    return str(metric)


def _filter_specs(config: Mapping[str, Any], *, task: str) -> tuple[FilterSpec, ...]:
    raw = config.get("filter_list")
    if raw is None:
        return (FilterSpec(name="none", steps=()),)
    if not isinstance(raw, list) or not raw:
        raise JudgespecError(f"base task '{task}': filter_list must be a non-empty list")
    specs: list[FilterSpec] = []
    for ensemble in raw:
        if not isinstance(ensemble, Mapping) or "name" not in ensemble or "filter" not in ensemble:
            raise JudgespecError(
                f"base task '{task}': each filter_list entry needs 'name' and 'filter'"
            )
        name = str(ensemble["name"])
        steps: list[dict[str, Any]] = []
        selected_by: str | None = None
        for step in ensemble["filter"] or []:
            if not isinstance(step, Mapping) or "function" not in step:
                raise JudgespecError(
                    f"base task '{task}': filter '{name}': each step needs a 'function'"
                )
            function = step["function"]
            if function == "take_first_k":
                continue  # keeps a list of k responses: later steps still see each one
            if isinstance(function, str) and function in SELECTION_FILTERS:
                selected_by = function
                continue
            if selected_by is not None:
                raise JudgespecError(
                    f"base task '{task}': filter '{name}': step '{function}' runs after "
                    f"'{selected_by}', on one selected response; a best-of-n audit applies "
                    "the extraction to every candidate, so move selection filters last"
                )
            steps.append(dict(step))
        specs.append(FilterSpec(name=name, steps=tuple(steps)))
    names = [s.name for s in specs]
    if len(set(names)) != len(names):
        raise JudgespecError(f"base task '{task}': filter names repeat: {names}")
    return tuple(specs)


def _check_config(config: Mapping[str, Any], *, source: str) -> BaseTask:
    if "group" in config or isinstance(config.get("task"), list):
        raise JudgespecError(
            f"base task '{source}' is a group; compile one of its tasks instead"
        )
    if "class" in config:
        raise JudgespecError(
            f"base task '{source}' is defined by a Python class; judgespec compiles "
            "YAML-defined generate_until tasks only"
        )
    name = config.get("task")
    if not isinstance(name, str) or not name:
        raise JudgespecError(f"base task '{source}': the config has no 'task' name")
    output_type = config.get("output_type", "generate_until")
    if output_type != "generate_until":
        raise JudgespecError(
            f"base task '{name}' has output_type '{output_type}'; a best-of-n audit needs a "
            "generate_until task (the policy writes n free-text answers per prompt)"
        )
    metric_list = config.get("metric_list")
    if metric_list is None:
        metrics: tuple[str, ...] = (_DEFAULT_METRIC,)
    elif isinstance(metric_list, list) and metric_list:
        metrics = tuple(_metric_name(m, task=name) for m in metric_list)
    else:
        raise JudgespecError(f"base task '{name}': metric_list must be a non-empty list")
    return BaseTask(
        name=name,
        source=source,
        config=dict(config),
        yaml_path=None,
        filters=_filter_specs(config, task=name),
        metrics=metrics,
    )


@lru_cache(maxsize=4)
def _task_index(include_path: str | None) -> dict[str, Any]:
    require_lm_eval("Resolving an lm-eval task name")
    from lm_eval.tasks import TaskManager

    manager = TaskManager(include_path=include_path, include_defaults=True)
    return dict(manager.task_index)


def _load_yaml(path: Path) -> dict[str, Any]:
    require_lm_eval("Reading an lm-eval task YAML")
    from ._compat import load_yaml

    try:
        config = load_yaml(path, resolve_func=True, recursive=True)
    except ImportError as exc:
        raise JudgespecError(f"{path}: cannot import the task's !function helpers: {exc}") from None
    except (OSError, ValueError) as exc:
        raise JudgespecError(f"{path}: cannot read the task YAML: {exc}") from None
    except Exception as exc:  # PyYAML raises its own error hierarchy
        raise JudgespecError(f"{path}: not a valid task YAML: {exc}") from None
    if not isinstance(config, dict):
        raise JudgespecError(f"{path}: a task YAML is a mapping")
    return config


def _from_name(name: str, include_path: str | None) -> BaseTask:
    index = _task_index(include_path)
    entry = index.get(name)
    if entry is None:
        close = difflib.get_close_matches(name, list(index), n=3)
        hint = f" (did you mean {', '.join(close)}?)" if close else ""
        raise JudgespecError(
            f"unknown lm-eval task '{name}'{hint}; give a registered task name "
            "(`lm-eval ls tasks`), a task YAML path, or pass include_path for your own tasks"
        )
    kind = entry.kind.name
    if kind == "GROUP":
        raise JudgespecError(f"base task '{name}' is a group; compile one of its tasks instead")
    if kind == "TAG":
        raise JudgespecError(f"base task '{name}' is a tag; compile one of its tasks instead")
    if entry.yaml_path is None:
        raise JudgespecError(f"base task '{name}' has no YAML config; judgespec needs one")
    base = _check_config(_load_yaml(Path(entry.yaml_path)), source=name)
    return replace(base, yaml_path=Path(entry.yaml_path).resolve())


def resolve_base_task(
    task: str | os.PathLike[str] | Mapping[str, Any],
    *,
    include_path: str | os.PathLike[str] | None = None,
) -> BaseTask:
    """Resolve ``task`` (registered name, YAML path or config mapping) and check it.

    Raises :class:`~judgespec.JudgespecError` for an unknown task, a group or tag, a
    Python-class task, a task whose output type is not ``generate_until``, a filter that
    runs after a selection filter, or ``!function`` helpers that cannot be imported.
    Reads configs only: nothing is downloaded and no model is loaded.
    """
    if isinstance(task, Mapping):
        return _check_config(task, source="<config>")
    text = os.fspath(task)
    path = Path(text).expanduser()
    if path.suffix in (".yaml", ".yml"):
        if not path.is_file():
            raise JudgespecError(f"{path}: no such task YAML")
        base = _check_config(_load_yaml(path), source=str(path))
        return replace(base, yaml_path=path.resolve())
    return _from_name(text, os.fspath(include_path) if include_path is not None else None)
