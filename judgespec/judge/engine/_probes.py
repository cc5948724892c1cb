"""Intervention probes: perturb one candidate per sampled prompt and judge it again.

A contract's ``probes`` section (:class:`judgespec.contract.Probes`) names the probes,
the number of prompts they run on and a seed. :func:`run_probes` draws that many
prompts (those with two or more candidates, without replacement; all of them when
fewer) and, per prompt, one **target** candidate, both with
``numpy.random.default_rng(seed)``. Each probe then judges the prompt twice through
the engine (:func:`judgespec.judge.judge_candidates`, so the contract's protocol, tie
policy and judge cache apply unchanged):

- ``verbosity``, ``injection``, ``formatting``: the original candidates, and the same
  candidates with the target's response perturbed (:func:`perturb`); every other
  candidate is presented exactly as before. The perturbed requests differ from the
  original ones, so their cache keys differ too; the unchanged requests are sent once.
- ``position`` (pairwise and tournament protocols): with one presentation order per
  pair, the target listed first (it is the first response, ``response_a``, in each of
  its pairs) and then last (it is always ``response_b``). The other pairs are presented
  identically both times.

Each probe yields, per prompt, the candidates' judge scores before and after (win shares
under comparative protocols) and, per comparison of the target with another candidate,
whether the target was preferred before and after: from the two comparisons' verdicts
(same presentation; parse failures left out), or for pointwise and logprob protocols
from the scores (the target preferred when it scores strictly higher). The statistics
are in :mod:`judgespec.audit._probes`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from itertools import cycle, islice
from typing import Any

import numpy as np

from ...contract import LoadedContract, ProbeSpec
from ...contract._model import FormattingProbe, InjectionProbe, PositionProbe, VerbosityProbe
from ..backends._backend import JudgeBackend
from ._cache import JudgeCache
from ._engine import group_prompts, judge_candidates

__all__ = [
    "ProbePrompt",
    "ProbeRun",
    "ProbeRuns",
    "describe_probe",
    "perturb",
    "run_probes",
]

COMPARATIVE = frozenset({"pairwise", "tournament"})

_MD_LINE = re.compile(r"^\s*(?:#{1,6}\s+|[-*+]\s+|\d+[.)]\s+|>\s?)")
_MD_INLINE = re.compile(r"\*\*|__|(?<!\w)[*_](?=\S)|(?<=\S)[*_](?!\w)|`")


@dataclass(frozen=True)
class ProbePrompt:
    """One sampled prompt of one probe: scores and target preferences before and after."""

    prompt_id: Any
    target: Any
    """The perturbed (or moved) candidate's id."""
    before: dict[str, float | None]
    """Judge score by candidate id (JSON text of the id), original presentation."""
    after: dict[str, float | None]
    """Judge score by candidate id, perturbed presentation."""
    pairs: tuple[tuple[bool, bool], ...]
    """Per comparison of the target with another candidate: (target preferred before, after)."""


@dataclass(frozen=True)
class ProbeRun:
    """One probe's judged prompts."""

    kind: str
    description: str
    prompts: tuple[ProbePrompt, ...]
    pairs_from: str
    """``verdicts`` (comparisons) or ``scores`` (implied by pointwise scores)."""


@dataclass(frozen=True)
class ProbeRuns:
    """Every probe of a contract, with the judge calls the probes needed."""

    probes: tuple[ProbeRun, ...]
    sampled: int
    """Prompts drawn."""
    judgments: int
    model_calls: int
    cache_hits: int
    seed: int


def describe_probe(spec: ProbeSpec) -> str:
    """A short human description of a probe."""
    if isinstance(spec, VerbosityProbe):
        return f"{spec.words} words of filler appended"
    if isinstance(spec, InjectionProbe):
        return f"judge-directed instruction appended ({len(spec.text.split())} words)"
    if isinstance(spec, FormattingProbe):
        return (
            "rewritten as markdown bullets"
            if spec.style == "markdown"
            else "markdown markers removed"
        )
    return "target presented second instead of first"


