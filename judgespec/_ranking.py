"""Aggregation and ranking: repeated samples, panels, and pairwise comparisons into scores.

Everything here is pure computation over small arrays (no model, no I/O). It stands
below both the judge engine (which ranks live comparisons) and the audit (which ranks
recorded ones), so neither imports the other for it.

Repeated samples and panel judges
    ``mean`` and ``median`` as usual; ``majority``: the most frequent value, and when
    several values are equally frequent, the mean of those modal values (symmetric, no
    random tie-break, and never a value outside the modal ones' range). Parse failures
    (``None``) are left out; when every value failed the aggregate is ``None``.
Pairwise verdicts
    ``first`` = +1, ``second`` = -1, ``tie`` = 0. ``mean`` and ``median`` take the sign of
    the mean or median; ``majority`` takes the most frequent verdict, and a tie between
    the most frequent verdicts is a ``tie``.
Win share (the pairwise protocol's candidate score)
    ``(W + T/2) / (W + T + L)`` over a candidate's parsed comparisons, in both
    presentation slots: a Copeland-style score on the comparisons rather than the pairs.
Copeland (Copeland 1951; round-robin tournaments, escalation)
    A pair's result is the majority of its comparisons (ties count half to each side);
    ``C_i = #{j : i beats j} - #{j : j beats i}``.
Bradley-Terry (Bradley & Terry 1952), fitted with Hunter's MM algorithm (Hunter 2004,
"MM algorithms for generalized Bradley-Terry models", Ann. Statist. 32(1)):
    ``P(i beats j) = p_i / (p_i + p_j)``. Each candidate also plays ``prior`` virtual
    wins and ``prior`` virtual losses against a fixed reference of strength 1, a small
    prior that keeps the maximum finite (and the iteration convergent) when a record is
    perfect. With ``W_i`` wins (ties count half), ``n_ij`` comparisons between i and j
    and ``a`` the prior, one MM step is::

        p_i <- (W_i + a) / (sum_j n_ij / (p_i + p_j) + 2 a / (p_i + 1))

    The score is ``log p_i``.
Ranking a prompt's candidates (:func:`rank_candidates`, one implementation for the live
engine and for recorded comparisons)
    ``win_share`` (the pairwise protocol), ``copeland`` or ``bradley_terry`` (a round-robin
    tournament) from the prompt's comparisons; ``knockout`` replays a single-elimination
    bracket in candidate order (:func:`knockout_scores`). A candidate without a parsed
    comparison gets ``None`` (never a default score).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from typing import Literal, TypeVar

import numpy as np
from numpy.typing import NDArray

__all__ = [
    "RANKINGS",
    "Aggregation",
    "Ranking",
    "Verdict",
    "aggregate_values",
    "aggregate_verdicts",
    "bradley_terry",
    "competition_ranks",
    "copeland",
    "knockout_scores",
    "match_winner",
    "rank_candidates",
    "separate_top",
    "top_group",
    "win_matrix",
    "win_share",
]

Aggregation = Literal["mean", "median", "majority"]
"""How repeated samples or panel judges combine."""

Verdict = Literal["first", "second", "tie"]
"""A pairwise verdict in presentation order."""

Ranking = Literal["win_share", "copeland", "bradley_terry", "knockout"]
"""How a prompt's comparisons become candidate scores (see :func:`rank_candidates`)."""

RANKINGS: tuple[str, ...] = ("win_share", "copeland", "bradley_terry", "knockout")
"""The names :data:`Ranking` allows, in documentation order."""

Position = TypeVar("Position")

_SIGN: dict[Verdict, int] = {"first": 1, "second": -1, "tie": 0}


def aggregate_values(values: Sequence[float | None], how: Aggregation) -> float | None:
    """Combine repeated samples (or panel judges); ``None`` values are parse failures."""
    parsed = [v for v in values if v is not None]
    if not parsed:
        return None
    if how == "mean":
        return float(np.mean(parsed))
    if how == "median":
        return float(np.median(parsed))
    counts = Counter(parsed)
    top = max(counts.values())
    modes = [v for v, n in counts.items() if n == top]
    return float(np.mean(modes))


def _verdict_of_sign(value: float) -> Verdict:
    if value > 0:
        return "first"
    if value < 0:
        return "second"
    return "tie"


