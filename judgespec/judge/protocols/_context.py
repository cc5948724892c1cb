"""What a protocol step works with: the judge calls it asks for and the run's shared state.

A protocol (pointwise, pairwise, tournament) turns a prompt's candidates into
:class:`Call` objects and reads the :class:`Reply` to each; the engine's runner answers
them (cache, batching, backend), seen here only as a :class:`CallRunner`. So the
protocols stand below the engine that runs them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from ..._ranking import Aggregation, aggregate_values, aggregate_verdicts
from ...contract import JudgeModel, LoadedContract
from ..backends._backend import JudgeRequest, VerdictChoices
from ._parse import ParseFailure, Verdict, verdict_choices

__all__ = ["Call", "CallRunner", "Prompt", "Reply", "RunContext"]


@dataclass(frozen=True)
class Call:
    """One judge call the engine needs."""

    judge: int
    """Index of the judge (0 for a single judge; the panel position otherwise)."""
    stage: str
    """``judge``, ``reference``, ``strength``, ``tie_logprob`` or ``escalation``."""
    prompt_id: Any
    candidate_ids: tuple[Any, ...]
    """Candidates in presentation order."""
    request: JudgeRequest
    order: str | None = None
    """For comparisons: ``original`` (candidate order) or ``swapped``."""
    round: int | None = None
    """Knockout round (1-based)."""

    @property
    def sample(self) -> int:
        """The judge sample index."""
        return self.request.sample


@dataclass(frozen=True)
class Reply:
    """A backend's (or the cache's) answer to a call."""

    call: Call
    request_hash: str
    text: str | None = None
    logprobs: dict[str, float] | None = None
    top_logprobs: list[dict[str, float]] | None = None
    tokens: int = 0


class CallRunner(Protocol):
    """What answers a protocol's calls (the engine's runner)."""

    def run(self, calls: Sequence[Call]) -> list[Reply]:
        """Answer ``calls`` in order."""
        ...


@dataclass(frozen=True)
class Prompt:
    """One prompt's candidates: positions into the run's row list, in input order."""

    prompt_id: Any
    rows: tuple[int, ...]


@dataclass
class RunContext:
    """The loaded contract, the rows, the runner, and the raw judgments collected so far."""

    loaded: LoadedContract
    rows: list[dict[str, Any]]
    prompts: list[Prompt]
    runner: CallRunner
    labels: list[str]
    references: dict[tuple[int, Any], str] = field(default_factory=dict)
    """Judge-written reference answers by (judge index, prompt id)."""
    raw: list[dict[str, Any]] = field(default_factory=list)
    failures: Counter[str] = field(default_factory=Counter)

    @property
    def judges(self) -> list[JudgeModel]:
        """The contract's judges (one, or the panel)."""
        return self.loaded.contract.judges

    @property
    def constraint(self) -> VerdictChoices | None:
        """The verdicts the protocol's judge calls are constrained to (None: free decoding)."""
        return verdict_choices(self.loaded.contract.protocol)

    @property
    def sample_count(self) -> int:
        """Repeated samples per judgment."""
        return self.loaded.contract.samples.count

    @property
    def sample_how(self) -> Aggregation:
        """How repeated samples combine."""
        return self.loaded.contract.samples.aggregation

    @property
    def panel_how(self) -> Aggregation:
        """How panel judges combine (irrelevant with one judge)."""
        panel = self.loaded.contract.panel
        return panel.aggregation if panel is not None else "mean"

    def candidate_id(self, row: int) -> Any:
        """The candidate id of a row position."""
        return self.rows[row].get("candidate_id")

    def reference_for(self, judge: int, prompt_id: Any) -> str | None:
        """The judge-written reference of a prompt, if the policy asks for one."""
        return self.references.get((judge, prompt_id))

    def run(self, calls: Sequence[Call]) -> list[Reply]:
        """Answer calls through the runner."""
        return self.runner.run(calls) if calls else []

    def record(self, reply: Reply, verdict: float | str | ParseFailure | None) -> None:
        """Append the raw judgment of a reply and count a parse failure."""
        call = reply.call
        failure = verdict if isinstance(verdict, ParseFailure) else None
        if failure is not None:
            self.failures[failure.reason] += 1
        self.raw.append(
            {
                "judge": self.labels[call.judge],
                "stage": call.stage,
                "prompt_id": call.prompt_id,
                "candidate_ids": list(call.candidate_ids),
                "order": call.order,
                "round": call.round,
                "sample": call.sample,
                "request_hash": reply.request_hash,
                "output": reply.text,
                "logprobs": reply.logprobs,
                "tokens": reply.tokens,
                "verdict": None if failure is not None else verdict,
                "parse_error": failure.reason if failure is not None else None,
                "parse_detail": (failure.detail or None) if failure is not None else None,
            }
        )

    def combine_values(
        self, per_judge_samples: Sequence[Sequence[float | None]]
    ) -> tuple[float | None, list[float | None]]:
        """Samples then panel: the candidate's score and each judge's score."""
        per_judge = [aggregate_values(s, self.sample_how) for s in per_judge_samples]
        return aggregate_values(per_judge, self.panel_how), per_judge

    def combine_verdicts(
        self, per_judge_samples: Sequence[Sequence[Verdict | None]]
    ) -> Verdict | None:
        """Samples then panel: one comparison's verdict."""
        per_judge = [aggregate_verdicts(s, self.sample_how) for s in per_judge_samples]
        return aggregate_verdicts(per_judge, self.panel_how)

    def sample_verdicts(
        self, per_judge_samples: Sequence[Sequence[Verdict | None]], k: int
    ) -> Verdict | None:
        """Sample ``k``'s verdict, combined over the panel."""
        return aggregate_verdicts([s[k] for s in per_judge_samples], self.panel_how)

    def sample_values(
        self, per_judge_samples: Sequence[Sequence[float | None]], k: int
    ) -> float | None:
        """Sample ``k``'s score, combined over the panel."""
        return aggregate_values([s[k] for s in per_judge_samples], self.panel_how)
