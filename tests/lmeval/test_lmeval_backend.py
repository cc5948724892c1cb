"""The ``lmeval`` judge backend over lm-eval's HFLM, with a tiny local model."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from judgespec import BackendError, load_contract
from judgespec.contract import JudgeModel, load_contract_text
from judgespec.judge import (
    ChatMessage,
    GenerateRequest,
    TokenScoreRequest,
    directory_sha256,
    judge_candidates,
    make_backend,
)
from judgespec.lock import resolve_revision

MESSAGES = (ChatMessage("system", "Be brief."), ChatMessage("user", "What is 2 + 3?"))


def _judge(model_dir: Path, **fields: Any) -> JudgeModel:
    args = {"device": "cpu", "batch_size": 4, **fields.pop("model_args", {})}
    return JudgeModel(model=str(model_dir), backend="lmeval", allow_unpinned=True, model_args=args, **fields)


@pytest.fixture(scope="module")
def backend(tiny_model_dir: Path) -> Any:
    """The lmeval backend, made through the judgespec.backends entry point."""
    return make_backend(_judge(tiny_model_dir))


def test_entry_point_builds_hflm(backend: Any) -> None:
    from lm_eval.models.huggingface import HFLM

    from judgespec_lmeval import LmevalJudgeBackend

    assert isinstance(backend, LmevalJudgeBackend)
    assert isinstance(backend.lm, HFLM)
    assert backend.name == "lmeval"


def test_generate(backend: Any) -> None:
    requests = [GenerateRequest(MESSAGES, max_tokens=4), GenerateRequest(MESSAGES[1:], max_tokens=3)]
    out = backend.generate(requests)
    assert len(out) == 2
    assert all(isinstance(g.text, str) for g in out)
    assert all(g.tokens >= 0 for g in out)
    assert backend.generate(requests)[0].text == out[0].text  # greedy at temperature 0


def test_score_next_tokens_is_hflm_loglikelihood(backend: Any) -> None:
    from lm_eval.api.instance import Instance

    request = TokenScoreRequest(MESSAGES, answer_prefix="Score: ", candidates=("1", "2", "3", "4", "5"))
    (scores,) = backend.score_next_tokens([request])
    assert list(scores) == ["1", "2", "3", "4", "5"]
    assert all(s < 0 for s in scores.values())
    context = backend.tokenizer.apply_chat_template(
        [{"role": m.role, "content": m.content} for m in MESSAGES], add_generation_prompt=True, tokenize=False
    ) + "Score: "
    direct = backend.lm.loglikelihood(
        [Instance("loglikelihood", {}, (context, c), idx=0) for c in request.candidates]
    )
    assert [s for s in scores.values()] == [pytest.approx(ll) for ll, _ in direct]


def test_top_logprobs_are_refused(backend: Any) -> None:
    with pytest.raises(BackendError, match="cannot return top logprobs"):
        backend.generate([GenerateRequest(MESSAGES, max_tokens=2, top_logprobs=3)])


def test_bad_engine(tiny_model_dir: Path) -> None:
    with pytest.raises(BackendError, match=r"model_args\.engine 'tgi' is not one of hf, vllm"):
        make_backend(_judge(tiny_model_dir, model_args={"engine": "tgi"}))


def test_vllm_engine_needs_vllm(tiny_model_dir: Path) -> None:
    pytest.importorskip("lm_eval", reason="needs the lmeval extra")
    try:
        import vllm  # noqa: F401
    except ImportError:
        with pytest.raises(BackendError, match="pip install vllm"):
            make_backend(_judge(tiny_model_dir, model_args={"engine": "vllm"}))
    else:  # pragma: no cover - only where vLLM is installed
        pytest.skip("vLLM is installed; the GPU test covers it")


def test_content_pin(tiny_model_dir: Path) -> None:
    pin = directory_sha256(tiny_model_dir)
    judge = JudgeModel(model=str(tiny_model_dir), backend="lmeval", revision=pin, model_args={"device": "cpu"})
    import judgespec_lmeval._backend  # noqa: F401  (registers the revision resolver)

    assert resolve_revision(judge) == pin
    wrong = judge.model_copy(update={"revision": "sha256:" + "0" * 64})
    with pytest.raises(BackendError, match="the weights hash to"):
        make_backend(wrong)


def test_logprob_contract_end_to_end(tiny_model_dir: Path, backend: Any) -> None:
    contract = load_contract_text(
        f"""
spec_version: 1
name: tiny-logprob
version: 1.0.0
judge: {{model: {tiny_model_dir}, backend: lmeval, allow_unpinned: true, model_args: {{device: cpu}}}}
protocol: {{kind: logprob, scale: {{min: 1, max: 5}}}}
prompt:
  template: "Question: {{{{ prompt }}}}\\nResponse: {{{{ response }}}}\\nScore 1-5."
  variables: [prompt, response]
"""
    )
    rows = [
        {"prompt_id": "p", "candidate_id": str(i), "prompt": "What is 2 + 3?", "response": r}
        for i, r in enumerate(["5", "6", "five"])
    ]
    out = judge_candidates(contract, rows, backend=backend)
    scores = [r["judge_score"] for r in out.candidates]
    assert all(1.0 <= s <= 5.0 for s in scores)
    assert not any(r["parse_failure"] for r in out.candidates)


def test_repo_logprob_spec_validates_with_lmeval_backend(repo_root: Path, tmp_path: Path) -> None:
    text = (repo_root / "specs" / "logprob-1-5.yaml").read_text(encoding="utf-8")
    spec = tmp_path / "spec.yaml"
    spec.write_text(text.replace("backend: transformers", "backend: lmeval"), encoding="utf-8")
    assert load_contract(spec).contract.judges[0].backend == "lmeval"
