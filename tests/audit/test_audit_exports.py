"""The public surface of judgespec.audit stays what it is."""

from __future__ import annotations

import typing

import judgespec.audit as audit
from judgespec.contract import TiePolicy

EXPECTED = {
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
    "bh_adjust",
    "mcnemar_exact",
    "probe_statistics",
    "arena_to_candidates",
    "derive_selection_scores",
    "holm_adjust",
    "iter_jsonl",
    "judgebench_category",
    "judgebench_reward_to_candidates",
    "judgebench_to_tables",
    "read_candidates",
    "read_comparisons",
    "run_audit",
    "run_contrast",
}


def test_public_names() -> None:
    assert set(audit.__all__) == EXPECTED
    for name in audit.__all__:
        assert getattr(audit, name) is not None


def test_public_callables_have_docstrings() -> None:
    for name in audit.__all__:
        obj = getattr(audit, name)
        if callable(obj):
            assert obj.__doc__ and obj.__doc__.strip(), name


def test_tie_policies() -> None:
    assert audit.TIE_POLICIES[:4] == ("expected", "first", "random", "abstain")


def test_every_contract_tie_policy_name_is_accepted() -> None:
    kinds = typing.get_args(TiePolicy.model_fields["kind"].annotation)
    assert set(kinds) <= set(audit.TIE_POLICIES)
