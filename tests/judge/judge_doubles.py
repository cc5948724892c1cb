"""Judge backend doubles for the engine tests (no model, deterministic).

Candidate responses carry a quality marker ``q=N``; the scripted judge reads the
markers from the rendered prompt, as a real judge reads the responses.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import yaml

from judgespec.contract import LoadedContract, load_contract_text
from judgespec.judge import GenerateRequest, Generation, TokenScoreRequest, request_hash

_Q = re.compile(r"q=(\d)")


def quality_markers(request: GenerateRequest | TokenScoreRequest) -> list[int]:
    """The ``q=N`` markers in the request's last (user) message, in order."""
    return [int(x) for x in _Q.findall(request.messages[-1].content)]


_T = re.compile(r"t=(\d)")


def tie_markers(request: GenerateRequest | TokenScoreRequest) -> list[int]:
    """The ``t=N`` markers (a finer quality that only breaks ties) in the last message."""
    return [int(x) for x in _T.findall(request.messages[-1].content)]


def default_verdict(request: GenerateRequest) -> str:
    """Pointwise: ``Score: q``; pairwise: the label of the higher ``(q, t)`` (``[[C]]`` if equal)."""
    marks = quality_markers(request)
    ties = tie_markers(request)
    if len(marks) >= 2:
        a = (marks[0], ties[0] if len(ties) >= 2 else 0)
        b = (marks[1], ties[1] if len(ties) >= 2 else 0)
        return "Verdict: [[A]]" if a > b else "Verdict: [[B]]" if b > a else "Verdict: [[C]]"
    return f"Score: {marks[0]}" if marks else "I cannot tell."


def default_logprobs(request: TokenScoreRequest) -> dict[str, float]:
    """Digits peak at ``q + t/10``; other tokens (labels) at ``-1`` for the first, ``-2`` else."""
    marks = quality_markers(request)
    ties = tie_markers(request)
    q = (marks[0] if marks else 3) + (ties[0] / 10 if ties else 0.0)
    out = {}
    for n, c in enumerate(request.candidates):
        out[c] = -abs(float(c) - q) - 0.5 if c.isdigit() else -1.0 - n
    return out


class ScriptedJudge:
    """A counting judge double: ``script(request) -> text``; logprobs peak at ``q``."""

    name = "scripted"

    def __init__(
        self,
        script: Callable[[GenerateRequest], str] = default_verdict,
        *,
        scores: Callable[[TokenScoreRequest], dict[str, float]] = default_logprobs,
        batch_size: int = 4,
        delay: float = 0.0,
        log: Path | None = None,
    ) -> None:
        self.script = script
        self.scores = scores
        self.batch_size = batch_size
        self.delay = delay
        self.log = log
        self.requests: list[GenerateRequest | TokenScoreRequest] = []
        self.batches = 0

    @property
    def calls(self) -> int:
        """Requests answered so far."""
        return len(self.requests)

    def _note(self, requests: Sequence[GenerateRequest | TokenScoreRequest]) -> None:
        self.requests.extend(requests)
        self.batches += 1
        if self.delay:
            time.sleep(self.delay)
        if self.log is not None:
            with self.log.open("a", encoding="utf-8") as fh:
                for r in requests:
                    fh.write(json.dumps([request_hash(r), r.sample]) + "\n")

    def generate(self, requests: Sequence[GenerateRequest]) -> list[Generation]:
        self._note(requests)
        return [Generation(text=self.script(r), tokens=4) for r in requests]

    def score_next_tokens(self, requests: Sequence[TokenScoreRequest]) -> list[dict[str, float]]:
        self._note(requests)
        return [self.scores(r) for r in requests]


BASE: dict[str, Any] = {
    "spec_version": 1,
    "name": "test-judge",
    "version": "1.0.0",
    "judge": {"model": "double", "backend": "replay", "allow_unpinned": True},
}

POINTWISE_TEMPLATE = "Question: {{ prompt }}\nResponse: {{ response }}\nAnswer 'Score: N' (1-5)."
PAIR_TEMPLATE = (
    "Question: {{ prompt }}\n[A] {{ response_a }}\n[B] {{ response_b }}\n"
    "Answer [[A]], [[B]] or [[C]] for a tie."
)


def contract(
    protocol: dict[str, Any], *, template: str | None = None, **extra: Any
) -> LoadedContract:
    """A test contract: ``protocol`` plus any top-level overrides (judge, samples, ...)."""
    kind = protocol["kind"]
    pointwise = kind in ("pointwise", "logprob")
    text = template or (POINTWISE_TEMPLATE if pointwise else PAIR_TEMPLATE)
    variables = ["prompt", "response"] if pointwise else ["prompt", "response_a", "response_b"]
    data = {
        **BASE,
        "protocol": protocol,
        "prompt": {"template": text, "variables": variables},
        **extra,
    }
    return load_contract_text(yaml.safe_dump(data, sort_keys=False), name="<test>")


POINTWISE = {"kind": "pointwise", "scale": {"min": 1, "max": 5}}
LOGPROB = {"kind": "logprob", "scale": {"min": 1, "max": 5}}
PAIRWISE = {"kind": "pairwise"}


def rows(qualities: Sequence[Sequence[int | tuple[int, int]]]) -> list[dict[str, Any]]:
    """Candidates rows: prompt p, candidate c with response quality ``qualities[p][c]``.

    A quality ``(q, t)`` adds the tie-breaking marker ``t=N`` to the response.
    """
    out = []
    for p, qs in enumerate(qualities):
        for c, quality in enumerate(qs):
            q, t = quality if isinstance(quality, tuple) else (quality, None)
            marker = f"q={q}" + (f" t={t}" if t is not None else "")
            out.append(
                {
                    "prompt_id": f"p{p}",
                    "candidate_id": f"c{c}",
                    "prompt": f"Question number {p}?",
                    "response": f"Answer {c} of prompt {p}, {marker}.",
                    "oracle": float(q) + (t or 0) / 10,
                    "meta": {"i": c},
                }
            )
    return out
