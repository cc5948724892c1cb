"""The scripted provider: deterministic, offline answers for trying judgespec out.

Like Inspect's ``mockllm``, it needs no network, no weights and no account, and unlike
it, its answers can be worked out by hand, so a best-of-n audit run on it has known
candidates, known verdicts and known metrics. Each framework adapter wraps this one
script in its own model interface, registered by name:

* Inspect: the model provider ``judgespec-scripted/<script>``
  (``inspect eval ... --model judgespec-scripted/arithmetic``);
* lm-evaluation-harness: the model ``judgespec-scripted``
  (``lm-eval run --model judgespec-scripted --model_args script=arithmetic``).

This module imports no framework; the wrappers only translate requests and outputs.

Scripts
-------
``arithmetic`` (a policy)
    Finds the last ``A op B`` (``op`` one of ``+``, ``-``, ``*``) in the prompt and
    answers ``"The answer is {A op B + offset}."``, where draw ``d`` adds
    ``ARITHMETIC_OFFSETS[d % 8]`` (draws 0..3: exact, +1, exact, +5). A prompt without an
    expression gets ``"I do not know (draw d)."``.
``table`` (a policy)
    Answers a prompt with the responses listed for it in a candidates table (JSONL with
    ``prompt`` and ``response``; model arg ``table``): draw ``d`` is the d-th listed
    response. An unknown prompt, or a draw past the listed responses, is an error.
``digit-judge`` (a judge)
    Reads the line after ``Response:`` and answers ``"Score: {1 + d % 5}"`` for the
    response's last digit ``d``; a response whose last digit is 9, or that has no
    digit, gets ``"I cannot rate this."`` (a parse failure). With ``Response A:`` and
    ``Response B:`` lines it compares the two scores and answers ``[[A]]``, ``[[B]]`` or
    ``[[C]]`` (tie). Next-token log-probabilities put 0.8 on the score digit and share
    0.2 evenly among the other candidate tokens (``1`` .. ``5`` by default); without a
    score, 0.9 goes to the token ``I`` and 0.1 is shared among the candidates.

Draws
-----
A policy call that asks for ``m`` answers starting at draw ``s`` gets draws
``s, s+1, ..., s+m-1``, so one call for ``m`` choices and ``m`` calls for one choice each
(draw = the candidate's position) give the same candidates in both frameworks.

Every model call the wrappers answer is counted per script (:func:`count_call`,
:func:`scripted_calls`), so a test can assert that a bad input stopped a run before any
model call.
"""

from __future__ import annotations

import json
import math
import re
import threading
from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path

__all__ = [
    "ARITHMETIC_OFFSETS",
    "JUDGE_SCRIPTS",
    "POLICY_SCRIPTS",
    "ScriptError",
    "arithmetic_answer",
    "count_call",
    "digit_judge_logprobs",
    "digit_judge_score",
    "digit_judge_verdict",
    "is_pairwise_prompt",
    "policy_answer",
    "read_table",
    "reset_scripted_calls",
    "scripted_calls",
    "table_answer",
]

ARITHMETIC_OFFSETS: tuple[int, ...] = (0, 1, 0, 5, -1, 3, 0, 4)
"""Offset added to the exact result for draw ``d`` (``d % 8``)."""

POLICY_SCRIPTS: tuple[str, ...] = ("arithmetic", "table")
"""Scripts that answer prompts as a policy."""

JUDGE_SCRIPTS: tuple[str, ...] = ("digit-judge",)
"""Scripts that answer judge prompts."""

SCORE_TOKENS: tuple[str, ...] = ("1", "2", "3", "4", "5")
"""The digit judge's candidate score tokens when the caller names none."""

_EXPR = re.compile(r"(-?\d+)\s*([-+*])\s*(-?\d+)")
_RESPONSE = re.compile(r"^Response:[ \t]*(.*)$", re.MULTILINE)
_RESPONSE_A = re.compile(r"^Response A:[ \t]*(.*)$", re.MULTILINE)
_RESPONSE_B = re.compile(r"^Response B:[ \t]*(.*)$", re.MULTILINE)
_DIGITS = re.compile(r"\d")

_calls: Counter[str] = Counter()
_lock = threading.Lock()


class ScriptError(ValueError):
    """A scripted model was asked for something its script does not answer."""


def count_call(script: str, calls: int = 1) -> None:
    """Record ``calls`` model calls answered by ``script`` (the wrappers call this)."""
    with _lock:
        _calls[script] += calls


def scripted_calls(script: str | None = None) -> int:
    """Model calls answered by ``script`` in this process (all scripts when None)."""
    with _lock:
        return sum(_calls.values()) if script is None else _calls[script]


