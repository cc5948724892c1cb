"""score / report / compare / gate / import through the real console script."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
BUNDLED = REPO / "judgespec" / "data" / "arena_sample" / "candidates.jsonl.gz"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "judgespec", *args], capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def arena_best_of_2(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("arena") / "bo2.jsonl"
    proc = run("import", "arena", str(BUNDLED), "--policies", "base,clone,parallel_universe_prompt", "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    return out


def test_bundled_sample_matches_shared_copy(shared_data: Path) -> None:
    import gzip

    with gzip.open(BUNDLED, "rb") as handle:
        assert handle.read() == (shared_data / "arena_sample" / "candidates.jsonl").read_bytes()


def test_score_report_and_gate(arena_best_of_2: Path, tmp_path: Path) -> None:
    card = tmp_path / "card.json"
    proc = run("score", "--candidates", str(arena_best_of_2), "--bootstrap", "200", "--out", str(card), "--quiet")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(card.read_text())
    assert data["counts"]["selection_prompts"] == 381
    assert data["counts"]["candidates"] == 874 * 3
    rec = data["metrics"]["recovery"]
    assert rec["ci_low"] < rec["estimate"] < rec["ci_high"]
    # The known shape: global correlation above within-prompt, most pairs tied.
    assert data["metrics"]["r_within"]["estimate"] < data["metrics"]["r_global"]["estimate"]
    assert data["metrics"]["tie_rate"]["estimate"] > 0.5

    md = run("report", str(card), "--format", "md")
    assert md.returncode == 0 and f"{rec['estimate']:.3f}" in md.stdout
    html = tmp_path / "r.html"
    assert run("report", str(card), "--format", "html", "--out", str(html)).returncode == 0
    assert "<svg" in html.read_text()

    contract = tmp_path / "c.yaml"
    contract.write_text(
        (REPO / "tests" / "contract" / "data" / "valid.yaml").read_text()
        + "gates:\n  - {metric: recovery, op: '>=', threshold: 0.9}\n  - {metric: tie_rate, op: '<=', threshold: 0.99}\n"
    )
    refused = run("gate", str(card), "--contract", str(contract))
    assert refused.returncode == 1 and refused.stdout == ""
    assert refused.stderr.strip() == (
        f"Error: {card} was scored without a contract; rescore under this contract, "
        "or pass --allow-fingerprint-mismatch to gate it anyway"
    )
    gate = run("gate", str(card), "--contract", str(contract), "--allow-fingerprint-mismatch")
    assert gate.returncode == 1
    assert "FAIL  recovery ci_low >= 0.9" in gate.stdout
    assert "PASS  tie_rate ci_high <= 0.99" in gate.stdout
    assert "was scored without a contract; gating it anyway" in gate.stderr
    assert gate.stderr.strip().splitlines()[-1].startswith("Error: 1 of 2 gate(s) failed: recovery")


def test_compare_same_input_is_identical(arena_best_of_2: Path, tmp_path: Path) -> None:
    a, b = tmp_path / "a.json", tmp_path / "b.json"
    for out in (a, b):
        assert run("score", "--candidates", str(arena_best_of_2), "--bootstrap", "100", "--seed", "3", "--out", str(out), "--quiet").returncode == 0
    proc = run("compare", str(a), str(b), "--strict")
    assert proc.returncode == 0, proc.stderr
    c = tmp_path / "c.json"
    run("score", "--candidates", str(arena_best_of_2), "--bootstrap", "100", "--seed", "4", "--out", str(c), "--quiet")
    assert run("compare", str(a), str(c), "--strict").returncode == 1


def test_score_bad_input_is_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "c.jsonl"
    bad.write_text('{"prompt_id": "p", "candidate_id": "a", "judge_score": 1}\n{"prompt_id": "p", "candidate_id": "a", "judge_score": 2}\n')
    proc = run("score", "--candidates", str(bad), "--out", str(tmp_path / "x.json"))
    assert proc.returncode == 1
    assert proc.stderr.startswith(f"Error: {bad}:2: duplicate")
    assert "Traceback" not in proc.stderr
    assert not (tmp_path / "x.json").exists()


def test_import_judgebench(shared_data: Path, tmp_path: Path) -> None:
    src = shared_data / "judgebench" / "judged.gpt-4o-2024-05-13.arena_hard.o1-mini-2024-09-12.jsonl"
    assert run("import", "judgebench", str(src), "--out", str(tmp_path)).returncode == 0
    card = tmp_path / "card.json"
    proc = run("score", "--candidates", str(tmp_path / "candidates.jsonl"), "--comparisons", str(tmp_path / "comparisons.jsonl"), "--bootstrap", "100", "--out", str(card), "--quiet")
    assert proc.returncode == 0, proc.stderr
    metrics = json.loads(card.read_text())["metrics"]
    assert 0.5 < metrics["position_consistency"]["estimate"] < 1.0
    assert 0.5 < metrics["pairwise_accuracy"]["estimate"] < 1.0


def test_score_strict_rejects_unknown_columns(tmp_path: Path) -> None:
    table = tmp_path / "c.jsonl"
    table.write_text(
        '{"prompt_id": "p", "candidate_id": "a", "oracle": 1, "judge_score": 1}\n'
        '{"prompt_id": "p", "candidate_id": "b", "oracle": 0, "judge_score": 2, "judge_scroe": 3}\n'
    )
    assert run("score", "--candidates", str(table), "--bootstrap", "0", "--out", str(tmp_path / "a.json"), "--quiet").returncode == 0
    proc = run("score", "--candidates", str(table), "--strict", "--out", str(tmp_path / "b.json"))
    assert proc.returncode == 1
    assert proc.stderr.startswith(f"Error: {table}:2: unknown column 'judge_scroe'")
