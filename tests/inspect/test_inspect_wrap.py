"""``audit_task`` (wrapping an existing task) and the ``judge`` model role override."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from inspect_ai import Task
from inspect_ai.dataset import json_dataset
from inspect_ai.scorer import includes, match
from inspect_ai.solver import generate, system_message
from inspect_hand import EXPECTED
from inspect_helpers import card_json

from judgespec import ContractError, load_contract
from judgespec._scripted import scripted_calls
from judgespec_inspect import audit_task, bon_audit
from judgespec_inspect._records import records_of

RECOVERY = EXPECTED["recovery"]  # -1/6, worked by hand in inspect_hand.py


def _base_task(arithmetic: Path, **kwargs: Any) -> Task:
    return Task(
        dataset=json_dataset(str(arithmetic)),
        solver=kwargs.pop("solver", [system_message("Answer briefly."), generate()]),
        scorer=kwargs.pop("scorer", match()),
        **kwargs,
    )


def _records(log: Any) -> list[dict[str, Any]]:
    return [records_of(s.scores["judge_selection"].metadata) for s in log.samples]


def test_audit_task_wraps_a_task_in_one_line(run_eval, arithmetic, digit_contract):
    base = _base_task(arithmetic)
    audited = audit_task(base, digit_contract, n=4, n_bootstrap=200)
    log = run_eval(audited)
    metrics = {k: m.value for k, m in log.results.scores[0].metrics.items()}
    assert metrics["recovery"] == pytest.approx(RECOVERY, abs=1e-12)
    assert all(r["oracle"] == "match" for r in _records(log))
    assert all(r["generation"]["from_choices"] == 4 for r in _records(log))
    assert log.eval.task == f"{base.name}_bon_audit"
    assert card_json(log)["run"]["framework"] == "inspect"
    # the wrapped task is a copy: the original still generates once and scores with match
    assert [type(s).__name__ for s in base.solver] and len(base.scorer or []) == 1
    assert base.metadata is None or "judgespec" not in base.metadata


def test_audit_task_accepts_a_loaded_contract(run_eval, arithmetic, digit_contract):
    loaded = load_contract(digit_contract)
    in_memory = type(loaded)(contract=loaded.contract, texts=loaded.texts, path=None)
    log = run_eval(audit_task(_base_task(arithmetic), in_memory, n=2, n_bootstrap=50))
    assert all(r["contract"] == loaded.fingerprint for r in _records(log))
    card = card_json(log)
    assert card["contract"]["fingerprint"] == loaded.fingerprint


def test_a_solver_that_is_not_a_plain_generate_runs_n_times(run_eval, arithmetic, digit_contract):
    base = _base_task(arithmetic, solver=[generate(max_tokens=20)])
    log = run_eval(audit_task(base, digit_contract, n=3, n_bootstrap=50))
    for record in _records(log):
        assert record["generation"]["from_repeats"] == 3
        # the scripted policy answers draw 0 to a plain call: three equal candidates
        assert len({c["response"] for c in record["candidates"]}) == 1
    assert scripted_calls("arithmetic") == 6 * 3


def test_choices_mode_needs_a_final_generate(arithmetic, digit_contract):
    base = _base_task(arithmetic, solver=[generate(max_tokens=20)])
    with pytest.raises(ValueError, match="candidates='choices' needs a solver that ends in a plain"):
        audit_task(base, digit_contract, candidates="choices")


def test_the_oracle_must_be_named_when_the_task_has_several_scorers(arithmetic, digit_contract):
    base = _base_task(arithmetic, scorer=[match(), includes()])
    with pytest.raises(ValueError, match=r"has 2 scorers \(match, includes\); pick the oracle"):
        audit_task(base, digit_contract)
    audited = audit_task(base, digit_contract, oracle="includes")
    assert audited.scorer is not None and len(audited.scorer) == 1


def test_audit_task_validates_the_contract_first(tmp_path, arithmetic):
    bad = tmp_path / "bad.yaml"
    bad.write_text("spec_version: 2\n", encoding="utf-8")
    with pytest.raises(ContractError, match=r"bad\.yaml:1: spec_version: 2 is not supported"):
        audit_task(_base_task(arithmetic), bad)
    assert scripted_calls() == 0


def test_the_judge_model_role_replaces_the_contract_judge(
    tmp_path, run_eval, arithmetic, digit_contract
):
    # a contract whose own judge is the arithmetic policy: it never writes "Score: N"
    text = digit_contract.read_text(encoding="utf-8").replace(
        "judgespec-scripted/digit-judge", "judgespec-scripted/arithmetic"
    )
    contract = tmp_path / "policy_judge.yaml"
    contract.write_text(text, encoding="utf-8")
    task = bon_audit(contract=str(contract), dataset=str(arithmetic), n=4, n_bootstrap=200)
    log = run_eval(task, model_roles={"judge": "judgespec-scripted/digit-judge"})
    metrics = {k: m.value for k, m in log.results.scores[0].metrics.items()}
    assert metrics["recovery"] == pytest.approx(RECOVERY, abs=1e-12)
    assert scripted_calls("arithmetic") == 6  # the policy only: the contract's judge never ran
    for record in _records(log):
        assert record["judge_overridden"] is True
        assert record["judge_model"] == "judgespec-scripted/digit-judge"
    card = card_json(log)
    # the scorecard names the model that gave the verdicts, and says it is not the pinned one
    assert card["contract"]["judge_model"] == "judgespec-scripted/digit-judge"
    assert card["contract"]["revision"] is None
    assert card["contract"]["fingerprint"] == load_contract(contract).fingerprint
    assert any(
        "the contract pins 'judgespec-scripted/arithmetic'; the verdicts came from "
        "'judgespec-scripted/digit-judge'" in w
        for w in card["contract"]["warnings"]
    )
    assert any("judge overridden" in w for w in card["run"]["warnings"])
    # and so does every judgment in the log
    for record in _records(log):
        assert {j["judge"] for j in record["judgments"]} == {"judgespec-scripted/digit-judge"}


def test_without_the_role_the_contract_judge_runs(tmp_path, run_eval, arithmetic, digit_contract):
    text = digit_contract.read_text(encoding="utf-8").replace(
        "judgespec-scripted/digit-judge", "judgespec-scripted/arithmetic"
    )
    contract = tmp_path / "policy_judge.yaml"
    contract.write_text(text, encoding="utf-8")
    log = run_eval(bon_audit(contract=str(contract), dataset=str(arithmetic), n=2, n_bootstrap=50))
    metrics = {k: m.value for k, m in log.results.scores[0].metrics.items()}
    assert metrics["parse_failure_rate"] == 1.0  # "The answer is ..." has no "Score: N"
    assert all(not r["judge_overridden"] for r in _records(log))
