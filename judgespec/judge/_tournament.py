"""The tournament protocol: round robin (Copeland or Bradley-Terry) or knockout.

Round robin judges every within-prompt pair (see :mod:`._pairwise`) and ranks by
Copeland scores or Bradley-Terry log-strengths (see :mod:`._aggregate`).

Knockout is single elimination in candidate order: round 1 pairs candidates 1-2, 3-4,
...; an odd one out gets a bye; winners advance in order. A match is judged in one or
both presentation orders (``orders``), so a prompt with n candidates needs n - 1
matches and at most 2 (n - 1) comparisons per judge and sample. The match winner has
more comparison wins (a tie counts half); an even match, including one whose verdicts
all failed to parse, goes to the candidate earlier in candidate order (deterministic;
with both orders, neither candidate had a position advantage). Rounds run across all
prompts at once, so each round is one set of batches.

Scores: a candidate eliminated in round r scores r; the winner scores R + 1, where R
is the number of rounds its prompt played. A prompt with one candidate has no matches
and no scores. Knockout records no per-sample scores (the bracket depends on the
combined verdicts, so a sample alone does not define one).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ..contract import TournamentProtocol
from ._context import Prompt, RunContext
from ._pairwise import (
    Judged,
    Presentation,
    RoundRobin,
    comparison_rows,
    judge_presentations,
    pair_presentations,
    round_robin,
)

__all__ = ["KnockoutResult", "knockout", "run_tournament"]


@dataclass(frozen=True)
class KnockoutResult:
    """Elimination-round scores and the comparisons played."""

    scores: dict[int, float | None]
    comparisons: list[dict[str, Any]]


def _match_winner(a: int, b: int, judged: Sequence[Judged]) -> int:
    points = {a: 0.0, b: 0.0}
    for item in judged:
        pres = item.presentation
        if item.winner == "first":
            points[pres.first] += 1
        elif item.winner == "second":
            points[pres.second] += 1
        elif item.winner == "tie":
            points[a] += 0.5
            points[b] += 0.5
    return b if points[b] > points[a] else a


def knockout(
    ctx: RunContext, prompts: Sequence[Prompt], protocol: TournamentProtocol, *, template: str
) -> KnockoutResult:
    """Run single-elimination brackets for every prompt (see the module docstring)."""
    used = set(ctx.loaded.contract.prompt.variables)
    alive = {p.prompt_id: list(p.rows) for p in prompts}
    eliminated: dict[int, int] = {}
    rounds = {p.prompt_id: 0 for p in prompts}
    comparisons: list[dict[str, Any]] = []
    rnd = 0
    while any(len(v) > 1 for v in alive.values()):
        rnd += 1
        matches: list[tuple[Any, int, int]] = []
        for prompt in prompts:
            field = alive[prompt.prompt_id]
            if len(field) > 1:
                rounds[prompt.prompt_id] = rnd
                matches.extend(
                    (prompt.prompt_id, field[i], field[i + 1]) for i in range(0, len(field) - 1, 2)
                )
        items: list[Presentation] = []
        for pid, a, b in matches:
            items.extend(pair_presentations(pid, a, b, protocol.orders, round=rnd))
        judged = judge_presentations(
            ctx,
            items,
            template=template,
            labels=protocol.labels,
            allow_tie=protocol.allow_tie,
            used=used,
            stage="judge",
        )
        comparisons.extend(comparison_rows(ctx, judged, with_strength=False))
        per_match: dict[tuple[int, int], list[Judged]] = {}
        for item in judged:
            key = tuple(sorted((item.presentation.first, item.presentation.second)))
            per_match.setdefault((key[0], key[1]), []).append(item)
        winners: dict[tuple[Any, int], int] = {}
        for pid, a, b in matches:
            winner = _match_winner(a, b, per_match[(min(a, b), max(a, b))])
            eliminated[b if winner == a else a] = rnd
            winners[(pid, a)] = winner
        for prompt in prompts:
            field = alive[prompt.prompt_id]
            if len(field) > 1:
                nxt = [winners[(prompt.prompt_id, field[i])] for i in range(0, len(field) - 1, 2)]
                if len(field) % 2:
                    nxt.append(field[-1])
                alive[prompt.prompt_id] = nxt
    scores: dict[int, float | None] = {}
    for prompt in prompts:
        for pos in prompt.rows:
            if len(prompt.rows) < 2:
                scores[pos] = None
            elif pos in eliminated:
                scores[pos] = float(eliminated[pos])
            else:
                scores[pos] = float(rounds[prompt.prompt_id] + 1)
    return KnockoutResult(scores, comparisons)


def run_tournament(
    ctx: RunContext, prompts: Sequence[Prompt], protocol: TournamentProtocol, *, template: str
) -> RoundRobin:
    """Round robin or knockout, as the protocol says (knockout has no per-sample scores)."""
    if protocol.format == "knockout":
        result = knockout(ctx, prompts, protocol, template=template)
        return RoundRobin(result.scores, {}, result.comparisons)
    return round_robin(
        ctx,
        prompts,
        template=template,
        labels=protocol.labels,
        allow_tie=protocol.allow_tie,
        orders=protocol.orders,
        ranking=protocol.ranking,
    )
