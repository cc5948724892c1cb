"""Bad input fails with a one-line JudgespecError before any model is loaded."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

import judgespec_lmeval as jl
from judgespec import ContractError, JudgespecError


def _audit(contract: Path, task: Any, out: Path, **options: Any) -> Path:
    """run_lmeval_audit with a policy that would fail loudly if it were ever loaded."""
    defaults: dict[str, Any] = {"n": 4, "model": "judgespec-scripted", "model_args": None}
    return jl.run_lmeval_audit(contract, task=task, out_dir=out, **{**defaults, **options})


def test_unknown_task(tmp_path: Path, digit_contract: Path, scripted_lm_count: Callable[[], int]) -> None:
    before = scripted_lm_count()
    with pytest.raises(JudgespecError) as info:
        _audit(digit_contract, "gsm8kk", tmp_path)
    assert str(info.value).startswith("unknown lm-eval task 'gsm8kk' (did you mean gsm8k")
    assert scripted_lm_count() == before


def test_missing_task_yaml(tmp_path: Path, digit_contract: Path) -> None:
    with pytest.raises(JudgespecError, match="no such task YAML"):
        _audit(digit_contract, tmp_path / "nope.yaml", tmp_path)


@pytest.mark.parametrize(
    ("task", "message"),
    [
        ("arc_easy", "base task 'arc_easy' has output_type 'multiple_choice'; a best-of-n audit needs a generate_until task"),
        ("mmlu", "base task 'mmlu' is a group; compile one of its tasks instead"),
    ],
)
def test_unsuitable_registered_task(
    tmp_path: Path, digit_contract: Path, scripted_lm_count: Callable[[], int], task: str, message: str
) -> None:
    before = scripted_lm_count()
    with pytest.raises(JudgespecError) as info:
        _audit(digit_contract, task, tmp_path)
    assert str(info.value).startswith(message)
    assert scripted_lm_count() == before


def test_not_generate_until_yaml(
    tmp_path: Path, arith_task_config: dict[str, Any], digit_contract: Path
) -> None:
    base = tmp_path / "mc.yaml"
    config = {**arith_task_config, "output_type": "multiple_choice", "doc_to_choice": ["a", "b"]}
    base.write_text(yaml.safe_dump(config), encoding="utf-8")
    with pytest.raises(JudgespecError, match="has output_type 'multiple_choice'"):
        _audit(digit_contract, base, tmp_path / "out")


def test_n_below_two(
    tmp_path: Path, arith_task_yaml: Path, digit_contract: Path, scripted_lm_count: Callable[[], int]
) -> None:
    before = scripted_lm_count()
    with pytest.raises(JudgespecError, match=r"n must be an integer of at least 2 \(best of n\), got 1"):
        _audit(digit_contract, arith_task_yaml, tmp_path, n=1)
    assert scripted_lm_count() == before


def test_invalid_contract(
    tmp_path: Path, arith_task_yaml: Path, digit_contract: Path, scripted_lm_count: Callable[[], int]
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(digit_contract.read_text(encoding="utf-8").replace("kind: pointwise", "kind: pointwize"), encoding="utf-8")
    before = scripted_lm_count()
    with pytest.raises(ContractError) as info:
        _audit(bad, arith_task_yaml, tmp_path / "out")
    assert str(info.value).startswith(f"{bad}:")
    assert "pointwize" in str(info.value)
    assert scripted_lm_count() == before
    assert not (tmp_path / "out").exists()


def test_errors_come_before_a_real_model_loads(tmp_path: Path, digit_contract: Path) -> None:
    # The hf policy points at a folder that does not exist: loading it would raise an
    # OSError, so a JudgespecError proves the check ran first.
    with pytest.raises(JudgespecError, match="unknown lm-eval task"):
        _audit(
            digit_contract,
            "no_such_task",
            tmp_path,
            model="hf",
            model_args={"pretrained": str(tmp_path / "no-model")},
        )


def test_contract_changed_since_compile(
    tmp_path: Path, arith_task_yaml: Path, digit_contract: Path
) -> None:
    from lm_eval.tasks import TaskManager

    contract = tmp_path / "contract.yaml"
    shutil.copy(digit_contract, contract)
    jl.compile_task(contract, task=arith_task_yaml, n=2, out_dir=tmp_path / "tasks", name="drift")
    contract.write_text(contract.read_text(encoding="utf-8").replace("version: 1.0.0", "version: 1.0.1"), encoding="utf-8")
    manager = TaskManager(include_path=str(tmp_path / "tasks"), include_defaults=False)
    with pytest.raises(ContractError, match="changed since the task was compiled"):
        manager.load(["drift"])


def test_metadata_typo(tmp_path: Path, arith_task_yaml: Path, digit_contract: Path) -> None:
    from lm_eval.tasks import TaskManager

    (path,) = jl.compile_task(digit_contract, task=arith_task_yaml, n=2, out_dir=tmp_path, name="typo")
    path.write_text(path.read_text(encoding="utf-8").replace("    seed: 0", "    sed: 0"), encoding="utf-8")
    manager = TaskManager(include_path=str(tmp_path), include_defaults=False)
    with pytest.raises(JudgespecError, match=r"task 'typo': metadata.judgespec.sed: unknown key"):
        manager.load(["typo"])


def test_hand_edited_take_first_is_refused(
    tmp_path: Path, arith_task_yaml: Path, digit_contract: Path
) -> None:
    from lm_eval.tasks import TaskManager

    (path,) = jl.compile_task(digit_contract, task=arith_task_yaml, n=2, out_dir=tmp_path, name="edited")
    text = path.read_text(encoding="utf-8").replace("function: take_first_k\n    k: 2", "function: take_first", 1)
    path.write_text(text, encoding="utf-8")
    manager = TaskManager(include_path=str(tmp_path), include_defaults=False)
    with pytest.raises(JudgespecError, match="uses 'take_first', which keeps one of the n candidates"):
        manager.load(["edited"])


def test_reference_field_must_exist(tmp_path: Path, arith_task_yaml: Path, digit_contract: Path) -> None:
    from lm_eval.tasks import TaskManager

    text = digit_contract.read_text(encoding="utf-8")
    text = text.replace("variables: [prompt, response]", "variables: [prompt, response, reference]")
    text = text.replace("Response: {{ response }}", "Response: {{ response }}\n    Reference: {{ reference }}")
    contract = tmp_path / "ref.yaml"
    contract.write_text(text + "reference:\n  policy: field\n  field: solution\n", encoding="utf-8")
    jl.compile_task(contract, task=arith_task_yaml, n=2, out_dir=tmp_path / "tasks", name="ref")
    manager = TaskManager(include_path=str(tmp_path / "tasks"), include_defaults=False)
    with pytest.raises(JudgespecError, match="reference field 'solution' is not a field of the documents"):
        manager.load(["ref"])


def test_core_imports_without_lm_eval(tmp_path: Path, arith_task_yaml: Path, digit_contract: Path) -> None:
    script = f"""