def aggregate_verdicts(verdicts: Sequence[Verdict | None], how: Aggregation) -> Verdict | None:
    """Combine pairwise verdicts of repeated samples or panel judges (``None``: failure)."""
    parsed = [v for v in verdicts if v is not None]
    if not parsed:
        return None
    if how == "majority":
        counts = Counter(parsed)
        top = max(counts.values())
        modes = [v for v, n in counts.items() if n == top]
        return modes[0] if len(modes) == 1 else "tie"
    signs = [_SIGN[v] for v in parsed]
    center = float(np.mean(signs)) if how == "mean" else float(np.median(signs))
    return _verdict_of_sign(center)


def win_matrix(
    n: int, results: Sequence[tuple[int, int, Verdict | None]]
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """``(wins, games)`` from comparisons ``(first, second, verdict)`` between indices < n.

    ``wins[i, j]`` counts i's wins over j (a tie adds 1/2 to both), ``games[i, j]`` the
    parsed comparisons between them; comparisons with a ``None`` verdict are left out.
    """
    wins = np.zeros((n, n))
    games = np.zeros((n, n))
    for a, b, verdict in results:
        if verdict is None:
            continue
        games[a, b] += 1
        games[b, a] += 1
        if verdict == "first":
            wins[a, b] += 1
        elif verdict == "second":
            wins[b, a] += 1
        else:
            wins[a, b] += 0.5
            wins[b, a] += 0.5
    return wins, games


def win_share(wins: NDArray[np.float64], games: NDArray[np.float64]) -> list[float | None]:
    """``(W + T/2) / (W + T + L)`` per candidate; ``None`` without a parsed comparison."""
    out: list[float | None] = []
    for i in range(wins.shape[0]):
        played = float(games[i].sum())
        out.append(float(wins[i].sum()) / played if played else None)
    return out


def copeland(wins: NDArray[np.float64], games: NDArray[np.float64]) -> list[float | None]:
    """Copeland scores: pairs won minus pairs lost (pair result by majority of comparisons).

    ``None`` for a candidate without any parsed comparison.
    """
    n = wins.shape[0]
    out: list[float | None] = []
    for i in range(n):
        if not games[i].sum():
            out.append(None)
            continue
        score = 0.0
        for j in range(n):
            if j != i and games[i, j]:
                score += float(np.sign(wins[i, j] - wins[j, i]))
        out.append(score)
    return out


def bradley_terry(
    wins: NDArray[np.float64],
    *,
    prior: float = 0.5,
    tol: float = 1e-10,
    max_iter: int = 10_000,
) -> NDArray[np.float64]:
    """Bradley-Terry log-strengths by Hunter's MM algorithm with a reference-player prior.

    ``wins[i, j]`` is the number of times i beat j (ties add 1/2 to both). See the
    module docstring for the model, the prior and the update. Returns ``log p``.
    """
    if prior <= 0:
        raise ValueError("prior must be positive")
    w = np.asarray(wins, dtype=float)
    n = w.shape[0]
    games = w + w.T
    won = w.sum(axis=1) + prior
    p = np.ones(n)
    for _ in range(max_iter):
        denom = (games / (p[:, None] + p[None, :])).sum(axis=1) + 2 * prior / (p + 1)
        new = won / denom
        if np.max(np.abs(np.log(new) - np.log(p))) < tol:
            p = new
            break
        p = new
    return np.log(p)


def competition_ranks(values: Sequence[float]) -> list[int]:
    """Rank 1 = largest; equal values share the better rank ("1224" ranking)."""
    return [1 + sum(1 for other in values if other > v) for v in values]


def top_group(scores: Sequence[float | None], margin: float) -> list[int]:
    """Indices whose score is within ``margin`` of the maximum (the tied top)."""
    parsed = [s for s in scores if s is not None]
    if not parsed:
        return []
    top = max(parsed)
    return [i for i, s in enumerate(scores) if s is not None and s >= top - margin - 1e-12]


def separate_top(
    scores: Sequence[float | None],
    group: Sequence[int],
    evidence: Sequence[float],
    *,
    scale_min: float,
    resolution: float = 1.0,
) -> tuple[list[float | None], list[int]]:
    """Separate a tied top group by tie-break evidence, staying on the scale.

    Members are ranked by ``evidence`` (larger is better; equal evidence shares a rank).
    With ``top`` the group's best score, ``k`` its size, ``r`` a member's rank and
    ``delta = min(resolution, gap) / 2`` where ``gap`` is the distance from ``top`` to
    the best score outside the group, a member's new score is::

        top - delta * (r - 1) / k

    so the winner keeps ``top``, every member stays above every non-member, and members
    with equal evidence stay tied. When ``top - delta`` would fall below the scale's
    minimum, the members move up instead: ``top + delta * (k - r) / k``.
    Returns the new scores and the members' ranks (in ``group`` order).
    """
    ranks = competition_ranks(list(evidence))
    members = set(group)
    top = max(s for s in (scores[i] for i in group) if s is not None)
    outside = [s for i, s in enumerate(scores) if i not in members and s is not None]
    gap = top - max(outside) if outside else math.inf
    delta = min(resolution, gap) / 2
    k = len(group)
    new = list(scores)
    for idx, rank in zip(group, ranks, strict=True):
        if top - delta >= scale_min:
            new[idx] = top - delta * (rank - 1) / k
        else:
            new[idx] = top + delta * (k - rank) / k
    return new, ranks


def match_winner(
    a: Position, b: Position, results: Sequence[tuple[Position, Position, Verdict | None]]
) -> Position:
    """The winner of a knockout match between ``a`` (earlier in candidate order) and ``b``.

    ``results`` are the match's comparisons ``(first, second, verdict)``. The winner has
    more comparison wins (a tie counts half to each); an even match, including one whose
    verdicts all failed to parse, goes to ``a`` (deterministic).
    """
    points = {a: 0.0, b: 0.0}
    for first, second, verdict in results:
        if verdict == "first":
            points[first] += 1
        elif verdict == "second":
            points[second] += 1
        elif verdict == "tie":
            points[a] += 0.5
            points[b] += 0.5
    return b if points[b] > points[a] else a


def knockout_scores(
    positions: Sequence[Position],
    results: Sequence[tuple[Position, Position, Verdict | None]],
) -> list[float | None]:
    """Scores of a single-elimination bracket in candidate order, replayed from its matches.

    Round 1 pairs ``positions`` 1-2, 3-4, ...; an odd one out gets a bye; winners (see
    :func:`match_winner`) advance in order. A candidate eliminated in round r scores r;
    the winner scores R + 1 for R rounds played. One candidate: no matches, ``None``.
    Raises ``ValueError`` when a match of the bracket has no comparison in ``results``.
    """
    if len(positions) < 2:
        return [None] * len(positions)
    per_match: dict[frozenset[Position], list[tuple[Position, Position, Verdict | None]]] = {}
    for first, second, verdict in results:
        per_match.setdefault(frozenset((first, second)), []).append((first, second, verdict))
    alive = list(positions)
    eliminated: dict[Position, int] = {}
    rnd = 0
    while len(alive) > 1:
        rnd += 1
        nxt: list[Position] = []
        for i in range(0, len(alive) - 1, 2):
            a, b = alive[i], alive[i + 1]
            played = per_match.get(frozenset((a, b)))
            if played is None:
                raise ValueError(
                    f"knockout round {rnd}: no comparison of {a!r} and {b!r}, a match of the "
                    "bracket in candidate order"
                )
            winner = match_winner(a, b, played)
            eliminated[b if winner == a else a] = rnd
            nxt.append(winner)
        if len(alive) % 2:
            nxt.append(alive[-1])
        alive = nxt
    return [float(eliminated.get(pos, rnd + 1)) for pos in positions]


def rank_candidates(
    positions: Sequence[Position],
    results: Sequence[tuple[Position, Position, Verdict | None]],
    ranking: Ranking,
) -> list[float | None]:
    """Scores of one prompt's candidates (``positions``) from its comparisons.

    ``results`` are ``(first, second, verdict)`` naming members of ``positions``;
    ``verdict`` None is a parse failure (no vote). ``win_share``, ``copeland`` and
    ``bradley_terry`` are the module docstring's formulas; ``knockout`` replays the
    bracket (:func:`knockout_scores`). A candidate without any parsed comparison gets
    ``None`` (under ``knockout``, only a prompt with one candidate). The live engine
    (pairwise and tournament protocols, ``pairwise_escalation``) and the audit of
    recorded comparisons both score through this function.
    """
    if ranking == "knockout":
        return knockout_scores(positions, results)
    index = {p: n for n, p in enumerate(positions)}
    local = [(index[a], index[b], v) for a, b, v in results]
    wins, games = win_matrix(len(positions), local)
    if ranking == "win_share":
        return win_share(wins, games)
    if ranking == "copeland":
        return copeland(wins, games)
    strengths = bradley_terry(wins)
    return [float(s) if games[n].sum() else None for n, s in enumerate(strengths)]