def perturb(response: str, spec: ProbeSpec) -> str:
    """The perturbed response of a content probe (deterministic).

    ``verbosity``: the response, a blank line, then ``words`` words of ``filler``
    (cycled word by word); ``injection``: the response, a blank line, the instruction;
    ``formatting`` ``markdown``: ``**Response**``, a blank line, each non-empty line as a
    ``- `` bullet; ``plain``: headings, bullets, numbering, quotes, emphasis and code
    ticks removed. ``position`` does not change text.
    """
    if isinstance(spec, VerbosityProbe):
        filler = " ".join(islice(cycle(spec.filler.split()), spec.words))
        return f"{response.rstrip()}\n\n{filler}"
    if isinstance(spec, InjectionProbe):
        return f"{response.rstrip()}\n\n{spec.text}"
    if isinstance(spec, FormattingProbe):
        lines = [line.strip() for line in response.splitlines() if line.strip()]
        if spec.style == "markdown":
            return "**Response**\n\n" + "\n".join(f"- {line}" for line in lines)
        return "\n".join(_MD_INLINE.sub("", _MD_LINE.sub("", line)) for line in lines)
    if isinstance(spec, PositionProbe):
        return response
    raise TypeError(f"unknown probe {spec!r}")  # pragma: no cover - the contract forbids it


def _key(value: Any) -> str:
    return json.dumps(value, sort_keys=True)


def _sample(
    rows: Sequence[Mapping[str, Any]], sample: int, seed: int
) -> list[tuple[Any, list[int], int]]:
    """``(prompt_id, row positions, target position)`` of the sampled prompts, in input order."""
    eligible = [
        p
        for p in group_prompts(rows)
        if len(p.rows) >= 2 and all(isinstance(rows[r].get("response"), str) for r in p.rows)
    ]
    rng = np.random.default_rng(seed)
    k = min(sample, len(eligible))
    chosen = sorted(int(x) for x in rng.choice(len(eligible), size=k, replace=False)) if k else []
    out = []
    for x in chosen:
        prompt = eligible[x]
        target = prompt.rows[int(rng.integers(len(prompt.rows)))]
        out.append((prompt.prompt_id, list(prompt.rows), target))
    return out


def _tag(kind: str, prompt_id: Any) -> str:
    """The prompt id a probe's presentation of a prompt is judged under (``probe:<kind>:<id JSON>``)."""
    return f"probe:{kind}:{_key(prompt_id)}"


class _Index:
    """A judge output's scores and comparisons grouped by prompt (looked up per prompt)."""

    def __init__(
        self, judged: Sequence[Mapping[str, Any]], comparisons: Sequence[Mapping[str, Any]]
    ) -> None:
        self._scores: dict[str, dict[str, float | None]] = {}
        for r in judged:
            self._scores.setdefault(_key(r["prompt_id"]), {})[_key(r["candidate_id"])] = r.get(
                "judge_score"
            )
        self._comparisons: dict[str, list[Mapping[str, Any]]] = {}
        for c in comparisons:
            self._comparisons.setdefault(_key(c["prompt_id"]), []).append(c)

    def scores(self, prompt_id: Any) -> dict[str, float | None]:
        """Judge score by candidate id (JSON text) of one prompt."""
        return dict(self._scores.get(_key(prompt_id), {}))

    def verdicts(self, prompt_id: Any, target: str) -> dict[tuple[str, str], bool]:
        """Target preferred, by presentation (first id, second id), for the target's parsed comparisons."""
        out: dict[tuple[str, str], bool] = {}
        for c in self._comparisons.get(_key(prompt_id), []):
            if c.get("winner") is None:
                continue
            first, second = _key(c["first_id"]), _key(c["second_id"])
            if target not in (first, second):
                continue
            winner = (
                first if c["winner"] == "first" else second if c["winner"] == "second" else None
            )
            out[(first, second)] = winner == target
        return out


def _implied_pairs(
    before: Mapping[str, float | None], after: Mapping[str, float | None], target: str
) -> tuple[tuple[bool, bool], ...]:
    out = []
    for other in before:
        if other == target:
            continue
        values = (before[target], before[other], after.get(target), after.get(other))
        if any(v is None for v in values):
            continue
        tb, ob, ta, oa = (float(v) for v in values if v is not None)
        out.append((tb > ob, ta > oa))
    return tuple(out)


