"""Every task and wrapper argument is checked before any model call; errors are one line.

User errors are both judgespec errors and Inspect ``PrerequisiteError`` s (which Inspect's
CLI prints as the message alone; ``test_inspect_tools.py`` checks that through the real
``inspect eval``).
"""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from inspect_ai import Task
from inspect_ai.dataset import json_dataset
from inspect_ai.model import GenerateConfig
from inspect_ai.scorer import match
from inspect_ai.solver import generate

from judgespec import ContractError, JudgespecError
from judgespec._scripted import scripted_calls
from judgespec_inspect import AuditArgumentError, AuditContractError, audit_task, bon_audit
from judgespec_inspect._backend import greedy_config
from judgespec_inspect._errors import PrerequisiteError


@pytest.mark.parametrize(
    ("arg", "value", "message"),
    [
        ("n", "two", "bon_audit: n must be an integer of at least 2, got 'two' (e.g. -T n=4)"),
        ("n", True, "bon_audit: n must be an integer of at least 2, got True (e.g. -T n=4)"),
        ("n", 2.5, "bon_audit: n must be an integer of at least 2, got 2.5 (e.g. -T n=4)"),
        ("n", 1, "bon_audit: n must be an integer of at least 2, got 1 (e.g. -T n=4)"),
        ("temperature", "hot", "bon_audit: temperature must be a finite number of at least 0, got 'hot' (e.g. -T temperature=1.0)"),
        ("temperature", -0.5, "bon_audit: temperature must be a finite number of at least 0, got -0.5 (e.g. -T temperature=1.0)"),
        ("max_tokens", 0, "bon_audit: max_tokens must be an integer of at least 1, got 0 (e.g. -T max_tokens=256)"),
        ("seed", "x", "bon_audit: seed must be an integer, got 'x' (e.g. -T seed=0)"),
        ("audit_seed", 1.5, "bon_audit: audit_seed must be an integer, got 1.5 (e.g. -T audit_seed=0)"),
        ("n_bootstrap", -1, "bon_audit: n_bootstrap must be an integer of at least 0, got -1 (e.g. -T n_bootstrap=2000)"),
        ("contract", 3, "bon_audit: contract must be a non-empty string, got 3 (e.g. -T contract=specs/judge.yaml)"),
        ("dataset", "", "bon_audit: dataset must be a non-empty string, got '' (e.g. -T dataset=data.jsonl)"),
        ("oracle", 5, "bon_audit: oracle must be a non-empty string, got 5 (e.g. -T oracle=match)"),
        ("oracle", "vibes", "unknown oracle 'vibes': use one of match, includes, exact, model_graded_fact or field:<name>"),
        ("dataset", "missing.jsonl", "data set 'missing.jsonl' not found: pass a local .jsonl or .csv file with input and target fields"),
    ],
)
def test_bon_audit_checks_every_argument(arg: str, value: Any, message: str, arithmetic, digit_contract):
    args = {"contract": str(digit_contract), "dataset": str(arithmetic), arg: value}
    with pytest.raises(AuditArgumentError) as info:
        bon_audit(**args)
    assert str(info.value) == message
    assert isinstance(info.value, PrerequisiteError) and isinstance(info.value, JudgespecError)
    assert scripted_calls() == 0


def test_a_data_set_record_without_input_names_the_file(tmp_path, digit_contract):
    data = tmp_path / "bad.jsonl"
    data.write_text('{"question": "What is 2 + 2?", "target": "4"}\n', encoding="utf-8")
    with pytest.raises(AuditArgumentError, match=r"data set '.*bad\.jsonl': a data set record has no 'input' field"):
        bon_audit(contract=str(digit_contract), dataset=str(data))


def test_a_contract_error_is_a_prerequisite_error_naming_file_and_line(tmp_path, arithmetic, digit_contract):
    bad = tmp_path / "bad.yaml"
    bad.write_text(digit_contract.read_text(encoding="utf-8").replace("kind: pointwise", "kind: pointless"), encoding="utf-8")
    with pytest.raises(AuditContractError, match=rf"^{bad}:\d+: protocol: .*'pointless'") as info:
        bon_audit(contract=str(bad), dataset=str(arithmetic))
    assert isinstance(info.value, ContractError) and isinstance(info.value, PrerequisiteError)
    assert "\n" not in str(info.value)


def _task(arithmetic: Path) -> Task:
    return Task(dataset=json_dataset(str(arithmetic)), solver=[generate()], scorer=match())


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"candidates": "bogus"}, "audit_task: candidates must be one of auto, choices, repeat, got 'bogus'"),
        ({"n": "two"}, "audit_task: n must be an integer of at least 2, got 'two' (e.g. n=4)"),
        ({"seed": 1.5}, "audit_task: seed must be an integer, got 1.5 (e.g. seed=0)"),
        ({"n_bootstrap": "many"}, "audit_task: n_bootstrap must be an integer of at least 0, got 'many' (e.g. n_bootstrap=2000)"),
        ({"name": ""}, "audit_task: name must be a non-empty string, got '' (e.g. name=my_audit)"),
        ({"oracle": 3}, "audit_task: oracle must be a scorer name or an Inspect scorer, got int"),
        ({"oracle": "vibes"}, "unknown oracle 'vibes': use one of match, includes, exact, model_graded_fact or field:<name>"),
    ],
)
def test_audit_task_checks_every_argument(kwargs: dict[str, Any], message: str, arithmetic, digit_contract):
    with pytest.raises(AuditArgumentError) as info:
        audit_task(_task(arithmetic), digit_contract, **kwargs)
    assert str(info.value) == message


def test_audit_task_needs_a_task_object(arithmetic, digit_contract):
    with pytest.raises(AuditArgumentError, match=r"audit_task: task must be an Inspect Task \(call the task function"):
        audit_task(_task, digit_contract)  # type: ignore[arg-type]


def _model(do_sample: bool | None) -> Any:
    api = SimpleNamespace() if do_sample is None else SimpleNamespace(do_sample=do_sample)
    return SimpleNamespace(api=api)


def test_greedy_requests_become_top_k_1_only_where_the_provider_samples_by_default():
    greedy = GenerateConfig(temperature=0.0, top_p=1.0, max_tokens=8, seed=0)
    # Inspect's hf/ provider with its default do_sample=True rejects temperature 0
    safe = greedy_config(_model(True), greedy)
    assert (safe.temperature, safe.top_p, safe.top_k, safe.max_tokens, safe.seed) == (None, None, 1, 8, 0)
    # a provider created with do_sample=False, or one without the switch, gets temperature 0
    assert greedy_config(_model(False), greedy) == greedy
    assert greedy_config(_model(None), greedy) == greedy
    sampled = GenerateConfig(temperature=0.7)
    assert greedy_config(_model(True), sampled) == sampled
