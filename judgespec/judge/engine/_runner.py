"""Running judge calls: cache look-up, batching, one commit per batch, counters, progress.

A :class:`Call` is one judge call the engine needs (which judge, which stage, which
candidates in which order, the request). :meth:`Runner.run` answers a list of calls in
order. Identical requests (same hash and sample index) are sent once; answers found
in the cache are not sent at all; the rest go to the judge's backend in batches of its
``batch_size``, and each answered batch is committed to the cache before the next one
starts, so an interrupted run loses at most the batch in flight.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any

from ..._errors import BackendError
from ...contract import JudgeModel
from ..backends._backend import (
    GenerateRequest,
    Generation,
    JudgeBackend,
    TokenScoreRequest,
    decode_floats,
    encode_floats,
    request_hash,
)
from ..protocols._context import Call, Reply
from ._cache import JudgeCache, judge_cache_key

__all__ = [
    "DEFAULT_BATCH_SIZE",
    "Counters",
    "LazyBackend",
    "ProgressCallback",
    "Runner",
    "judge_identity",
]

DEFAULT_BATCH_SIZE = 16
"""Batch size for backends that do not say (no ``batch_size`` attribute)."""


@dataclass
class Counters:
    """Running totals of a judge run."""

    judgments: int = 0
    model_calls: int = 0
    cache_hits: int = 0
    batches: int = 0
    tokens: int = 0
    model_seconds: float = 0.0
    by_judge: dict[int, int] = field(default_factory=dict)


class LazyBackend:
    """A judge's backend, built on first use: a run answered from the cache builds none.

    ``name`` is known before the backend exists (the registry's backends are named as
    contracts name them), so cache keys need no model.
    """

    def __init__(self, name: str, build: Callable[[], JudgeBackend]) -> None:
        self.name = name
        self._build = build
        self._backend: JudgeBackend | None = None

    def get(self) -> JudgeBackend:
        """The backend (built now if it was not yet)."""
        if self._backend is None:
            self._backend = self._build()
        return self._backend


def judge_identity(backend: JudgeBackend | LazyBackend, judge: JudgeModel) -> str:
    """The cache's judge key: ``<backend name>|<model>|<revision>``."""
    return f"{backend.name}|{judge.model}|{judge.revision or '-'}"


def _encode(reply: Reply) -> dict[str, Any]:
    if reply.logprobs is not None:
        return {"logprobs": encode_floats(reply.logprobs)}
    return {
        "text": reply.text,
        "tokens": reply.tokens,
        "top_logprobs": None
        if reply.top_logprobs is None
        else [encode_floats(d) for d in reply.top_logprobs],
    }


def _decode(call: Call, digest: str, value: dict[str, Any]) -> Reply:
    if "logprobs" in value:
        return Reply(call, digest, logprobs=decode_floats(value["logprobs"]))
    top = value.get("top_logprobs")
    return Reply(
        call,
        digest,
        text=value.get("text"),
        tokens=int(value.get("tokens") or 0),
        top_logprobs=None if top is None else [decode_floats(d) for d in top],
    )


ProgressCallback = Callable[[int, int], None]
"""Progress hook ``(judgments done since the last call, judgments added to the total)``."""


class _Progress:
    """A rich progress bar on stderr (judgments done, throughput, time left), or a hook."""

    def __init__(self, enabled: bool | ProgressCallback) -> None:
        self._bar: Any = None
        self._task: Any = None
        self._hook: ProgressCallback | None = None
        if callable(enabled):
            self._hook = enabled
            return
        if not enabled:
            return
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TaskProgressColumn,
            TextColumn,
            TimeRemainingColumn,
        )

        self._bar = Progress(
            TextColumn("judging"),
            BarColumn(),
            MofNCompleteColumn(),
            TaskProgressColumn(),
            TextColumn("{task.fields[rate]}"),
            TimeRemainingColumn(),
            console=Console(stderr=True),
            transient=False,
        )
        self._task = self._bar.add_task("judging", total=0, rate="")
        self._start = time.perf_counter()
        self._done = 0
        self._bar.start()

    def add_total(self, n: int) -> None:
        if self._hook is not None:
            self._hook(0, n)
        if self._bar is not None:
            total = self._bar.tasks[0].total or 0
            self._bar.update(self._task, total=total + n)

    def advance(self, n: int) -> None:
        if self._hook is not None and n:
            self._hook(n, 0)
        if self._bar is not None:
            self._done += n
            elapsed = max(time.perf_counter() - self._start, 1e-9)
            self._bar.update(self._task, advance=n, rate=f"{self._done / elapsed:.1f} judgments/s")

    def close(self) -> None:
        if self._bar is not None:
            self._bar.stop()
            self._bar = None


