"""The transformers backend on a tiny random model (fast), and its failure modes."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from judge_doubles import LOGPROB, PAIRWISE, POINTWISE, contract, rows

from judgespec import BackendError, MissingExtraError
from judgespec.contract import JudgeModel, load_contract_text
from judgespec.judge import (
    ChatMessage,
    GenerateRequest,
    TokenScoreRequest,
    directory_sha256,
    judge_candidates,
    make_backend,
)
from judgespec.judge.backends._prefix import plan_prefixes
from judgespec.lock import resolve_revision

torch = pytest.importorskip("torch", reason="the transformers backend needs torch (the hf extra)")


def chat(text: str) -> tuple[ChatMessage, ...]:
    return (ChatMessage("system", "You judge answers."), ChatMessage("user", text))


SHARED = "Question: how does photosynthesis work in plants, step by step? " * 3


@pytest.mark.parametrize(
    "protocol",
    [
        POINTWISE,
        LOGPROB,
        PAIRWISE,
        {"kind": "tournament", "format": "knockout"},
        {"kind": "tournament", "ranking": "bradley_terry"},
    ],
)
def test_every_protocol_runs_on_the_tiny_model(tiny_backend: Any, protocol: dict[str, Any]) -> None:
    loaded = contract(
        protocol,
        judge={
            "model": "tiny",
            "backend": "transformers",
            "allow_unpinned": True,
            "decoding": {"max_tokens": 6},
        },
    )
    out = judge_candidates(loaded, rows([[1, 2, 3], [4, 5]]), backend=tiny_backend)
    assert len(out.candidates) == 5
    assert out.stats.model_calls == len(out.raw) > 0
    for row in out.candidates:
        assert (row["judge_score"] is None) == row["parse_failure"]
    if protocol["kind"] == "logprob":
        assert all(1.0 <= s <= 5.0 for s in (r["judge_score"] for r in out.candidates))
    for record in out.raw:
        assert (record["parse_error"] is None) != (record["verdict"] is None)


def test_generation_is_greedy_and_batch_independent(tiny_backend: Any) -> None:
    requests = [GenerateRequest(chat(f"{SHARED} answer {i}"), max_tokens=5) for i in range(5)]
    together = tiny_backend.generate(requests)
    alone = [tiny_backend.generate([r])[0] for r in requests]
    assert [g.text for g in together] == [g.text for g in alone]
    assert all(0 < g.tokens <= 5 for g in together)


def test_seeded_sampling_is_per_request(tiny_backend: Any) -> None:
    def request(i: int, seed: int) -> GenerateRequest:
        return GenerateRequest(chat(f"answer {i}"), max_tokens=8, temperature=1.0, seed=seed)

    batch = tiny_backend.generate([request(i, 0) for i in range(4)])
    again = tiny_backend.generate([request(3, 0), request(0, 0)])
    assert [g.text for g in again] == [batch[3].text, batch[0].text]
    other_seed = tiny_backend.generate([request(i, 1) for i in range(4)])
    assert [g.text for g in other_seed] != [g.text for g in batch]


def test_top_logprobs_are_returned_per_token(tiny_backend: Any) -> None:
    (gen,) = tiny_backend.generate([GenerateRequest(chat("hello"), max_tokens=3, top_logprobs=2)])
    assert gen.top_logprobs is not None and len(gen.top_logprobs) == gen.tokens
    assert all(len(step) <= 2 and all(v <= 0 for v in step.values()) for step in gen.top_logprobs)


@pytest.mark.filterwarnings("error::FutureWarning")
def test_prefix_reuse_gives_the_same_scores_and_generations(tiny_backend: Any) -> None:
    """Same results with and without reuse, and no deprecation warning from transformers."""
    from judgespec.judge import TransformersBackend

    plain = TransformersBackend(
        tiny_backend.model, tiny_backend.tokenizer, batch_size=8, prefix_reuse=False
    )
    reuse = TransformersBackend(
        tiny_backend.model, tiny_backend.tokenizer, batch_size=8, prefix_reuse=True
    )
    texts = [f"{SHARED} Response: {'x' * i} q={i}" for i in range(4)] + [
        "something else entirely",
        "a b",
    ]
    scores = [TokenScoreRequest(chat(t), "Score: ", tuple("12345")) for t in texts]
    a, b = plain.score_next_tokens(scores), reuse.score_next_tokens(scores)
    assert reuse.prefix_tokens_saved > 0
    for x, y in zip(a, b, strict=True):
        assert x == pytest.approx(y, abs=1e-4)
    gens = [GenerateRequest(chat(t), max_tokens=6) for t in texts]
    assert [g.text for g in plain.generate(gens)] == [g.text for g in reuse.generate(gens)]


def test_plan_prefixes_groups_consecutive_rows() -> None:
    shared = list(range(40))
    rows_ = [[*shared, 100, 101], [*shared, 102], [*shared[:5], 7, 7, 7], [*shared, 103, 104, 105]]
    layout = plan_prefixes(rows_, min_prefix=16)
    assert layout is not None
    assert layout.group_of == [0, 0, 1, 2]
    assert layout.prefix_ids[0] == shared
    assert layout.suffix_ids[:2] == [[100, 101], [102]]
    assert plan_prefixes([[1, 2, 3], [4, 5, 6]], min_prefix=2) is None


def test_multi_token_scale_levels_are_refused(tiny_backend: Any) -> None:
    request = TokenScoreRequest(chat("x"), "Score: ", ("1", "10"))
    with pytest.raises(BackendError, match=r"candidate token '10' is 2 tokens"):
        tiny_backend.score_next_tokens([request])


def _judge(tiny_model_dir: Path, **args: Any) -> JudgeModel:
    return JudgeModel(
        model="tiny",
        backend="transformers",
        allow_unpinned=True,
        model_args={"path": str(tiny_model_dir), "device": "cpu", **args},
    )


def test_factory_loads_a_local_model_and_checks_its_pin(tiny_model_dir: Path) -> None:
    backend = make_backend(_judge(tiny_model_dir, batch_size=3))
    assert backend.name == "transformers" and backend.batch_size == 3  # type: ignore[attr-defined]
    digest = directory_sha256(tiny_model_dir)
    assert resolve_revision(_judge(tiny_model_dir)) == digest
    good = JudgeModel(
        model="tiny",
        backend="transformers",
        revision=digest,
        model_args={"path": str(tiny_model_dir)},
    )
    assert make_backend(good).name == "transformers"
    bad = JudgeModel(
        model="tiny",
        backend="transformers",
        revision="sha256:" + "0" * 64,
        model_args={"path": str(tiny_model_dir)},
    )
    with pytest.raises(BackendError, match="the weights hash to sha256:"):
        make_backend(bad)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ({"batch": 2}, r"unknown key\(s\) \['batch'\]"),
        ({"dtype": "int8"}, "'int8' is not one of auto"),
        ({"batch_size": 0}, "batch_size must be a positive integer"),
    ],
)
def test_factory_refuses_bad_model_args(
    tiny_model_dir: Path, args: dict[str, Any], message: str
) -> None:
    with pytest.raises(BackendError, match=message):
        make_backend(_judge(tiny_model_dir, **args))


def test_missing_extra_names_the_hf_extra(
    monkeypatch: pytest.MonkeyPatch, tiny_model_dir: Path
) -> None:
    monkeypatch.setitem(sys.modules, "torch", None)
    with pytest.raises(MissingExtraError, match=r"pip install 'judgespec\[hf\]'") as info:
        make_backend(_judge(tiny_model_dir))
    assert info.value.extra == "hf" and info.value.package == "torch"


def test_hub_ids_resolve_to_their_declared_revision() -> None:
    judge = JudgeModel(model="org/model", backend="transformers", revision="a" * 40)
    assert resolve_revision(judge) == "a" * 40


def test_contract_for_a_local_model_end_to_end(tiny_model_dir: Path) -> None:
    data = {
        "spec_version": 1,
        "name": "tiny",
        "version": "1.0.0",
        "judge": {
            "model": "tiny",
            "backend": "transformers",
            "revision": directory_sha256(tiny_model_dir),
            "model_args": {"path": str(tiny_model_dir), "device": "cpu", "batch_size": 2},
        },
        "protocol": LOGPROB,
        "prompt": {"template": "{{ response }}", "variables": ["response"]},
    }
    loaded = load_contract_text(yaml.safe_dump(data))
    out = judge_candidates(loaded, rows([[1, 2, 3]]))
    assert out.stats.batches == 2 and out.stats.parse_failures == {}


@pytest.mark.gpu
def test_cuda_bfloat16_matches_cpu(tiny_model_dir: Path) -> None:
    if not torch.cuda.is_available():
        pytest.skip("no CUDA device: the bf16/cuda path needs a GPU")
    cpu = make_backend(_judge(tiny_model_dir))
    gpu = make_backend(_judge(tiny_model_dir, device="cuda"))
    assert next(gpu.model.parameters()).dtype == torch.bfloat16  # type: ignore[attr-defined]
    requests = [
        TokenScoreRequest(chat(f"{SHARED} {i}"), "Score: ", tuple("12345")) for i in range(3)
    ]
    for x, y in zip(cpu.score_next_tokens(requests), gpu.score_next_tokens(requests), strict=True):
        assert x == pytest.approx(y, abs=0.1)
    gens = gpu.generate(
        [
            GenerateRequest(chat("hi"), max_tokens=4),
            GenerateRequest(chat("x"), max_tokens=4, temperature=0.7, seed=1),
        ]
    )
    assert len(gens) == 2


def test_sampled_runs_with_one_seed_are_identical(tiny_backend: Any) -> None:
    judge = {
        "model": "tiny",
        "backend": "transformers",
        "allow_unpinned": True,
        "decoding": {"max_tokens": 6, "temperature": 0.8, "seed": 7},
    }
    loaded = contract(POINTWISE, judge=judge, samples={"count": 2})
    first = judge_candidates(loaded, rows([[1, 2, 3]]), backend=tiny_backend)
    second = judge_candidates(loaded, rows([[1, 2, 3]]), backend=tiny_backend)
    assert (first.candidates, first.raw) == (second.candidates, second.raw)
    outputs = [r["output"] for r in first.raw]
    assert outputs[0::2] != outputs[1::2]  # the two samples of a candidate differ
