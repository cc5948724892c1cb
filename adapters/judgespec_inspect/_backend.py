"""The ``inspect`` judge backend: any Inspect model as a judgespec judge.

A contract with ``judge.backend: inspect`` names an Inspect model (``openai/gpt-4o-...``,
``anthropic/...``, ``hf/<dir>``, ``vllm/...``); this module turns it into a
:class:`~judgespec.judge.JudgeBackend`.

Sync and async
--------------
Inspect models are async; the backend protocol is sync. :class:`InspectBackend` offers
both: ``agenerate`` / ``ascore_next_tokens`` for callers on an event loop, and
``generate`` / ``score_next_tokens``, which

* inside an AnyIO worker thread (``anyio.to_thread.run_sync``, as the adapter's scorer
  runs the judge engine) hop back to the event loop that started the thread with
  ``anyio.from_thread.run``, so model calls share Inspect's connection limits and land
  in the sample's transcript;
* on a thread with no event loop (the offline CLI) run the coroutine with ``anyio.run``;
* on a thread that is running an event loop raise :class:`~judgespec.BackendError`
  (blocking there would deadlock): await the async methods instead.

Greedy decoding and the cache
-----------------------------
Every request carries the contract's decoding parameters (the model itself is created
without a generate config). Temperature 0 means greedy decoding on every provider:
Inspect's ``hf/`` provider samples unless created with ``do_sample=False`` and then
rejects temperature 0, so for a model that samples by default a greedy request is sent
as ``top_k=1`` without a temperature (:func:`greedy_config`), which picks the most
likely token just the same. Judge calls follow Inspect's response cache (``--cache``,
``GenerateConfig(cache=...)``): a rerun of an audit pays nothing for verdicts it has
already received.

Logprob scores (an approximation)
---------------------------------
``score_next_tokens`` appends the answer prefix as an assistant message, asks for one
token with ``top_logprobs=20`` (the most OpenAI-compatible APIs return) and reads the
candidates' log-probabilities from that token's top alternatives; token texts are
compared after stripping whitespace and variants of one candidate (``"3"``, ``" 3"``)
are summed. Two approximations follow: a candidate outside the top 20 gets no mass
(``-inf``), and providers that do not continue a trailing assistant message (Inspect's
``hf/`` applies the chat template with a fresh generation prompt; OpenAI chat models
start a new turn) score the first token of a new answer rather than the token after
the prefix. Prefer the ``transformers`` backend for exact logprob-protocol scores of
local models.

Constrained verdicts
--------------------
A request with a :class:`~judgespec.judge.VerdictChoices` constraint asks for
structured output (``GenerateConfig.response_schema``): a JSON object whose
``verdict`` is one of the choices (an enum), preceded by a free-text ``rationale``
when the contract allows one. The answer becomes the text ``rationale\nverdict`` the
engine parses; an answer that is not such an object stays as it is and is counted as
a parse failure. Providers without structured output (:data:`UNSTRUCTURED_PROVIDERS`)
report ``constrained_decoding = False``, so the engine refuses constrained contracts
for them with an error.
"""

from __future__ import annotations

import json
import math
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, TypeVar

import anyio
import anyio.from_thread
import sniffio
from inspect_ai.model import ChatMessage as InspectMessage
from inspect_ai.model import (
    ChatMessageAssistant,
    ChatMessageSystem,
    ChatMessageUser,
    GenerateConfig,
    Model,
    ModelOutput,
    ResponseSchema,
    get_model,
)
from inspect_ai.util import JSONSchema, collect

from judgespec import BackendError
from judgespec.contract import JudgeModel
from judgespec.judge import (
    ChatMessage,
    GenerateRequest,
    Generation,
    JudgeBackend,
    TokenScoreRequest,
    VerdictChoices,
)

__all__ = ["TOP_LOGPROBS", "InspectBackend", "greedy_config", "make_backend"]

TOP_LOGPROBS = 20
"""Alternatives requested per token by :meth:`InspectBackend.ascore_next_tokens`."""

T = TypeVar("T")

try:  # anyio >= 4.11
    from anyio import NoEventLoopError as _NoWorkerThread
except ImportError:  # pragma: no cover - older anyio raises a plain RuntimeError
    _NoWorkerThread = RuntimeError  # type: ignore[misc,assignment]