def reset_scripted_calls() -> None:
    """Set every call counter back to zero."""
    with _lock:
        _calls.clear()


def arithmetic_answer(prompt: str, draw: int) -> str:
    """The ``arithmetic`` policy's answer to ``prompt`` for draw number ``draw``."""
    matches = list(_EXPR.finditer(prompt))
    if not matches:
        return f"I do not know (draw {draw})."
    last = matches[-1]
    a, op, b = int(last.group(1)), last.group(2), int(last.group(3))
    exact = a + b if op == "+" else a - b if op == "-" else a * b
    return f"The answer is {exact + ARITHMETIC_OFFSETS[draw % len(ARITHMETIC_OFFSETS)]}."


def read_table(path: str | Path) -> dict[str, list[str]]:
    """Prompt text -> its responses in file order, from a JSONL candidates table."""
    out: dict[str, list[str]] = {}
    source = Path(path)
    for number, line in enumerate(source.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        row = json.loads(line)
        if not isinstance(row, dict) or "prompt" not in row or "response" not in row:
            raise ScriptError(
                f"{source}:{number}: a scripted table row needs 'prompt' and 'response'"
            )
        out.setdefault(str(row["prompt"]), []).append(str(row["response"]))
    return out


def table_answer(table: Mapping[str, Sequence[str]], prompt: str, draw: int) -> str:
    """The ``table`` policy's answer: the ``draw``-th response listed for ``prompt``."""
    responses = table.get(prompt)
    if responses is None:
        raise ScriptError(f"prompt not in the scripted table: {prompt!r}")
    if draw >= len(responses):
        raise ScriptError(
            f"draw {draw} asked for, the scripted table has {len(responses)} for {prompt!r}"
        )
    return responses[draw]


def policy_answer(
    script: str, prompt: str, draw: int, table: Mapping[str, Sequence[str]] | None = None
) -> str:
    """One policy answer of ``script`` (``arithmetic`` or ``table``) for draw ``draw``."""
    if script == "arithmetic":
        text = arithmetic_answer(prompt, draw)
    elif script == "table":
        if table is None:
            raise ScriptError("the 'table' script needs the model arg table=<candidates.jsonl>")
        text = table_answer(table, prompt, draw)
    else:
        raise ScriptError(f"'{script}' is not a policy script: use one of {list(POLICY_SCRIPTS)}")
    return text


def digit_judge_score(response: str) -> int | None:
    """The digit judge's score of one response: ``1 + d % 5`` for its last digit ``d``.

    None (the judge writes no score) when the response has no digit or ends in 9.
    """
    digits = _DIGITS.findall(response)
    if not digits or digits[-1] == "9":
        return None
    return 1 + int(digits[-1]) % 5


def _single_score(prompt: str) -> int | None:
    found = _RESPONSE.search(prompt)
    return digit_judge_score(found.group(1)) if found is not None else None


def is_pairwise_prompt(prompt: str) -> bool:
    """Whether ``prompt`` holds both a ``Response A:`` and a ``Response B:`` line."""
    return _RESPONSE_A.search(prompt) is not None and _RESPONSE_B.search(prompt) is not None


def digit_judge_verdict(prompt: str) -> str:
    """The digit judge's answer to a judge prompt (pointwise or pairwise)."""
    a, b = _RESPONSE_A.search(prompt), _RESPONSE_B.search(prompt)
    if a is not None and b is not None:
        sa, sb = digit_judge_score(a.group(1)), digit_judge_score(b.group(1))
        if sa is None or sb is None:
            return "I cannot compare these."
        return "[[A]]" if sa > sb else "[[B]]" if sb > sa else "[[C]]"
    score = _single_score(prompt)
    return "I cannot rate this." if score is None else f"Score: {score}"


def digit_judge_logprobs(
    prompt: str, candidates: Sequence[str] = SCORE_TOKENS
) -> dict[str, float]:
    """Next-token log-probabilities of the digit judge's first token.

    With a score ``k``: P(``k``) = 0.8 and the other candidates share 0.2 evenly. Without
    one: P(``I``) = 0.9 and the candidates share 0.1 evenly. Returns token -> log P, the
    most likely token first.
    """
    score = _single_score(prompt)
    if score is None:
        share = math.log(0.1 / max(1, len(candidates)))
        return {"I": math.log(0.9), **{c: share for c in candidates if c != "I"}}
    top = str(score)
    others = [c for c in candidates if c != top]
    share = math.log(0.2 / max(1, len(others)))
    return {top: math.log(0.8), **{c: share for c in others}}
