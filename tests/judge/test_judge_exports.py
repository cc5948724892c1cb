"""The public surface of ``judgespec.judge`` stays what it is."""

from __future__ import annotations

import judgespec.judge

EXPECTED = {
    "EMBEDDED_MODEL_ID",
    "PARSE_FAILURE_REASONS",
    "BackendFactory",
    "CacheInfo",
    "ChatMessage",
    "GenerateRequest",
    "Generation",
    "JudgeBackend",
    "JudgeCache",
    "JudgeOutput",
    "JudgeStats",
    "ParseFailure",
    "ProbePrompt",
    "ProbeRun",
    "ProbeRuns",
    "perturb",
    "run_probes",
    "ReplayBackend",
    "TokenScoreRequest",
    "TransformersBackend",
    "VerdictChoices",
    "aggregate_values",
    "aggregate_verdicts",
    "available_backends",
    "bradley_terry",
    "cache_dir",
    "copeland",
    "directory_sha256",
    "expected_score",
    "embedded_dir",
    "ensure_embedded",
    "gguf_path",
    "gguf_sha256",
    "judge_candidates",
    "load_embedded",
    "make_backend",
    "parse_pair",
    "parse_score",
    "read_candidate_rows",
    "register_backend",
    "request_hash",
    "resolve_local_revision",
    "verdict_choices",
    "win_matrix",
    "win_share",
    "write_jsonl",
    "write_judge_output",
}


def test_public_names() -> None:
    assert set(judgespec.judge.__all__) == EXPECTED
    for name in EXPECTED:
        assert getattr(judgespec.judge, name) is not None


def test_importing_the_engine_does_not_import_torch() -> None:
    import subprocess
    import sys

    code = "import sys, judgespec.judge, judgespec.cli; print('torch' in sys.modules, 'transformers' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]


def test_builtin_backends_are_registered() -> None:
    assert {"transformers", "replay"} <= set(judgespec.judge.available_backends())
