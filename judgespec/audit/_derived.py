"""Selection scores derived from pairwise verdicts (a judge that compared, not scored).

A prompt whose candidates carry no judge score at all, but which has comparisons, gets
each candidate's selection score from its comparisons with
:func:`judgespec._ranking.rank_candidates`, the ranking code the judge engine
uses for live pairwise and tournament contracts:

``win_share`` (default; the pairwise protocol)
    ``(W + T/2) / (W + T + L)`` over the candidate's parsed comparisons, both slots.
``copeland`` / ``bradley_terry`` (round-robin tournament)
    pairs won minus pairs lost (pair result by majority); Bradley-Terry log-strengths.
``knockout`` (tournament knockout)
    the bracket in candidate order replayed from its matches (elimination round).

A candidate none of whose comparisons was parsed gets no score (it cannot be picked;
a prompt left with no score is an abstention). Ties of the derived scores go through
the audit's tie policy like any other tie: with two candidates judged in both orders,
an inconsistent pair ties, so the ``expected`` policy gives it credit 1/2.
"""

from __future__ import annotations

import dataclasses
import math
from typing import cast

import numpy as np

from .._errors import AuditDataError
from .._ranking import RANKINGS, Ranking, Verdict, rank_candidates
from ._groups import group_sum
from ._pairwise import Presentations, resolve
from ._table import WINNER_FIRST, WINNER_SECOND, WINNER_TIE, CandidatesTable, ComparisonsTable

__all__ = ["derive_selection_scores"]

_VERDICT: dict[int, Verdict | None] = {
    WINNER_FIRST: "first",
    WINNER_SECOND: "second",
    WINNER_TIE: "tie",
}


def derive_selection_scores(
    candidates: CandidatesTable,
    comparisons: ComparisonsTable,
    *,
    ranking: str = "win_share",
) -> CandidatesTable:
    """The candidates table with judge scores derived from comparisons where it has none.

    Args:
        candidates: The candidates table. Prompts with at least one judge score keep their
            scores.
        comparisons: Pairwise verdicts on the same candidates; every row must name a known
            candidate (:class:`~judgespec.AuditDataError` otherwise).
        ranking: ``win_share`` (default), ``copeland``, ``bradley_terry`` or ``knockout``;
            see the module docstring.

    Returns:
        A copy whose ``judge`` column holds the derived score of every candidate of a
        prompt without judge scores that has comparisons (NaN where the candidate has no
        parsed comparison). Every other column is unchanged.
    """
    if ranking not in RANKINGS:
        raise ValueError(f"ranking must be one of {', '.join(RANKINGS)}; got {ranking!r}")
    pres = resolve(candidates, comparisons)
    return derive_from_presentations(candidates, comparisons, pres, cast(Ranking, ranking))


def derive_from_presentations(
    candidates: CandidatesTable,
    comparisons: ComparisonsTable,
    pres: Presentations,
    ranking: Ranking,
) -> CandidatesTable:
    """:func:`derive_selection_scores` on comparisons already resolved to table rows."""
    P = candidates.n_prompts
    judged = group_sum(candidates.row_prompt, ~np.isnan(candidates.judge), P)
    unscored = judged == 0
    ids = candidates.candidate_ids
    results: dict[int, list[tuple[str, str, Verdict | None]]] = {}
    for p, a, b, code in zip(
        pres.pid.tolist(), pres.first.tolist(), pres.second.tolist(), pres.winner.tolist(), strict=True
    ):
        if unscored[p]:
            results.setdefault(p, []).append((str(ids[a]), str(ids[b]), _VERDICT.get(code)))
    if not results:
        return candidates
    judge = np.array(candidates.judge, dtype=np.float64)
    offsets = candidates.offsets
    for p, prompt_results in results.items():
        rows = list(range(int(offsets[p]), int(offsets[p + 1])))
        try:
            scores = rank_candidates([str(c) for c in ids[rows]], prompt_results, ranking)
        except ValueError as exc:
            raise AuditDataError(
                f"{comparisons.source}: prompt {candidates.prompt_ids[p]!r}: {exc}"
            ) from None
        judge[rows] = [math.nan if s is None else s for s in scores]
    judge.setflags(write=False)
    return dataclasses.replace(candidates, judge=judge)
