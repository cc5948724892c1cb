"""Everything the adapter takes from lm-evaluation-harness's private surface, in one place.

lm-eval does not export these; each is pinned here so that an lm-eval upgrade that
moves or changes one fails in one place (and in ``tests/lmeval/test_lmeval_compat.py``,
which checks each one) rather than deep inside an audit. The supported lm-eval versions
are declared in the ``lmeval`` extra of ``pyproject.toml``. Import this module only
after :func:`judgespec_lmeval._deps.require_lm_eval`: it imports lm-eval.

``load_yaml(path, *, resolve_func, recursive)``
    lm-eval's own task-YAML reader (``!function`` tags, ``include:``), so a base task
    file is read exactly as lm-eval reads it (:mod:`judgespec_lmeval._base`).
:data:`TASK_PRIVATE_ATTRIBUTES`
    Attributes of :class:`lm_eval.api.task.ConfigurableTask` that
    :class:`~judgespec_lmeval.BestOfNTask` reads or replaces: the metric functions
    (``_metric_fn_list``), their aggregations (``_aggregation_list``) and directions
    (``_higher_is_better``).
"""

from __future__ import annotations

from lm_eval.tasks._yaml_loader import load_yaml

__all__ = ["TASK_PRIVATE_ATTRIBUTES", "load_yaml"]

TASK_PRIVATE_ATTRIBUTES: tuple[str, ...] = ("_metric_fn_list", "_aggregation_list", "_higher_is_better")
"""Private attributes of ``ConfigurableTask`` the compiled task relies on."""
