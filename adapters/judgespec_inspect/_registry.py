"""Inspect's entry point (``inspect_ai: judgespec_inspect``): imports every registered object.

Registers the task ``judgespec_inspect/bon_audit``, the solvers ``bon_candidates``,
``repeat_candidates`` and ``prepare_judge``, the scorer ``judge_selection``, the metric ``selection_metrics``,
the scorecard hook and the offline model provider ``judgespec-scripted``.
"""

from ._hook import ScorecardHook
from ._scripted import ScriptedModelAPI
from ._selection_metric import selection_metrics
from ._selection_scorer import judge_selection, prepare_judge
from ._solver import bon_candidates, repeat_candidates
from ._task import bon_audit

__all__ = [
    "ScorecardHook",
    "ScriptedModelAPI",
    "bon_audit",
    "bon_candidates",
    "judge_selection",
    "prepare_judge",
    "repeat_candidates",
    "selection_metrics",
]