import sys
sys.modules["lm_eval"] = None  # as if the lmeval extra were not installed
import judgespec, judgespec.pipeline, judgespec.audit, judgespec.scorecard, judgespec.judge, judgespec.cli
import judgespec_lmeval
from judgespec import MissingExtraError
try:
    judgespec_lmeval.BestOfNTask
except MissingExtraError as exc:
    print("A", exc)
try:
    judgespec_lmeval.compile_task({str(digit_contract)!r}, task={str(arith_task_yaml)!r}, n=2, out_dir={str(tmp_path)!r})
except MissingExtraError as exc:
    print("B", exc)
"""
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout
    assert "A BestOfNTask needs the 'lm-eval' package, which is not installed: pip install 'judgespec[lmeval]'" in out
    assert "B Reading an lm-eval task YAML needs the 'lm-eval' package" in out


def test_core_does_not_import_lm_eval() -> None:
    script = "import judgespec, judgespec.pipeline, judgespec.audit, judgespec.scorecard, judgespec.judge, judgespec.cli, sys; print('lm_eval' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


def test_gen_kwargs_override_cannot_disable_sampling(
    tmp_path: Path, arith_task_yaml: Path, digit_contract: Path
) -> None:
    from lm_eval import simple_evaluate
    from lm_eval.tasks import TaskManager

    from judgespec_lmeval._scripted import ScriptedLM

    jl.compile_task(digit_contract, task=arith_task_yaml, n=2, out_dir=tmp_path, name="greedy")
    policy = ScriptedLM()
    with pytest.raises(JudgespecError, match="generation_kwargs must sample"):
        simple_evaluate(
            model=policy,
            tasks=["greedy"],
            task_manager=TaskManager(include_path=str(tmp_path), include_defaults=False),
            gen_kwargs={"do_sample": False, "temperature": 0.0},
        )
    assert policy.requests_seen == 0
