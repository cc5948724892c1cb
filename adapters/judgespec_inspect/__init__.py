"""Inspect AI adapter of judgespec: best-of-n audits of judge contracts inside Inspect.

* :func:`bon_audit` — the task ``judgespec_inspect/bon_audit`` (``inspect eval``).
* :func:`audit_task` — wrap an existing Inspect task in one line.
* :func:`bon_candidates`, :func:`judge_selection`, :func:`selection_metrics` — the
  solver, scorer and metric the audits are built from.
* :func:`score_from_inspect_log`, :func:`run_inspect_audit` — post-hoc scoring of logs
  and a one-call audit (what the ``judgespec`` CLI uses); :func:`stored_scorecard` reads
  the scorecard an audit stored inside its log; :func:`tables_from_inspect_log` gives a
  log's candidates and comparisons tables (what ``judgespec contrast`` reads).
* :class:`InspectBackend` — any Inspect model as a judgespec judge backend
  (``judge.backend: inspect`` in a contract).

Install with ``pip install 'judgespec[inspect]'``.
"""

from __future__ import annotations

try:
    import inspect_ai  # noqa: F401
except ImportError as exc:  # pragma: no cover - exercised by a test that hides inspect_ai
    from judgespec import MissingExtraError

    raise MissingExtraError("inspect_ai", "inspect", "The Inspect adapter (judgespec_inspect)") from exc

from ._backend import InspectBackend, make_backend
from ._cli import run_inspect_audit, score_from_inspect_log, tables_from_inspect_log
from ._errors import AuditArgumentError, AuditContractError, JudgeUnavailableError
from ._hook import ScorecardHook
from ._log import SCORECARD_KEY, audit_rows_from_log, score_log, store_scorecard, stored_scorecard
from ._records import AuditRows
from ._selection_metric import selection_metrics
from ._selection_scorer import judge_selection, prepare_judge
from ._solver import bon_candidates, repeat_candidates
from ._task import bon_audit, load_audit_dataset
from ._wrap import audit_task

__all__ = [
    "SCORECARD_KEY",
    "AuditArgumentError",
    "AuditContractError",
    "AuditRows",
    "InspectBackend",
    "JudgeUnavailableError",
    "ScorecardHook",
    "audit_rows_from_log",
    "audit_task",
    "bon_audit",
    "bon_candidates",
    "judge_selection",
    "load_audit_dataset",
    "make_backend",
    "prepare_judge",
    "repeat_candidates",
    "run_inspect_audit",
    "score_from_inspect_log",
    "score_log",
    "selection_metrics",
    "store_scorecard",
    "stored_scorecard",
    "tables_from_inspect_log",
]
