"""Real lm-eval runs with Hugging Face models on CPU: a tiny local Llama, and SmolLM2."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import judgespec_lmeval as jl
from judgespec import load_contract
from judgespec.pipeline import score_tables
from judgespec_lmeval import AUDIT_METRICS


def _logprob_contract(path: Path, model: str, revision: str) -> Path:
    path.write_text(
        f"""spec_version: 1
name: lmeval-logprob
version: 1.0.0
judge:
  model: {model}
  backend: lmeval
  revision: "{revision}"
  model_args: {{device: cpu, batch_size: 8}}
protocol: {{kind: logprob, scale: {{min: 1, max: 5}}, answer_prefix: "Score: "}}
prompt:
  system: You are a strict grader. Answer with a single digit.
  template: |
    {{{{ prompt }}}}
    Candidate answer: {{{{ response }}}}
    How correct is the candidate answer, from 1 (wrong) to 5 (correct)?
  variables: [prompt, response]
""",
        encoding="utf-8",
    )
    return path


def _assert_results_equal_score_tables(out: Path, task: str, contract: Path) -> None:
    (results_file,) = out.glob("**/results_*.json")
    results = json.loads(results_file.read_text(encoding="utf-8"))["results"][task]
    samples = jl.read_lmeval_samples(out)
    rows = jl.candidate_rows(samples.records, samples.responses)
    card = score_tables(rows, jl.comparison_rows(samples.records) or None, loaded=load_contract(contract), n_bootstrap=0)
    for metric in AUDIT_METRICS:
        estimate = card.metrics[metric].estimate
        got = results[f"{metric},{samples.filter}"]
        assert math.isnan(got) if math.isnan(estimate) else got == pytest.approx(estimate, abs=1e-12), metric


def test_tiny_hf_policy(
    tmp_path: Path, tiny_model_dir: Path, arith_task_yaml: Path, digit_contract: Path, digit_judge: Any
) -> None:
    card_path = jl.run_lmeval_audit(
        digit_contract,
        task=arith_task_yaml,
        n=2,
        model="hf",
        model_args={"pretrained": str(tiny_model_dir), "dtype": "float32"},
        out_dir=tmp_path,
        limit=3,
        device="cpu",
        max_gen_toks=6,
        n_bootstrap=0,
        evaluate_options={"batch_size": 8},
    )
    card = json.loads(card_path.read_text(encoding="utf-8"))
    assert card["counts"]["prompts"] == 3
    assert card["counts"]["candidates"] == 6
    samples = jl.read_lmeval_samples(tmp_path / "lmeval")
    assert all(len(d.responses) == 2 for d in samples.docs)
    assert samples.policy_model == str(tiny_model_dir)
    assert card["run"]["policy_model"] == str(tiny_model_dir)
    # A random model never answers "The answer is N": every candidate's oracle is 0.
    assert {c["oracle"] for r in samples.records for c in r["candidates"]} == {0.0}
    _assert_results_equal_score_tables(tmp_path / "lmeval", samples.task, digit_contract)


@pytest.mark.slow  # the lm-eval CLI in a subprocess with a real (tiny) HF policy and judge
def test_lm_eval_cli_with_hf_policy_and_lmeval_judge(
    tmp_path: Path, tiny_model_dir: Path, arith_task_yaml: Path
) -> None:
    """The real ``lm-eval`` command runs the compiled YAML; the judge loads through the
    ``judgespec.backends`` entry point inside lm-eval's process."""
    from judgespec.judge import directory_sha256

    contract = _logprob_contract(tmp_path / "judge.yaml", str(tiny_model_dir), directory_sha256(tiny_model_dir))
    (path,) = jl.compile_task(contract, task=arith_task_yaml, n=2, out_dir=tmp_path / "tasks", max_gen_toks=4)
    out = tmp_path / "out"
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "HF_DATASETS_OFFLINE": "1", "OMP_NUM_THREADS": "1"}
    done = subprocess.run(
        [
            sys.executable, "-m", "lm_eval", "run",
            "--model", "hf", "--model_args", f"pretrained={tiny_model_dir},dtype=float32",
            "--device", "cpu", "--include_path", str(tmp_path / "tasks"), "--tasks", path.stem,
            "--limit", "2", "--log_samples", "--output_path", str(out),
        ],
        capture_output=True, text=True, env=env,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert "recovery" in done.stdout and "strict" in done.stdout
    samples = jl.read_lmeval_samples(out)
    fingerprint = load_contract(contract).fingerprint
    assert all(r["judged_by"] == fingerprint for r in samples.records)
    assert all(1.0 <= c["judge_score"] <= 5.0 for r in samples.records for c in r["candidates"])
    _assert_results_equal_score_tables(out, path.stem, contract)
    card = jl.score_from_lmeval_samples(out, n_bootstrap=0)  # recorded verdicts: no model loads
    assert card.counts.candidates == 4


@pytest.mark.slow
def test_smollm2_policy_judged_by_smollm2(
    tmp_path: Path, smollm2_dir: Path, arith_task_yaml: Path
) -> None:
    from judgespec.judge import EMBEDDED_MODEL_ID, gguf_sha256

    contract = _logprob_contract(tmp_path / "judge.yaml", EMBEDDED_MODEL_ID, gguf_sha256())
    card_path = jl.run_lmeval_audit(
        contract,
        task=arith_task_yaml,
        n=2,
        model="hf",
        model_args={"pretrained": str(smollm2_dir), "dtype": "float32"},
        out_dir=tmp_path,
        limit=2,
        device="cpu",
        max_gen_toks=12,
        n_bootstrap=100,
        judge_after_generation=True,
        evaluate_options={"apply_chat_template": True, "batch_size": 4},
    )
    card = json.loads(card_path.read_text(encoding="utf-8"))
    assert card["counts"]["candidates"] == 4
    assert card["counts"]["judged"] == 4
    assert card["contract"]["name"] == "lmeval-logprob"
    samples = jl.read_lmeval_samples(tmp_path / "lmeval")
    assert all(r["judged_by"] == load_contract(contract).fingerprint for r in samples.records)
    assert all(text.strip() for d in samples.docs for text in d.responses)
    _assert_results_equal_score_tables(tmp_path / "lmeval", samples.task, contract)
