"""The tournament protocol: round robin (Copeland or Bradley-Terry) or knockout.

Round robin judges every within-prompt pair (see :mod:`._pairwise`) and ranks by
Copeland scores or Bradley-Terry log-strengths (see :mod:`judgespec._ranking`).

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

from ..._ranking import knockout_scores, match_winner
from ...contract import TournamentProtocol
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
from ._parse import Verdict

__all__ = ["KnockoutResult", "knockout", "run_tournament"]


@dataclass(frozen=True)
class KnockoutResult:
    """Elimination-round scores and the comparisons played."""

    scores: dict[int, float | None]
    comparisons: list[dict[str, Any]]


def _results(judged: Sequence[Judged]) -> list[tuple[int, int, Verdict | None]]:
    return [(m.presentation.first, m.presentation.second, m.winner) for m in judged]


def knockout(
    ctx: RunContext, prompts: Sequence[Prompt], protocol: TournamentProtocol, *, template: str
) -> KnockoutResult:
    """Run single-elimination brackets for every prompt (see the module docstring)."""
    used = set(ctx.loaded.contract.prompt.variables)
    alive = {p.prompt_id: list(p.rows) for p in prompts}
    results: dict[Any, list[tuple[int, int, Verdict | None]]] = {}
    comparisons: list[dict[str, Any]] = []
    rnd = 0
    while any(len(v) > 1 for v in alive.values()):
        rnd += 1
        matches: list[tuple[Any, int, int]] = []
        for prompt in prompts:
            field = alive[prompt.prompt_id]
            if len(field) > 1:
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
            played = per_match[(min(a, b), max(a, b))]
            results.setdefault(pid, []).extend(_results(played))
            winners[(pid, a)] = match_winner(a, b, _results(played))
        for prompt in prompts:
            field = alive[prompt.prompt_id]
            if len(field) > 1:
                nxt = [winners[(prompt.prompt_id, field[i])] for i in range(0, len(field) - 1, 2)]
                if len(field) % 2:
                    nxt.append(field[-1])
                alive[prompt.prompt_id] = nxt
    scores: dict[int, float | None] = {}
    for prompt in prompts:
        # the bracket's scores come from the one ranking code the audit also uses
        ranked = knockout_scores(prompt.rows, results.get(prompt.prompt_id, []))
        scores.update(zip(prompt.rows, ranked, strict=True))
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
