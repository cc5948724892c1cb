"""Real lm-eval runs with the scripted policy and judge, pinned against hand computation.

The scripted policy answers ``"The answer is {exact + offset}."`` with offsets 0, 1, 0, 5
for the four repeats; the digit judge scores ``1 + d % 5`` for the last digit ``d`` (a 9
is a parse failure). The ``expected`` fixture (conftest) computes the metrics from those
rules and the design document's definitions, by code that shares nothing with judgespec.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest

import judgespec_lmeval as jl
from judgespec import load_contract
from judgespec._scripted import ARITHMETIC_OFFSETS
from judgespec.pipeline import score_tables
from judgespec_lmeval import AUDIT_METRICS

N = 4
TASK = "arith_judgespec_digit-judge_n4"


def _results(out: Path) -> dict[str, Any]:
    (path,) = out.glob("lmeval/*/results_*.json")
    return json.loads(path.read_text(encoding="utf-8"))


def test_hand_example_is_not_trivial(expected: dict[str, float]) -> None:
    # The candidates exercise ties, a parse failure and a constant-oracle prompt; the
    # judge picks worse than random here (recovery -1/6, as in the Inspect adapter's hand
    # example: the same scripted policy), so recovery is at no boundary value.
    assert math.isfinite(expected["recovery"]) and expected["recovery"] not in (0.0, 1.0)
    assert -1 < expected["recovery"] < 1
    assert expected["tie_rate"] > 0 and expected["parse_failure_rate"] > 0


@pytest.mark.parametrize("after", [False, True], ids=["inline", "judge-after-generation"])
def test_run_pins_metrics(
    tmp_path: Path,
    arith_task_yaml: Path,
    digit_contract: Path,
    digit_judge: Any,
    expected: dict[str, float],
    hand: Any,
    arithmetic_jsonl: Path,
    after: bool,
) -> None:
    card_path = jl.run_lmeval_audit(
        digit_contract,
        task=arith_task_yaml,
        n=N,
        model="judgespec-scripted",
        model_args=None,
        out_dir=tmp_path,
        judge_after_generation=after,
        n_bootstrap=50,
    )
    # Every distinct candidate judged once (draws 0 and 2 give the same response).
    assert digit_judge.calls == 6 * 3
    results = _results(tmp_path)["results"][TASK + ("_deferred" if after else "")]
    card = json.loads(card_path.read_text(encoding="utf-8"))
    for metric, value in expected.items():
        for filter_name in ("strict", "last-number"):
            assert results[f"{metric},{filter_name}"] == pytest.approx(value, abs=1e-12), metric
        assert card["metrics"][metric]["estimate"] == pytest.approx(value, abs=1e-12), metric
    # What lm-eval users look for first: the base metric of the judge's pick, pass@1, pass@n.
    native = hand.lmeval_metrics(hand.candidates(arithmetic_jsonl), N)
    for metric, value in native.items():
        for filter_name in ("strict", "last-number"):
            assert results[f"{metric},{filter_name}"] == pytest.approx(value, abs=1e-12), metric
    assert card["run"]["framework"] == "lmeval"
    assert card["run"]["n"] == N
    counts = card["counts"]
    assert (counts["prompts"], counts["candidates"], counts["parse_failures"]) == (6, 24, 5)


def test_metrics_equal_score_tables_on_rebuilt_samples(
    tmp_path: Path, arith_task_yaml: Path, digit_contract: Path, digit_judge: Any
) -> None:
    jl.run_lmeval_audit(
        digit_contract,
        task=arith_task_yaml,
        n=N,
        model="judgespec-scripted",
        model_args=None,
        out_dir=tmp_path,
        judge_after_generation=False,
        n_bootstrap=0,
    )
    results = _results(tmp_path)["results"][TASK]
    (samples_file,) = tmp_path.glob("lmeval/*/samples_*.jsonl")
    lines = [json.loads(x) for x in samples_file.read_text(encoding="utf-8").splitlines()]
    for filter_name in ("strict", "last-number"):
        rows = []
        for sample in (s for s in lines if s["filter"] == filter_name):
            record = sample["recovery"]
            for cand, response in zip(record["candidates"], sample["resps"][0], strict=True):
                rows.append(
                    {
                        "prompt_id": record["prompt_id"],
                        "candidate_id": cand["candidate_id"],
                        "response": response,
                        "oracle": cand["oracle"],
                        "judge_score": cand["judge_score"],
                        "parse_failure": cand["parse_failure"],
                    }
                )
        card = score_tables(rows, loaded=load_contract(digit_contract), n_bootstrap=0)
        for metric in AUDIT_METRICS:
            estimate = card.metrics[metric].estimate
            got = results[f"{metric},{filter_name}"]
            if math.isnan(estimate):
                assert math.isnan(got), metric
            else:
                assert got == pytest.approx(estimate, abs=1e-12), metric
    # The candidates are the scripted policy's, oracle from the base task's exact_match.
    first = lines[0]
    assert first["resps"][0] == [f"The answer is {42 + o}." for o in ARITHMETIC_OFFSETS[:N]]
    assert [c["oracle"] for c in first["recovery"]["candidates"]] == [1.0, 0.0, 1.0, 0.0]
    assert first["filtered_resps"][0] == ["42", "43", "42", "47"]


def test_pairwise_contract_records_comparisons(
    tmp_path: Path, arith_task_yaml: Path, pairwise_contract: Path, digit_judge: Any
) -> None:
    card_path = jl.run_lmeval_audit(
        pairwise_contract,
        task=arith_task_yaml,
        n=3,
        model="judgespec-scripted",
        model_args=None,
        out_dir=tmp_path,
        judge_after_generation=False,
        n_bootstrap=0,
    )
    card = json.loads(card_path.read_text(encoding="utf-8"))
    assert card["counts"]["comparisons"] == 6 * 3 * 2  # 3 pairs, both orders, 6 prompts
    assert card["metrics"]["position_consistency"]["estimate"] is not None
    results = _results(tmp_path)["results"]["arith_judgespec_digit-pairwise_n3"]
    assert "position_consistency,strict" in results  # reported for pairwise protocols
    for metric in (*AUDIT_METRICS, "position_consistency"):
        value = card["metrics"][metric]["estimate"]
        got = results[f"{metric},strict"]
        assert math.isnan(got) if value is None else got == pytest.approx(value, abs=1e-12), metric


def test_custom_process_results_gives_graded_oracle(
    tmp_path: Path,
    arith_task_config: dict[str, Any],
    arithmetic_jsonl: Path,
    digit_contract: Path,
    digit_judge: Any,
    hand: Any,
) -> None:
    from judgespec_lmeval._scripted import number_results

    config = {
        **{k: v for k, v in arith_task_config.items() if k != "filter_list"},
        "process_results": number_results,
        "metric_list": [
            {"metric": "number_match", "aggregation": "mean", "higher_is_better": True},
            {"metric": "neg_abs_error", "aggregation": "mean", "higher_is_better": True},
        ],
    }
    jl.run_lmeval_audit(
        digit_contract,
        task=config,
        n=N,
        model="judgespec-scripted",
        model_args=None,
        out_dir=tmp_path,
        judge_after_generation=False,
        n_bootstrap=0,
    )
    (compiled,) = (tmp_path / "tasks").glob("*.yaml")
    assert "process_results: !function 'judgespec_lmeval._scripted.number_results'" in compiled.read_text(encoding="utf-8")
    samples = jl.read_lmeval_samples(tmp_path / "lmeval")
    assert samples.filter == "none"
    for record in samples.records:
        # The oracle is the base task's first metric (number_match) of every candidate.
        assert [c["oracle"] for c in record["candidates"]] == [1.0, 0.0, 1.0, 0.0]
    card_path = jl.run_lmeval_audit(
        digit_contract,
        task=config,
        n=N,
        model="judgespec-scripted",
        model_args=None,
        out_dir=tmp_path / "graded",
        oracle_metric="neg_abs_error",
        n_bootstrap=0,
    )
    graded = jl.read_lmeval_samples(tmp_path / "graded" / "lmeval")
    for record in graded.records:
        assert [c["oracle"] for c in record["candidates"]] == [0.0, -1.0, 0.0, -5.0]
    card = json.loads(card_path.read_text(encoding="utf-8"))
    graded_hand = [
        [(-float(abs(off)), score, failed) for off, (_, score, failed) in zip(hand.offsets, cands, strict=True)]
        for cands in hand.candidates(arithmetic_jsonl)
    ]
    for metric, value in hand.metrics(graded_hand).items():
        assert card["metrics"][metric]["estimate"] == pytest.approx(value, abs=1e-12), metric
