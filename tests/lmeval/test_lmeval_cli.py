"""The adapter's public surface and its command-line wiring into ``judgespec``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import judgespec_lmeval as jl


def test_lazy_names_and_the_unexported_scripted_model() -> None:
    """Every export resolving and being documented is checked in tests/test_public_surface.py."""
    with pytest.raises(AttributeError):
        jl.no_such_name  # noqa: B018
    assert "ScriptedLM" not in jl.__all__
    pytest.importorskip("lm_eval", reason="needs the lmeval extra")
    import lm_eval.models  # noqa: F401  (the built-in models first, as lm-eval does)
    from lm_eval.api.registry import get_model

    import judgespec_lmeval._scripted as scripted

    assert get_model("judgespec-scripted") is scripted.ScriptedLM


def test_cli_functions_have_the_documented_signatures() -> None:
    import inspect

    from judgespec_lmeval import _cli

    assert list(inspect.signature(_cli.compile_task).parameters)[:5] == [
        "contract_path", "task", "n", "out_dir", "temperature",
    ]
    assert list(inspect.signature(_cli.run_lmeval_audit).parameters)[:10] == [
        "contract_path", "task", "n", "model", "model_args", "out_dir", "limit", "device",
        "judge_after_generation", "temperature",
    ]
    params = inspect.signature(_cli.score_from_lmeval_samples).parameters
    assert list(params)[:4] == ["samples_dir_or_file", "contract", "seed", "n_bootstrap"]
    assert sorted(jl.lmeval_group().commands) == ["compile", "run"]


@pytest.fixture
def judgespec_cli(monkeypatch: pytest.MonkeyPatch) -> Any:
    """``judgespec`` with the lmeval group and the lmeval-samples source wired in, as the
    lead's one-line additions will do."""
    from judgespec import _sources
    from judgespec.cli import cli

    monkeypatch.setitem(cli.commands, "lmeval", jl.lmeval_group())
    real = _sources.load_plugin

    def load_plugin(group: str, name: str, *, purpose: str) -> Any:
        if (group, name) == ("judgespec.sources", "lmeval-samples"):
            return jl.score_from_lmeval_samples
        return real(group, name, purpose=purpose)

    monkeypatch.setattr(_sources, "load_plugin", load_plugin)
    return cli


def test_judgespec_lmeval_run_then_score(
    tmp_path: Path,
    judgespec_cli: Any,
    arith_task_yaml: Path,
    digit_contract: Path,
    digit_judge: Any,
    expected: dict[str, float],
) -> None:
    runner = CliRunner()
    run = runner.invoke(
        judgespec_cli,
        [
            "lmeval", "run", str(digit_contract), "--task", str(arith_task_yaml), "--n", "4",
            "--model", "judgespec-scripted", "--out", str(tmp_path / "run"), "--bootstrap", "0",
        ],
    )
    assert run.exit_code == 0, run.output
    card = json.loads((tmp_path / "run" / "scorecard.json").read_text(encoding="utf-8"))
    assert card["metrics"]["recovery"]["estimate"] == pytest.approx(expected["recovery"], abs=1e-12)
    score = runner.invoke(
        judgespec_cli,
        [
            "score", "--from-lmeval-samples", str(tmp_path / "run" / "lmeval"),
            "--out", str(tmp_path / "card.json"), "--bootstrap", "0", "--quiet",
        ],
    )
    assert score.exit_code == 0, score.output
    again = json.loads((tmp_path / "card.json").read_text(encoding="utf-8"))
    assert {k: v["estimate"] for k, v in again["metrics"].items()} == {
        k: v["estimate"] for k, v in card["metrics"].items()
    }


def test_judgespec_lmeval_errors_are_one_line(tmp_path: Path, judgespec_cli: Any, digit_contract: Path) -> None:
    result = CliRunner().invoke(
        judgespec_cli,
        ["lmeval", "compile", str(digit_contract), "--task", "no_such_task", "--n", "4", "--out", str(tmp_path)],
    )
    assert result.exit_code == 1
    assert result.output.startswith("Error: unknown lm-eval task 'no_such_task'")
    assert len(result.output.strip().splitlines()) == 1
