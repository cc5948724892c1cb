"""Strict parsing of judge outputs.

Only the judge's *output* is parsed, never the prompt it was given, so a candidate
response that contains ``Score: 10`` or ``[[A]]`` cannot change a verdict. Every
failure is a :class:`ParseFailure` with a reason from :data:`PARSE_FAILURE_REASONS`;
there is never a default score.

Pointwise
    The contract's pattern (one capture group) must match exactly once in the output.
    No match, two or more matches (even with equal values), a capture that is not a
    finite number, a value outside the scale, or an empty output: parse failure.
Pairwise
    Exactly one occurrence of exactly one of the three labels (occurrences are counted
    without overlap). Two different labels, the same label twice, no label, or the tie
    label when the contract does not allow ties: parse failure.
Logprob
    The score is the expectation of the judge's next-token distribution over the
    scale's tokens, renormalised over those tokens::

        p_k = exp(logprob(str(k)))        for k = min .. max
        score = sum_k p_k * k / sum_k p_k

    Renormalising makes the score independent of the probability mass the model puts
    on tokens outside the scale (which :func:`expected_score` reports as ``mass``). A
    distribution with no finite log-probability is a parse failure.
Constrained verdicts (``protocol.constrain``)
    The backend could only write one of :func:`verdict_choices`' choices, on the
    output's last line after an optional free-text rationale. Only that last line is
    parsed (by the rules above), so a rationale that mentions a score or a label cannot
    change the verdict.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

from ..._ranking import Verdict
from ...contract import (
    LogprobProtocol,
    PairLabels,
    PairwiseProtocol,
    PointwiseProtocol,
    Scale,
    TournamentProtocol,
)
from ..backends._backend import VerdictChoices

__all__ = [
    "PARSE_FAILURE_REASONS",
    "ExpectedScore",
    "ParseFailure",
    "Verdict",
    "expected_score",
    "label_tokens",
    "parse_pair",
    "parse_score",
    "verdict_choices",
    "verdict_text",
]

PARSE_FAILURE_REASONS: dict[str, str] = {
    "empty_output": "the judge wrote nothing (or only whitespace)",
    "no_match": "the score pattern does not match the output",
    "multiple_matches": "the score pattern matches more than once",
    "not_numeric": "the captured score is not a finite number",
    "out_of_scale": "the score lies outside the contract's scale",
    "no_label": "none of the verdict labels appears",
    "multiple_labels": "more than one verdict label (or one label twice) appears",
    "tie_not_allowed": "the judge answered a tie but the contract does not allow ties",
    "no_probability": "no finite log-probability for any scale token",
}
"""Every parse-failure reason and what it means."""


@dataclass(frozen=True)
class ParseFailure:
    """A judge output that could not be parsed. Never replaced by a default score."""

    reason: str
    """One of :data:`PARSE_FAILURE_REASONS`."""
    detail: str = ""
    """What was found (e.g. the matches), for the raw judgments file."""


@lru_cache(maxsize=64)
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


def parse_score(output: str, *, pattern: str, scale: Scale) -> float | ParseFailure:
    """Parse a pointwise score from a judge's output (see the module docstring)."""
    if not output.strip():
        return ParseFailure("empty_output")
    matches = list(_compiled(pattern).finditer(output))
    if not matches:
        return ParseFailure("no_match")
    if len(matches) > 1:
        found = ", ".join(repr(m.group(0)) for m in matches[:5])
        return ParseFailure("multiple_matches", f"{len(matches)} matches: {found}")
    captured = matches[0].group(1)
    try:
        value = float(captured) if captured is not None else math.nan
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        return ParseFailure("not_numeric", repr(captured))
    if not scale.min <= value <= scale.max:
        return ParseFailure("out_of_scale", f"{captured} not in [{scale.min}, {scale.max}]")
    return value


