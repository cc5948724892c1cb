"""lm-eval's own workflows on compiled tasks: groups, ``--predict_only``, lm-eval's options.

Real lm-eval runs (its CLI in a child process, or ``simple_evaluate`` with its
``EvaluationTracker`` as the CLI does) with the scripted policy and the digit judge.
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

import judgespec_lmeval as jl
from judgespec import JudgespecError

N = 4

@pytest.fixture(scope="module")
def two_audits(
    tmp_path_factory: pytest.TempPathFactory, arith_task_config: dict[str, Any], digit_contract: Path
) -> Path:
    """Two compiled tasks and a group over them; task b's strict filter never matches, so
    every strict oracle is 0 and its recovery is undefined."""
    import copy

    root = tmp_path_factory.mktemp("group")
    base_a = {**copy.deepcopy(arith_task_config), "task": "arith_a"}
    base_b = {**copy.deepcopy(arith_task_config), "task": "arith_b"}
    base_b["filter_list"][0]["filter"][0]["regex_pattern"] = "Result: (-?[0-9]+)"
    for name, config in (("arith_a", base_a), ("arith_b", base_b)):
        (root / f"{name}.yaml").write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
        jl.compile_task(digit_contract, task=root / f"{name}.yaml", n=N, out_dir=root / "tasks", name=f"{name}_bo4")
    group = {
        "group": "arith_audits",
        "task": ["arith_a_bo4", "arith_b_bo4"],
        "aggregate_metric_list": [{"metric": "recovery"}, {"metric": "exact_match"}, {"metric": "pass@4"}],
        "metadata": {"version": 1},
    }
    (root / "tasks" / "group.yaml").write_text(yaml.safe_dump(group), encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def group_run(two_audits: Path) -> Path:
    """``lm-eval run --tasks arith_audits --log_samples``: lm-eval's CLI entry point, run
    in this process with the digit judge serving the contract (no child interpreter)."""
    import contextlib
    import io

    from lm_eval.__main__ import cli_evaluate

    from judgespec.judge.backends import _backend
    from judgespec_lmeval._scripted import DigitJudgeBackend

    out = two_audits / "out"
    argv = [
        "lm-eval", "run", "--include_path", str(two_audits / "tasks"), "--tasks", "arith_audits",
        "--model", "judgespec-scripted", "--log_samples", "--output_path", str(out),
    ]
    printed = io.StringIO()
    with pytest.MonkeyPatch.context() as patch, contextlib.redirect_stdout(printed):
        judge = DigitJudgeBackend()
        patch.setitem(_backend._REGISTRY, "transformers", lambda _model: judge)
        patch.setattr(sys, "argv", argv)
        cli_evaluate()  # before the fix: TypeError in the group's aggregation, all lost
    table = printed.getvalue()
    assert "arith_audits" in table and "recovery" in table and "NaN" in table
    return out


def _results(out: Path) -> dict[str, Any]:
    (path,) = out.glob("*/results_*.json")
    return json.loads(path.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def test_group_with_an_undefined_metric_completes(group_run: Path, expected: dict[str, float]) -> None:
    results = _results(group_run)["results"]
    a, b, group = results["arith_a_bo4"], results["arith_b_bo4"], results["arith_audits"]
    assert a["recovery,strict"] == pytest.approx(expected["recovery"], abs=1e-12)
    assert math.isnan(b["recovery,strict"])  # every oracle 0: no gain to recover
    assert b["pass@4,strict"] == 0.0 and b["exact_match,strict"] == 0.0
    # lm-eval's group value: the size-weighted mean of the tasks' values, NaN carried.
    assert math.isnan(group["recovery,strict"])
    assert group["recovery,last-number"] == pytest.approx(
        (a["recovery,last-number"] + b["recovery,last-number"]) / 2, abs=1e-12
    )
    for metric in ("exact_match", "pass@4"):
        assert group[f"{metric},strict"] == pytest.approx((a[f"{metric},strict"] + 0.0) / 2, abs=1e-12)


def test_group_samples_hold_each_record_once(group_run: Path) -> None:
    (path,) = group_run.glob("*/samples_arith_a_bo4_*.jsonl")
    first = json.loads(path.read_text(encoding="utf-8").splitlines()[0])
    record = first["recovery"]
    assert [c["oracle"] for c in record["candidates"]] == [1.0, 0.0, 1.0, 0.0]
    # The judge sees the question, not the policy's "Question: ...\nAnswer:" scaffolding.
    assert record["prompt"] == "What is 17 + 25?"
    assert first["arguments"]["gen_args_0"]["arg_0"] == "Question: What is 17 + 25?\nAnswer:"
    linked = [first[m] for m in ("exact_match", *jl.AUDIT_METRICS[1:])]
    assert len(set(linked)) == 1 and linked[0].startswith("record:")
    assert (first["pass@1"], first["pass@4"]) == (0.5, 1.0)
    # 6 documents x 2 filter ensembles, each line holding its record once
    assert path.read_text(encoding="utf-8").count('"candidates"') == 12


def test_score_picks_task_and_filter(group_run: Path, tmp_path: Path, expected: dict[str, float]) -> None:
    from judgespec.cli import cli

    runner = CliRunner()
    result = runner.invoke(cli, ["score", "--from-lmeval-samples", str(group_run), "--out", str(tmp_path / "x.json")])
    assert result.exit_code == 1
    assert "samples of 2 tasks (arith_a_bo4, arith_b_bo4); pass --task NAME" in result.output
    for filter_name in ("strict", "last-number"):
        out = tmp_path / f"card-{filter_name}.json"
        result = runner.invoke(
            cli,
            [
                "score", "--from-lmeval-samples", str(group_run), "--task", "arith_a_bo4",
                "--filter", filter_name, "--out", str(out), "--bootstrap", "0", "--quiet",
            ],
        )
        assert result.exit_code == 0, result.output
        card = json.loads(out.read_text(encoding="utf-8"))
        assert card["run"]["candidate_pool"] == f"lm-eval task arith_a_bo4, filter {filter_name}"
        assert card["metrics"]["recovery"]["estimate"] == pytest.approx(expected["recovery"], abs=1e-12)
    result = runner.invoke(
        cli,
        ["score", "--from-lmeval-samples", str(group_run), "--task", "arith_a_bo4", "--filter", "loose", "--out", str(out)],
    )
    assert result.exit_code == 1
    assert "no samples for filter 'loose' (the file has: strict, last-number)" in result.output


def test_a_second_run_into_the_same_folder_scores_the_latest(group_run: Path, tmp_path: Path) -> None:
    import shutil

    folder = tmp_path / "out"
    shutil.copytree(group_run, folder)
    (model_dir,) = folder.iterdir()
    for path in list(model_dir.iterdir()):
        stamp = path.name.split("_")[-1].split(".")[0]  # 2026-..T..-..-..
        later = path.name.replace(stamp, "2099-01-01T00-00-00")
        shutil.copy(path, path.with_name(later))
    samples = jl.read_lmeval_samples(folder, task="arith_b_bo4")
    assert "2099-01-01T00-00-00" in samples.path.name
    card = jl.score_from_lmeval_samples(folder, task="arith_b_bo4", n_bootstrap=0)
    assert any("2 runs of task 'arith_b_bo4'; scored the latest" in w for w in card.all_warnings)


def test_predict_only_keeps_generations_for_later_scoring(
    lmeval_run: Any,
    tmp_path: Path, arith_task_yaml: Path, digit_contract: Path, digit_judge: Any, expected: dict[str, float]
) -> None:
    jl.compile_task(digit_contract, task=arith_task_yaml, n=N, out_dir=tmp_path / "tasks", name="arith_bo4")
    results = lmeval_run(tmp_path / "tasks", "arith_bo4", tmp_path / "out", predict_only=True)
    assert results["results"]["arith_bo4"]["bypass,strict"] == 999  # lm-eval's predict-only value
    assert digit_judge.calls == 0  # predictions only: nothing judged
    samples = jl.read_lmeval_samples(tmp_path / "out")
    assert len(samples.docs) == 6
    assert all(r["judged_by"] is None for r in samples.records)
    assert [c["oracle"] for c in samples.records[0]["candidates"]] == [1.0, 0.0, 1.0, 0.0]
    card = jl.score_from_lmeval_samples(tmp_path / "out", n_bootstrap=0)
    assert digit_judge.calls == 6 * 3  # each distinct candidate once (draws 0 and 2 agree)
    for metric, value in expected.items():
        assert card.metrics[metric].estimate == pytest.approx(value, abs=1e-12), metric


def test_gen_kwargs_turning_sampling_off_is_refused_before_the_policy_loads(
    tmp_path: Path, arith_task_yaml: Path, digit_contract: Path, scripted_lm_count: Any
) -> None:
    before = scripted_lm_count()
    with pytest.raises(JudgespecError, match="generation_kwargs must sample"):
        jl.run_lmeval_audit(
            digit_contract, task=arith_task_yaml, n=N, model="judgespec-scripted", model_args=None,
            out_dir=tmp_path, evaluate_options={"gen_kwargs": "do_sample=False"},
        )
    assert scripted_lm_count() == before


def test_lmeval_options_reach_lm_eval(
    tmp_path: Path,
    arith_task_yaml: Path,
    digit_contract: Path,
    digit_judge: Any,
    scripted_lm_count: Any,
    expected: dict[str, float],
) -> None:
    from judgespec.cli import cli

    runner = CliRunner()
    twice = runner.invoke(
        cli,
        [
            "lmeval", "run", str(digit_contract), "--task", str(arith_task_yaml), "--n", "4",
            "--model", "judgespec-scripted", "--model_args", "device=cpu", "--device", "cpu",
            "--out", str(tmp_path / "twice"),
        ],
    )
    assert twice.exit_code == 1
    assert twice.output.strip() == (
        "Error: the device is given twice (--device cpu and device=cpu in --model-args); give one"
    )
    bad = runner.invoke(
        cli,
        [
            "lmeval", "run", str(digit_contract), "--task", str(arith_task_yaml), "--n", "4",
            "--model", "judgespec-scripted", "--batch_size", "many", "--out", str(tmp_path / "bad"),
        ],
    )
    assert bad.exit_code == 2 and "'many' is not an integer, 'auto' or 'auto:N'" in bad.output
    before = scripted_lm_count()
    result = runner.invoke(
        cli,
        [
            "audit", "--framework", "lmeval", "--contract", str(digit_contract), "--task",
            str(arith_task_yaml), "--n", "4", "--model", "judgespec-scripted", "--device", "cpu",
            "--batch_size", "3", "--bootstrap", "0", "--quiet", "--out", str(tmp_path / "audit"),
        ],
    )
    assert result.exit_code == 0, result.output
    assert scripted_lm_count() == before + 1
    config = _results(tmp_path / "audit" / "lmeval")["config"]
    assert (config["device"], config["batch_size"]) == ("cpu", 3)
    card = json.loads((tmp_path / "audit" / "scorecard.json").read_text(encoding="utf-8"))
    assert card["metrics"]["recovery"]["estimate"] == pytest.approx(expected["recovery"], abs=1e-12)


def test_run_passes_lm_eval_options_through(
    tmp_path: Path, arith_task_yaml: Path, digit_contract: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import lm_eval

    seen: dict[str, Any] = {}

    class Stop(Exception):
        pass

    def spy(**kwargs: Any) -> None:
        seen.update(kwargs)
        raise Stop

    monkeypatch.setattr(lm_eval, "simple_evaluate", spy)
    with pytest.raises(Stop):
        jl.lmeval_group().main(
            [
                "run", str(digit_contract), "--task", str(arith_task_yaml), "--n", "2",
                "--model", "hf", "--model-args", "pretrained=x", "--device", "cuda:0",
                "--batch-size", "auto:4", "--max_batch_size", "64", "--apply_chat_template",
                "--system_instruction", "Be brief.", "--num_fewshot", "3",
                "--gen_kwargs", "top_p=0.9", "--out", str(tmp_path),
            ],
            standalone_mode=False,
        )
    assert seen["device"] == "cuda:0"
    assert seen["model_args"] == "pretrained=x"
    assert (seen["batch_size"], seen["max_batch_size"]) == ("auto:4", 64)
    assert (seen["apply_chat_template"], seen["fewshot_as_multiturn"]) == (True, True)
    assert (seen["system_instruction"], seen["num_fewshot"], seen["gen_kwargs"]) == ("Be brief.", 3, "top_p=0.9")
    seen.clear()
    with pytest.raises(Stop):
        jl.lmeval_group().main(
            ["run", str(digit_contract), "--task", str(arith_task_yaml), "--n", "2", "--out", str(tmp_path)],
            standalone_mode=False,
        )
    # lm-eval's defaults: no device (the model's own choice), no chat template.
    assert seen["device"] is None and "batch_size" not in seen
    assert (seen["apply_chat_template"], seen["fewshot_as_multiturn"]) == (False, False)


@pytest.mark.parametrize(
    ("template", "field"),
    [
        ("Question: {{question}}\nAnswer:", "question"),
        ("Q: {{ question }}\nA:", "question"),
        ("{{question}} Reply with the number only.", "question"),
        ("{{passage}}\nQuestion: {{question}}", None),
        ("{{question | upper}}", None),
        ("{% if x %}{{question}}{% endif %}", None),
        ("question", None),
        (None, None),
    ],
)
def test_judge_prompt_field(template: Any, field: str | None) -> None:
    from judgespec_lmeval._task import judge_prompt_field

    assert judge_prompt_field(template) == field
