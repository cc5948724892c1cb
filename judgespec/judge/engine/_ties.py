"""Engine-level tie policies: ``logprob`` and ``pairwise_escalation``.

Only the candidates tied at the top of a prompt are touched: those whose score is
within ``tie_policy.margin`` of the prompt's best score, when there are two or more.

``logprob``
    Each tied candidate gets one forward pass per judge with the contract's template
    and the answer prefix ``Score: `` (the pointwise protocol's conventional answer
    start); the tie-break evidence is the logprob-expected score (see :mod:`._parse`).
    With the logprob protocol the scores already are expected scores, so this policy
    has nothing to add and leaves them as they are.
``pairwise_escalation``
    The tied candidates are compared pairwise with the escalation template and labels
    (``tie_policy.pairwise``; ties allowed; every judge, every sample); the evidence is
    each member's Copeland score on those comparisons, which also go to the
    comparisons table.

Representation: the tie is separated in ``judge_score`` itself, by less than half the
scale's resolution and never past a non-member (see
:func:`judgespec._ranking.separate_top`), so selection on ``judge_score`` is
the tie-broken pick. Every row also carries ``judge_score_raw`` (the score before the
tie break, for coarseness metrics such as the tie rate), ``tie_break`` (the member's
rank in its tied group, 1 = best, null outside a group) and ``tie_break_score`` (the
evidence). A group with a member lacking evidence (all its tie-break judgments failed
to parse) is left tied: a failed judgment never decides a pick.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ..._ranking import separate_top, top_group
from ...contract import Scale, template_variables
from ..protocols._context import Prompt, RunContext
from ..protocols._pairwise import comparison_rows, judge_presentations, presentations, score_prompt
from ..protocols._pointwise import Scored, expected_scores

__all__ = ["POINTWISE_ANSWER_PREFIX", "TieBreak", "break_ties"]

POINTWISE_ANSWER_PREFIX = "Score: "
"""Answer prefix of the ``logprob`` tie policy under the pointwise protocol."""


@dataclass
class TieBreak:
    """Scores after the tie break, ranks and evidence of group members, comparisons made."""

    scores: dict[int, float | None]
    ranks: dict[int, int] = field(default_factory=dict)
    evidence: dict[int, float | None] = field(default_factory=dict)
    comparisons: list[dict[str, Any]] = field(default_factory=list)
    groups: int = 0
    """Prompts with a tied top."""
    unresolved: int = 0
    """Tied groups left tied (missing evidence, or equal evidence at the top)."""


def _groups(
    prompts: Sequence[Prompt], scores: dict[int, float | None], margin: float
) -> list[tuple[Prompt, list[int]]]:
    out = []
    for prompt in prompts:
        local = top_group([scores[pos] for pos in prompt.rows], margin)
        if len(local) >= 2:
            out.append((prompt, [prompt.rows[i] for i in local]))
    return out


def _escalate(
    ctx: RunContext, groups: Sequence[tuple[Prompt, list[int]]], result: TieBreak
) -> None:
    esc = ctx.loaded.contract.tie_policy.pairwise
    template = ctx.loaded.texts.escalation_template
    assert esc is not None and template is not None
    used = template_variables(template, where="tie_policy.pairwise")
    items = [
        p
        for prompt, members in groups
        for p in presentations(prompt.prompt_id, members, esc.orders)
    ]
    judged = judge_presentations(
        ctx,
        items,
        template=template,
        labels=esc.labels,
        allow_tie=True,
        used=used,
        stage="escalation",
    )
    result.comparisons = comparison_rows(ctx, judged, with_strength=False)
    for prompt, members in groups:
        results = [
            (m.presentation.first, m.presentation.second, m.winner)
            for m in judged
            if m.presentation.prompt_id == prompt.prompt_id
        ]
        for pos, score in zip(members, score_prompt(members, results, "copeland"), strict=True):
            result.evidence[pos] = score


def break_ties(
    ctx: RunContext, prompts: Sequence[Prompt], scored: Scored, *, scale: Scale
) -> TieBreak:
    """Apply the contract's engine-level tie policy to the tied top of every prompt."""
    policy = ctx.loaded.contract.tie_policy
    result = TieBreak(scores=dict(scored.scores))
    groups = _groups(prompts, scored.scores, policy.margin)
    result.groups = len(groups)
    if not groups:
        return result
    if policy.kind == "logprob":
        if ctx.loaded.contract.protocol.kind == "logprob":
            result.unresolved = len(groups)
            return result
        positions = [pos for _, members in groups for pos in members]
        expected = expected_scores(
            ctx, positions, answer_prefix=POINTWISE_ANSWER_PREFIX, scale=scale, stage="tie_logprob"
        )
        result.evidence.update(expected.scores)
    else:
        _escalate(ctx, groups, result)
    for prompt, members in groups:
        evidence = [result.evidence.get(pos) for pos in members]
        if any(e is None for e in evidence):
            result.unresolved += 1
            continue
        local_scores = [scored.scores[pos] for pos in prompt.rows]
        local_members = [prompt.rows.index(pos) for pos in members]
        new, ranks = separate_top(
            local_scores,
            local_members,
            [float(e) for e in evidence if e is not None],
            scale_min=scale.min,
        )
        if sorted(ranks)[:2] == [1, 1]:
            result.unresolved += 1
        for pos, score in zip(prompt.rows, new, strict=True):
            result.scores[pos] = score
        for pos, rank in zip(members, ranks, strict=True):
            result.ranks[pos] = rank
    return result