def run_sync(func: Callable[..., Awaitable[T]], *args: Any) -> T:
    """Run the coroutine function ``func(*args)`` from sync code (see the module docstring)."""
    try:
        sniffio.current_async_library()
    except sniffio.AsyncLibraryNotFoundError:
        pass
    else:
        raise BackendError(
            "the inspect judge backend was called synchronously on a running event loop; "
            "await agenerate()/ascore_next_tokens() there, or run the caller in a worker "
            "thread (anyio.to_thread.run_sync)"
        )

    async def call() -> T:
        return await func(*args)

    try:
        return anyio.from_thread.run(call)
    except _NoWorkerThread:
        return anyio.run(call)


def to_inspect_messages(messages: Sequence[ChatMessage]) -> list[InspectMessage]:
    """judgespec chat messages as Inspect chat messages."""
    out: list[InspectMessage] = []
    for message in messages:
        if message.role == "system":
            out.append(ChatMessageSystem(content=message.content))
        elif message.role == "user":
            out.append(ChatMessageUser(content=message.content))
        elif message.role == "assistant":
            out.append(ChatMessageAssistant(content=message.content))
        else:
            raise BackendError(f"unknown chat role '{message.role}': use system, user or assistant")
    return out


def greedy_config(model: Model, config: GenerateConfig) -> GenerateConfig:
    """``config`` made safe for ``model`` when it asks for greedy decoding (temperature 0).

    A provider that samples by default and rejects temperature 0 (Inspect's ``hf/``,
    whose ``do_sample`` is true unless the model was created with ``do_sample=False``)
    gets ``top_k=1`` and no temperature or top-p instead: the same argmax decoding.
    Every other request is returned unchanged.
    """
    if config.temperature != 0 or getattr(model.api, "do_sample", False) is not True:
        return config
    return config.model_copy(update={"temperature": None, "top_p": None, "top_k": 1})


def _request_config(request: GenerateRequest) -> GenerateConfig:
    config = GenerateConfig(
        temperature=request.temperature,
        max_tokens=request.max_tokens,
        top_p=request.top_p,
        seed=request.seed,
    )
    if request.top_logprobs > 0:
        config = config.merge(GenerateConfig(logprobs=True, top_logprobs=request.top_logprobs))
    if request.constraint is not None:
        config = config.merge(GenerateConfig(response_schema=verdict_schema(request.constraint)))
    return config


UNSTRUCTURED_PROVIDERS = frozenset(
    {"hf", "mockllm", "llama-cpp-python", "transformer_lens", "nnterp", "none"}
)
"""Inspect providers that ignore ``response_schema`` (so cannot constrain a verdict)."""


def verdict_schema(constraint: VerdictChoices) -> ResponseSchema:
    """The structured-output schema of a constrained verdict (see the module docstring)."""
    properties: dict[str, JSONSchema] = {}
    if constraint.rationale_tokens > 0:
        properties["rationale"] = JSONSchema(type="string")
    properties["verdict"] = JSONSchema(type="string", enum=list(constraint.choices))
    schema = JSONSchema(
        type="object",
        properties=properties,
        required=list(properties),
        additionalProperties=False,
    )
    return ResponseSchema(name="verdict", json_schema=schema, strict=True)


def structured_verdict(completion: str, constraint: VerdictChoices) -> str:
    """``rationale\nverdict`` from a structured answer; the completion itself otherwise."""
    try:
        data = json.loads(completion)
    except ValueError:
        return completion
    verdict = data.get("verdict") if isinstance(data, dict) else None
    if verdict not in constraint.choices:
        return completion
    rationale = data.get("rationale") if constraint.rationale_tokens > 0 else None
    return f"{rationale}\n{verdict}" if isinstance(rationale, str) else str(verdict)


def _top_logprobs(output: ModelOutput) -> list[dict[str, float]] | None:
    if not output.choices or output.choices[0].logprobs is None:
        return None
    steps: list[dict[str, float]] = []
    for item in output.choices[0].logprobs.content:
        alternatives = {top.token: float(top.logprob) for top in item.top_logprobs or []}
        alternatives.setdefault(item.token, float(item.logprob))
        steps.append(alternatives)
    return steps


def _logsumexp(values: list[float]) -> float:
    top = max(values)
    if top == -math.inf:
        return -math.inf
    return top + math.log(sum(math.exp(v - top) for v in values))


