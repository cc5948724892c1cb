"""Deterministic, offline test doubles: an lm-eval policy and a judge backend.

They let real ``lm_eval.simple_evaluate`` audits run without weights or a network, with
outputs that can be computed by hand. Both follow the conventions of the Inspect
adapter's ``judgespec-scripted`` provider, so one candidate set can be produced in
either framework and compared.

``judgespec-scripted`` (lm-eval model, ``--model judgespec-scripted``)
    A policy for ``generate_until`` requests. It finds the last ``A + B`` (or ``-``,
    ``*``) in the request's context and answers ``"The answer is {A op B + offset}."``;
    the k-th repeat of a request (draw ``k``, counted from 0 in each call) adds
    ``ARITHMETIC_OFFSETS[k % 8]``. Contexts without an expression get
    ``"I do not know (draw k)."``. Loglikelihood requests are refused.

:class:`DigitJudgeBackend` (a :class:`~judgespec.judge.JudgeBackend`)
    Reads the line after ``Response:`` in the last user message and answers
    ``"Score: {1 + d % 5}"`` for the response's last digit ``d``; a response without a
    digit, or whose last digit is 9, gets ``"I cannot rate this."`` (a parse failure).
    With ``Response A:``/``Response B:`` lines it answers ``[[A]]``, ``[[B]]`` or
    ``[[C]]`` by comparing the two scores. ``score_next_tokens`` puts probability 0.8 on
    the score digit and spreads the rest evenly.

Importing this module registers the lm-eval model; call :func:`register_digit_judge`
to make contracts whose judge uses a given backend name run the digit judge.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from typing import Any

from ._deps import require_lm_eval

require_lm_eval("The lm-eval test doubles")

from lm_eval.api.model import LM  # noqa: E402
from lm_eval.api.registry import register_model  # noqa: E402

from judgespec.judge._backend import (  # noqa: E402
    ChatMessage,
    GenerateRequest,
    Generation,
    TokenScoreRequest,
    register_backend,
)

__all__ = [
    "ARITHMETIC_OFFSETS",
    "DigitJudgeBackend",
    "ScriptedLM",
    "arithmetic_answer",
    "digit_judge_score",
    "number_results",
    "register_digit_judge",
]

ARITHMETIC_OFFSETS: tuple[int, ...] = (0, 1, 0, 2, -1, 3, 0, 4)
"""Offset added to the exact result for draw ``k`` (``k % 8``)."""

_EXPR = re.compile(r"(-?\d+)\s*([-+*])\s*(-?\d+)")
_RESPONSE = re.compile(r"^Response:[ \t]*(.*)$", re.MULTILINE)
_RESPONSE_A = re.compile(r"^Response A:[ \t]*(.*)$", re.MULTILINE)
_RESPONSE_B = re.compile(r"^Response B:[ \t]*(.*)$", re.MULTILINE)
_DIGITS = re.compile(r"\d")


def arithmetic_answer(context: str, draw: int) -> str:
    """The scripted policy's answer to ``context`` for draw number ``draw``."""
    matches = list(_EXPR.finditer(context))
    if not matches:
        return f"I do not know (draw {draw})."
    a, op, b = int(matches[-1].group(1)), matches[-1].group(2), int(matches[-1].group(3))
    exact = a + b if op == "+" else a - b if op == "-" else a * b
    return f"The answer is {exact + ARITHMETIC_OFFSETS[draw % len(ARITHMETIC_OFFSETS)]}."


def digit_judge_score(response: str) -> int | None:
    """The digit judge's score: ``1 + d % 5`` for the last digit ``d``; None for none or 9."""
    digits = _DIGITS.findall(response)
    if not digits or digits[-1] == "9":
        return None
    return 1 + int(digits[-1]) % 5


def number_results(doc: dict[str, Any], results: list[str]) -> dict[str, float]:
    """A custom ``process_results`` for the arithmetic task (tests of graded oracles).

    ``number_match``: 1.0 when the response's last integer equals ``doc["answer"]``;
    ``neg_abs_error``: minus the absolute difference (-1000 without an integer).
    """
    numbers = re.findall(r"-?\d+", results[0])
    gold = int(doc["answer"])
    if not numbers:
        return {"number_match": 0.0, "neg_abs_error": -1000.0}
    value = int(numbers[-1])
    return {"number_match": float(value == gold), "neg_abs_error": -float(abs(value - gold))}


