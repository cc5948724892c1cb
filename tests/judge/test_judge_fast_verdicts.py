"""Constrained greedy verdicts read from one forward pass equal masked greedy decoding.

The transformers backend answers a greedy, rationale-free constrained verdict whose
choices branch at one token (``Score: 1`` .. ``Score: 5``, ``[A]``/``[B]``/``[C]``) with
one batched forward pass instead of token-by-token decoding. These tests compare the
two paths on the same requests: the tiny random model (fast) and real SmolLM2
judgments under the shipped contracts (slow).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from judgespec.contract import load_contract
from judgespec.demo import arithmetic_questions
from judgespec.judge import (
    ChatMessage,
    GenerateRequest,
    TransformersBackend,
    VerdictChoices,
    judge_candidates,
)

REPO = Path(__file__).resolve().parents[2]


def _twin(backend: Any, *, fast: bool, batch_size: int | None = None) -> TransformersBackend:
    return TransformersBackend(
        backend.model,
        backend.tokenizer,
        batch_size=batch_size or backend.batch_size,
        fast_verdicts=fast,
    )


def _chats(count: int) -> list[tuple[ChatMessage, ...]]:
    return [
        (
            ChatMessage("system", "You are a strict grader."),
            ChatMessage("user", f"Question {i}: is {i} + {i} = {2 * i + i % 3}? Answer: {i % 5}."),
        )
        for i in range(count)
    ]


@pytest.mark.parametrize(
    "choices",
    [
        VerdictChoices(tuple(f"Score: {k}" for k in range(1, 6))),
        VerdictChoices(("[A]", "[B]", "[C]")),
        VerdictChoices(("[[A]]", "[[B]]")),
    ],
)
def test_one_pass_verdicts_equal_masked_decoding_tiny(tiny_backend: Any, choices: VerdictChoices) -> None:
    fast, slow = _twin(tiny_backend, fast=True), _twin(tiny_backend, fast=False)
    requests = [GenerateRequest(m, max_tokens=3, constraint=choices) for m in _chats(7)]
    got, want = fast.generate(requests), slow.generate(requests)
    assert [g.text for g in got] == [g.text for g in want]
    assert [g.tokens for g in got] == [g.tokens for g in want]
    assert all(g.text in choices.choices for g in got)
    assert slow.verdict_passes == 0
    if fast._single_decision(requests[0]) is not None:
        assert fast.verdict_passes == 2  # 7 requests in batches of 4


def test_sampled_or_reasoned_verdicts_still_decode(tiny_backend: Any) -> None:
    fast = _twin(tiny_backend, fast=True)
    choices = VerdictChoices(("[A]", "[B]"))
    sampled = GenerateRequest(_chats(1)[0], max_tokens=3, temperature=1.0, seed=1, constraint=choices)
    reasoned = GenerateRequest(_chats(1)[0], max_tokens=3, constraint=VerdictChoices(("[A]", "[B]"), 4))
    free = GenerateRequest(_chats(1)[0], max_tokens=3)
    for request in (sampled, reasoned, free):
        assert fast._single_decision(request) is None
    fast.generate([sampled, reasoned, free])
    assert fast.verdict_passes == 0


@pytest.mark.slow
@pytest.mark.parametrize("name", ["smollm2-pointwise", "smollm2-pairwise"])
def test_one_pass_verdicts_equal_masked_decoding_smollm2(smollm2_backend: Any, name: str) -> None:
    """Real SmolLM2 judgments of SmolLM2-style answers: identical verdicts either way."""
    questions = arithmetic_questions(3, seed=5)
    answers = ["{a}", "The answer is {a}.", "{b}"]
    rows = [
        {
            "prompt_id": q.prompt_id,
            "candidate_id": f"c{k}",
            "prompt": q.prompt,
            "response": text.format(a=q.answer, b=q.answer + 3),
        }
        for q in questions
        for k, text in enumerate(answers)
    ]
    loaded = load_contract(REPO / "specs" / f"{name}.yaml")
    fast = _twin(smollm2_backend, fast=True, batch_size=16)
    slow = _twin(smollm2_backend, fast=False, batch_size=4)
    got = judge_candidates(loaded, rows, backend=fast)
    want = judge_candidates(loaded, rows, backend=slow)
    assert fast.verdict_passes >= 1 and slow.verdict_passes == 0
    assert [r["output"] for r in got.raw] == [r["output"] for r in want.raw]
    assert [r["judge_score"] for r in got.candidates] == [r["judge_score"] for r in want.candidates]
    assert got.comparisons == want.comparisons
    assert got.stats.parse_failures == {} and got.stats.tokens == want.stats.tokens
