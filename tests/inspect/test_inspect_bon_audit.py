"""``bon_audit`` end to end with real ``inspect_ai.eval`` runs and the scripted provider.

The expected candidates and metric values are worked out by hand below (not by the
adapter's code): the policy answers ``A op B + offset`` with offsets 0, 1, 0, 5 for draws
0..3; the digit judge scores ``1 + d % 5`` for the response's last digit ``d`` and fails
to parse a 9; the oracle is Inspect's ``match()`` against the exact answer.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from inspect_ai.log import read_eval_log
from inspect_hand import EXPECTED, HAND
from inspect_helpers import card_json, only_logs_in

from judgespec import ContractError
from judgespec._scripted import scripted_calls
from judgespec.pipeline import score_tables
from judgespec_inspect import SCORECARD_KEY, AuditArgumentError, bon_audit
from judgespec_inspect._records import records_of, rows_from_records


def _pearson_reference() -> tuple[float, float]:
    """r_global and r_within over judged candidates, with numpy (independent of the audit)."""
    s_all, y_all, s_dm, y_dm = [], [], [], []
    for cands in HAND.values():
        judged = [(s, y) for _, y, s in cands if s is not None]
        s = np.array([p[0] for p in judged], dtype=float)
        y = np.array([p[1] for p in judged], dtype=float)
        s_all += list(s)
        y_all += list(y)
        s_dm += list(s - s.mean())
        y_dm += list(y - y.mean())
    return float(np.corrcoef(s_all, y_all)[0, 1]), float(np.corrcoef(s_dm, y_dm)[0, 1])


def _metrics(log: Any) -> dict[str, float]:
    return {name: m.value for name, m in log.results.scores[0].metrics.items()}


def _audit(arithmetic: Path, digit_contract: Path, **kwargs: Any) -> Any:
    return bon_audit(
        contract=str(digit_contract), dataset=str(arithmetic), n=4, n_bootstrap=200, **kwargs
    )


def _records(log: Any) -> dict[str, dict[str, Any]]:
    out = {}
    for sample in log.samples:
        record = records_of(sample.scores["judge_selection"].metadata)
        assert record is not None
        out[record["prompt_id"]] = record
    return out


def test_candidates_and_verdicts_match_the_hand_table(run_eval, arithmetic, digit_contract):
    log = run_eval(_audit(arithmetic, digit_contract))
    records = _records(log)
    assert sorted(records) == sorted(HAND)
    for pid, expected in HAND.items():
        got = records[pid]["candidates"]
        assert [c["response"] for c in got] == [f"The answer is {a}." for a, _, _ in expected]
        assert [c["oracle"] for c in got] == [y for _, y, _ in expected]
        assert [c["judge_score"] for c in got] == [s for _, _, s in expected]
        assert [c["parse_failure"] for c in got] == [s is None for _, _, s in expected]
        assert records[pid]["generation"] == {
            "requested": 4, "from_choices": 4, "from_topup": 0, "truncated": 0, "short": 0,
            "temperature": 1.0, "cache": False,
        }
    # 6 policy calls (num_choices=4 each); 18 judge calls: the engine sends the two
    # identical requests of each prompt (draws 0 and 2 give the same answer) once
    assert scripted_calls("arithmetic") == 6
    assert scripted_calls("digit-judge") == 18


def test_metrics_in_the_log_equal_hand_computed_values(run_eval, arithmetic, digit_contract):
    log = run_eval(_audit(arithmetic, digit_contract))
    metrics = _metrics(log)
    for name, value in EXPECTED.items():
        assert metrics[name] == pytest.approx(value, abs=1e-12), name
    r_global, r_within = _pearson_reference()
    assert metrics["r_global"] == pytest.approx(r_global, abs=1e-12)
    assert metrics["r_within"] == pytest.approx(r_within, abs=1e-12)
    # per-sample values: expected utility of the pick, best, random
    q3 = next(s for s in log.samples if s.id == "q3").scores["judge_selection"].value
    assert q3 == pytest.approx({"pick": 2 / 3, "best": 1.0, "mean": 0.5})


def test_log_metrics_equal_score_tables_on_rows_rebuilt_from_the_log(
    run_eval, arithmetic, digit_contract
):
    from judgespec import load_contract

    log = run_eval(_audit(arithmetic, digit_contract))
    reread = read_eval_log(log.location)  # from disk, not the in-memory result
    rows = rows_from_records(
        [records_of(s.scores["judge_selection"].metadata) for s in reread.samples]
    )
    card = score_tables(
        rows.candidates, rows.comparisons or None, loaded=load_contract(digit_contract),
        framework="inspect", n=4, seed=0, n_bootstrap=200,
    )
    metrics = _metrics(reread)
    for name, metric in card.metrics.items():
        if math.isnan(metric.estimate):
            assert math.isnan(metrics[name]), name
        else:
            assert metrics[name] == metric.estimate, name


def test_the_scorecard_is_stored_inside_the_log(run_eval, log_dir, arithmetic, digit_contract):
    log = run_eval(_audit(arithmetic, digit_contract))
    # nothing beside the log: Inspect would read a JSON file there as a log
    assert only_logs_in(log_dir) == [Path(log.location).name]
    header = read_eval_log(log.location, header_only=True)
    assert header.results is not None and SCORECARD_KEY in (header.results.metadata or {})
    # the in-memory log eval() returned carries it too
    assert log.results.metadata[SCORECARD_KEY] == header.results.metadata[SCORECARD_KEY]
    data = card_json(log)
    assert data["run"]["framework"] == "inspect"
    assert data["run"]["policy_model"] == "judgespec-scripted/arithmetic"
    assert data["run"]["n"] == 4
    assert data["run"]["n_bootstrap"] == 200
    assert data["contract"]["name"] == "digit-judge"
    assert data["counts"]["candidates"] == 24
    assert data["counts"]["parse_failures"] == 5
    metrics = _metrics(log)
    for name, metric in data["metrics"].items():
        if metric["estimate"] is None:
            assert math.isnan(metrics[name])
        else:
            assert metric["estimate"] == metrics[name], name
            assert metric["ci_low"] <= metric["estimate"] <= metric["ci_high"]


def test_top_up_fills_a_provider_that_returns_one_choice(run_eval, arithmetic, digit_contract):
    log = run_eval(_audit(arithmetic, digit_contract), model_args={"max_choices": 1})
    records = _records(log)
    for pid, expected in HAND.items():
        got = records[pid]
        assert [c["response"] for c in got["candidates"]] == [
            f"The answer is {a}." for a, _, _ in expected
        ]
        assert got["generation"] == {
            "requested": 4, "from_choices": 1, "from_topup": 3, "truncated": 0, "short": 0,
            "temperature": 1.0, "cache": False,
        }
    # 1 + 3 policy calls per prompt; identical candidates, identical metrics
    assert scripted_calls("arithmetic") == 24
    metrics = _metrics(log)
    assert metrics["recovery"] == pytest.approx(EXPECTED["recovery"], abs=1e-12)


def test_a_policy_that_stays_short_is_recorded_and_reported(run_eval, arithmetic, digit_contract):
    log = run_eval(_audit(arithmetic, digit_contract), model_args={"max_choices": 1, "draw_limit": 3})
    for record in _records(log).values():
        assert len(record["candidates"]) == 3
        assert record["generation"]["short"] == 1
        assert record["generation"]["from_topup"] == 2
    metrics = _metrics(log)
    assert metrics["short_prompts"] == 6
    assert metrics["candidates"] == 18
    card = card_json(log)
    assert card["counts"]["candidates"] == 18
    assert card["run"]["n"] == 4
    assert "WARNING: 6 of 6 prompts have fewer than n=4 candidates (6 missing)" in (
        card["run"]["candidate_pool"]
    )
    assert "6 of 6 prompts have fewer than n=4 candidates (6 missing)" in card["run"]["warnings"]
    explanation = log.samples[0].scores["judge_selection"].explanation
    assert "only 3 of n=4 candidates" in explanation


def test_invalid_contract_fails_before_any_model_call(tmp_path, arithmetic, run_eval):
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "spec_version: 1\nname: bad\nversion: 1.0.0\n"
        "judge: {model: judgespec-scripted/digit-judge, backend: inspect}\n"
        "protocol: {kind: pointwise, scale: {min: 1, max: 5}}\n"
        "prompt: {template: 'Response: {{ response }}', variables: [response]}\n",
        encoding="utf-8",
    )
    with pytest.raises(ContractError, match=r"bad\.yaml:4: judge: model 'judgespec-scripted/digit-judge' is not pinned"):
        bon_audit(contract=str(bad), dataset=str(arithmetic))
    from inspect_ai import eval as inspect_eval

    with pytest.raises(ContractError):
        inspect_eval(
            "judgespec_inspect/bon_audit",
            task_args={"contract": str(bad), "dataset": str(arithmetic)},
            model="judgespec-scripted/arithmetic",
            display="none",
        )
    assert scripted_calls() == 0


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"n": 1}, ValueError, r"bon_audit: n must be an integer of at least 2, got 1 \(e\.g\. -T n=4\)"),
        ({"oracle": "vibes"}, ValueError, "unknown oracle 'vibes'"),
        ({"dataset": "missing.jsonl"}, AuditArgumentError, "data set 'missing.jsonl' not found"),
    ],
)
def test_bad_task_arguments_fail_at_construction(
    kwargs: dict[str, Any], error: type[Exception], message: str, arithmetic, digit_contract
):
    args = {"contract": str(digit_contract), "dataset": str(arithmetic), **kwargs}
    with pytest.raises(error, match=message):
        bon_audit(**args)
    assert scripted_calls() == 0


def test_task_runs_by_registry_name(log_dir, arithmetic, digit_contract):
    from inspect_ai import eval as inspect_eval

    logs = inspect_eval(
        "judgespec_inspect/bon_audit",
        task_args={"contract": str(digit_contract), "dataset": str(arithmetic), "n": 2, "n_bootstrap": 50},
        model="judgespec-scripted/arithmetic",
        log_dir=str(log_dir),
        display="none",
        limit=2,
    )
    assert logs[0].status == "success"
    assert logs[0].eval.task_registry_name == "judgespec_inspect/bon_audit"
    assert card_json(logs[0])["run"]["n"] == 2


def test_field_oracle_reads_utilities_from_the_data(tmp_path, run_eval, digit_contract):
    data = tmp_path / "graded.jsonl"
    data.write_text(
        json.dumps({"id": "a", "input": "What is 2 + 2?", "target": "4",
                    "grades": {"4": 1.0, "5": 0.5, "9": 0.25}}) + "\n",
        encoding="utf-8",
    )
    task = bon_audit(contract=str(digit_contract), dataset=str(data), n=4, oracle="field:grades",
                     n_bootstrap=50)
    log = run_eval(task)
    record = _records(log)["a"]
    # draws 0..3 answer 4, 5, 4, 9: graded 1.0, 0.5, 1.0, 0.25
    assert [c["oracle"] for c in record["candidates"]] == [1.0, 0.5, 1.0, 0.25]
    assert record["oracle"] == "field:grades"


def run_twice_same(run_eval: Callable[..., Any], task_factory: Callable[[], Any]) -> None:
    first, second = run_eval(task_factory()), run_eval(task_factory())
    assert _metrics(first) == pytest.approx(_metrics(second), nan_ok=True)


def test_reruns_give_identical_metrics(run_eval, arithmetic, digit_contract):
    run_twice_same(run_eval, lambda: _audit(arithmetic, digit_contract))