class Runner:
    """Answers calls through the cache and the judges' backends (see the module docstring).

    ``fingerprint`` names the contract the calls belong to; the cache keys on each
    judge's :func:`~judgespec.judge.engine._cache.judge_cache_key` instead, so edits that do not
    change what a judge sees (gates, tie policy, name) keep the cached answers.
    """

    def __init__(
        self,
        judges: Sequence[JudgeModel],
        backends: Sequence[JudgeBackend | LazyBackend],
        *,
        fingerprint: str,
        cache: JudgeCache | None,
        progress: bool | ProgressCallback = False,
    ) -> None:
        self.judges = list(judges)
        self.backends = list(backends)
        self.fingerprint = fingerprint
        self.cache = cache
        self.counters = Counters()
        self._progress = _Progress(progress)

    def __enter__(self) -> Runner:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._progress.close()

    def run(self, calls: Sequence[Call]) -> list[Reply]:
        """Answer every call (in order)."""
        self._progress.add_total(len(calls))
        self.counters.judgments += len(calls)
        answers: dict[tuple[int, str, int], Reply] = {}
        digests = [request_hash(c.request) for c in calls]
        for j in sorted({c.judge for c in calls}):
            for kind in (GenerateRequest, TokenScoreRequest):
                mine = [
                    (c, d)
                    for c, d in zip(calls, digests, strict=True)
                    if c.judge == j and isinstance(c.request, kind)
                ]
                if mine:
                    self._run_judge(j, mine, answers)
        out = []
        for call, digest in zip(calls, digests, strict=True):
            found = answers[(call.judge, digest, call.sample)]
            out.append(
                Reply(call, digest, found.text, found.logprobs, found.top_logprobs, found.tokens)
            )
        return out

    def _run_judge(
        self,
        j: int,
        calls: list[tuple[Call, str]],
        answers: dict[tuple[int, str, int], Reply],
    ) -> None:
        slot, judge = self.backends[j], self.judges[j]
        identity = judge_identity(slot, judge)
        judge_key = judge_cache_key(judge)
        unique: dict[tuple[str, int], Call] = {}
        for call, digest in calls:
            unique.setdefault((digest, call.sample), call)
        duplicates = len(calls) - len(unique)
        if self.cache is not None:
            cached = self.cache.get_many(judge_key, identity, list(unique))
            for found, value in cached.items():
                answers[(j, *found)] = _decode(unique[found], found[0], value)
            self.counters.cache_hits += len(cached)
            self._progress.advance(len(cached))
        self._progress.advance(duplicates)
        todo = [(key, call) for key, call in unique.items() if (j, *key) not in answers]
        if not todo:
            return
        backend = slot.get() if isinstance(slot, LazyBackend) else slot
        size = getattr(backend, "batch_size", DEFAULT_BATCH_SIZE)
        if not isinstance(size, int) or size < 1:
            size = DEFAULT_BATCH_SIZE
        for start in range(0, len(todo), size):
            batch = todo[start : start + size]
            replies = self._send(backend, batch)
            if self.cache is not None:
                self.cache.put_many(
                    judge_key,
                    identity,
                    [(key, _encode(r)) for (key, _), r in zip(batch, replies, strict=True)],
                )
            for (key, _), reply in zip(batch, replies, strict=True):
                answers[(j, *key)] = reply
            self.counters.batches += 1
            self.counters.model_calls += len(batch)
            self.counters.by_judge[j] = self.counters.by_judge.get(j, 0) + len(batch)
            self._progress.advance(len(batch))

    def _send(
        self, backend: JudgeBackend, batch: list[tuple[tuple[str, int], Call]]
    ) -> list[Reply]:
        started = time.perf_counter()
        requests = [call.request for _, call in batch]
        replies: list[Reply]
        if isinstance(requests[0], GenerateRequest):
            self._check_constrainable(backend, requests)
            gens: list[Generation] = backend.generate(
                [r for r in requests if isinstance(r, GenerateRequest)]
            )
            self._check(backend, gens, requests)
            replies = [
                Reply(call, key[0], text=g.text, top_logprobs=g.top_logprobs, tokens=g.tokens)
                for (key, call), g in zip(batch, gens, strict=True)
            ]
            self.counters.tokens += sum(g.tokens for g in gens)
        else:
            scores = backend.score_next_tokens(
                [r for r in requests if isinstance(r, TokenScoreRequest)]
            )
            self._check(backend, scores, requests)
            replies = [
                Reply(call, key[0], logprobs=dict(s))
                for (key, call), s in zip(batch, scores, strict=True)
            ]
        self.counters.model_seconds += time.perf_counter() - started
        return replies

    @staticmethod
    def _check_constrainable(backend: JudgeBackend, requests: Sequence[object]) -> None:
        constrained = any(
            isinstance(r, GenerateRequest) and r.constraint is not None for r in requests
        )
        if constrained and not getattr(backend, "constrained_decoding", False):
            raise BackendError(
                f"backend '{backend.name}' cannot constrain decoding (the contract sets "
                "protocol.constrain); use backend 'transformers' or 'inspect', or remove "
                "protocol.constrain"
            )

    @staticmethod
    def _check(
        backend: JudgeBackend, answers: Sequence[object], requests: Sequence[object]
    ) -> None:
        if len(answers) != len(requests):
            raise BackendError(
                f"backend '{backend.name}' answered {len(answers)} of {len(requests)} requests; "
                "a backend must answer every request in order"
            )
