"""Pairwise comparisons: presenting pairs, parsing verdicts, scoring candidates.

Used by the pairwise protocol (every within-prompt pair, scored by win share), the
tournament protocol (round robin scored by Copeland or Bradley-Terry; knockout in
:mod:`._tournament`) and the ``pairwise_escalation`` tie policy.

Each pair ``(i, j)`` with ``i`` before ``j`` in candidate order is presented as
``(i, j)`` (``order: original``) and, with ``orders: both``, also as ``(j, i)``
(``order: swapped``). The first presented response fills ``response_a``. Each
presentation is judged ``samples.count`` times by every judge; its verdict combines
the samples, then the panel (see :mod:`judgespec._ranking`).

With ``strength: logprob`` every presentation gets one extra forward pass per judge:
after the answer prefix the labels share (``[[`` for ``[[A]]``/``[[B]]``), the judge's
next-token probabilities of the two distinguishing tokens give
``strength = P(first) / (P(first) + P(second))``, the judge's immediate lean towards
the first presented response (mean over a panel).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from ..._ranking import Ranking, rank_candidates
from ...contract import PairLabels
from ..backends._backend import ChatMessage
from ._context import Call, Prompt, RunContext
from ._parse import ParseFailure, Verdict, label_tokens, parse_pair, verdict_text
from ._render import chat, generate_request, pair_variables, score_request, where_pair

__all__ = [
    "Judged",
    "Presentation",
    "Ranking",
    "comparison_rows",
    "judge_presentations",
    "presentations",
    "round_robin",
    "score_prompt",
]

@dataclass(frozen=True)
class Presentation:
    """A pair in presentation order (row positions)."""

    prompt_id: Any
    first: int
    second: int
    order: Literal["original", "swapped"]
    round: int | None = None


@dataclass(frozen=True)
class Judged:
    """A presentation's combined verdict and its per-judge, per-sample verdicts."""

    presentation: Presentation
    winner: Verdict | None
    samples: list[list[Verdict | None]]
    """``samples[judge][k]``."""
    strength: float | None = None


def presentations(
    prompt_id: Any,
    positions: Sequence[int],
    orders: Literal["both", "single"],
    *,
    round: int | None = None,
) -> list[Presentation]:
    """Every pair of ``positions`` (in candidate order), in one or both orders."""
    out: list[Presentation] = []
    for x, a in enumerate(positions):
        for b in positions[x + 1 :]:
            out.extend(pair_presentations(prompt_id, a, b, orders, round=round))
    return out


def pair_presentations(
    prompt_id: Any, a: int, b: int, orders: Literal["both", "single"], *, round: int | None = None
) -> list[Presentation]:
    """One pair: ``(a, b)`` and, with both orders, ``(b, a)``."""
    out = [Presentation(prompt_id, a, b, "original", round)]
    if orders == "both":
        out.append(Presentation(prompt_id, b, a, "swapped", round))
    return out


def _strength(logprobs: dict[str, float], first: str, second: str) -> float | ParseFailure:
    la, lb = logprobs.get(first, -math.inf), logprobs.get(second, -math.inf)
    if not (math.isfinite(la) or math.isfinite(lb)):
        return ParseFailure("no_probability")
    top = max(la, lb)
    pa, pb = math.exp(la - top), math.exp(lb - top)
    return pa / (pa + pb)


def judge_presentations(
    ctx: RunContext,
    items: Sequence[Presentation],
    *,
    template: str,
    labels: PairLabels,
    allow_tie: bool,
    used: set[str],
    stage: str,
    strength: bool = False,
) -> list[Judged]:
    """Judge presentations with every judge and sample; parse and combine verdicts.

    The protocol's own comparisons (``stage`` ``judge``) are constrained as the
    contract's ``protocol.constrain`` says; escalation comparisons decode freely.
    """
    count = ctx.sample_count
    constraint = ctx.constraint if stage == "judge" else None
    messages: dict[tuple[int, int], tuple[ChatMessage, ...]] = {}
    calls: list[Call] = []
    for j, judge in enumerate(ctx.judges):
        for x, pres in enumerate(items):
            variables = pair_variables(
                ctx.loaded,
                ctx.rows[pres.first],
                ctx.rows[pres.second],
                used=used,
                reference=ctx.reference_for(j, pres.prompt_id),
            )
            msgs = chat(
                ctx.loaded, template, variables,
                where=where_pair(ctx.rows[pres.first], ctx.rows[pres.second]),
            )
            messages[(j, x)] = msgs
            ids = (ctx.candidate_id(pres.first), ctx.candidate_id(pres.second))
            for k in range(count):
                request = generate_request(judge, msgs, sample=k, constraint=constraint)
                calls.append(Call(j, stage, pres.prompt_id, ids, request, pres.order, pres.round))
    replies = ctx.run(calls)
    verdicts: list[list[list[Verdict | None]]] = [
        [[None] * count for _ in items] for _ in ctx.judges
    ]
    for n, reply in enumerate(replies):
        j, rest = divmod(n, len(items) * count)
        x, k = divmod(rest, count)
        text = verdict_text(reply.text or "", constraint)
        parsed = parse_pair(text, labels=labels, allow_tie=allow_tie)
        ctx.record(reply, parsed)
        verdicts[j][x][k] = None if isinstance(parsed, ParseFailure) else parsed
    strengths = _strengths(ctx, items, messages, labels, stage) if strength else [None] * len(items)
    out = []
    for x, pres in enumerate(items):
        per_judge = [verdicts[j][x] for j in range(len(ctx.judges))]
        out.append(Judged(pres, ctx.combine_verdicts(per_judge), per_judge, strengths[x]))
    return out


