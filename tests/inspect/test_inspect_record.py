"""What an audit log records: the contract itself, what ran, the cache, the judge's readiness.

Real ``inspect_ai.eval`` runs with the scripted provider (its calls are counted).
"""

from __future__ import annotations

import json
import math
import shutil
import subprocess
import sys
from typing import Any

import pytest
from click.testing import CliRunner
from inspect_ai import Task
from inspect_ai import eval as inspect_eval
from inspect_ai.dataset import json_dataset
from inspect_ai.log import read_eval_log
from inspect_ai.scorer import match
from inspect_ai.solver import generate
from inspect_hand import EXPECTED, HAND
from inspect_helpers import card_json

from judgespec._scripted import scripted_calls
from judgespec.cli import cli as judgespec_cli
from judgespec_inspect import audit_task, bon_audit, stored_scorecard
from judgespec_inspect._records import records_of


def _records(log: Any) -> list[dict[str, Any]]:
    return [records_of(s.scores["judge_selection"].metadata) for s in log.samples]


def _metrics(log: Any) -> dict[str, float]:
    return {name: m.value for name, m in log.results.scores[0].metrics.items()}


def test_a_cached_rerun_makes_no_model_calls(tmp_path, monkeypatch, run_eval, arithmetic, digit_contract):
    from judgespec._scripted import reset_scripted_calls

    monkeypatch.setenv("INSPECT_CACHE_DIR", str(tmp_path / "cache"))
    # max_choices=1: the top-up path, whose four draws must stay distinct under the cache
    task = lambda: bon_audit(contract=str(digit_contract), dataset=str(arithmetic), n=4, n_bootstrap=100)  # noqa: E731
    first = run_eval(task(), cache=True, model_args={"max_choices": 1}, limit=2)
    # 2 prompts x (1 + 3 top-ups); 3 distinct answers per prompt to judge (hand table)
    assert scripted_calls("arithmetic") == 8 and scripted_calls("digit-judge") == 6
    reset_scripted_calls()
    second = run_eval(task(), cache=True, model_args={"max_choices": 1}, limit=2)
    assert scripted_calls() == 0  # neither the policy nor the judge was called again
    assert _metrics(second) == pytest.approx(_metrics(first), nan_ok=True)
    for record in _records(second):
        assert [c["response"] for c in record["candidates"]] == [
            f"The answer is {a}." for a, _, _ in HAND[record["prompt_id"]]
        ]
        assert record["generation"]["cache"] is True
    assert "Inspect cache on" in card_json(second)["run"]["candidate_pool"]


def test_the_log_scores_after_the_contract_moved_from_another_directory(tmp_path, run_eval, arithmetic, digit_contract):
    contract = tmp_path / "contracts" / "judge.yaml"
    contract.parent.mkdir()
    shutil.copy(digit_contract, contract)
    log = run_eval(bon_audit(contract=str(contract), dataset=str(arithmetic), n=2, n_bootstrap=200), limit=3)
    stored = card_json(log)
    # the contract file is moved away, then scored from an unrelated directory, in a new process
    contract.rename(tmp_path / "moved.yaml")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    out = elsewhere / "card.json"
    done = subprocess.run(
        [sys.executable, "-m", "judgespec", "score", "--from-inspect-log", str(log.location).removeprefix("file://"),
         "--out", str(out), "--quiet"],
        cwd=elsewhere, capture_output=True, text=True, timeout=300,
    )
    assert done.returncode == 0, done.stderr
    again = json.loads(out.read_text(encoding="utf-8"))
    # the audit's own seed and replicate count are reused: the intervals are the stored ones
    assert again["metrics"] == stored["metrics"]
    assert again["run"]["n_bootstrap"] == 200
    assert again["contract"] == stored["contract"]


def test_only_a_contract_passed_is_compared_with_the_log(tmp_path, run_eval, arithmetic, digit_contract):
    contract = tmp_path / "judge.yaml"
    shutil.copy(digit_contract, contract)
    log = run_eval(bon_audit(contract=str(contract), dataset=str(arithmetic), n=2, n_bootstrap=50))
    location = str(log.location).removeprefix("file://")
    # the file is edited after the run: scoring without --contract does not look at it
    contract.write_text(
        contract.read_text(encoding="utf-8").replace("from 1 to 5.", "from 1 to 5, strictly."), encoding="utf-8"
    )
    runner = CliRunner()
    ok = runner.invoke(judgespec_cli, ["score", "--from-inspect-log", location, "--out", str(tmp_path / "a.json"), "--quiet"])
    assert ok.exit_code == 0, ok.output
    bad = runner.invoke(
        judgespec_cli,
        ["score", "--from-inspect-log", location, "--contract", str(contract), "--out", str(tmp_path / "b.json"), "--quiet"],
    )
    assert bad.exit_code == 1
    message = bad.output.strip()
    assert message.startswith(f"Error: {location}: the log was judged under contract sha256:")
    assert f"but the contract given ({contract}) has fingerprint sha256:" in message
    assert "\n" not in message


