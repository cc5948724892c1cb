"""Side-by-side comparison of scorecards (e.g. one contract audited in two frameworks)."""

from __future__ import annotations

import math
from collections.abc import Sequence

from pydantic import Field

from judgespec.scorecard._format import short_fingerprint
from judgespec.scorecard._model import Metric, NanFloat, Scorecard, ScorecardError, _Model

__all__ = ["CardSummary", "Comparison", "MetricComparison", "compare_scorecards"]


class CardSummary(_Model):
    """Who one compared scorecard is."""

    label: str
    """Column label of the card."""
    framework: str
    """The card's framework."""
    contract: str
    """Contract name and version."""
    fingerprint: str
    """Contract fingerprint."""
    dataset: str | None
    """The card's data set."""
    confidence: float
    """Confidence level of the card's intervals."""


class MetricComparison(_Model):
    """One metric across the compared cards."""

    name: str
    """Metric name."""
    values: list[Metric | None]
    """The metric on each card, in card order; null where a card lacks it."""
    differences: list[NanFloat]
    """Estimate minus the first card's estimate (NaN where either is missing or NaN)."""
    overlaps: list[bool | None]
    """Whether each card's interval overlaps the first card's; null where undefined."""


class Comparison(_Model):
    """Scorecards side by side; render with ``render_comparison_terminal`` or ``..._markdown``."""

    cards: list[CardSummary]
    """The compared cards, first card is the reference."""
    metrics: list[MetricComparison]
    """Every metric that appears on any card: the first card's order, then new names."""
    warnings: list[str] = Field(default_factory=list)
    """Loud notes: different contracts, data sets or confidence levels."""
    identical_metrics: bool
    """All cards have the same metric names and equal estimates and interval bounds
    (NaN equals NaN), within the comparison's ``atol``."""


def _same(a: float, b: float, atol: float) -> bool:
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    return a == b or abs(a - b) <= atol


def _overlap(a: Metric, b: Metric) -> bool | None:
    bounds = (a.ci_low, a.ci_high, b.ci_low, b.ci_high)
    if any(math.isnan(x) for x in bounds):
        return None
    return a.ci_low <= b.ci_high and b.ci_low <= a.ci_high


def _default_labels(cards: Sequence[Scorecard]) -> list[str]:
    seen: dict[str, int] = {}
    labels = []
    for card in cards:
        base = card.run.framework
        seen[base] = seen.get(base, 0) + 1
        labels.append(base if seen[base] == 1 else f"{base}#{seen[base]}")
    return labels


def _warnings(cards: Sequence[Scorecard], labels: Sequence[str]) -> list[str]:
    out = []
    pairs = list(zip(labels, cards, strict=True))
    if len({c.contract.fingerprint for c in cards}) > 1:
        listed = ", ".join(f"{lb}={short_fingerprint(c.contract.fingerprint)}" for lb, c in pairs)
        out.append(
            f"different contracts: fingerprints differ ({listed}); differences measure the "
            "contract change, not the framework"
        )
    if len({c.run.dataset for c in cards}) > 1:
        listed = ", ".join(f"{lb}={c.run.dataset}" for lb, c in pairs)
        out.append(f"different data sets: {listed}")
    if len({c.run.confidence for c in cards}) > 1:
        listed = ", ".join(f"{lb}={c.run.confidence:g}" for lb, c in pairs)
        out.append(f"different confidence levels: {listed}; intervals are not comparable")
    return out


def compare_scorecards(
    cards: Sequence[Scorecard],
    labels: Sequence[str] | None = None,
    *,
    atol: float = 0.0,
) -> Comparison:
    """Compare scorecards metric by metric against the first card.

    Args:
        cards: One or more scorecards; the first is the reference.
        labels: One label per card; defaults to each card's framework (``offline``,
            ``inspect``, ...; repeats get ``#2``, ``#3``).
        atol: Absolute tolerance for ``identical_metrics`` (default: exact equality).

    Returns:
        A :class:`Comparison` with per-metric values, differences vs the first card and
        interval overlap, loud warnings when fingerprints (or data sets or confidence
        levels) differ, and ``identical_metrics``.

    Raises:
        ScorecardError: when no card is given or the labels do not match the cards.
    """
    if not cards:
        raise ScorecardError("compare_scorecards needs at least one scorecard")
    names = list(labels) if labels is not None else _default_labels(cards)
    if len(names) != len(cards):
        raise ScorecardError(f"got {len(names)} labels for {len(cards)} scorecards; give one each")
    if len(set(names)) != len(names):
        raise ScorecardError(f"labels must be distinct, got {names}")
    metric_names = list(dict.fromkeys(name for card in cards for name in card.metrics))
    identical = all(set(card.metrics) == set(cards[0].metrics) for card in cards)
    rows = []
    for name in metric_names:
        values = [card.metrics.get(name) for card in cards]
        ref = values[0]
        differences: list[float] = []
        overlaps: list[bool | None] = []
        for value in values:
            if ref is None or value is None:
                differences.append(math.nan)
                overlaps.append(None)
                continue
            differences.append(value.estimate - ref.estimate)
            overlaps.append(_overlap(ref, value))
            for attr in ("estimate", "ci_low", "ci_high"):
                identical = identical and _same(getattr(ref, attr), getattr(value, attr), atol)
        rows.append(
            MetricComparison(name=name, values=values, differences=differences, overlaps=overlaps)
        )
    summaries = [
        CardSummary(
            label=label,
            framework=card.run.framework,
            contract=f"{card.contract.name} v{card.contract.version}",
            fingerprint=card.contract.fingerprint,
            dataset=card.run.dataset,
            confidence=card.run.confidence,
        )
        for label, card in zip(names, cards, strict=True)
    ]
    return Comparison(
        cards=summaries,
        metrics=rows,
        warnings=_warnings(cards, names),
        identical_metrics=identical,
    )
