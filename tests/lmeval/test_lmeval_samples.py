"""Post-hoc scoring of ``--log_samples`` output: reuse, judge after generation, re-judge."""

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
from judgespec import AuditDataError, JudgespecError, load_contract


@pytest.fixture
def deferred_run(lmeval_run: Any, tmp_path: Path, arith_task_yaml: Path, digit_contract: Path) -> Path:
    """Samples of the arithmetic audit compiled with judge: deferred (no judge calls)."""
    jl.compile_task(
        digit_contract, task=arith_task_yaml, n=4, out_dir=tmp_path / "tasks",
        name="arith_deferred", judge_after_generation=True,
    )
    lmeval_run(tmp_path / "tasks", "arith_deferred", tmp_path / "out")
    return tmp_path / "out"


def test_deferred_run_reports_no_metrics(deferred_run: Path) -> None:
    (path,) = deferred_run.glob("*/results_*.json")
    results = json.loads(path.read_text(encoding="utf-8"))["results"]["arith_deferred"]
    # Not judged yet: undefined (NaN, which lm-eval's group aggregation carries), never None.
    assert math.isnan(results["recovery,strict"])
    # pass@1 and pass@4 need no judge: draws 0 and 2 are right on every prompt.
    assert results["pass@1,strict"] == pytest.approx(0.5)
    assert results["pass@4,strict"] == 1.0
    assert math.isnan(results["exact_match,strict"])
    (samples,) = deferred_run.glob("*/samples_*.jsonl")
    first = json.loads(samples.read_text(encoding="utf-8").splitlines()[0])
    assert first["recovery"]["judged_by"] is None
    assert [c["oracle"] for c in first["recovery"]["candidates"]] == [1.0, 0.0, 1.0, 0.0]


def test_score_deferred_samples(
    deferred_run: Path, digit_judge: Any, expected: dict[str, float]
) -> None:
    card = jl.score_from_lmeval_samples(deferred_run, seed=3, n_bootstrap=20)
    assert digit_judge.calls == 18
    for metric, value in expected.items():
        assert card.metrics[metric].estimate == pytest.approx(value, abs=1e-12), metric
    assert card.run.framework == "lmeval"
    assert card.run.seed == 3
    assert card.run.n == 4
    assert card.contract.name == "digit-judge"
    assert card.counts.candidates == 24
    # Length metrics need the response texts, which come from the samples' resps.
    assert card.metrics["length_bias"].n > 0


def test_rejudge_under_another_contract(
    deferred_run: Path, digit_judge: Any, pairwise_contract: Path
) -> None:
    card = jl.score_from_lmeval_samples(deferred_run, contract=pairwise_contract, n_bootstrap=0)
    assert card.contract.name == "digit-pairwise"
    assert card.counts.comparisons == 6 * 6 * 2  # 6 pairs of 4, both orders, 6 prompts
    assert digit_judge.calls > 0


def test_inline_verdicts_are_reused(
    lmeval_run: Any,
    tmp_path: Path, arith_task_yaml: Path, digit_contract: Path, digit_judge: Any, expected: dict[str, float]
) -> None:
    jl.compile_task(digit_contract, task=arith_task_yaml, n=4, out_dir=tmp_path / "tasks", name="arith_inline")
    lmeval_run(tmp_path / "tasks", "arith_inline", tmp_path / "out")
    calls = digit_judge.calls
    card = jl.score_from_lmeval_samples(tmp_path / "out", contract=load_contract(digit_contract), n_bootstrap=0)
    assert digit_judge.calls == calls  # the recorded verdicts of this contract, no judge calls
    assert card.metrics["recovery"].estimate == pytest.approx(expected["recovery"], abs=1e-12)


def test_other_filter(deferred_run: Path, digit_judge: Any) -> None:
    samples = jl.read_lmeval_samples(deferred_run, filter="last-number")
    assert samples.filter == "last-number"
    assert samples.settings is not None and samples.settings.oracle_filter == "strict"
    assert len(samples.docs) == 6
    with pytest.raises(AuditDataError, match="no samples for filter 'loose'"):
        jl.read_lmeval_samples(deferred_run, filter="loose")


def test_ambiguous_folder(deferred_run: Path) -> None:
    (samples,) = deferred_run.glob("*/samples_*.jsonl")
    copy = samples.with_name(samples.name.replace("arith_deferred", "arith_other"))
    copy.write_text(samples.read_text(encoding="utf-8"), encoding="utf-8")
    with pytest.raises(AuditDataError, match=r"samples of 2 tasks \(arith_deferred, arith_other\); pass --task NAME"):
        jl.read_lmeval_samples(deferred_run)
    with pytest.raises(AuditDataError, match=r"no samples of task 'arith' \(the folder has: arith_deferred, arith_other\)"):
        jl.read_lmeval_samples(deferred_run, task="arith")
    assert jl.read_lmeval_samples(deferred_run, task="arith_deferred").task == "arith_deferred"


