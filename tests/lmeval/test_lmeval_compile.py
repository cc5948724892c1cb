"""Compiling a contract and a base task into an lm-eval task config."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

import judgespec_lmeval as jl
from judgespec import JudgespecError, load_contract
from judgespec_lmeval import AUDIT_METRICS


def _read(path: Path) -> dict[str, Any]:
    """The compiled YAML as data (``!function`` values read as plain strings)."""

    class Loader(yaml.SafeLoader):
        pass

    Loader.add_constructor("!function", lambda loader, node: f"!function {loader.construct_scalar(node)}")
    return yaml.load(path.read_text(encoding="utf-8"), Loader=Loader)


def _merged(path: Path) -> dict[str, Any]:
    """The compiled YAML as lm-eval reads it (includes merged)."""
    from lm_eval.tasks._yaml_loader import load_yaml

    return load_yaml(path, resolve_func=False)


def test_compile_yaml_base(tmp_path: Path, arith_task_yaml: Path, digit_contract: Path) -> None:
    (path,) = jl.compile_task(digit_contract, task=arith_task_yaml, n=4, out_dir=tmp_path, temperature=0.7)
    assert path == tmp_path / "arith_judgespec_digit-judge_n4.yaml"
    text = path.read_text(encoding="utf-8")
    assert "lm-eval run --include_path" in text.splitlines()[3]
    cfg = _read(path)
    # Paths are relative to the YAML's folder where the two share more than the root.
    assert cfg["include"] == os.path.relpath(arith_task_yaml.resolve(), tmp_path.resolve())
    assert (tmp_path / cfg["include"]).resolve() == arith_task_yaml.resolve()
    contract = cfg["metadata"]["judgespec"].pop("contract")
    assert (tmp_path / contract).resolve() == digit_contract.resolve()
    assert "tag" not in cfg
    assert cfg["task"] == "arith_judgespec_digit-judge_n4"
    assert cfg["class"] == "!function judgespec_lmeval.BestOfNTask"
    assert cfg["repeats"] == 4
    assert cfg["generation_kwargs"] == {
        "until": ["\n"],
        "max_gen_toks": 16,
        "do_sample": True,
        "temperature": 0.7,
    }
    assert cfg["filter_list"] == [
        {
            "name": "strict",
            "filter": [
                {"function": "regex", "regex_pattern": "The answer is (-?[0-9]+)"},
                {"function": "take_first_k", "k": 4},
            ],
        },
        {
            "name": "last-number",
            "filter": [
                {"function": "regex", "regex_pattern": "(-?[0-9]+)", "group_select": -1},
                {"function": "take_first_k", "k": 4},
            ],
        },
    ]
    assert cfg["metadata"] == {
        "version": 1.0,
        "judgespec": {
            "fingerprint": load_contract(digit_contract).fingerprint,
            "n": 4,
            "oracle_metric": "exact_match",
            "oracle_filter": "strict",
            "judge": "inline",
            "base_task": str(arith_task_yaml),
            "seed": 0,
        },
    }


def test_compiled_yaml_loads_as_best_of_n_task(
    tmp_path: Path, arith_task_yaml: Path, digit_contract: Path
) -> None:
    from lm_eval.tasks import TaskManager

    jl.compile_task(digit_contract, task=arith_task_yaml, n=3, out_dir=tmp_path, name="arith_bo3")
    manager = TaskManager(include_path=str(tmp_path), include_defaults=False)
    assert "arith_bo3" in manager.all_tasks
    task = manager.load(["arith_bo3"])["tasks"]["arith_bo3"]
    assert isinstance(task, jl.BestOfNTask)
    assert task.config.repeats == 3
    assert list(task.aggregation()) == [
        "recovery", "exact_match", "pass@1", "pass@3", *AUDIT_METRICS[1:]
    ]
    assert task.higher_is_better()["recovery"] is True
    assert task.higher_is_better()["exact_match"] is True
    assert task.higher_is_better()["pass@3"] is True
    # the audit metrics' directions are judgespec.metrics', lower-is-better ones included
    assert task.higher_is_better()["regret"] is False and task.higher_is_better()["tie_rate"] is False
    assert task.higher_is_better()["regret"] is False
    assert task.audit_settings.n == 3


def test_compile_config_mapping_is_inlined(
    tmp_path: Path, arith_task_config: dict[str, Any], digit_contract: Path
) -> None:
    config = {**arith_task_config, "process_docs": os.path.basename}
    compiled = jl.compile_config(
        digit_contract, config, n=2, oracle_filter="last-number", max_gen_toks=5, judge="deferred"
    )
    assert "include" not in compiled.config
    assert compiled.config["dataset_path"] == "json"
    assert compiled.settings.oracle_filter == "last-number"
    assert compiled.settings.judge == "deferred"
    assert compiled.config["generation_kwargs"]["max_gen_toks"] == 5
    written = jl.write_task_yaml(compiled, tmp_path)
    assert written.path is not None
    assert "process_docs: !function 'posixpath.basename'" in written.path.read_text(encoding="utf-8")


def test_compile_registered_task(tmp_path: Path, digit_contract: Path) -> None:
    (path,) = jl.compile_task(digit_contract, task="gsm8k", n=8, out_dir=tmp_path)
    cfg = _read(path)
    assert Path(cfg["include"]).parts[-3:] == ("tasks", "gsm8k", "gsm8k.yaml")
    assert (tmp_path / cfg["include"]).is_file()
    assert "tag" not in cfg  # the base task's tags come through the include
    assert _merged(path)["tag"] == ["math_word_problems"]
    assert [f["name"] for f in cfg["filter_list"]] == ["strict-match", "flexible-extract"]
    assert cfg["filter_list"][0]["filter"][-1] == {"function": "take_first_k", "k": 8}
    assert cfg["generation_kwargs"]["do_sample"] is True
    assert cfg["generation_kwargs"]["until"] == ["Question:", "</s>", "<|im_end|>"]
    assert cfg["metadata"]["version"] == 3.0
    assert cfg["metadata"]["judgespec"]["oracle_metric"] == "exact_match"
    assert cfg["metadata"]["judgespec"]["oracle_filter"] == "strict-match"
    assert cfg["metadata"]["judgespec"]["base_task"] == "gsm8k"


def test_cli_compile(tmp_path: Path, arith_task_yaml: Path, digit_contract: Path) -> None:
    group = jl.lmeval_group()
    assert group.name == "lmeval"
    result = CliRunner().invoke(
        group,
        ["compile", str(digit_contract), "--task", str(arith_task_yaml), "--n", "8", "--out", str(tmp_path)],
    )
    assert result.exit_code == 0, result.output
    assert (tmp_path / "arith_judgespec_digit-judge_n8.yaml").is_file()
    assert "wrote" in result.output


def test_cli_compile_reports_errors(tmp_path: Path, arith_task_yaml: Path, digit_contract: Path) -> None:
    result = CliRunner().invoke(
        jl.lmeval_group(),
        ["compile", str(digit_contract), "--task", str(arith_task_yaml), "--n", "1", "--out", str(tmp_path)],
    )
    assert result.exit_code == 1
    assert "Error: n must be an integer of at least 2" in result.output
    assert not list(tmp_path.iterdir())


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"n": 1}, "n must be an integer of at least 2 (best of n), got 1"),
        ({"n": 4, "temperature": 0.0}, "temperature must be positive, got 0.0"),
        ({"n": 4, "oracle_metric": "f1"}, "oracle metric 'f1' is not a metric of base task 'arith' (its metrics: exact_match)"),
        ({"n": 4, "oracle_filter": "loose"}, "oracle filter 'loose' is not a filter of base task 'arith' (its filters: strict, last-number)"),
        ({"n": 4, "max_gen_toks": 0}, "max_gen_toks must be at least 1"),
        ({"n": 4, "name": "my task"}, "--name 'my task': a task name is letters, digits"),
        ({"n": 4, "name": "a,b"}, "--name 'a,b': a task name is letters, digits"),
        ({"n": 4, "name": "x/y"}, "--name 'x/y': a task name is letters, digits"),
        ({"n": 4, "name": "arith"}, "--name 'arith' is the base task's name"),
    ],
)
def test_compile_option_errors(
    arith_task_yaml: Path, digit_contract: Path, options: dict[str, Any], message: str
) -> None:
    with pytest.raises(JudgespecError) as info:
        jl.compile_config(digit_contract, arith_task_yaml, **options)
    assert message in str(info.value)


def test_filter_after_selection_is_refused(
    arith_task_config: dict[str, Any], digit_contract: Path
) -> None:
    config = {
        **arith_task_config,
        "filter_list": [
            {"name": "odd", "filter": [{"function": "take_first"}, {"function": "lowercase"}]}
        ],
    }
    with pytest.raises(JudgespecError, match="step 'lowercase' runs after 'take_first'"):
        jl.compile_config(digit_contract, config, n=2)


def test_majority_vote_becomes_all_candidates(
    arith_task_config: dict[str, Any], digit_contract: Path
) -> None:
    config = {
        **arith_task_config,
        "filter_list": [
            {"name": "maj", "filter": [{"function": "regex", "regex_pattern": "(\\d+)"}, {"function": "majority_vote"}, {"function": "take_first"}]}
        ],
    }
    compiled = jl.compile_config(digit_contract, config, n=5)
    assert compiled.config["filter_list"][0]["filter"] == [
        {"function": "regex", "regex_pattern": "(\\d+)"},
        {"function": "take_first_k", "k": 5},
    ]


def test_unimportable_function_is_refused(
    arith_task_config: dict[str, Any], digit_contract: Path
) -> None:
    config = {**arith_task_config, "process_docs": lambda docs: docs}
    with pytest.raises(JudgespecError, match="cannot be imported by a dotted name"):
        jl.compile_config(digit_contract, config, n=2)


def test_function_file_next_to_base_yaml_is_refused(
    tmp_path: Path, arith_task_config: dict[str, Any], digit_contract: Path
) -> None:
    (tmp_path / "utils.py").write_text("def pick(resps, docs):\n    return resps\n", encoding="utf-8")
    base = tmp_path / "custom.yaml"
    text = yaml.safe_dump({**arith_task_config, "task": "custom", "filter_list": None}, sort_keys=False)
    text = text.replace("filter_list: null", "filter_list:\n- name: own\n  filter:\n  - function: !function utils.pick")
    base.write_text(text, encoding="utf-8")
    with pytest.raises(JudgespecError, match="next to the base YAML, which the compiled task cannot reference"):
        jl.compile_config(digit_contract, base, n=2)


def test_no_filter_list_keeps_all_candidates(
    arith_task_config: dict[str, Any], digit_contract: Path
) -> None:
    config = {k: v for k, v in arith_task_config.items() if k != "filter_list"}
    compiled = jl.compile_config(digit_contract, config, n=3)
    assert compiled.config["filter_list"] == [
        {"name": "none", "filter": [{"function": "take_first_k", "k": 3}]}
    ]
    assert compiled.settings.oracle_filter == "none"


def test_builtin_helper_functions_become_dotted_references(tmp_path: Path, digit_contract: Path) -> None:
    from lm_eval.tasks._yaml_loader import load_yaml

    (path,) = jl.compile_task(digit_contract, task="bbh_zeroshot_snarks", n=4, out_dir=tmp_path)
    text = path.read_text(encoding="utf-8")
    assert "function: !function 'lm_eval.tasks.bbh.zeroshot.utils.MultiChoiceRegexFilter'" in text
    loaded = load_yaml(path, resolve_func=True)
    step = loaded["filter_list"][1]["filter"][0]
    assert step["function"].__name__ == "MultiChoiceRegexFilter"
    assert loaded["class"] is jl.BestOfNTask


def test_inline_and_deferred_compiles_get_distinct_names(
    tmp_path: Path, arith_task_yaml: Path, digit_contract: Path
) -> None:
    (inline,) = jl.compile_task(digit_contract, task=arith_task_yaml, n=4, out_dir=tmp_path)
    (deferred,) = jl.compile_task(
        digit_contract, task=arith_task_yaml, n=4, out_dir=tmp_path, judge_after_generation=True
    )
    assert (inline.stem, deferred.stem) == (
        "arith_judgespec_digit-judge_n4", "arith_judgespec_digit-judge_n4_deferred"
    )
    assert _read(deferred)["metadata"]["judgespec"]["judge"] == "deferred"


def test_self_consistency_task_compiles(tmp_path: Path, digit_contract: Path) -> None:
    # take_first_k keeps a list of k responses, so the regex after it still sees each one.
    (path,) = jl.compile_task(digit_contract, task="gsm8k_cot_self_consistency", n=4, out_dir=tmp_path)
    cfg = _read(path)
    regex = {"function": "regex", "regex_pattern": "The answer is (\\-?[0-9\\.\\,]*[0-9]+)"}
    assert cfg["filter_list"] == [
        {"name": name, "filter": [regex, {"function": "take_first_k", "k": 4}]}
        for name in ("score-first", "maj@64", "maj@8")
    ]
    assert _merged(path)["tag"] == ["chain_of_thought", "self_consistency"]


def test_compiled_folder_moves_with_its_inputs(
    tmp_path: Path, arith_task_config: dict[str, Any], digit_contract: Path
) -> None:
    from lm_eval.tasks import TaskManager

    project = tmp_path / "project"
    (project / "tasks").mkdir(parents=True)
    (project / "judge.yaml").write_text(digit_contract.read_text(encoding="utf-8"), encoding="utf-8")
    base = project / "arith.yaml"
    base.write_text(yaml.safe_dump(arith_task_config, sort_keys=False), encoding="utf-8")
    jl.compile_task(project / "judge.yaml", task=base, n=2, out_dir=project / "tasks", name="arith_bo2")
    compiled = _read(project / "tasks" / "arith_bo2.yaml")
    assert compiled["include"] == "../arith.yaml"
    assert compiled["metadata"]["judgespec"]["contract"] == "../judge.yaml"
    moved = project.rename(tmp_path / "elsewhere")
    manager = TaskManager(include_path=str(moved / "tasks"), include_defaults=False)
    task = manager.load(["arith_bo2"])["tasks"]["arith_bo2"]
    assert isinstance(task, jl.BestOfNTask)
    assert task.contract.path.resolve() == (moved / "judge.yaml").resolve()
