"""Per-document results and their aggregation into the audit metrics.

``process_results`` of a compiled task returns, under every name in
:data:`~judgespec_lmeval._settings.AUDIT_METRICS`, the document's record (see
:mod:`judgespec_lmeval._records`). lm-eval then calls each metric's aggregation with
the list of all documents' records; :class:`AuditAggregator` scores them with
:func:`judgespec.pipeline.score_tables` (the one path every judgespec scorecard comes
from) and returns that metric's estimate. The scorecard of one record list is computed
once and shared by all metrics.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from judgespec import JudgespecError, LoadedContract

from ._records import candidate_rows, comparison_rows, has_verdicts
from ._settings import AuditSettings

if TYPE_CHECKING:
    from judgespec.scorecard import Scorecard

__all__ = ["AuditAggregator", "RecordScorer", "oracle_value"]


def oracle_value(scores: Mapping[str, Any], metric: str, *, task: str) -> float | None:
    """The oracle utility: ``metric`` of the base task's per-candidate results."""
    if metric not in scores:
        raise JudgespecError(
            f"task '{task}': the base task's results have no metric '{metric}' "
            f"(they have: {', '.join(map(str, scores)) or 'none'}); set oracle_metric"
        )
    value = scores[metric]
    if value is None:
        return None
    if isinstance(value, bool):
        return float(value)
    if not isinstance(value, (int, float)):
        raise JudgespecError(
            f"task '{task}': base metric '{metric}' gives {type(value).__name__} values per "
            "document; an oracle needs a number per candidate"
        )
    number = float(value)
    return None if math.isnan(number) else number


def _digest(records: Sequence[Any]) -> str:
    text = json.dumps(records, sort_keys=True, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class RecordScorer:
    """Scorecards of record lists, through :func:`judgespec.pipeline.score_tables`.

    The lm-eval aggregation reports estimates only, so it scores without bootstrap
    replicates (estimates do not depend on them); the scorecard JSON written by
    :func:`~judgespec_lmeval.run_lmeval_audit` has the intervals.
    """

    def __init__(self, loaded: LoadedContract, settings: AuditSettings, task: str) -> None:
        self.loaded = loaded
        self.settings = settings
        self.task = task
        self._cache: dict[str, Scorecard | None] = {}

    def scorecard(self, records: Sequence[Mapping[str, Any]]) -> Scorecard | None:
        """The scorecard of judged records, or None while judging is deferred."""
        if not records or not has_verdicts(records, self.loaded.fingerprint):
            return None
        key = _digest(records)
        if key not in self._cache:
            from judgespec.pipeline import score_tables

            self._cache[key] = score_tables(
                candidate_rows(records),
                comparison_rows(records) or None,
                loaded=self.loaded,
                framework="lmeval",
                dataset=self.settings.base_task,
                n=self.settings.n,
                candidate_pool=f"lm-eval task {self.task}",
                seed=self.settings.seed,
                n_bootstrap=0,
                source=f"lm-eval task {self.task}",
            )
        return self._cache[key]


class AuditAggregator:
    """lm-eval aggregation of one audit metric over all documents' records."""

    def __init__(self, scorer: RecordScorer, metric: str) -> None:
        self.scorer = scorer
        self.metric = metric
        self.__name__ = f"judgespec_{metric}"

    def __call__(self, items: Sequence[Mapping[str, Any]]) -> float | None:
        """The metric's estimate; None when undefined on the data or not yet judged."""
        card = self.scorer.scorecard(list(items))
        if card is None or self.metric not in card.metrics:
            return None
        estimate = float(card.metrics[self.metric].estimate)
        return None if math.isnan(estimate) else estimate

    def __repr__(self) -> str:
        return f"AuditAggregator({self.metric!r})"