def candidate_logprobs(alternatives: dict[str, float], candidates: Sequence[str]) -> dict[str, float]:
    """Each candidate's log-probability among one token's top alternatives.

    Token texts match after stripping whitespace; matching variants are summed; a
    candidate with no matching alternative gets ``-inf`` (no mass outside the top k).
    """
    out: dict[str, float] = {}
    for candidate in candidates:
        key = candidate.strip()
        matches = [lp for token, lp in alternatives.items() if token.strip() == key]
        out[candidate] = _logsumexp(matches) if matches else -math.inf
    return out


class InspectBackend:
    """A judgespec judge backend that calls an Inspect :class:`~inspect_ai.model.Model`."""

    name = "inspect"
    batch_size = 64
    """Requests the engine hands over at once; Inspect's connection limit does the rest."""

    def __init__(self, model: Model, *, seed: int | None = None) -> None:
        """Wrap ``model``; ``seed`` is used for the one-token logprob requests."""
        self.model = model
        self.seed = seed

    @classmethod
    def from_judge(cls, judge: JudgeModel) -> InspectBackend:
        """The backend for a contract's judge: ``get_model(judge.model, ...)``.

        ``model_args`` are passed to the provider; the contract's decoding parameters
        travel with every request. The revision pin is checked by the contract lock; it
        is not passed to the provider.
        """
        model_args: dict[str, Any] = dict(judge.model_args)
        try:
            model = get_model(judge.model, **model_args)
        except Exception as exc:  # Inspect raises ValueError, PrerequisiteError, ...
            raise BackendError(f"inspect backend: cannot create model '{judge.model}': {exc}") from None
        return cls(model, seed=judge.decoding.seed)

    @property
    def constrained_decoding(self) -> bool:
        """Whether the provider supports structured output (``response_schema``)."""
        return self.model_name.split("/", 1)[0] not in UNSTRUCTURED_PROVIDERS

    @property
    def model_name(self) -> str:
        """``provider/model`` of the wrapped model."""
        return str(self.model)

    async def _generate_one(self, request: GenerateRequest) -> Generation:
        output = await self.model.generate(
            to_inspect_messages(request.messages),
            config=greedy_config(self.model, _request_config(request)),
        )
        if output.error:
            raise BackendError(f"inspect backend: {self.model_name} failed: {output.error}")
        tokens = output.usage.output_tokens if output.usage is not None else 0
        text = output.completion
        if request.constraint is not None:
            text = structured_verdict(text, request.constraint)
        return Generation(
            text=text,
            top_logprobs=_top_logprobs(output) if request.top_logprobs > 0 else None,
            tokens=int(tokens),
        )

    async def agenerate(self, requests: Sequence[GenerateRequest]) -> list[Generation]:
        """Answer each request (same order), all concurrently on the current event loop."""
        return await collect(*(self._generate_one(r) for r in requests))

    async def _score_one(self, request: TokenScoreRequest) -> dict[str, float]:
        messages = to_inspect_messages(request.messages)
        if request.answer_prefix:
            messages.append(ChatMessageAssistant(content=request.answer_prefix))
        config = GenerateConfig(
            max_tokens=1, temperature=0.0, seed=self.seed, logprobs=True, top_logprobs=TOP_LOGPROBS
        )
        output = await self.model.generate(messages, config=greedy_config(self.model, config))
        steps = _top_logprobs(output)
        if not steps:
            raise BackendError(
                f"inspect backend: {self.model_name} returned no logprobs; the logprob "
                "protocol needs a provider that supports top_logprobs"
            )
        return candidate_logprobs(steps[0], request.candidates)

    async def ascore_next_tokens(self, requests: Sequence[TokenScoreRequest]) -> list[dict[str, float]]:
        """For each request, candidate token -> log-probability (see the module docstring)."""
        return await collect(*(self._score_one(r) for r in requests))

    def generate(self, requests: Sequence[GenerateRequest]) -> list[Generation]:
        """Sync :meth:`agenerate` (see the module docstring for where it may be called)."""
        return run_sync(self.agenerate, requests)

    def score_next_tokens(self, requests: Sequence[TokenScoreRequest]) -> list[dict[str, float]]:
        """Sync :meth:`ascore_next_tokens`."""
        return run_sync(self.ascore_next_tokens, requests)


def make_backend(judge: JudgeModel) -> JudgeBackend:
    """The ``inspect`` backend's factory (its record is in :mod:`judgespec.backends`)."""
    return InspectBackend.from_judge(judge)
