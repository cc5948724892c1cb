"""judgespec for lm-evaluation-harness: best-of-n judge audits as lm-eval tasks.

Compile a judge contract and any ``generate_until`` task into an lm-eval task
(:func:`compile_task`), run it with lm-eval (``lm-eval run --include_path ...``) or
with :func:`run_lmeval_audit`, and score its ``--log_samples`` output
(:func:`score_from_lmeval_samples`; :func:`tables_from_lmeval_samples` gives its
tables, for ``judgespec contrast``). The ``lmeval`` judge backend
(:func:`make_backend`) serves a contract's judge with lm-eval's HFLM or VLLM.

Names that need lm-eval itself (:class:`BestOfNTask`, :class:`LmevalJudgeBackend`) are
imported on first use, so ``import judgespec_lmeval`` works without the ``lmeval``
extra; using them then raises :class:`~judgespec.MissingExtraError` with the install
command.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ._base import BaseTask, FilterSpec, resolve_base_task
from ._cli import compile_task, lmeval_group
from ._compile import CompiledTask, compile_config, write_task_yaml
from ._records import candidate_rows, comparison_rows
from ._run import run_lmeval_audit
from ._samples import LmevalSamples, read_lmeval_samples
from ._score_samples import score_from_lmeval_samples, score_samples, tables_from_lmeval_samples
from ._settings import AUDIT_METRICS, AuditSettings

if TYPE_CHECKING:
    from ._backend import LmevalJudgeBackend, make_backend
    from ._task import BestOfNTask

__all__ = [
    "AUDIT_METRICS",
    "AuditSettings",
    "BaseTask",
    "BestOfNTask",
    "CompiledTask",
    "FilterSpec",
    "LmevalJudgeBackend",
    "LmevalSamples",
    "candidate_rows",
    "comparison_rows",
    "compile_config",
    "compile_task",
    "lmeval_group",
    "make_backend",
    "read_lmeval_samples",
    "resolve_base_task",
    "run_lmeval_audit",
    "score_from_lmeval_samples",
    "score_samples",
    "tables_from_lmeval_samples",
    "write_task_yaml",
]

_LAZY = {
    "BestOfNTask": "._task",
    "LmevalJudgeBackend": "._backend",
    "make_backend": "._backend",
}


def __getattr__(name: str) -> Any:
    """Import the lm-eval-dependent names on first use."""
    module_name = _LAZY.get(name)
    if module_name is None:
        raise AttributeError(f"module 'judgespec_lmeval' has no attribute '{name}'")
    from importlib import import_module

    value = getattr(import_module(module_name, __name__), name)
    globals()[name] = value
    return value