def parse_pair(output: str, *, labels: PairLabels, allow_tie: bool) -> Verdict | ParseFailure:
    """Parse a pairwise verdict: exactly one label, exactly once (see the module docstring)."""
    if not output.strip():
        return ParseFailure("empty_output")
    counts: dict[Verdict, int] = {
        "first": output.count(labels.first),
        "second": output.count(labels.second),
        "tie": output.count(labels.tie),
    }
    present = {name: n for name, n in counts.items() if n}
    if not present:
        return ParseFailure("no_label")
    if len(present) > 1 or sum(present.values()) > 1:
        found = ", ".join(f"{name} x{n}" for name, n in present.items())
        return ParseFailure("multiple_labels", found)
    (verdict,) = present
    if verdict == "tie" and not allow_tie:
        return ParseFailure("tie_not_allowed", labels.tie)
    return verdict


def verdict_choices(
    protocol: PointwiseProtocol | LogprobProtocol | PairwiseProtocol | TournamentProtocol,
) -> VerdictChoices | None:
    """The verdicts a constrained judge may write under ``protocol`` (None: free decoding).

    Pointwise: ``prefix + str(k)`` for every level k of the scale (prefix default
    ``Score: ``). Pairwise and tournament: ``prefix +`` the first and second labels, and
    the tie label when ties are allowed (prefix default empty).
    """
    constrain = getattr(protocol, "constrain", None)
    if constrain is None:
        return None
    if isinstance(protocol, PointwiseProtocol):
        prefix = "Score: " if constrain.prefix is None else constrain.prefix
        levels = range(protocol.scale.min, protocol.scale.max + 1)
        choices = tuple(f"{prefix}{k}" for k in levels)
    elif isinstance(protocol, PairwiseProtocol | TournamentProtocol):
        prefix = constrain.prefix or ""
        labels = [protocol.labels.first, protocol.labels.second]
        if protocol.allow_tie:
            labels.append(protocol.labels.tie)
        choices = tuple(prefix + label for label in labels)
    else:  # pragma: no cover - the logprob protocol has no constrain field
        return None
    return VerdictChoices(choices=choices, rationale_tokens=constrain.rationale_tokens)


def verdict_text(output: str, constraint: VerdictChoices | None) -> str:
    """What is parsed: the whole output, or its last line for a constrained verdict."""
    if constraint is None:
        return output
    return output.rsplit("\n", 1)[-1]


@dataclass(frozen=True)
class ExpectedScore:
    """The logprob-expected score and the scale's share of the next-token mass."""

    score: float
    mass: float
    """sum_k p_k over the scale's tokens (before renormalising)."""


def expected_score(logprobs: Mapping[str, float], *, scale: Scale) -> ExpectedScore | ParseFailure:
    """``sum_k p_k k / sum_k p_k`` over the scale's tokens (see the module docstring)."""
    weights: list[tuple[int, float]] = []
    for k in range(scale.min, scale.max + 1):
        lp = logprobs.get(str(k))
        if lp is not None and math.isfinite(lp):
            weights.append((k, lp))
    if not weights:
        return ParseFailure("no_probability")
    top = max(lp for _, lp in weights)
    rel = [(k, math.exp(lp - top)) for k, lp in weights]
    total = sum(p for _, p in rel)
    score = sum(k * p for k, p in rel) / total
    return ExpectedScore(score=score, mass=total * math.exp(top))


def label_tokens(labels: PairLabels) -> tuple[str, str, str]:
    """Split the first and second labels into a shared prefix and their distinguishing parts.

    ``[[A]]`` and ``[[B]]`` give ``("[[", "A", "B")``: the verdict's strength is read
    from the judge's next-token distribution after the answer prefix ``[[`` over the
    tokens ``A`` and ``B`` (each must be a single token of the judge's tokenizer).
    """
    a, b = labels.first, labels.second
    start = 0
    while start < min(len(a), len(b)) and a[start] == b[start]:
        start += 1
    end = 0
    while end < min(len(a), len(b)) - start and a[-1 - end] == b[-1 - end]:
        end += 1
    return a[:start], a[start : len(a) - end], b[start : len(b) - end]
