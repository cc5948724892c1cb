"""A deterministic, offline Inspect model provider: ``judgespec-scripted/<script>``.

It exists so that the adapter (and anyone building on it) can run real
``inspect_ai.eval(...)`` audits without a network or weights, with outputs that can be
computed by hand. Two scripts:

``judgespec-scripted/arithmetic`` (a policy)
    Finds the first ``A + B`` (or ``-``, ``*``) in the last user message and answers
    ``"The answer is {A op B + offset}."``. Draw ``d`` uses ``ARITHMETIC_OFFSETS[d % 8]``.
    A call with ``num_choices=m`` and ``seed=s`` returns draws ``s, s+1, ..., s+m-1``
    (``s`` is 0 without a seed), so the adapter's top-up calls (one choice, seed = the
    candidate's position) give the same candidates as one call with ``m`` choices.
    Model args: ``max_choices`` (choices per call, default unlimited: set 1 to act like
    Inspect's ``hf/`` provider) and ``draw_limit`` (draws ``>= draw_limit`` are not
    returned: a policy that cannot deliver n candidates).

``judgespec-scripted/digit-judge`` (a judge)
    Reads the line after ``Response:`` in the last user message and answers
    ``"Score: {1 + d % 5}"`` where ``d`` is the last digit of the response; a response
    whose last digit is 9, or that has no digit, gets ``"I cannot rate this."`` (a parse
    failure). With ``Response A:`` and ``Response B:`` lines it compares the two scores
    and answers ``[[A]]``, ``[[B]]`` or ``[[C]]`` (tie). When logprobs are requested the
    first token's top logprobs put 0.8 on the score digit and 0.05 on each other digit
    of 1..5.

Every call is counted (:func:`scripted_calls`), so tests can assert that a bad input
stopped a run before any model call.
"""

from __future__ import annotations

import math
import re
import threading
from collections import Counter
from typing import Any

from inspect_ai.model import (
    ChatCompletionChoice,
    ChatMessage,
    ChatMessageAssistant,
    GenerateConfig,
    Logprob,
    Logprobs,
    ModelAPI,
    ModelOutput,
    ModelUsage,
    TopLogprob,
    modelapi,
)
from inspect_ai.tool import ToolChoice, ToolInfo

__all__ = [
    "ARITHMETIC_OFFSETS",
    "ScriptedModelAPI",
    "arithmetic_answer",
    "digit_judge_score",
    "reset_scripted_calls",
    "scripted_calls",
]

ARITHMETIC_OFFSETS: tuple[int, ...] = (0, 1, 0, 5, -1, 3, 0, 4)
"""Offset added to the exact result for draw ``d`` (``d % 8``)."""

_EXPR = re.compile(r"(-?\d+)\s*([-+*])\s*(-?\d+)")
_RESPONSE = re.compile(r"^Response:[ \t]*(.*)$", re.MULTILINE)
_RESPONSE_A = re.compile(r"^Response A:[ \t]*(.*)$", re.MULTILINE)
_RESPONSE_B = re.compile(r"^Response B:[ \t]*(.*)$", re.MULTILINE)
_DIGITS = re.compile(r"\d")

_calls: Counter[str] = Counter()
_lock = threading.Lock()


def scripted_calls(script: str | None = None) -> int:
    """Calls made to ``judgespec-scripted/<script>`` (all scripts when None)."""
    with _lock:
        return sum(_calls.values()) if script is None else _calls[script]


def reset_scripted_calls() -> None:
    """Set every call counter back to zero."""
    with _lock:
        _calls.clear()


def arithmetic_answer(prompt: str, draw: int) -> str:
    """The arithmetic policy's answer to ``prompt`` for draw number ``draw``."""
    match = _EXPR.search(prompt)
    if match is None:
        return f"I do not know (draw {draw})."
    a, op, b = int(match.group(1)), match.group(2), int(match.group(3))
    exact = a + b if op == "+" else a - b if op == "-" else a * b
    return f"The answer is {exact + ARITHMETIC_OFFSETS[draw % len(ARITHMETIC_OFFSETS)]}."


def digit_judge_score(response: str) -> int | None:
    """The digit judge's score of one response: ``1 + d % 5`` for its last digit ``d``.

    None (the judge writes no score) when the response has no digit or ends in 9.
    """
    digits = _DIGITS.findall(response)
    if not digits or digits[-1] == "9":
        return None
    return 1 + int(digits[-1]) % 5


def _last_user_text(messages: list[ChatMessage]) -> str:
    for message in reversed(messages):
        if message.role == "user":
            return message.text
    return ""


