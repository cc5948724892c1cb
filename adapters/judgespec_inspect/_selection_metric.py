"""The ``selection_metrics`` metric: scorecard estimates in the Inspect log.

Inspect calls a metric with the samples' scores; this one rebuilds the candidates and
comparisons tables from the scores' ``judgespec`` records and scores them with
:func:`judgespec.pipeline.score_tables` (via :func:`~judgespec_inspect._scorecard_rows.scorecard_from_rows`).
It returns a dict, which Inspect expands into one metric per key: every scorecard
metric's point estimate (``recovery``, ``top1_accuracy``, ``regret``, ``r_within``,
``r_global``, ``tie_rate``, ``top_tie_rate``, ``parse_failure_rate``, ...) and the
counts ``prompts``, ``candidates``, ``parse_failures`` and ``short_prompts`` (prompts with
fewer than n candidates). Confidence intervals are in the scorecard the hook stores in
the log's results metadata, which also gives each NaN metric its reason.

Inspect first calls every metric with an empty list (and a metric that cannot be
computed must not sink the log): both give NaN for every metric; the latter logs a
warning with judgespec's one-line reason, and the scorecard step reports it as an error.
"""

from __future__ import annotations

import logging
import math

from inspect_ai.scorer import Metric, SampleScore, Value, metric

from judgespec import JudgespecError
from judgespec.audit import HEADLINE_METRICS

from ._contracts import resolve_contract
from ._names import registered
from ._params import check_int, check_text
from ._records import identical_warning, records_of, rows_from_records
from ._scorecard_rows import AuditSettings, scorecard_from_rows

__all__ = ["HEADLINE_METRICS", "selection_metrics"]

logger = logging.getLogger(__name__)


_COUNTS = ("prompts", "candidates", "parse_failures", "short_prompts")


def _undefined() -> dict[str, float]:
    return {name: math.nan for name in (*HEADLINE_METRICS, *_COUNTS)}


@metric(registered("selection_metrics"), scores="unreduced")
def selection_metrics(
    contract: str, n: int | None = None, seed: int = 0, n_bootstrap: int = 2000
) -> Metric:
    """Scorecard metrics of a best-of-n audit (see the module docstring).

    Args:
        contract: Contract path (or the adapter's in-memory reference).
        n: Candidates per prompt the audit asked for.
        seed: Cluster-bootstrap seed (intervals are in the scorecard JSON).
        n_bootstrap: Bootstrap replicates.
    """
    where = "selection_metrics"
    check_text(where, "contract", contract, example="specs/judge.yaml")
    n = check_int(where, "n", n, minimum=1, optional=True)
    seed = check_int(where, "seed", seed, example="0") or 0
    n_bootstrap = check_int(where, "n_bootstrap", n_bootstrap, minimum=0, example="2000") or 0
    loaded = resolve_contract(contract)
    settings = AuditSettings(n=n, seed=seed, n_bootstrap=n_bootstrap)

    def compute(scores: list[SampleScore]) -> Value:
        records = [r for s in scores if (r := records_of(s.score.metadata)) is not None]
        if not records:
            return _undefined()
        rows = rows_from_records(records)
        if rows.identical_prompts:
            logger.warning(
                "judgespec: %s", identical_warning(len(rows.identical_prompts), rows.prompts, cached=rows.cached)
            )
        try:
            card = scorecard_from_rows(rows, loaded, settings)
        except JudgespecError as exc:
            logger.warning("judgespec: the audit metrics are undefined: %s", exc)
            return _undefined()
        values: dict[str, float] = {name: math.nan for name in HEADLINE_METRICS}
        values.update({name: float(m.estimate) for name, m in card.metrics.items()})
        values["prompts"] = float(card.counts.prompts)
        values["candidates"] = float(card.counts.candidates)
        values["parse_failures"] = float(card.counts.parse_failures)
        values["short_prompts"] = float(len(rows.short_prompts))
        return values

    return compute


if not selection_metrics.__doc__:  # Inspect's @metric wrapper drops the docstring
    selection_metrics.__doc__ = """Scorecard metrics of a best-of-n audit (see the module docstring).

    Args:
        contract: Contract path (or the adapter's in-memory reference).
        n: Candidates per prompt the audit asked for.
        seed: Cluster-bootstrap seed (intervals are in the scorecard JSON).
        n_bootstrap: Bootstrap replicates.
    """