def test_the_temperature_in_force_is_recorded(run_eval, arithmetic, digit_contract):
    # the eval's --temperature wins over the task's default 1.0, and the record says so
    log = run_eval(bon_audit(contract=str(digit_contract), dataset=str(arithmetic), n=2, n_bootstrap=50), temperature=0.3)
    assert {r["generation"]["temperature"] for r in _records(log)} == {0.3}
    assert card_json(log)["run"]["candidate_pool"].startswith("policy samples at temperature 0.3 (")
    # a wrapped task that sets none: the provider's default, said as such (not "temperature 1")
    base = Task(dataset=json_dataset(str(arithmetic)), solver=[generate()], scorer=match())
    wrapped = run_eval(audit_task(base, digit_contract, n=2, n_bootstrap=50))
    assert {r["generation"]["temperature"] for r in _records(wrapped)} == {None}
    assert card_json(wrapped)["run"]["candidate_pool"].startswith("policy samples at the provider's default temperature (")


def test_identical_candidates_are_a_warning_not_a_silent_perfect_score(run_eval, arithmetic, digit_contract):
    # a solver that is not a plain generate() runs n times; the scripted policy then
    # answers draw 0 every time: all candidates of a prompt are the same text
    base = Task(dataset=json_dataset(str(arithmetic)), solver=[generate(max_tokens=20)], scorer=match())
    log = run_eval(audit_task(base, digit_contract, n=3, n_bootstrap=50))
    assert all(r["identical_candidates"] for r in _records(log))
    assert all("WARNING: all candidates are identical" in s.scores["judge_selection"].explanation for s in log.samples)
    card = card_json(log)
    assert any(w.startswith("6 of 6 prompts have identical candidates") for w in card["run"]["warnings"])
    # and each such sample's transcript in the log carries the warning
    full = read_eval_log(log.location)
    for sample in full.samples:
        messages = [e.message.message for e in sample.events if e.event == "logger"]
        assert any("all 3 candidates are identical" in m for m in messages), sample.id


def test_undefined_metrics_in_the_log_carry_their_reason(run_eval, arithmetic, digit_contract):
    log = run_eval(bon_audit(contract=str(digit_contract), dataset=str(arithmetic), n=4, n_bootstrap=50))
    header = read_eval_log(log.location, header_only=True)
    card = stored_scorecard(header)
    undefined = {name: m for name, m in header.results.scores[0].metrics.items() if math.isnan(m.value)}
    assert {"position_consistency", "repeat_agreement"} <= set(undefined)
    for name, metric in undefined.items():
        assert metric.metadata == {"reason": card.metrics[name].reason}, name
        assert metric.metadata["reason"]


def test_a_judge_that_cannot_be_built_stops_the_run_before_the_policy(tmp_path, log_dir, arithmetic, digit_contract):
    contract = tmp_path / "broken.yaml"
    contract.write_text(
        digit_contract.read_text(encoding="utf-8").replace("judgespec-scripted/digit-judge", "judgespec-scripted/no-such-script"),
        encoding="utf-8",
    )
    [log] = inspect_eval(
        bon_audit(contract=str(contract), dataset=str(arithmetic), n=4),
        model="judgespec-scripted/arithmetic", log_dir=str(log_dir), display="none",
    )
    assert log.status == "error"
    assert "contract 'digit-judge': the judge cannot be built: inspect backend: cannot create model" in log.error.message
    assert scripted_calls("arithmetic") == 0


def test_epoch_log_options_on_the_command_line(tmp_path, run_eval, arithmetic):
    from test_inspect_log import _epoch_task, digit_score  # the epoch fixtures of the log tests

    log = run_eval(_epoch_task(arithmetic, [match(), digit_score()]))
    out = tmp_path / "card.json"
    done = CliRunner().invoke(
        judgespec_cli,
        ["score", "--from-inspect-log", str(log.location).removeprefix("file://"), "--oracle", "match",
         "--judge", "digit_score:score", "--bootstrap", "50", "--out", str(out), "--quiet"],
    )
    assert done.exit_code == 0, done.output
    card = json.loads(out.read_text(encoding="utf-8"))
    assert card["metrics"]["recovery"]["estimate"] == pytest.approx(EXPECTED["recovery"], abs=1e-12)
    assert card["run"]["n_bootstrap"] == 50
    wrong = CliRunner().invoke(
        judgespec_cli, ["score", "--candidates", str(arithmetic), "--oracle", "match", "--out", str(out)]
    )
    assert wrong.exit_code == 1
    assert wrong.output.strip() == "Error: --oracle and --judge apply to --from-inspect-log only"
