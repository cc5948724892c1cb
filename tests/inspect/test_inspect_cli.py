"""The plain functions the ``judgespec`` CLI wires up: run an audit, score a log."""

from __future__ import annotations

import json

import pytest
from inspect_hand import EXPECTED

from judgespec import ContractError, JudgespecError
from judgespec.scorecard import load_scorecard
from judgespec_inspect import run_inspect_audit, score_from_inspect_log, stored_scorecard


def test_run_inspect_audit_returns_the_scorecard_path(tmp_path, arithmetic, digit_contract):
    path = run_inspect_audit(
        digit_contract,
        dataset=arithmetic,
        n=4,
        model="judgespec-scripted/arithmetic",
        temperature=1.0,
        oracle="match",
        out_dir=tmp_path / "out",
        limit=None,
    )
    # the scorecard lands outside the log directory, which holds only the log
    assert path == tmp_path / "out" / "scorecard.json"
    card = load_scorecard(path)
    assert card.metrics["recovery"].estimate == pytest.approx(EXPECTED["recovery"], abs=1e-12)
    assert card.run.framework == "inspect"
    logs = sorted((tmp_path / "out" / "logs").iterdir())
    assert len(logs) == 1 and logs[0].suffix == ".eval"
    # it is the scorecard stored in the log, and scoring the log again gives the same numbers
    assert stored_scorecard(logs[0]).to_json() == path.read_text(encoding="utf-8")
    again = score_from_inspect_log(logs[0])
    assert json.loads(again.to_json())["metrics"] == json.loads(path.read_text())["metrics"]


def test_run_inspect_audit_with_a_judge_model_and_a_limit(tmp_path, arithmetic, digit_contract):
    path = run_inspect_audit(
        digit_contract,
        dataset=arithmetic,
        n=2,
        model="judgespec-scripted/arithmetic",
        judge_model="judgespec-scripted/digit-judge",
        temperature=0.7,
        oracle="includes",
        out_dir=tmp_path / "out",
        limit=3,
    )
    card = load_scorecard(path)
    assert card.counts.prompts == 3
    assert card.run.candidate_pool is not None and "temperature 0.7" in card.run.candidate_pool
    assert any("judge overridden" in w for w in card.run.warnings)
    assert any("judge overridden: the contract pins" in w for w in card.contract.warnings)
    assert card.contract.judge_model == "judgespec-scripted/digit-judge"


def test_run_inspect_audit_errors_are_one_line(tmp_path, arithmetic, digit_contract):
    with pytest.raises(ContractError):
        run_inspect_audit(
            tmp_path / "missing.yaml", dataset=arithmetic, model="judgespec-scripted/arithmetic",
            out_dir=tmp_path,
        )
    with pytest.raises(JudgespecError, match="unknown oracle 'vibes'"):
        run_inspect_audit(
            digit_contract, dataset=arithmetic, model="judgespec-scripted/arithmetic",
            oracle="vibes", out_dir=tmp_path,
        )
