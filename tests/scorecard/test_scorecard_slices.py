"""Slices and the tie column in the scorecard: model, JSON round trip, every renderer."""

from __future__ import annotations

import io
import math
from collections.abc import Callable
from typing import Any

from rich.console import Console

from judgespec.audit._result import AuditCounts, AuditSlice, MetricEstimate
from judgespec.scorecard import (
    Scorecard,
    build_scorecard,
    render_html,
    render_markdown,
    render_terminal,
)


def _slice(value: str, recovery: float, prompts: int) -> AuditSlice:
    return AuditSlice(
        by="category",
        value=value,
        counts=AuditCounts(
            prompts=prompts,
            candidates=2 * prompts,
            oracle_labelled=2 * prompts,
            judged=2 * prompts,
            parse_failures=0,
            abstentions=0,
            selection_prompts=prompts,
        ),
        metrics={
            "recovery": MetricEstimate(
                recovery, recovery - 0.1, recovery + 0.1, prompts, "prompts"
            ),
            "kappa": MetricEstimate(math.nan, math.nan, math.nan, 0, "pairs", reason="none"),
        },
    )


Factory = Callable[..., Any]


def _card(result_factory: Factory, contract_factory: Factory, run_factory: Factory) -> Scorecard:
    result = result_factory(
        slices=[_slice("coding", 0.5, 42), _slice("math", 0.25, 56)], tie_column="judge_score_raw"
    )
    return build_scorecard(
        result, contract=contract_factory(), run=run_factory(), created_at="2025-01-31T12:00:00Z"
    )


def test_slices_and_tie_column_round_trip(
    result_factory: Factory, contract_factory: Factory, run_factory: Factory
) -> None:
    card = _card(result_factory, contract_factory, run_factory)
    assert [(s.by, s.value, s.counts.prompts) for s in card.slices] == [
        ("category", "coding", 42),
        ("category", "math", 56),
    ]
    assert card.run.tie_column == "judge_score_raw"
    again = Scorecard.model_validate_json(card.to_json())
    assert again.to_json() == card.to_json()
    assert math.isnan(again.slices[0].metrics["kappa"].estimate)


def test_every_renderer_shows_the_slices(
    result_factory: Factory, contract_factory: Factory, run_factory: Factory
) -> None:
    card = _card(result_factory, contract_factory, run_factory)
    md = render_markdown(card)
    assert "## Slices by category" in md
    assert "| category = coding | 42 | 0.500 [0.400, 0.600] |" in md
    assert (
        "kappa" not in md.split("## Slices by category")[1].split("##")[0]
    )  # undefined everywhere
    assert "Ties counted on" in md
    html = render_html(card)
    assert "<h2>Slices by category</h2>" in html and "category = math" in html
    console = Console(file=io.StringIO(), width=200, record=True, color_system=None)
    render_terminal(card, console=console)
    text = console.export_text()
    assert "Slices by category" in text and "0.250 [0.150, 0.350]" in text


def test_a_scorecard_without_slices_renders_none(scorecard: Scorecard) -> None:
    card = scorecard
    assert card.slices == [] and card.run.tie_column == "judge_score"
    assert "Slices" not in render_markdown(card) and "Ties counted on" not in render_markdown(card)
