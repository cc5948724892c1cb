"""The small protocol every judge backend implements, and the backend registry.

A backend does two things: ``generate`` text for chat requests (optionally with top
logprobs), and ``score_next_tokens``: the log-probabilities of a fixed set of next
tokens after a chat request plus an answer prefix (the logprob-expected protocol).

Every backend has one registration record in :mod:`judgespec.backends` (factory,
revision resolver, extra to install, ``model_args`` model); :func:`make_backend` builds
the one a judge names from its record. :func:`register_backend` registers a factory in
this process (a test double, a notebook's own backend); packages register records
through the ``judgespec.backends`` entry-point group.

A request's hash (:func:`request_hash`) covers everything a backend sees (messages,
decoding, answer prefix, candidate tokens) but not the sample index, which travels
beside it: the judge cache and the replay backend key on ``(request hash, sample index)``.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Callable, Iterator, Mapping, MutableMapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from ...backends import _REGISTERED, backend_names, get_backend, register_factory

if TYPE_CHECKING:
    from ...contract import JudgeModel

__all__ = [
    "BackendFactory",
    "ChatMessage",
    "GenerateRequest",
    "Generation",
    "JudgeBackend",
    "JudgeRequest",
    "TokenScoreRequest",
    "VerdictChoices",
    "available_backends",
    "decode_floats",
    "encode_floats",
    "make_backend",
    "register_backend",
    "request_hash",
]


@dataclass(frozen=True)
class ChatMessage:
    """One chat message."""

    role: str
    """``system``, ``user`` or ``assistant``."""
    content: str


@dataclass(frozen=True)
class VerdictChoices:
    """Constrained decoding of a verdict (a contract's ``protocol.constrain``).

    The backend lets the judge write up to ``rationale_tokens`` tokens of free text
    (ended early by its end of turn), then, on a new line when a rationale was allowed,
    exactly one of ``choices``, then ends. Only that last line is parsed. A backend that
    can do this says so with a true ``constrained_decoding`` attribute; the engine
    refuses to send constrained requests to any other.
    """

    choices: tuple[str, ...]
    """The verdicts the judge may write (e.g. ``Score: 1`` .. ``Score: 5``, or ``[A]``, ``[B]``)."""
    rationale_tokens: int = 0
    """Free-text tokens allowed before the verdict (0: the verdict only)."""


@dataclass(frozen=True)
class GenerateRequest:
    """Generate one judge answer for a chat."""

    messages: tuple[ChatMessage, ...]
    max_tokens: int
    temperature: float = 0.0
    top_p: float = 1.0
    seed: int | None = None
    top_logprobs: int = 0
    """When > 0, return that many top alternatives per generated token."""
    sample: int = 0
    """Index of this judge sample among the contract's repeated samples (0-based).

    ``seed`` already differs per sample; backends that replay or cache verdicts key on
    the request and this index."""
    constraint: VerdictChoices | None = None
    """When set, decode constrained to these verdicts (see :class:`VerdictChoices`)."""


@dataclass(frozen=True)
class Generation:
    """A backend's answer: the text and, when asked for, per-token top logprobs."""

    text: str
    top_logprobs: list[dict[str, float]] | None = None
    """Per generated token: alternative token text -> log-probability."""
    tokens: int = 0
    """Generated tokens (for throughput reporting)."""


@dataclass(frozen=True)
class TokenScoreRequest:
    """Log-probabilities of candidate next tokens after a chat and an answer prefix."""

    messages: tuple[ChatMessage, ...]
    answer_prefix: str
    """Text the assistant's answer starts with, right before the scored token."""
    candidates: tuple[str, ...] = field(default_factory=tuple)
    """Candidate next-token texts, e.g. ("1", "2", "3", "4", "5")."""
    sample: int = 0
    """Index of the judge sample (0-based); see :attr:`GenerateRequest.sample`."""


JudgeRequest = GenerateRequest | TokenScoreRequest
"""A request a judge backend answers."""


def request_hash(request: JudgeRequest) -> str:
    """``sha256:<hex>`` of a request's canonical JSON form (the sample index excluded)."""
    payload: dict[str, Any] = {
        "messages": [[m.role, m.content] for m in request.messages],
    }
    if isinstance(request, GenerateRequest):
        payload.update(
            kind="generate",
            max_tokens=request.max_tokens,
            temperature=request.temperature,
            top_p=request.top_p,
            seed=request.seed,
            top_logprobs=request.top_logprobs,
        )
        if request.constraint is not None:
            payload["constraint"] = {
                "choices": list(request.constraint.choices),
                "rationale_tokens": request.constraint.rationale_tokens,
            }
    else:
        payload.update(
            kind="score", answer_prefix=request.answer_prefix, candidates=list(request.candidates)
        )
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()


def encode_floats(values: Mapping[str, float]) -> dict[str, float | None]:
    """JSON-safe log-probabilities: non-finite values (``-inf``) become ``None``."""
    return {k: (v if math.isfinite(v) else None) for k, v in values.items()}


def decode_floats(values: Mapping[str, float | None]) -> dict[str, float]:
    """Inverse of :func:`encode_floats` (``None`` -> ``-inf``)."""
    return {k: (-math.inf if v is None else float(v)) for k, v in values.items()}


@runtime_checkable
class JudgeBackend(Protocol):
    """What the judge engine needs from a model."""

    name: str
    """Backend name as used in contracts (``transformers``, ``inspect``, ...)."""

    def generate(self, requests: Sequence[GenerateRequest]) -> list[Generation]:
        """Answer each request (same order); batching is the backend's business."""
        ...

    def score_next_tokens(self, requests: Sequence[TokenScoreRequest]) -> list[dict[str, float]]:
        """For each request, candidate token -> log-probability (same order)."""
        ...


BackendFactory = Callable[["JudgeModel"], JudgeBackend]
"""What a backend registration provides: a function from the contract's judge model to a backend."""


class _Factories(MutableMapping[str, BackendFactory]):
    """The factories registered in this process, a view of :mod:`judgespec.backends`.

    Setting a name is :func:`register_backend`; deleting it drops the in-process record,
    so the shipped or installed record of that name applies again.
    """

    def __getitem__(self, name: str) -> BackendFactory:
        factory = _REGISTERED[name].factory
        if not callable(factory):
            raise KeyError(name)
        return factory

    def __setitem__(self, name: str, factory: BackendFactory) -> None:
        register_factory(name, factory)

    def __delitem__(self, name: str) -> None:
        del _REGISTERED[name]

    def __iter__(self) -> Iterator[str]:
        return iter(list(_REGISTERED))

    def __len__(self) -> int:
        return len(_REGISTERED)


_REGISTRY: MutableMapping[str, BackendFactory] = _Factories()


def register_backend(name: str) -> Callable[[BackendFactory], BackendFactory]:
    """Decorator: make a factory build backend ``name`` in this process.

    A shipped backend keeps the rest of its record (``model_args`` model, resolver);
    a new name gets a record that accepts any ``model_args``.
    """

    def decorate(factory: BackendFactory) -> BackendFactory:
        _REGISTRY[name] = factory
        return factory

    return decorate


def available_backends() -> list[str]:
    """Names of the registered backends (shipped, registered here, installed entry points)."""
    return backend_names()


def make_backend(judge: JudgeModel) -> JudgeBackend:
    """Build the backend a judge names, from its record (a missing extra is named)."""
    backend: JudgeBackend = get_backend(judge.backend).load_factory()(judge)
    return backend
