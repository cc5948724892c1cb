"""Hand-built audit results and scorecards (independent of the statistics code)."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable
from typing import Any

import pytest

from judgespec.audit._result import (
    AuditCounts,
    AuditDiagnostics,
    AuditResult,
    BonPoint,
    MetricEstimate,
)
from judgespec.scorecard import ContractInfo, RunInfo, Scorecard, build_scorecard

CREATED_AT = "2025-01-31T12:00:00Z"
FINGERPRINT = "sha256:3f2a9c1e7b5d40aa9e6f1c2b3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f6a"


def make_result(**overrides: Any) -> AuditResult:
    """An audit result with round, hand-set numbers; ``overrides`` replace fields."""
    metrics = {
        "recovery": MetricEstimate(0.2104, 0.1502, 0.2733, 500, "prompts"),
        "top1_accuracy": MetricEstimate(0.412, 0.37, 0.455, 500, "prompts"),
        "regret": MetricEstimate(0.1875, 0.16, 0.215, 500, "prompts"),
        "r_global": MetricEstimate(0.47, 0.43, 0.51, 2000, "candidates"),
        "r_within": MetricEstimate(0.27, 0.22, 0.32, 2000, "candidates"),
        "tie_rate": MetricEstimate(0.67, 0.64, 0.70, 3000, "pairs"),
        "kappa": MetricEstimate(
            math.nan, math.nan, math.nan, 0, "pairs", reason="no pairwise comparisons"
        ),
    }
    bon_curve = [
        BonPoint(
            k=1, utility=0.5, oracle_utility=0.5, random_utility=0.5, recovery=math.nan, prompts=500
        ),
        BonPoint(
            k=2, utility=0.55, oracle_utility=0.7, random_utility=0.5, recovery=0.25, prompts=500
        ),
        BonPoint(
            k=3, utility=0.57, oracle_utility=0.8, random_utility=0.5, recovery=0.2333, prompts=500
        ),
        BonPoint(
            k=4, utility=0.58, oracle_utility=0.88, random_utility=0.5, recovery=0.2105, prompts=500
        ),
    ]
    counts = AuditCounts(
        prompts=500,
        candidates=2000,
        oracle_labelled=1990,
        judged=1985,
        parse_failures=15,
        abstentions=2,
        selection_prompts=498,
    )
    diagnostics = AuditDiagnostics(
        scatter_global=[(float(i % 10), (i * 7 % 11) / 10.0) for i in range(40)],
        scatter_within=[((i % 10) - 4.5, (i * 7 % 11) / 10.0 - 0.5) for i in range(40)],
        tie_group_sizes={2: 310, 1: 900, 3: 80, 4: 12},
    )
    result = AuditResult(
        metrics=metrics,
        bon_curve=bon_curve,
        counts=counts,
        escalations=[f"prompt-{i:03d}" for i in range(60)],
        tie_policy="expected",
        n_bootstrap=2000,
        seed=0,
        confidence=0.95,
        diagnostics=diagnostics,
    )
    return dataclasses.replace(result, **overrides)


def make_contract(**overrides: Any) -> ContractInfo:
    fields: dict[str, Any] = {
        "name": "helpfulness-pointwise",
        "version": "1",
        "fingerprint": FINGERPRINT,
        "judge_model": "Qwen/Qwen2.5-0.5B-Instruct",
        "revision": "7ae557604adf67be50417f59c2c2f167def9a775",
        "protocol": "pointwise",
        "tie_policy": "expected",
        "warnings": ["judge revision resolved from a floating alias at lock time"],
    }
    fields.update(overrides)
    return ContractInfo(**fields)


def make_run(**overrides: Any) -> RunInfo:
    fields: dict[str, Any] = {
        "framework": "offline",
        "policy_model": "llama-3-8b",
        "dataset": "arena-5k",
        "n": 4,
        "candidate_pool": "all",
    }
    fields.update(overrides)
    return RunInfo(**fields)


def make_card(
    result: AuditResult | None = None,
    *,
    contract: ContractInfo | None = None,
    run: RunInfo | None = None,
    **kwargs: Any,
) -> Scorecard:
    kwargs.setdefault("created_at", CREATED_AT)
    return build_scorecard(
        result if result is not None else make_result(),
        contract=contract if contract is not None else make_contract(),
        run=run if run is not None else make_run(),
        **kwargs,
    )


@pytest.fixture
def audit_result() -> AuditResult:
    return make_result()


@pytest.fixture
def scorecard() -> Scorecard:
    return make_card()


@pytest.fixture
def card_factory() -> Callable[..., Scorecard]:
    return make_card


@pytest.fixture
def result_factory() -> Callable[..., AuditResult]:
    return make_result


@pytest.fixture
def contract_factory() -> Callable[..., ContractInfo]:
    return make_contract


@pytest.fixture
def run_factory() -> Callable[..., RunInfo]:
    return make_run
