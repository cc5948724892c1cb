"""Comparing scorecards side by side."""

from __future__ import annotations

import dataclasses
import io
import math
from collections.abc import Callable

import pytest
from rich.console import Console

from judgespec.audit._result import AuditResult, MetricEstimate
from judgespec.scorecard import (
    ContractInfo,
    RunInfo,
    Scorecard,
    ScorecardError,
    compare_scorecards,
    render_comparison_markdown,
    render_comparison_terminal,
)

CardFactory = Callable[..., Scorecard]


@pytest.fixture
def pair(card_factory: CardFactory, run_factory: Callable[..., RunInfo]) -> list[Scorecard]:
    return [card_factory(), card_factory(run=run_factory(framework="inspect"))]


def _with_metric(result: AuditResult, name: str, metric: MetricEstimate) -> AuditResult:
    return dataclasses.replace(result, metrics={**result.metrics, name: metric})


def test_same_contract_two_frameworks_is_identical(pair: list[Scorecard]) -> None:
    cmp = compare_scorecards(pair)
    assert cmp.identical_metrics  # kappa is NaN on both: NaN == NaN here
    assert cmp.warnings == []
    assert [c.label for c in cmp.cards] == ["offline", "inspect"]
    assert [c.framework for c in cmp.cards] == ["offline", "inspect"]
    rec = next(row for row in cmp.metrics if row.name == "recovery")
    assert rec.differences == [0.0, 0.0] and rec.overlaps == [True, True]
    kappa = next(row for row in cmp.metrics if row.name == "kappa")
    assert math.isnan(kappa.differences[1]) and kappa.overlaps[1] is None


def test_different_estimates_are_not_identical(
    card_factory: CardFactory,
    result_factory: Callable[..., AuditResult],
    run_factory: Callable[..., RunInfo],
) -> None:
    base = result_factory()
    moved = _with_metric(base, "recovery", MetricEstimate(0.6, 0.55, 0.66, 500, "prompts"))
    nudged = _with_metric(base, "recovery", MetricEstimate(0.2104, 0.1502, 0.2734, 500, "prompts"))
    a = card_factory(base)
    b = card_factory(moved, run=run_factory(framework="lmeval"))
    cmp = compare_scorecards([a, b], labels=["before", "after"])
    assert not cmp.identical_metrics
    rec = next(row for row in cmp.metrics if row.name == "recovery")
    assert rec.differences[1] == pytest.approx(0.6 - 0.2104)
    assert rec.overlaps == [True, False]
    # a difference in one interval bound alone breaks identity; atol forgives it
    c = card_factory(nudged)
    assert not compare_scorecards([a, c]).identical_metrics
    assert compare_scorecards([a, c], atol=1e-3).identical_metrics


def test_nan_against_number_is_not_identical(
    card_factory: CardFactory, result_factory: Callable[..., AuditResult]
) -> None:
    base = result_factory()
    filled = _with_metric(base, "kappa", MetricEstimate(0.3, 0.2, 0.4, 10, "pairs"))
    assert not compare_scorecards([card_factory(base), card_factory(filled)]).identical_metrics


def test_metric_missing_on_one_card(
    card_factory: CardFactory, result_factory: Callable[..., AuditResult]
) -> None:
    base = result_factory()
    extra = _with_metric(base, "position_consistency", MetricEstimate(0.9, 0.85, 0.95, 40, "pairs"))
    cmp = compare_scorecards([card_factory(base), card_factory(extra)])
    assert not cmp.identical_metrics
    row = cmp.metrics[-1]
    assert row.name == "position_consistency"
    assert row.values[0] is None and row.values[1] is not None
    md = render_comparison_markdown(cmp)
    assert "| position_consistency | missing | 0.900 [0.850, 0.950] | n/a |" in md


def test_different_fingerprints_warn_loudly(
    card_factory: CardFactory, contract_factory: Callable[..., ContractInfo]
) -> None:
    a = card_factory()
    b = card_factory(contract=contract_factory(fingerprint="sha256:ffffeeeeddddccccbbbb"))
    cmp = compare_scorecards([a, b])
    assert cmp.identical_metrics  # same numbers ...
    assert cmp.warnings[0].startswith("different contracts: ")  # ... but not the same judge
    assert "offline=sha256:3f2a9c1e7b5d" in cmp.warnings[0]
    assert "offline#2=sha256:ffffeeeedddd" in cmp.warnings[0]
    assert "> **WARNING:** different contracts: " in render_comparison_markdown(cmp)
    console = Console(file=io.StringIO(), width=200, record=True)
    render_comparison_terminal(cmp, console=console)
    assert "WARNING: different contracts: " in console.export_text()


def test_other_differences_warn(
    card_factory: CardFactory, run_factory: Callable[..., RunInfo]
) -> None:
    cmp = compare_scorecards([card_factory(), card_factory(run=run_factory(dataset="other"))])
    assert cmp.warnings == ["different data sets: offline=arena-5k, offline#2=other"]


def test_rendering_shows_values_and_differences(pair: list[Scorecard]) -> None:
    cmp = compare_scorecards(pair)
    md = render_comparison_markdown(cmp)
    assert md == render_comparison_markdown(cmp)
    assert "| metric | offline (95% CI) | inspect (95% CI) | inspect - offline |" in md
    assert (
        "| recovery | 0.210 [0.150, 0.273] | 0.210 [0.150, 0.273] | +0.000 (intervals overlap) |"
        in md
    )
    assert "- inspect: framework inspect, contract helpfulness-pointwise v1" in md
    assert md.rstrip().endswith("identical metrics: yes")
    console = Console(file=io.StringIO(), width=200, record=True)
    render_comparison_terminal(cmp, console=console)
    out = console.export_text()
    assert "recovery" in out and "0.210 [0.150, 0.273]" in out and "identical metrics: yes" in out


def test_single_card_compares_with_itself(scorecard: Scorecard) -> None:
    cmp = compare_scorecards([scorecard])
    assert cmp.identical_metrics and len(cmp.cards) == 1
    assert "| metric | offline (95% CI) |" in render_comparison_markdown(cmp)


@pytest.mark.parametrize(
    ("labels", "message"),
    [(["a"], "got 1 labels for 2 scorecards"), (["a", "a"], "labels must be distinct")],
)
def test_bad_labels(pair: list[Scorecard], labels: list[str], message: str) -> None:
    with pytest.raises(ScorecardError, match=message):
        compare_scorecards(pair, labels=labels)


def test_no_cards() -> None:
    with pytest.raises(ScorecardError, match="at least one scorecard"):
        compare_scorecards([])