def _usage(text: str, prompt: str) -> ModelUsage:
    inp, out = len(prompt.split()), max(1, len(text.split()))
    return ModelUsage(input_tokens=inp, output_tokens=out, total_tokens=inp + out)


def _score_logprobs(score: int | None) -> Logprobs:
    if score is None:
        tops = [TopLogprob(token="I", logprob=math.log(0.9))] + [
            TopLogprob(token=str(level), logprob=math.log(0.02)) for level in range(1, 6)
        ]
        first = "I"
    else:
        tops = [TopLogprob(token=str(score), logprob=math.log(0.8))] + [
            TopLogprob(token=str(level), logprob=math.log(0.05))
            for level in range(1, 6)
            if level != score
        ]
        first = str(score)
    return Logprobs(content=[Logprob(token=first, logprob=tops[0].logprob, top_logprobs=tops)])


@modelapi(name="judgespec-scripted")
class ScriptedModelAPI(ModelAPI):
    """The deterministic provider (see the module docstring for the scripts)."""

    def __init__(
        self,
        model_name: str,
        base_url: str | None = None,
        api_key: str | None = None,
        config: GenerateConfig | None = None,
        **model_args: Any,
    ) -> None:
        super().__init__(model_name, base_url, api_key, [], config or GenerateConfig())
        if model_name not in ("arithmetic", "digit-judge"):
            raise ValueError(
                f"unknown script '{model_name}': use judgespec-scripted/arithmetic "
                "or judgespec-scripted/digit-judge"
            )
        unknown = set(model_args) - {"max_choices", "draw_limit"}
        if unknown:
            raise ValueError(f"unknown model args {sorted(unknown)}: use max_choices, draw_limit")
        max_choices = model_args.get("max_choices")
        draw_limit = model_args.get("draw_limit")
        self.max_choices = int(max_choices) if max_choices is not None else None
        self.draw_limit = int(draw_limit) if draw_limit is not None else None

    def max_connections(self) -> int:
        """Plenty: the provider does no I/O."""
        return 64

    async def count_tokens(self, input: Any, config: GenerateConfig | None = None) -> int:
        """Whitespace token count (no tokenizer download)."""
        text = input if isinstance(input, str) else " ".join(m.text for m in input)
        return len(text.split())

    async def count_text_tokens(self, text: str) -> int:
        """Whitespace token count (no tokenizer download)."""
        return len(text.split())

    async def generate(
        self,
        input: list[ChatMessage],
        tools: list[ToolInfo],
        tool_choice: ToolChoice,
        config: GenerateConfig,
    ) -> ModelOutput:
        """Answer by script; never touches the network."""
        with _lock:
            _calls[self.model_name] += 1
        prompt = _last_user_text(input)
        if self.model_name == "arithmetic":
            return self._policy(prompt, config)
        return self._judge(prompt, config)

    def _policy(self, prompt: str, config: GenerateConfig) -> ModelOutput:
        wanted = config.num_choices or 1
        if self.max_choices is not None:
            wanted = min(wanted, self.max_choices)
        start = config.seed or 0
        draws = [d for d in range(start, start + wanted) if self.draw_limit is None or d < self.draw_limit]
        choices = [
            ChatCompletionChoice(
                message=ChatMessageAssistant(
                    content=arithmetic_answer(prompt, d), model=self.model_name, source="generate"
                ),
                stop_reason="stop",
            )
            for d in draws
        ]
        text = " ".join(c.message.text for c in choices)
        return ModelOutput(model=self.model_name, choices=choices, usage=_usage(text, prompt))

    def _judge(self, prompt: str, config: GenerateConfig) -> ModelOutput:
        a, b = _RESPONSE_A.search(prompt), _RESPONSE_B.search(prompt)
        logprobs = None
        if a is not None and b is not None:
            sa, sb = digit_judge_score(a.group(1)), digit_judge_score(b.group(1))
            if sa is None or sb is None:
                text = "I cannot compare these."
            else:
                text = "[[A]]" if sa > sb else "[[B]]" if sb > sa else "[[C]]"
        else:
            found = _RESPONSE.search(prompt)
            score = digit_judge_score(found.group(1)) if found is not None else None
            text = "I cannot rate this." if score is None else f"Score: {score}"
            if config.logprobs:
                logprobs = _score_logprobs(score)
        choice = ChatCompletionChoice(
            message=ChatMessageAssistant(content=text, model=self.model_name, source="generate"),
            stop_reason="stop",
            logprobs=logprobs,
        )
        return ModelOutput(model=self.model_name, choices=[choice], usage=_usage(text, prompt))
