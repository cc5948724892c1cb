"""The scripted provider as an lm-eval model (``judgespec-scripted``) and a judge backend.

Thin wrappers of :mod:`judgespec._scripted` (the scripts, their answers and the call
counter live there, shared with the Inspect adapter's ``judgespec-scripted/<script>``
provider), so one candidate set comes out of either framework.

``judgespec-scripted`` (lm-eval model)
    A policy for ``generate_until`` requests: ``--model judgespec-scripted --model_args
    script=arithmetic`` (the default) or ``script=table,table=<candidates.jsonl>``. The
    k-th repeat of a request (counted from 0 in each call) is draw ``k``. Loglikelihood
    requests are refused.

:class:`DigitJudgeBackend` (a :class:`~judgespec.judge.JudgeBackend`)
    The ``digit-judge`` script as a judgespec backend; :func:`register_digit_judge` makes
    contracts whose judge names a given backend run it.

Importing this module registers the lm-eval model.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from typing import Any

from ._deps import require_lm_eval

require_lm_eval("The scripted lm-eval model")

from lm_eval.api.model import LM  # noqa: E402
from lm_eval.api.registry import register_model  # noqa: E402

from judgespec._scripted import (  # noqa: E402
    POLICY_SCRIPTS,
    count_call,
    digit_judge_logprobs,
    digit_judge_verdict,
    policy_answer,
    read_table,
)
from judgespec.judge.backends._backend import (  # noqa: E402
    ChatMessage,
    GenerateRequest,
    Generation,
    TokenScoreRequest,
    register_backend,
)

__all__ = ["DigitJudgeBackend", "ScriptedLM", "number_results", "register_digit_judge"]

_FRAMEWORK_ARGS = ("batch_size", "max_batch_size", "device")


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

    def __init__(self, script: str = "arithmetic", table: str | None = None, **kwargs: Any) -> None:
        super().__init__()
        ScriptedLM.instances += 1
        unknown = set(kwargs) - set(_FRAMEWORK_ARGS)
        if unknown:
            raise ValueError(
                f"judgespec-scripted takes the model args script and table, got {sorted(unknown)}"
            )
        if script not in POLICY_SCRIPTS:
            raise ValueError(f"unknown script '{script}': use one of {list(POLICY_SCRIPTS)}")
        self.script = script
        self.table = read_table(table) if table is not None else None
        self.requests_seen = 0
        """Generation requests answered so far (repeats included)."""

    def generate_until(self, requests: list[Any], disable_tqdm: bool = False) -> list[str]:
        """Answer each request; the k-th repeat of one request is draw k."""
        count_call(self.script)
        draws: Counter[tuple[Any, ...]] = Counter()
        out: list[str] = []
        for req in requests:
            key = (req.task_name, req.doc_id, req.idx, req.args[0])
            out.append(policy_answer(self.script, str(req.args[0]), draws[key], self.table))
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


class DigitJudgeBackend:
    """The scripted digit judge as a judgespec backend. Counts its requests."""

    name = "digit-judge"

    def __init__(self) -> None:
        self.calls = 0
        """Requests answered so far (generate and score_next_tokens together)."""

    def generate(self, requests: Sequence[GenerateRequest]) -> list[Generation]:
        """Answer each request by script."""
        self.calls += len(requests)
        count_call(self.name, len(requests))
        return [Generation(text=digit_judge_verdict(_last_user(r.messages)), tokens=1) for r in requests]

    def score_next_tokens(self, requests: Sequence[TokenScoreRequest]) -> list[dict[str, float]]:
        """The script's log-probabilities of each request's candidate tokens."""
        self.calls += len(requests)
        count_call(self.name, len(requests))
        out: list[dict[str, float]] = []
        for r in requests:
            ranked = digit_judge_logprobs(_last_user(r.messages), tuple(r.candidates))
            out.append({c: ranked[c] for c in r.candidates})
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
