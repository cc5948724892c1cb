"""``judgespec audit --framework inspect|offline`` through the real console script."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
CONTRACT = REPO / "tests" / "inspect" / "data" / "digit_judge.yaml"
DATASET = REPO / "tests" / "inspect" / "data" / "arithmetic.jsonl"


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "judgespec", *args], capture_output=True, text=True, timeout=600, cwd=cwd
    )


@pytest.mark.slow  # the judgespec CLI driving a real Inspect eval, then the offline audit
def test_audit_through_inspect_then_offline_on_its_candidates(tmp_path: Path) -> None:
    out = tmp_path / "inspect"
    proc = run(
        "audit", "--framework", "inspect", "--contract", str(CONTRACT), "--dataset", str(DATASET),
        "--model", "judgespec-scripted/arithmetic", "--n", "4", "--bootstrap", "200", "--out", str(out),
        "--quiet", cwd=tmp_path,
    )
    assert proc.returncode == 0, proc.stderr
    card = json.loads((out / "scorecard.json").read_text())
    assert card["run"]["framework"] == "inspect"
    assert card["counts"]["prompts"] == len(DATASET.read_text().splitlines())
    assert card["counts"]["candidates"] == 4 * card["counts"]["prompts"]
    assert (out / "report.html").read_text().count("<svg") >= 1

    # The same candidates, rebuilt from the log, judged again offline: identical metrics.
    log = next((out / "logs").glob("*.eval"))
    rescored = tmp_path / "rescored.json"
    proc = run("score", "--from-inspect-log", str(log), "--seed", "0", "--bootstrap", "200", "--out", str(rescored), "--quiet", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    again = json.loads(rescored.read_text())
    assert again["metrics"] == card["metrics"]
    assert again["contract"]["fingerprint"] == card["contract"]["fingerprint"]


def test_audit_needs_its_framework_inputs(tmp_path: Path) -> None:
    proc = run("audit", "--framework", "inspect", "--contract", str(CONTRACT), "--model", "x/y", "--out", str(tmp_path / "o"), cwd=tmp_path)
    assert proc.returncode == 1
    assert proc.stderr.strip() == "Error: --framework inspect needs --dataset (or the contract's audit.dataset)"
    proc = run("audit", "--contract", str(CONTRACT), "--out", str(tmp_path / "o"), cwd=tmp_path)
    assert proc.returncode == 1
    assert proc.stderr.strip() == "Error: --framework offline needs --candidates FILE (or the contract's audit.dataset)"
    bad = tmp_path / "bad.yaml"
    bad.write_text(CONTRACT.read_text().replace("kind: pointwise", "kind: pointless"))
    proc = run("audit", "--framework", "inspect", "--contract", str(bad), "--dataset", str(DATASET), "--model", "judgespec-scripted/arithmetic", "--out", str(tmp_path / "o"), cwd=tmp_path)
    assert proc.returncode == 1
    assert proc.stderr.startswith(f"Error: {bad}:") and "pointless" in proc.stderr
    assert not (tmp_path / "o").exists() or not any((tmp_path / "o").iterdir())


@pytest.mark.slow  # the judgespec CLI driving a real Inspect eval from the contract's defaults
def test_audit_section_supplies_defaults(tmp_path: Path) -> None:
    """Options left out come from the contract's audit section (relative to the contract)."""
    import shutil

    shutil.copy(DATASET, tmp_path / "questions.jsonl")
    contract = tmp_path / "judge.yaml"
    contract.write_text(
        CONTRACT.read_text()
        + "audit:\n  dataset: questions.jsonl\n  n: 3\n  policy_model: judgespec-scripted/arithmetic\n"
    )
    out = tmp_path / "run"
    proc = run("audit", "--framework", "inspect", "--contract", str(contract), "--bootstrap", "50", "--out", str(out), "--quiet", cwd=REPO)
    assert proc.returncode == 0, proc.stderr
    card = json.loads((out / "scorecard.json").read_text())
    assert card["run"]["n"] == 3
    assert card["run"]["policy_model"] == "judgespec-scripted/arithmetic"
    assert card["counts"]["candidates"] == 3 * card["counts"]["prompts"]
