"""Post-hoc audits of Inspect logs: audit logs, and epoch logs of any task."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest
from inspect_ai import Task
from inspect_ai.dataset import json_dataset
from inspect_ai.scorer import Score, Target, match, mean, scorer
from inspect_ai.solver import Generate, Solver, TaskState, solver
from inspect_hand import EXPECTED
from inspect_helpers import card_json

from judgespec import AuditDataError, JudgespecError
from judgespec._scripted import digit_judge_score
from judgespec_inspect import bon_audit, score_from_inspect_log


@solver
def epoch_draw() -> Solver:
    """Generate with seed = epoch - 1: epoch k gets the scripted policy's draw k - 1."""

    async def solve(state: TaskState, generate: Generate) -> TaskState:
        return await generate(state, seed=state.epoch - 1)

    return solve


@scorer(metrics=[mean()])
def digit_score() -> Any:
    """The digit judge's score as a score value (NaN) and metadata (None) when it fails."""

    async def score(state: TaskState, target: Target) -> Score:
        value = digit_judge_score(state.output.completion)
        return Score(value=math.nan if value is None else value, metadata={"score": value})

    return score


def _epoch_task(arithmetic: Path, scorers: list[Any]) -> Task:
    return Task(dataset=json_dataset(str(arithmetic)), solver=epoch_draw(), scorer=scorers, epochs=4)


def _check(card: Any) -> None:
    for name in ("recovery", "top1_accuracy", "regret", "tie_rate", "top_tie_rate", "parse_failure_rate"):
        assert card.metrics[name].estimate == pytest.approx(EXPECTED[name], abs=1e-12), name
    assert card.counts.prompts == 6
    assert card.counts.candidates == 24


def test_an_audit_log_scores_to_its_own_scorecard(run_eval, arithmetic, digit_contract):
    log = run_eval(bon_audit(contract=str(digit_contract), dataset=str(arithmetic), n=4, n_bootstrap=200))
    card = score_from_inspect_log(log.location)
    written = card_json(log)
    again = json.loads(card.to_json())
    again["run"].pop("created_at")
    written["run"].pop("created_at")
    assert again == written
    _check(card)


@pytest.mark.parametrize("judge", ["digit_score", "digit_score:score"])
def test_epochs_of_a_task_are_the_candidates(run_eval, arithmetic, judge):
    log = run_eval(_epoch_task(arithmetic, [match(), digit_score()]))
    card = score_from_inspect_log(log.location, oracle="match", judge=judge, n_bootstrap=100)
    _check(card)
    assert card.run.n == 4
    assert card.contract.name == "(no contract)"
    assert card.run.candidate_pool == "4 epochs of the task's solver"


def test_the_oracle_defaults_to_the_only_other_scorer(run_eval, arithmetic):
    log = run_eval(_epoch_task(arithmetic, [match(), digit_score()]))
    card = score_from_inspect_log(log.location, judge="digit_score", n_bootstrap=50)
    _check(card)


def test_a_contract_judges_an_epoch_log_outside_inspect(run_eval, arithmetic, digit_contract):
    log = run_eval(_epoch_task(arithmetic, [match()]))
    # the contract's inspect backend runs synchronously here (no event loop)
    card = score_from_inspect_log(log.location, contract=digit_contract, n_bootstrap=50)
    _check(card)
    assert card.contract.name == "digit-judge"


def test_an_epoch_log_without_judge_or_contract_is_an_error(run_eval, arithmetic):
    log = run_eval(_epoch_task(arithmetic, [match()]))
    with pytest.raises(AuditDataError, match="the log has no judge scores; name them with judge="):
        score_from_inspect_log(log.location)


def test_an_ambiguous_oracle_is_an_error(run_eval, arithmetic):
    log = run_eval(_epoch_task(arithmetic, [match(), digit_score()]))
    with pytest.raises(AuditDataError, match=r"which score is the oracle \(scores: match, digit_score\)"):
        score_from_inspect_log(log.location)


def test_a_different_contract_than_the_audit_used_is_an_error(
    tmp_path, run_eval, arithmetic, digit_contract
):
    log = run_eval(bon_audit(contract=str(digit_contract), dataset=str(arithmetic), n=2, n_bootstrap=50))
    other = tmp_path / "other.yaml"
    other.write_text(
        digit_contract.read_text(encoding="utf-8").replace("version: 1.0.0", "version: 1.0.1")
        .replace("from 1 to 5.", "from 1 to 5, strictly."),
        encoding="utf-8",
    )
    with pytest.raises(AuditDataError, match="was judged under contract sha256:"):
        score_from_inspect_log(log.location, contract=other)


def test_a_missing_log_is_a_one_line_error(tmp_path):
    with pytest.raises(JudgespecError, match=r"nope\.eval: no such Inspect log"):
        score_from_inspect_log(tmp_path / "nope.eval")


def test_a_cached_rescore_of_an_epoch_log_builds_no_judge(
    tmp_path, monkeypatch, run_eval, arithmetic, digit_contract, private_judge_cache
):
    """``judgespec score --from-inspect-log --contract`` twice: the rerun is answered by the
    judge cache (the one ``judgespec audit`` uses) and builds no backend."""
    from click.testing import CliRunner

    from judgespec._scripted import reset_scripted_calls, scripted_calls
    from judgespec.cli import cli
    from judgespec.judge import JudgeCache
    from judgespec.judge.backends import _backend
    from judgespec.scorecard import load_scorecard
    from judgespec_inspect._backend import make_backend

    built: list[str] = []

    def counting(judge: Any) -> Any:
        built.append(judge.model)
        return make_backend(judge)

    monkeypatch.setitem(_backend._REGISTRY, "inspect", counting)
    log = run_eval(_epoch_task(arithmetic, [match()]))
    reset_scripted_calls()
    cards = []
    for n in (1, 2):
        out = tmp_path / f"card{n}.json"
        result = CliRunner().invoke(
            cli,
            ["score", "--from-inspect-log", str(log.location), "--contract", str(digit_contract),
             "--bootstrap", "50", "--out", str(out), "--quiet"],
        )
        assert result.exit_code == 0, result.output
        assert built == ["judgespec-scripted/digit-judge"], f"run {n} built {built}"
        assert scripted_calls("digit-judge") == 18  # 24 epochs, 6 repeats: all on the first run
        cards.append(load_scorecard(out))
    with JudgeCache.in_dir(private_judge_cache) as store:
        assert store.info().entries == 18
    _check(cards[1])
    assert json.loads(cards[0].to_json())["metrics"] == json.loads(cards[1].to_json())["metrics"]
