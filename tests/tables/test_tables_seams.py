"""Seams: one table check for the judge and the audit, before any judge call.

A counting judge backend stands in for the ``replay`` backend while these tests run
(the registry entry is restored afterwards); a contract naming it is judged through
``judgespec audit`` and ``judgespec judge`` in process, so the count is seen.
A bad table must fail naming the file and line with the backend built zero times.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from judgespec import AuditDataError
from judgespec.cli import cli
from judgespec.contract import JudgeModel, load_contract
from judgespec.judge import GenerateRequest, Generation, TokenScoreRequest
from judgespec.judge.backends import _backend as backend_registry
from judgespec.pipeline import judge_and_score


class CountingJudge:
    """Answers ``Score: N`` with N the digit count of the response; counts every request."""

    name = "tables-counting"

    def __init__(self) -> None:
        self.requests = 0

    def generate(self, requests: Sequence[GenerateRequest]) -> list[Generation]:
        self.requests += len(requests)
        return [
            Generation(text=f"Score: {1 + sum(ch.isdigit() for ch in r.messages[-1].content) % 5}", tokens=3)
            for r in requests
        ]

    def score_next_tokens(self, requests: Sequence[TokenScoreRequest]) -> list[dict[str, float]]:
        raise NotImplementedError


BUILT: list[CountingJudge] = []


def _make(judge: JudgeModel) -> CountingJudge:
    made = CountingJudge()
    BUILT.append(made)
    return made


CONTRACT = """\
spec_version: 1
name: seam-judge
version: 1.0.0
judge: {model: counting, backend: replay, allow_unpinned: true}
protocol: {kind: pointwise, scale: {min: 1, max: 5}}
prompt:
  template: "Question: {{ prompt }}\\nResponse: {{ response }}\\nAnswer 'Score: N' (1-5)."
  variables: [prompt, response]
"""


@pytest.fixture()
def contract_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    BUILT.clear()
    monkeypatch.setitem(backend_registry._REGISTRY, "replay", _make)
    path = tmp_path / "contract.yaml"
    path.write_text(CONTRACT, encoding="utf-8")
    return path


def _table(path: Path, pid: Any) -> Path:
    rows = [
        {"prompt_id": "q0", "candidate_id": c, "prompt": "2+2?", "response": r, "oracle": o}
        for c, r, o in (("a", "4", 1.0), ("b", "22", 0.0))
    ] + [{"prompt_id": pid, "candidate_id": "a", "prompt": "1+1?", "response": "2", "oracle": 1.0}]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def _calls() -> int:
    return sum(judge.requests for judge in BUILT)


def test_good_table_reaches_the_counting_judge(tmp_path: Path, contract_path: Path) -> None:
    good = _table(tmp_path / "good.jsonl", "q1")
    result = CliRunner().invoke(
        cli,
        ["audit", "--contract", str(contract_path), "--candidates", str(good), "--out",
         str(tmp_path / "o"), "--no-cache", "--bootstrap", "20", "--quiet"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert _calls() == 3  # one pointwise call per candidate: the double is wired in


@pytest.mark.parametrize("command", ["audit", "judge"])
def test_integer_ids_fail_before_any_judge_call(tmp_path: Path, contract_path: Path, command: str) -> None:
    ints = _table(tmp_path / "ints.jsonl", 1)
    args = ["--contract", str(contract_path), "--candidates", str(ints), "--out", str(tmp_path / "o"), "--no-cache"]
    result = CliRunner().invoke(cli, [command, *args])
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert lines == [
        f'Error: {ints}:3: prompt_id must be a non-empty string, got 1 (int): write ids as '
        'JSON strings, e.g. "1"'
    ]
    assert BUILT == [] and _calls() == 0


@pytest.mark.parametrize("command", ["audit", "judge"])
def test_a_bad_table_fails_alike_in_judge_and_audit(tmp_path: Path, contract_path: Path, command: str) -> None:
    bad = tmp_path / "bad.jsonl"
    good = _table(tmp_path / "g.jsonl", "q1").read_text(encoding="utf-8").splitlines()
    bad.write_text("\n".join([good[0], good[1].replace('"oracle": 0.0', '"oracle": Infinity')]) + "\n")
    result = CliRunner().invoke(
        cli, [command, "--contract", str(contract_path), "--candidates", str(bad), "--out", str(tmp_path / "o"), "--no-cache"]
    )
    assert result.exit_code == 1
    assert f"Error: {bad}:2: oracle must be finite, got inf: write null for a missing value" in result.output
    assert BUILT == []


def test_pipeline_names_the_file_not_rows(tmp_path: Path, contract_path: Path) -> None:
    rows = [
        {"prompt_id": "q", "candidate_id": "a", "response": "1", "prompt": "?"},
        {"prompt_id": "q", "candidate_id": 2, "response": "2", "prompt": "?"},
    ]
    with pytest.raises(AuditDataError) as exc:
        judge_and_score(load_contract(contract_path), rows, source="answers.jsonl", n_bootstrap=0)
    assert str(exc.value).startswith("answers.jsonl:2: candidate_id must be a non-empty string, got 2 (int)")
    assert BUILT == []
