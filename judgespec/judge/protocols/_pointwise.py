"""The pointwise and logprob protocols: one judgment per candidate.

Pointwise: the judge generates an answer and the contract's pattern must match it
exactly once (see :mod:`._parse`; under ``protocol.constrain`` the answer's last line). With ``samples.count`` > 1 each candidate is judged
that many times (sample k with seed ``seed + k``); samples that fail to parse are
counted and left out, and the samples combine by ``samples.aggregation``.

Logprob: one forward pass per candidate and judge (``score_next_tokens`` over the
tokens ``"min"`` .. ``"max"`` after the protocol's answer prefix); the score is the
renormalised expectation ``sum_k p_k k / sum_k p_k``. A forward pass is deterministic,
so repeated samples would be identical: the logprob protocol makes one call per
candidate and judge whatever ``samples.count`` says, and records no per-sample scores.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from ...contract import LogprobProtocol, PointwiseProtocol, Scale
from ..backends._backend import ChatMessage
from ._context import Call, Prompt, RunContext
from ._parse import ExpectedScore, ParseFailure, expected_score, parse_score, verdict_text
from ._render import candidate_variables, chat, generate_request, score_request, where_candidate

__all__ = ["Scored", "logprob_scores", "pointwise_scores", "scale_tokens"]


@dataclass(frozen=True)
class Scored:
    """Candidate scores (by row position), per-sample scores and per-judge scores."""

    scores: dict[int, float | None]
    samples: dict[int, list[float | None]] = field(default_factory=dict)
    per_judge: dict[int, list[float | None]] = field(default_factory=dict)


def scale_tokens(scale: Scale) -> tuple[str, ...]:
    """The scale's levels as token texts: ``("1", "2", ..., "5")``."""
    return tuple(str(k) for k in range(scale.min, scale.max + 1))


def candidate_messages(ctx: RunContext, judge: int, row: int) -> tuple[ChatMessage, ...]:
    """The judge chat for one candidate under the contract's main template."""
    used = set(ctx.loaded.contract.prompt.variables)
    variables = candidate_variables(
        ctx.loaded,
        ctx.rows[row],
        used=used,
        reference=ctx.reference_for(judge, ctx.rows[row].get("prompt_id")),
    )
    return chat(ctx.loaded, ctx.loaded.texts.template, variables, where=where_candidate(ctx.rows[row]))


def pointwise_scores(
    ctx: RunContext, prompts: Sequence[Prompt], protocol: PointwiseProtocol
) -> Scored:
    """Generate, parse and aggregate a score for every candidate."""
    count = ctx.sample_count
    constraint = ctx.constraint
    positions = [pos for p in prompts for pos in p.rows]
    calls = []
    for j, judge in enumerate(ctx.judges):
        for pos in positions:
            msgs = candidate_messages(ctx, j, pos)
            row = ctx.rows[pos]
            for k in range(count):
                calls.append(
                    Call(
                        j,
                        "judge",
                        row.get("prompt_id"),
                        (row.get("candidate_id"),),
                        generate_request(judge, msgs, sample=k, constraint=constraint),
                    )
                )
    values: list[list[list[float | None]]] = [
        [[None] * count for _ in positions] for _ in ctx.judges
    ]
    for n, reply in enumerate(ctx.run(calls)):
        j, rest = divmod(n, len(positions) * count)
        x, k = divmod(rest, count)
        text = verdict_text(reply.text or "", constraint)
        parsed = parse_score(text, pattern=protocol.pattern, scale=protocol.scale)
        ctx.record(reply, parsed)
        values[j][x][k] = None if isinstance(parsed, ParseFailure) else parsed
    out = Scored({})
    for x, pos in enumerate(positions):
        per_judge_samples = [values[j][x] for j in range(len(ctx.judges))]
        out.scores[pos], out.per_judge[pos] = ctx.combine_values(per_judge_samples)
        if count > 1:
            out.samples[pos] = [ctx.sample_values(per_judge_samples, k) for k in range(count)]
    return out


def expected_scores(
    ctx: RunContext, positions: Sequence[int], *, answer_prefix: str, scale: Scale, stage: str
) -> Scored:
    """One forward pass per candidate and judge; the logprob-expected score, combined over the panel."""
    tokens = scale_tokens(scale)
    calls = []
    for j in range(len(ctx.judges)):
        for pos in positions:
            row = ctx.rows[pos]
            request = score_request(
                candidate_messages(ctx, j, pos), answer_prefix=answer_prefix, tokens=tokens
            )
            calls.append(Call(j, stage, row.get("prompt_id"), (row.get("candidate_id"),), request))
    values: list[list[float | None]] = [[None] * len(positions) for _ in ctx.judges]
    for n, reply in enumerate(ctx.run(calls)):
        j, x = divmod(n, len(positions))
        parsed = expected_score(reply.logprobs or {}, scale=scale)
        if isinstance(parsed, ExpectedScore):
            ctx.record(reply, parsed.score)
            values[j][x] = parsed.score
        else:
            ctx.record(reply, parsed)
    out = Scored({})
    for x, pos in enumerate(positions):
        out.scores[pos], out.per_judge[pos] = ctx.combine_values(
            [[values[j][x]] for j in range(len(ctx.judges))]
        )
    return out


def logprob_scores(ctx: RunContext, prompts: Sequence[Prompt], protocol: LogprobProtocol) -> Scored:
    """The logprob protocol over every candidate."""
    positions = [pos for p in prompts for pos in p.rows]
    return expected_scores(
        ctx, positions, answer_prefix=protocol.answer_prefix, scale=protocol.scale, stage="judge"
    )
