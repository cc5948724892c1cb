"""Audit statistics: how well a judge selects the best of n candidates.

Load a candidates table (and optionally a comparisons table), then call
:func:`run_audit`; every metric comes back with a cluster-bootstrap confidence
interval. The metric definitions follow the design document exactly; each metric's
formula, tie handling and reference are in the docstrings of
:mod:`judgespec.audit._metrics`. :func:`run_contrast` compares several judges on
the same candidates with paired intervals from one joint cluster bootstrap.
"""

from ..tables import (
    JUDGEBENCH_CATEGORIES,
    arena_to_candidates,
    iter_jsonl,
    judgebench_category,
    judgebench_reward_to_candidates,
    judgebench_to_tables,
)
from ._audit import run_audit
from ._bootstrap import DEFAULT_INTERVAL_METHOD, INTERVAL_METHODS
from ._contrast import (
    ContrastResult,
    Difference,
    JudgedSet,
    MetricContrast,
    holm_adjust,
    run_contrast,
)
from ._derived import derive_selection_scores
from ._metrics import HEADLINE_METRICS, METRIC_NAMES
from ._probes import ProbeEstimate, ProbeStatistics, bh_adjust, mcnemar_exact, probe_statistics
from ._result import (
    AuditCounts,
    AuditDiagnostics,
    AuditResult,
    AuditSlice,
    BonPoint,
    MetricEstimate,
)
from ._selection import TIE_POLICIES
from ._table import CandidatesTable, ComparisonsTable, read_candidates, read_comparisons

__all__ = [
    "DEFAULT_INTERVAL_METHOD",
    "HEADLINE_METRICS",
    "INTERVAL_METHODS",
    "JUDGEBENCH_CATEGORIES",
    "METRIC_NAMES",
    "TIE_POLICIES",
    "AuditCounts",
    "AuditDiagnostics",
    "AuditResult",
    "AuditSlice",
    "BonPoint",
    "CandidatesTable",
    "ComparisonsTable",
    "ContrastResult",
    "Difference",
    "JudgedSet",
    "MetricContrast",
    "MetricEstimate",
    "ProbeEstimate",
    "ProbeStatistics",
    "arena_to_candidates",
    "bh_adjust",
    "derive_selection_scores",
    "holm_adjust",
    "iter_jsonl",
    "judgebench_category",
    "judgebench_reward_to_candidates",
    "judgebench_to_tables",
    "mcnemar_exact",
    "probe_statistics",
    "read_candidates",
    "read_comparisons",
    "run_audit",
    "run_contrast",
]
