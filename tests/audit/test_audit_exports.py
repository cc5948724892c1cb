"""The public surface of judgespec.audit stays what it is."""

from __future__ import annotations

import judgespec.audit as audit

EXPECTED = {
    "HEADLINE_METRICS",
    "METRIC_NAMES",
    "TIE_POLICIES",
    "AuditCounts",
    "AuditDiagnostics",
    "AuditResult",
    "BonPoint",
    "CandidatesTable",
    "ComparisonsTable",
    "MetricEstimate",
    "arena_to_candidates",
    "iter_jsonl",
    "judgebench_reward_to_candidates",
    "judgebench_to_tables",
    "read_candidates",
    "read_comparisons",
    "run_audit",
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
    assert audit.TIE_POLICIES == ("expected", "first", "random", "abstain")
