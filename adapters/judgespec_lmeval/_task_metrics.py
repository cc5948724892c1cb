"""Per-document results and their aggregation into the metrics a compiled task reports.

A compiled task reports, per filter ensemble (see :func:`task_metrics`):

``recovery`` and the other :data:`~judgespec_lmeval._settings.AUDIT_METRICS`
    The scorecard's estimates, from :func:`judgespec.pipeline.score_tables` (the one
    path every judgespec scorecard comes from).
``<oracle metric>`` (e.g. ``exact_match``)
    The base metric of the judge's pick: mean over documents where the judge picks of
    E[y_pick] = max_i y_i − (max_i y_i − E[y_pick]), i.e. the mean best eligible
    utility of those documents minus the scorecard's ``regret`` (the same documents,
    the same tie policy). Documents where the judge makes no pick (fewer than two
    candidates with both a judge score and an oracle, or an abstention) are left out,
    as in ``recovery``.
``pass@1`` and ``pass@<n>``
    mean_d mean_i y_i and mean_d max_i y_i over documents with an oracle: a random
    candidate and the oracle-best candidate. For a 0/1 oracle these are lm-eval's
    pass@1 and pass@n; they need no judge.
``position_consistency`` (pairwise protocols only)
    Share of pairs whose winner survives a swap of presentation order.

Per document, ``process_results`` stores the document's record (see
:mod:`judgespec_lmeval._records`) once, under ``recovery``; the judge metrics and the
pick metric hold a short reference to it (``record:<digest>``), and ``pass@*`` hold the
document's own value. lm-eval aggregates each metric's per-document values in the order
``process_results`` returned them, so ``recovery``'s aggregation sees the records first
and the others find them by reference; the scorecard of one record list is computed once.

An aggregation never fails and never returns None: an undefined value (no judge
verdicts yet, a ratio with a zero denominator) is NaN, which lm-eval's group
aggregation carries through (``None`` would stop a whole group run after generation).
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from judgespec import JudgespecError, LoadedContract

from ._records import candidate_rows, comparison_rows, has_verdicts
from ._settings import AUDIT_METRICS, AuditSettings

if TYPE_CHECKING:
    from judgespec.scorecard import Scorecard

__all__ = [
    "RECORD_METRIC",
    "AuditAggregator",
    "OracleAggregator",
    "RecordScorer",
    "doc_values",
    "oracle_value",
    "pick_value",
    "record_ref",
    "task_metrics",
]

logger = logging.getLogger(__name__)

RECORD_METRIC = "recovery"
"""The metric whose per-document value is the document's full record."""

PAIRWISE_KINDS = ("pairwise", "tournament")
"""Protocols that record pairwise verdicts (and so report ``position_consistency``)."""

_REF_PREFIX = "record:"


def pass_metrics(n: int) -> tuple[str, str]:
    """The names of the random-candidate and oracle-best metrics: ``pass@1``, ``pass@<n>``."""
    return "pass@1", f"pass@{n}"


def task_metrics(settings: AuditSettings, loaded: LoadedContract) -> tuple[str, ...]:
    """The metrics a compiled task reports, in ``process_results`` order.

    ``recovery`` (the record holder) first, then the base metric of the judge's pick,
    ``pass@1``, ``pass@<n>``, the other audit metrics and, for pairwise protocols,
    ``position_consistency``.
    """
    judge_metrics = [m for m in AUDIT_METRICS if m != RECORD_METRIC]
    if loaded.contract.protocol.kind in PAIRWISE_KINDS:
        judge_metrics.append("position_consistency")
    names = (RECORD_METRIC, settings.oracle_metric, *pass_metrics(settings.n), *judge_metrics)
    if len(set(names)) != len(names):
        raise JudgespecError(
            f"oracle metric '{settings.oracle_metric}' has the name of an audit metric; "
            "rename the base task's metric"
        )
    return names


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