def test_samples_without_records(lmeval_run: Any, tmp_path: Path, arith_task_yaml: Path) -> None:
    from lm_eval.tasks import TaskManager

    tasks = tmp_path / "tasks"
    tasks.mkdir()
    (tasks / "arith.yaml").write_text(arith_task_yaml.read_text(encoding="utf-8"), encoding="utf-8")
    assert "arith" in TaskManager(include_path=str(tasks), include_defaults=False).all_tasks
    lmeval_run(tasks, "arith", tmp_path / "out")
    with pytest.raises(AuditDataError, match="was not compiled by `judgespec lmeval compile`"):
        jl.read_lmeval_samples(tmp_path / "out")


def test_no_contract_recorded(deferred_run: Path) -> None:
    (samples,) = deferred_run.glob("*/samples_*.jsonl")
    for results in deferred_run.glob("*/results_*.json"):
        results.unlink()
    with pytest.raises(JudgespecError, match="no results file names the task's contract"):
        jl.score_from_lmeval_samples(samples)


def test_missing_samples(tmp_path: Path) -> None:
    with pytest.raises(AuditDataError, match=r"no lm-eval samples_\*\.jsonl file"):
        jl.read_lmeval_samples(tmp_path)


@pytest.mark.slow  # the lm-eval CLI in a subprocess (its start-up alone is most of the time)
def test_lm_eval_cli_runs_compiled_task(
    tmp_path: Path, arith_task_yaml: Path, digit_contract: Path, digit_judge: Any, expected: dict[str, float]
) -> None:
    """``lm-eval run --include_path DIR --tasks NAME`` runs the compiled YAML as is.

    The scripted policy and judge are registered in the child process first (lm-eval
    has no model entry points), then lm-eval's own CLI entry point runs.
    """
    (path,) = jl.compile_task(digit_contract, task=arith_task_yaml, n=4, out_dir=tmp_path / "tasks")
    out = tmp_path / "out"
    script = (
        "import sys\n"
        "from judgespec_lmeval._scripted import register_digit_judge\n"
        "register_digit_judge('transformers')\n"
        "from lm_eval.__main__ import cli_evaluate\n"
        "sys.argv = ['lm-eval'] + sys.argv[1:]\n"
        "cli_evaluate()\n"
    )
    args = [
        "run", "--include_path", str(tmp_path / "tasks"), "--tasks", path.stem,
        "--model", "judgespec-scripted", "--device", "cpu", "--log_samples",
        "--output_path", str(out),
    ]
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "HF_DATASETS_OFFLINE": "1"}
    done = subprocess.run([sys.executable, "-c", script, *args], capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "recovery" in done.stdout
    card = jl.score_from_lmeval_samples(out, n_bootstrap=0)
    assert digit_judge.calls == 0  # verdicts recorded in the run under the same contract
    for metric, value in expected.items():
        assert card.metrics[metric].estimate == pytest.approx(value, abs=1e-12), metric


def test_a_cached_rescore_builds_no_judge(
    deferred_run: Path, monkeypatch: pytest.MonkeyPatch, private_judge_cache: Path
) -> None:
    """``judgespec score --from-lmeval-samples`` twice: the rerun is answered by the judge
    cache (the one ``judgespec audit`` uses) and builds no backend."""
    from click.testing import CliRunner

    from judgespec.cli import cli
    from judgespec.judge import JudgeCache
    from judgespec.judge.backends import _backend
    from judgespec_lmeval._scripted import DigitJudgeBackend

    built: list[DigitJudgeBackend] = []

    def factory(_judge: Any) -> DigitJudgeBackend:
        built.append(DigitJudgeBackend())
        return built[-1]

    monkeypatch.setitem(_backend._REGISTRY, "transformers", factory)
    cards = []
    for n in (1, 2):
        out = deferred_run.parent / f"card{n}.json"
        result = CliRunner().invoke(
            cli,
            ["score", "--from-lmeval-samples", str(deferred_run), "--bootstrap", "20", "--out", str(out), "--quiet"],
        )
        assert result.exit_code == 0, result.output
        assert len(built) == 1, f"run {n} built {len(built)} judge backends in all"
        cards.append(json.loads(out.read_text(encoding="utf-8")))
    assert built[0].calls == 18  # 24 candidates, 6 of them repeats: sent once, on the first run
    with JudgeCache.in_dir(private_judge_cache) as store:
        assert store.info().entries == 18
    assert cards[0]["metrics"] == cards[1]["metrics"]
    # The library's opt-out judges again, with a backend of its own.
    card = jl.score_from_lmeval_samples(deferred_run, n_bootstrap=20, cache=False)
    assert len(built) == 2 and built[1].calls == 18
    assert card.metrics["recovery"].estimate == cards[0]["metrics"]["recovery"]["estimate"]
