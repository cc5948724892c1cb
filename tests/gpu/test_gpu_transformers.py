"""The transformers judge on the accelerator against float32 on the CPU.

For every protocol (pointwise generation, logprob expected score, pairwise both
orders) and for the shared-prefix key/value reuse path, the accelerated judge must
give the CPU reference's parse outcomes (parsed or failed, per judgment) and, for the
logprob protocol, expected scores (1-5 scale) and candidate-token log-probabilities
(nats) within the tolerance of its dtype (``TOLERANCE``):

- float32 on the accelerator: 1e-2 for both (the same arithmetic up to summation
  order and kernels; differences are expected near 1e-5);
- bfloat16: 0.05 for expected scores and 0.25 nats for log-probabilities. bfloat16
  keeps 8 significant bits (relative rounding 2**-9 per operation); measured on a CPU
  (bfloat16 against float32, the same models and rows as here), the largest
  expected-score differences were 0.016 (SmolLM2-135M) and 0.043 (the random Llama),
  the largest log-probability differences 0.13 and 0.079 nats, so 1e-2 does not hold
  in bfloat16.

Parse outcomes of the generation protocols (pointwise, pairwise) must be identical in
float32. In bfloat16 greedy decoding can take another first token when two logits are
within rounding of each other, and then the whole text differs: measured on a CPU,
SmolLM2 in bfloat16 answered one of the ten pointwise prompts here with another
sentence than in float32 (no score in it), so 9/10 parse outcomes agreed. bfloat16
must therefore agree on at least ``BF16_AGREEMENT`` = 80% of the judgments.

Every test records the largest differences it saw as JUnit properties
(``record_property``), which ``benchmarks/gpu_check.py`` keeps in ``gpu-tests.xml``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from judgespec.contract import load_contract
from judgespec.judge import (
    ChatMessage,
    GenerateRequest,
    TokenScoreRequest,
    TransformersBackend,
    judge_candidates,
)

pytestmark = pytest.mark.gpu

REPO = Path(__file__).resolve().parents[2]
SPECS = {
    kind: REPO / "specs" / f"smollm2-{kind}.yaml" for kind in ("pointwise", "logprob", "pairwise")
}
TOLERANCE = {"float32": (1e-2, 1e-2), "bfloat16": (0.05, 0.25)}
"""dtype -> (expected-score tolerance, log-probability tolerance in nats)."""
BF16_AGREEMENT = 0.8
"""Least share of identical parse outcomes of generated verdicts in bfloat16."""

QUESTIONS = {
    "france": ("What is the capital of France?", ["Paris.", "Berlin is the capital.", "Lyon"]),
    "mult": ("What is 7 times 8?", ["7 times 8 is 56.", "It is 54.", "56", "Fifty-four."]),
    "water": (
        "At what temperature does water boil at sea level, in degrees Celsius?",
        ["100 degrees Celsius.", "90.", "It boils at 100 C at sea level."],
    ),
}
ROWS = [
    {"prompt_id": pid, "candidate_id": f"c{i}", "prompt": q, "response": r}
    for pid, (q, answers) in QUESTIONS.items()
    for i, r in enumerate(answers)
]


def _outcomes(rows: list[dict[str, Any]]) -> list[bool]:
    return [bool(r["parse_failure"]) for r in rows]


def _assert_outcomes_agree(dtype: str, ref: list[bool], acc: list[bool], record: Any) -> None:
    """Identical in float32; at least ``BF16_AGREEMENT`` of them in bfloat16."""
    same = sum(a == r for r, a in zip(ref, acc, strict=True))
    record("identical_parse_outcomes", f"{same}/{len(ref)}")
    if dtype == "float32":
        assert acc == ref
    else:
        assert same >= BF16_AGREEMENT * len(ref), f"{same}/{len(ref)} parse outcomes agree"


def _largest_logprob_difference(a: list[dict[str, float]], b: list[dict[str, float]]) -> float:
    return max(abs(x[k] - y[k]) for x, y in zip(a, b, strict=True) for k in x)


def test_logprob_protocol_matches_cpu(judge_pair: Any, record_property: Any) -> None:
    score_tol, logprob_tol = TOLERANCE[judge_pair.dtype]
    loaded = load_contract(SPECS["logprob"])
    ref = judge_candidates(loaded, ROWS, backend=judge_pair.reference)
    acc = judge_candidates(loaded, ROWS, backend=judge_pair.accelerated)
    assert _outcomes(acc.candidates) == _outcomes(ref.candidates)
    assert ref.stats.parse_failures == acc.stats.parse_failures == {}
    score_diff = max(
        abs(a["judge_score"] - r["judge_score"])
        for r, a in zip(ref.candidates, acc.candidates, strict=True)
    )
    logprob_diff = _largest_logprob_difference(
        [r["logprobs"] for r in ref.raw], [a["logprobs"] for a in acc.raw]
    )
    record_property("max_score_difference", round(score_diff, 6))
    record_property("max_logprob_difference", round(logprob_diff, 6))
    assert score_diff <= score_tol, (judge_pair.name, judge_pair.dtype, score_diff)
    assert logprob_diff <= logprob_tol, (judge_pair.name, judge_pair.dtype, logprob_diff)


def test_pointwise_generation_matches_cpu(judge_pair: Any, record_property: Any) -> None:
    loaded = load_contract(SPECS["pointwise"])
    ref = judge_candidates(loaded, ROWS, backend=judge_pair.reference)
    acc = judge_candidates(loaded, ROWS, backend=judge_pair.accelerated)
    same_text = sum(a["output"] == r["output"] for r, a in zip(ref.raw, acc.raw, strict=True))
    record_property("identical_outputs", f"{same_text}/{len(ROWS)}")
    record_property("parse_failures", sum(_outcomes(acc.candidates)))
    assert len(acc.raw) == len(ref.raw) == len(ROWS)
    _assert_outcomes_agree(
        judge_pair.dtype, _outcomes(ref.candidates), _outcomes(acc.candidates), record_property
    )
    if judge_pair.dtype == "float32":
        assert acc.stats.parse_failures == ref.stats.parse_failures
    for row in acc.candidates:
        assert (row["judge_score"] is None) == row["parse_failure"]


def test_pairwise_matches_cpu(judge_pair: Any, record_property: Any) -> None:
    loaded = load_contract(SPECS["pairwise"])
    ref = judge_candidates(loaded, ROWS, backend=judge_pair.reference)
    acc = judge_candidates(loaded, ROWS, backend=judge_pair.accelerated)
    same = sum(a["winner"] == r["winner"] for r, a in zip(ref.comparisons, acc.comparisons, strict=True))
    record_property("identical_winners", f"{same}/{len(acc.comparisons)}")
    pairs = sum(len(a) * (len(a) - 1) for _, a in QUESTIONS.values())  # both orders
    assert len(acc.comparisons) == len(ref.comparisons) == pairs
    _assert_outcomes_agree(
        judge_pair.dtype,
        [c["winner"] is None for c in ref.comparisons],
        [c["winner"] is None for c in acc.comparisons],
        record_property,
    )
    if judge_pair.dtype == "float32":
        assert acc.stats.parse_failures == ref.stats.parse_failures


def _chat(text: str) -> tuple[ChatMessage, ...]:
    return (ChatMessage("system", "You are a strict grader."), ChatMessage("user", text))


def test_prefix_reuse_on_the_accelerator(judge_pair: Any, record_property: Any) -> None:
    """Requests sharing a long prefix: reuse on the accelerator = no reuse = the CPU."""
    acc = judge_pair.accelerated
    plain = TransformersBackend(acc.model, acc.tokenizer, batch_size=8, prefix_reuse=False)
    reuse = TransformersBackend(acc.model, acc.tokenizer, batch_size=8, prefix_reuse=True)
    shared = "Rubric: correctness first, then completeness, then clarity. " * 6
    texts = [f"{shared}Question: {q}\nAnswer: {a}" for q, answers in QUESTIONS.values() for a in answers]
    requests = [TokenScoreRequest(_chat(t), "Score: ", tuple("12345")) for t in texts]
    with_reuse = reuse.score_next_tokens(requests)
    assert reuse.prefix_reuse and reuse.prefix_tokens_saved > 0
    without = plain.score_next_tokens(requests)
    cpu = judge_pair.reference.score_next_tokens(requests)
    reuse_diff = _largest_logprob_difference(with_reuse, without)
    cpu_diff = _largest_logprob_difference(with_reuse, cpu)
    record_property("prefix_tokens_saved", reuse.prefix_tokens_saved)
    record_property("max_logprob_difference_reuse_vs_plain", round(reuse_diff, 6))
    record_property("max_logprob_difference_vs_cpu", round(cpu_diff, 6))
    logprob_tol = TOLERANCE[judge_pair.dtype][1]
    assert reuse_diff <= logprob_tol and cpu_diff <= logprob_tol
    generations = [GenerateRequest(_chat(t), max_tokens=6) for t in texts]
    reused = reuse.generate(generations)
    assert [g.tokens > 0 for g in reused] == [True] * len(texts)
    assert len(reused) == len(plain.generate(generations))