def _digest(value: Any) -> str:
    text = json.dumps(value, sort_keys=True, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def record_ref(record: Mapping[str, Any]) -> str:
    """The short reference to a record that the linked metrics store per document."""
    return _REF_PREFIX + _digest(record)[:24]


def _oracles(record: Mapping[str, Any]) -> list[float]:
    return [float(c["oracle"]) for c in record["candidates"] if c.get("oracle") is not None]


def doc_values(record: Mapping[str, Any], metrics: Sequence[str], n: int) -> dict[str, Any]:
    """One document's value of every metric of :func:`task_metrics` (in that order)."""
    ref = record_ref(record)
    first, best = pass_metrics(n)
    ys = _oracles(record)
    out: dict[str, Any] = {}
    for metric in metrics:
        if metric == RECORD_METRIC:
            out[metric] = dict(record)
        elif metric == first:
            out[metric] = sum(ys) / len(ys) if ys else None
        elif metric == best:
            out[metric] = max(ys) if ys else None
        else:
            out[metric] = ref
    return out


def pick_value(records: Sequence[Mapping[str, Any]], card: Scorecard, *, abstain: bool) -> float:
    """The base metric of the judge's pick (see the module docstring); NaN when undefined.

    ``abstain``: the contract's tie policy leaves prompts with a tied top score out.
    """
    regret = card.metrics.get("regret")
    if regret is None or math.isnan(regret.estimate):
        return math.nan
    bests: list[float] = []
    for record in records:
        eligible = [
            (float(c["judge_score"]), float(c["oracle"]))
            for c in record["candidates"]
            if c.get("judge_score") is not None and c.get("oracle") is not None
        ]
        if len(eligible) < 2:
            continue
        top = max(s for s, _ in eligible)
        if abstain and sum(s == top for s, _ in eligible) > 1:
            continue
        bests.append(max(y for _, y in eligible))
    if len(bests) != regret.n or not bests:
        logger.warning(
            "judgespec: %d documents with a pick, the scorecard's regret counts %d; "
            "the pick metric is left undefined",
            len(bests),
            regret.n,
        )
        return math.nan
    return sum(bests) / len(bests) - float(regret.estimate)


class RecordScorer:
    """Scorecards of record lists, through :func:`judgespec.pipeline.score_tables`.

    The lm-eval aggregation reports estimates only, so it scores without bootstrap
    replicates (estimates do not depend on them); the scorecard JSON written by
    :func:`~judgespec_lmeval.run_lmeval_audit` or ``judgespec score`` has the intervals.
    Records are remembered by reference, for the linked metrics.
    """

    def __init__(self, loaded: LoadedContract, settings: AuditSettings, task: str) -> None:
        self.loaded = loaded
        self.settings = settings
        self.task = task
        self.records: dict[str, dict[str, Any]] = {}
        """Reference -> record, of every record seen in this process."""
        self._cache: dict[str, Scorecard | None] = {}

    def remember(self, records: Sequence[Mapping[str, Any]]) -> None:
        """Make ``records`` findable by their references."""
        for record in records:
            self.records[record_ref(record)] = dict(record)

    def resolve(self, refs: Sequence[Any]) -> list[dict[str, Any]] | None:
        """The records behind a linked metric's per-document references (None: unknown)."""
        out = []
        for ref in refs:
            record = self.records.get(ref) if isinstance(ref, str) else None
            if record is None:
                return None
            out.append(record)
        return out

    def scorecard(self, records: Sequence[Mapping[str, Any]]) -> Scorecard | None:
        """The scorecard of judged records, or None while judging is deferred."""
        if not records or not has_verdicts(records, self.loaded.fingerprint):
            return None
        key = _digest([record_ref(r) for r in records])
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
    """lm-eval aggregation of one judge metric (or the pick metric) over all documents.

    ``recovery``'s items are the records; every other metric's items are references to
    them (see the module docstring).
    """

    def __init__(self, scorer: RecordScorer, metric: str, *, pick: bool = False) -> None:
        self.scorer = scorer
        self.metric = metric
        self.pick = pick
        self.__name__ = f"judgespec_{metric}"

    def __call__(self, items: Sequence[Any]) -> float:
        """The metric's estimate; NaN when undefined on the data or not yet judged."""
        try:
            return self._value(items)
        except Exception as exc:  # an aggregation must never stop lm-eval after generation
            logger.warning(
                "judgespec: task '%s': metric '%s' could not be aggregated (%s: %s); "
                "reported as NaN, the samples are kept",
                self.scorer.task,
                self.metric,
                type(exc).__name__,
                exc,
            )
            return math.nan

    def _value(self, items: Sequence[Any]) -> float:
        if self.metric == RECORD_METRIC:
            records: list[dict[str, Any]] | None = [dict(r) for r in items]
            self.scorer.remember(records or [])
        else:
            records = self.scorer.resolve(list(items))
            if records is None:
                logger.warning(
                    "judgespec: task '%s': metric '%s' was aggregated before '%s' (which "
                    "holds the records); reported as NaN",
                    self.scorer.task,
                    self.metric,
                    RECORD_METRIC,
                )
                return math.nan
        card = self.scorer.scorecard(records or [])
        if card is None:
            return math.nan
        if self.pick:
            abstain = self.scorer.loaded.contract.tie_policy.kind == "abstain"
            return pick_value(records or [], card, abstain=abstain)
        if self.metric not in card.metrics:
            return math.nan
        return float(card.metrics[self.metric].estimate)

    def __repr__(self) -> str:
        return f"AuditAggregator({self.metric!r})"


class OracleAggregator:
    """lm-eval aggregation of ``pass@1`` / ``pass@<n>``: the mean of per-document values.

    Documents without an oracle (value None) are left out; NaN when none has one.
    """

    def __init__(self, metric: str) -> None:
        self.metric = metric
        self.__name__ = f"judgespec_{metric}"

    def __call__(self, items: Sequence[Any]) -> float:
        """Mean of the documents' values."""
        values = [float(v) for v in items if isinstance(v, (int, float)) and not math.isnan(v)]
        return sum(values) / len(values) if values else math.nan

    def __repr__(self) -> str:
        return f"OracleAggregator({self.metric!r})"