def _strengths(
    ctx: RunContext,
    items: Sequence[Presentation],
    messages: dict[tuple[int, int], tuple[ChatMessage, ...]],
    labels: PairLabels,
    stage: str,
) -> list[float | None]:
    prefix, first, second = label_tokens(labels)
    calls = []
    for j in range(len(ctx.judges)):
        for x, pres in enumerate(items):
            ids = (ctx.candidate_id(pres.first), ctx.candidate_id(pres.second))
            request = score_request(messages[(j, x)], answer_prefix=prefix, tokens=(first, second))
            calls.append(Call(j, "strength", pres.prompt_id, ids, request, pres.order, pres.round))
    values: list[list[float]] = [[] for _ in items]
    for n, reply in enumerate(ctx.run(calls)):
        parsed = _strength(reply.logprobs or {}, first, second)
        ctx.record(reply, parsed)
        if not isinstance(parsed, ParseFailure):
            values[n % len(items)].append(parsed)
    return [sum(v) / len(v) if v else None for v in values]


def comparison_rows(
    ctx: RunContext, judged: Sequence[Judged], *, with_strength: bool
) -> list[dict[str, Any]]:
    """The comparisons table rows of judged presentations."""
    rows = []
    for item in judged:
        pres = item.presentation
        row: dict[str, Any] = {
            "prompt_id": pres.prompt_id,
            "first_id": ctx.candidate_id(pres.first),
            "second_id": ctx.candidate_id(pres.second),
            "winner": item.winner,
        }
        if with_strength:
            row["strength"] = item.strength
        rows.append(row)
    return rows


def score_prompt(
    positions: Sequence[int],
    results: Sequence[tuple[int, int, Verdict | None]],
    ranking: Ranking,
) -> list[float | None]:
    """Scores of a prompt's candidates (``positions``) from comparison results.

    ``results`` are ``(first, second, verdict)`` in row positions. A candidate without
    any parsed comparison gets ``None``. The ranking itself is
    :func:`judgespec._ranking.rank_candidates`, which the audit of recorded
    comparisons also uses.
    """
    return rank_candidates(positions, results, ranking)


@dataclass(frozen=True)
class RoundRobin:
    """Scores, per-sample scores and comparisons of a round robin over every prompt."""

    scores: dict[int, float | None]
    samples: dict[int, list[float | None]]
    comparisons: list[dict[str, Any]]


def round_robin(
    ctx: RunContext,
    prompts: Sequence[Prompt],
    *,
    template: str,
    labels: PairLabels,
    allow_tie: bool,
    orders: Literal["both", "single"],
    ranking: Ranking,
    strength: bool = False,
) -> RoundRobin:
    """Judge every within-prompt pair and score the candidates."""
    used = set(ctx.loaded.contract.prompt.variables)
    items = [p for prompt in prompts for p in presentations(prompt.prompt_id, prompt.rows, orders)]
    judged = judge_presentations(
        ctx,
        items,
        template=template,
        labels=labels,
        allow_tie=allow_tie,
        used=used,
        stage="judge",
        strength=strength,
    )
    by_prompt: dict[Any, list[Judged]] = {}
    for item in judged:
        by_prompt.setdefault(item.presentation.prompt_id, []).append(item)
    scores: dict[int, float | None] = {}
    samples: dict[int, list[float | None]] = {}
    for prompt in prompts:
        mine = by_prompt.get(prompt.prompt_id, [])
        results = [(m.presentation.first, m.presentation.second, m.winner) for m in mine]
        for pos, score in zip(
            prompt.rows, score_prompt(prompt.rows, results, ranking), strict=True
        ):
            scores[pos] = score
            samples[pos] = []
        for k in range(ctx.sample_count):
            sample_results = [
                (m.presentation.first, m.presentation.second, ctx.sample_verdicts(m.samples, k))
                for m in mine
            ]
            for pos, score in zip(
                prompt.rows, score_prompt(prompt.rows, sample_results, ranking), strict=True
            ):
                samples[pos].append(score)
    return RoundRobin(scores, samples, comparison_rows(ctx, judged, with_strength=strength))
