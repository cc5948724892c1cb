"""Turning an :class:`~judgespec.audit._result.AuditResult` into a :class:`Scorecard`."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from datetime import datetime, timezone
from typing import Any

from pydantic import ValidationError

from judgespec._version import __version__
from judgespec.audit._result import AuditCounts, AuditDiagnostics, AuditResult, MetricEstimate
from judgespec.contract._gate import Gate
from judgespec.scorecard._gate import evaluate_gates
from judgespec.scorecard._model import (
    SCORECARD_VERSION,
    ContractInfo,
    Counts,
    Diagnostics,
    RunInfo,
    Scorecard,
    ScorecardError,
    TieGroup,
)

__all__ = ["build_scorecard", "format_created_at"]


def format_created_at(moment: datetime | None = None) -> str:
    """``moment`` (default: now) as ISO-8601 UTC with a ``Z`` suffix, to the second.

    Raises:
        ScorecardError: when ``moment`` is a naive datetime (no time zone).
    """
    if moment is None:
        moment = datetime.now(timezone.utc)
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ScorecardError(
            f"created_at {moment.isoformat()!r} has no time zone; pass an aware datetime"
        )
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _finite_points(points: Sequence[tuple[float, float]]) -> list[tuple[float, float]]:
    out: list[tuple[float, float]] = []
    for x, y in points:
        fx, fy = float(x), float(y)
        if math.isfinite(fx) and math.isfinite(fy):
            out.append((fx, fy))
    return out


def _diagnostics(diag: AuditDiagnostics) -> Diagnostics:
    return Diagnostics(
        scatter_global=_finite_points(diag.scatter_global),
        scatter_within=_finite_points(diag.scatter_within),
        tie_groups=[
            TieGroup(size=int(size), groups=int(groups))
            for size, groups in sorted(diag.tie_group_sizes.items())
        ],
    )


def _counts(c: AuditCounts) -> dict[str, int]:
    return {name: int(getattr(c, name)) for name in Counts.model_fields}


def _metrics(metrics: Mapping[str, MetricEstimate]) -> dict[str, dict[str, Any]]:
    return {
        str(name): {
            "estimate": float(m.estimate),
            "ci_low": float(m.ci_low),
            "ci_high": float(m.ci_high),
            "n": int(m.n),
            "unit": m.unit,
            "reason": m.reason,
            "replicates": None if m.replicates is None else int(m.replicates),
        }
        for name, m in metrics.items()
    }


def build_scorecard(
    result: AuditResult,
    *,
    contract: ContractInfo,
    run: RunInfo,
    gates: Sequence[Gate] = (),
    created_at: str | datetime | None = None,
    include_diagnostics: bool = True,
) -> Scorecard:
    """Build the scorecard of one audit and evaluate ``gates`` on it.

    Args:
        result: What the statistics layer computed.
        contract: The audited judge contract (name, fingerprint, judge model, ...). Its
            ``tie_policy`` is recorded as the contract states it; ``result.tie_policy``
            (the audit-level policy derived from it) is not stored separately.
        run: Framework, policy model, data set, n and candidate pool of the run. The
            bootstrap seed, replicate count and confidence level come from ``result``.
        gates: Gates to evaluate; their outcomes are stored in ``Scorecard.gates``.
        created_at: Build time: an aware datetime, an ISO-8601 UTC string ending in
            ``Z``, or None for now. It is the only field that differs between two builds
            from identical inputs, so pass it to get byte-identical JSON.
        include_diagnostics: Keep the plot samples (scatter, tie histogram) for the
            HTML report.

    Raises:
        ScorecardError: when a value is out of range (e.g. an infinite estimate) or
            ``created_at`` is not ISO-8601 UTC.
    """
    stamp = created_at if isinstance(created_at, str) else format_created_at(created_at)
    data = {
        "scorecard_version": SCORECARD_VERSION,
        "contract": contract.model_dump(),
        "run": {
            **run.model_dump(),
            "seed": int(result.seed),
            "n_bootstrap": int(result.n_bootstrap),
            "confidence": float(result.confidence),
            "interval_method": result.interval_method,
            "judgespec_version": __version__,
            "created_at": stamp,
            "tie_column": result.tie_column,
        },
        "counts": _counts(result.counts),
        "metrics": _metrics(result.metrics),
        "bon_curve": [
            {
                "k": int(p.k),
                "utility": float(p.utility),
                "oracle_utility": float(p.oracle_utility),
                "random_utility": float(p.random_utility),
                "recovery": float(p.recovery),
                "prompts": int(p.prompts),
            }
            for p in result.bon_curve
        ],
        "escalations": [str(pid) for pid in result.escalations],
        "diagnostics": _diagnostics(result.diagnostics) if include_diagnostics else None,
        "slices": [
            {
                "by": sl.by,
                "value": sl.value,
                "counts": _counts(sl.counts),
                "metrics": _metrics(sl.metrics),
            }
            for sl in result.slices
        ],
    }
    try:
        card = Scorecard.model_validate(data)
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        loc = ".".join(str(part) for part in first["loc"])
        raise ScorecardError(
            f"cannot build scorecard: {loc}: {first['msg']} (got {first.get('input')!r})"
        ) from None
    if gates:
        card = card.model_copy(update={"gates": evaluate_gates(card, gates)})
    return card