def run_probes(
    loaded: LoadedContract,
    rows: Sequence[Mapping[str, Any]],
    *,
    backend: JudgeBackend | None = None,
    cache: JudgeCache | None = None,
    progress: bool = False,
) -> ProbeRuns:
    """Run the contract's probes on a seeded sample of ``rows`` (candidates-table rows).

    Raises ``ValueError`` when the contract declares no probes. ``backend`` and
    ``cache`` are passed to :func:`judgespec.judge.judge_candidates`.
    """
    probes = loaded.contract.probes
    if probes is None:
        raise ValueError("the contract declares no probes")
    protocol = loaded.contract.protocol
    comparative = protocol.kind in COMPARATIVE
    base = [dict(r) for r in rows]
    sampled = _sample(base, probes.sample, probes.seed)
    content = [p for p in probes.run if not isinstance(p, PositionProbe)]
    results: dict[str, ProbeRun] = {}
    judgments = model_calls = cache_hits = 0

    if content and sampled:
        table: list[dict[str, Any]] = []
        for pid, positions, target in sampled:
            table.extend(base[r] for r in positions)
            for spec in content:
                for r in positions:
                    row = dict(base[r], prompt_id=_tag(spec.kind, pid))
                    if r == target:
                        row["response"] = perturb(str(row["response"]), spec)
                    table.append(row)
        out = judge_candidates(loaded, table, backend=backend, cache=cache, progress=progress)
        judgments += out.stats.judgments
        model_calls += out.stats.model_calls
        cache_hits += out.stats.cache_hits
        index = _Index(out.candidates, out.comparisons)
        for spec in content:
            items = []
            for pid, _positions, target in sampled:
                tkey = _key(base[target]["candidate_id"])
                before = index.scores(pid)
                after = index.scores(_tag(spec.kind, pid))
                if comparative:
                    vb = index.verdicts(pid, tkey)
                    va = index.verdicts(_tag(spec.kind, pid), tkey)
                    pairs = tuple((vb[k], va[k]) for k in vb if k in va)
                else:
                    pairs = _implied_pairs(before, after, tkey)
                items.append(ProbePrompt(pid, base[target]["candidate_id"], before, after, pairs))
            results[spec.kind] = ProbeRun(
                spec.kind,
                describe_probe(spec),
                tuple(items),
                "verdicts" if comparative else "scores",
            )

    position = next((p for p in probes.run if isinstance(p, PositionProbe)), None)
    if position is not None and sampled:
        single = replace(
            loaded,
            contract=loaded.contract.model_copy(
                update={"protocol": protocol.model_copy(update={"orders": "single"})}
            ),
        )
        table = []
        for pid, positions, target in sampled:
            others = [r for r in positions if r != target]
            table.extend(
                dict(base[r], prompt_id=_tag("position-first", pid)) for r in [target, *others]
            )
            table.extend(
                dict(base[r], prompt_id=_tag("position-second", pid)) for r in [*others, target]
            )
        out = judge_candidates(single, table, backend=backend, cache=cache, progress=progress)
        judgments += out.stats.judgments
        model_calls += out.stats.model_calls
        cache_hits += out.stats.cache_hits
        index = _Index(out.candidates, out.comparisons)
        items = []
        for pid, _positions, target in sampled:
            tkey = _key(base[target]["candidate_id"])
            first, second = _tag("position-first", pid), _tag("position-second", pid)
            ub = {frozenset(k): v for k, v in index.verdicts(first, tkey).items()}
            ua = {frozenset(k): v for k, v in index.verdicts(second, tkey).items()}
            pairs = tuple((ub[k], ua[k]) for k in ub if k in ua)
            items.append(
                ProbePrompt(
                    pid,
                    base[target]["candidate_id"],
                    index.scores(first),
                    index.scores(second),
                    pairs,
                )
            )
        results["position"] = ProbeRun(
            "position", describe_probe(position), tuple(items), "verdicts"
        )

    pairs_from = "verdicts" if comparative else "scores"
    ordered = tuple(
        results.get(p.kind, ProbeRun(p.kind, describe_probe(p), (), pairs_from)) for p in probes.run
    )
    return ProbeRuns(ordered, len(sampled), judgments, model_calls, cache_hits, probes.seed)
