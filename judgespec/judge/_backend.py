"""The small protocol every judge backend implements, and the backend registry.

A backend does two things: ``generate`` text for chat requests (optionally with top
logprobs), and ``score_next_tokens``: the log-probabilities of a fixed set of next
tokens after a chat request plus an answer prefix (the logprob-expected protocol).

Backends register by name with :func:`register_backend`; third-party packages (and
judgespec's own Inspect and lm-eval adapters, which the core never imports) register
through the ``judgespec.backends`` entry point group, whose entry point name is the
backend name and whose value is a factory ``(JudgeModel) -> JudgeBackend``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from .._errors import BackendError

if TYPE_CHECKING:
    from ..contract import JudgeModel

__all__ = [
    "BackendFactory",
    "ChatMessage",
    "GenerateRequest",
    "Generation",
    "JudgeBackend",
    "TokenScoreRequest",
    "VerdictChoices",
    "available_backends",
    "make_backend",
    "register_backend",
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
_REGISTRY: dict[str, BackendFactory] = {}
_ENTRY_POINT_GROUP = "judgespec.backends"
_EXTRA_OF = {"transformers": "hf", "inspect": "inspect", "lmeval": "lmeval"}


def register_backend(name: str) -> Callable[[BackendFactory], BackendFactory]:
    """Decorator: register a backend factory under ``name``."""

    def decorate(factory: BackendFactory) -> BackendFactory:
        _REGISTRY[name] = factory
        return factory

    return decorate


def _load_entry_point(name: str) -> BackendFactory | None:
    for ep in entry_points(group=_ENTRY_POINT_GROUP):
        if ep.name == name:
            factory: BackendFactory = ep.load()
            return factory
    return None


def available_backends() -> list[str]:
    """Names of the registered backends and the installed entry points."""
    names = set(_REGISTRY) | {ep.name for ep in entry_points(group=_ENTRY_POINT_GROUP)}
    return sorted(names)


def make_backend(judge: JudgeModel) -> JudgeBackend:
    """Instantiate the backend a judge names (registered or from an entry point)."""
    factory = _REGISTRY.get(judge.backend)
    if factory is None:
        try:
            factory = _load_entry_point(judge.backend)
        except ImportError as exc:
            extra = _EXTRA_OF.get(judge.backend, judge.backend)
            raise BackendError(
                f"backend '{judge.backend}' could not be imported ({exc}); "
                f"pip install 'judgespec[{extra}]'"
            ) from None
    if factory is None:
        raise BackendError(
            f"unknown backend '{judge.backend}'; available: {', '.join(available_backends()) or 'none'}"
        )
    return factory(judge)
