"""``judgespec import judgebench`` + ``score --by``: slices through the real console script."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

JUDGED = "judged.gpt-4o-2024-05-13.{}.jsonl"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "judgespec", *args], capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def o1_mini(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("o1")
    src = shared_data / "judgebench" / JUDGED.format("arena_hard.o1-mini-2024-09-12")
    proc = run("import", "judgebench", str(src), "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    return out


def test_import_writes_the_paper_categories(o1_mini: Path) -> None:
    rows = [json.loads(line) for line in (o1_mini / "candidates.jsonl").read_text().splitlines()]
    assert {r["category"] for r in rows} == {"knowledge", "reasoning", "math", "coding"}
    assert all(r["category"] == "knowledge" for r in rows if r["source"].startswith("mmlu-pro"))


def test_score_by_category_gives_slices_and_pairwise_selection(o1_mini: Path, tmp_path: Path) -> None:
    card = tmp_path / "card.json"
    proc = run(
        "score", "--candidates", str(o1_mini / "candidates.jsonl"),
        "--comparisons", str(o1_mini / "comparisons.jsonl"),
        "--by", "category", "--bootstrap", "100", "--out", str(card), "--quiet",
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    data = json.loads(card.read_text())
    # a pairwise-only judge now has selection metrics (scores derived from its verdicts)
    assert data["counts"]["abstentions"] == 0 and data["counts"]["derived_scores"] == 700
    assert data["metrics"]["top1_accuracy"]["estimate"] == pytest.approx(0.7729, abs=1e-4)
    assert round(100 * data["metrics"]["pairwise_accuracy"]["estimate"], 2) == 65.71
    slices = {s["value"]: s for s in data["slices"]}
    assert [s["by"] for s in data["slices"]] == ["category"] * 4
    assert round(100 * slices["math"]["metrics"]["pairwise_accuracy"]["estimate"], 2) == 82.14
    assert slices["math"]["counts"]["prompts"] == 56
    m = slices["coding"]["metrics"]["recovery"]
    assert m["ci_low"] <= m["estimate"] <= m["ci_high"]
    md = run("report", str(card), "--format", "md")
    assert md.returncode == 0, md.stderr
    assert "## Slices by category" in md.stdout and "| category = math | 56 |" in md.stdout


def test_reward_model_import_keeps_its_per_order_decisions(shared_data: Path, tmp_path: Path) -> None:
    src = shared_data / "judgebench" / JUDGED.format("reward_model.Skywork_Skywork-Reward-Gemma-2-27B")
    assert run("import", "judgebench", str(src), "--out", str(tmp_path)).returncode == 0
    card = tmp_path / "card.json"
    proc = run(
        "score", "--candidates", str(tmp_path / "candidates.jsonl"),
        "--comparisons", str(tmp_path / "comparisons.jsonl"),
        "--bootstrap", "0", "--out", str(card), "--quiet",
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    data = json.loads(card.read_text())
    assert round(100 * data["metrics"]["pairwise_accuracy"]["estimate"], 2) == 64.29  # Table 3
    assert data["counts"]["derived_scores"] == 0  # the reward model's own scores select


def test_a_bad_slice_column_is_one_line(o1_mini: Path, tmp_path: Path) -> None:
    proc = run(
        "score", "--candidates", str(o1_mini / "candidates.jsonl"),
        "--by", "categry", "--out", str(tmp_path / "x.json"),
    )  # fmt: skip
    assert proc.returncode == 1
    assert proc.stderr.startswith(f"Error: {o1_mini / 'candidates.jsonl'}: slice column 'categry' is missing")
    assert len(proc.stderr.strip().splitlines()) == 1


def test_audit_by_a_missing_column_fails_before_any_model_runs(o1_mini: Path, tmp_path: Path, repo_root: Path) -> None:
    proc = run(
        "audit", "--contract", str(repo_root / "specs" / "smollm2-pointwise.yaml"),
        "--candidates", str(o1_mini / "candidates.jsonl"), "--by", "family",
        "--no-cache", "--out", str(tmp_path / "out"), "--quiet",
    )  # fmt: skip
    assert proc.returncode == 1
    assert proc.stderr.strip() == (
        f"Error: {o1_mini / 'candidates.jsonl'}: slice column 'family' is missing: no candidate "
        "row has it; slice by a metadata column of the candidates table"
    )