@register_model("judgespec-scripted")
class ScriptedLM(LM):  # type: ignore[misc]
    """The scripted lm-eval policy (see the module docstring). Counts its calls."""

    instances = 0
    """How many have been built in this process (tests assert none was, on bad input)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__()
        ScriptedLM.instances += 1
        unknown = set(kwargs) - {"batch_size", "max_batch_size", "device"}
        if unknown:
            raise ValueError(f"judgespec-scripted takes no model args, got {sorted(unknown)}")
        self.requests_seen = 0
        """Generation requests answered so far (repeats included)."""

    def generate_until(self, requests: list[Any], disable_tqdm: bool = False) -> list[str]:
        """Answer each request; the k-th repeat of one request is draw k."""
        draws: Counter[tuple[Any, ...]] = Counter()
        out: list[str] = []
        for req in requests:
            key = (req.task_name, req.doc_id, req.idx, req.args[0])
            out.append(arithmetic_answer(str(req.args[0]), draws[key]))
            draws[key] += 1
        self.requests_seen += len(requests)
        return out

    def loglikelihood(self, requests: list[Any], disable_tqdm: bool = False) -> list[Any]:
        """Not scripted."""
        raise NotImplementedError("judgespec-scripted answers generate_until requests only")

    def loglikelihood_rolling(self, requests: list[Any], disable_tqdm: bool = False) -> list[Any]:
        """Not scripted."""
        raise NotImplementedError("judgespec-scripted answers generate_until requests only")


def _last_user(messages: Sequence[ChatMessage]) -> str:
    for message in reversed(messages):
        if message.role == "user":
            return message.content
    return ""


def _verdict(prompt: str) -> str:
    a, b = _RESPONSE_A.search(prompt), _RESPONSE_B.search(prompt)
    if a is not None and b is not None:
        sa, sb = digit_judge_score(a.group(1)), digit_judge_score(b.group(1))
        if sa is None or sb is None:
            return "I cannot compare these."
        return "[[A]]" if sa > sb else "[[B]]" if sb > sa else "[[C]]"
    one = _RESPONSE.search(prompt)
    score = digit_judge_score(one.group(1)) if one is not None else None
    return "I cannot rate this." if score is None else f"Score: {score}"


class DigitJudgeBackend:
    """The scripted digit judge (see the module docstring). Counts its requests."""

    name = "digit-judge"

    def __init__(self) -> None:
        self.calls = 0
        """Requests answered so far (generate and score_next_tokens together)."""

    def generate(self, requests: Sequence[GenerateRequest]) -> list[Generation]:
        """Answer each request by script."""
        self.calls += len(requests)
        return [Generation(text=_verdict(_last_user(r.messages)), tokens=1) for r in requests]

    def score_next_tokens(self, requests: Sequence[TokenScoreRequest]) -> list[dict[str, float]]:
        """0.8 on the score digit, the rest spread evenly over the other candidates."""
        self.calls += len(requests)
        out: list[dict[str, float]] = []
        for r in requests:
            match = _RESPONSE.search(_last_user(r.messages))
            score = digit_judge_score(match.group(1)) if match is not None else None
            others = max(1, len(r.candidates) - (1 if str(score) in r.candidates else 0))
            out.append(
                {
                    c: math.log(0.8) if c == str(score) else math.log(0.2 / others)
                    for c in r.candidates
                }
            )
        return out


def register_digit_judge(backend_name: str, judge: DigitJudgeBackend | None = None) -> DigitJudgeBackend:
    """Make contracts whose judge names ``backend_name`` run ``judge`` (a new one by default).

    Tests use it to script the judge inside real lm-eval runs; it replaces whatever was
    registered under that name in this process.
    """
    instance = judge or DigitJudgeBackend()

    @register_backend(backend_name)
    def _factory(_judge_model: Any) -> DigitJudgeBackend:
        return instance

    return instance
