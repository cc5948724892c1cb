"""``judgespec contrast`` and ``judgespec audit`` with several contracts, end to end."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner
from judgebench_pairs import O1_MINI, reward_file

from judgespec.cli import cli
from judgespec.scorecard import CONTRAST_SCHEMA_PATH, load_contrast
from judgespec.scorecard._contrast import contrast_json_schema_text

REPO = Path(__file__).resolve().parents[2]
EQUIVALENCE = REPO / "tests" / "equivalence_data"


def invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture(scope="module")
def imported(judgebench: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The Skywork-Llama-8B and o1-mini files through ``judgespec import judgebench``."""
    root = tmp_path_factory.mktemp("judgebench")
    folders = {"skywork": root / "skywork", "o1": root / "o1"}
    for key, source in (("skywork", reward_file(judgebench, "Skywork-Llama-8B")), ("o1", judgebench / O1_MINI)):
        code, _, err = invoke("import", "judgebench", str(source), "--out", str(folders[key]))
        assert code == 0, err
    return folders


def test_shipped_schema_is_current() -> None:
    assert CONTRAST_SCHEMA_PATH.read_text(encoding="utf-8") == contrast_json_schema_text()


def test_contrast_writes_json_markdown_and_html_and_checks_gates(imported: dict[str, Path], tmp_path: Path) -> None:
    out = tmp_path / "out"
    code, stdout, err = invoke(
        "contrast", str(imported["skywork"]), str(imported["o1"]), "--label", "skywork-llama",
        "--label", "o1-mini", "--metric", "top1_accuracy", "--metric", "recovery",
        "--bootstrap", "500", "--gate", "recovery>=0.1", "--out", str(out),
    )  # fmt: skip
    assert code == 0, err
    assert "o1-mini vs skywork-llama" in stdout and "PASS" in stdout
    data = json.loads((out / "contrast.json").read_text(encoding="utf-8"))
    schema = json.loads(CONTRAST_SCHEMA_PATH.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.Draft202012Validator(schema).validate(data)
    row = data["contrasts"][0]
    assert set(row) == {"metric", "judges", "difference", "p_value", "p_holm"}
    assert [j["label"] for j in row["judges"]] == ["skywork-llama", "o1-mini"]
    assert row["metric"] == "top1_accuracy"
    assert round(row["difference"]["estimate"], 3) == 0.149
    assert data["run"]["interval_method"] == "studentized" and data["run"]["n_bootstrap"] == 500
    assert data["gates"][0]["passed"] and data["gates"][0]["judge"] == "o1-mini"
    assert load_contrast(out / "contrast.json").contrasts[0].metric == "top1_accuracy"
    md = (out / "contrast.md").read_text(encoding="utf-8")
    assert "| top1_accuracy | 0.624 [" in md
    assert (out / "contrast.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")

    code, _, err = invoke(
        "contrast", str(imported["skywork"]), str(imported["o1"]), "--metric", "recovery",
        "--bootstrap", "200", "--gate", "recovery>=0.5", "--quiet",
    )  # fmt: skip
    assert code == 1
    assert err.startswith("Error: 1 of 1 gate(s) failed: recovery (o1: recovery ci_low ")


def test_contrast_bad_input_is_one_line(imported: dict[str, Path], tmp_path: Path) -> None:
    # a candidate set with one pair fewer: the error names the file and what differs
    short = tmp_path / "short"
    short.mkdir()
    lines = (imported["skywork"] / "candidates.jsonl").read_text(encoding="utf-8").splitlines()
    (short / "candidates.jsonl").write_text("\n".join(lines[2:]) + "\n", encoding="utf-8")
    code, _, err = invoke("contrast", str(imported["o1"]), str(short), "--quiet")
    assert code == 1 and err.count("\n") == 1
    missing = json.loads(lines[0])["prompt_id"]
    assert err.startswith(f"Error: {short / 'candidates.jsonl'} (short): not the candidate set of ")
    assert f"1 prompt(s) of o1 missing ('{missing}')" in err
    code, _, err = invoke("contrast", str(imported["o1"]), str(short), "--intersect", "--bootstrap", "50", "--out", str(tmp_path / "i"), "--quiet")
    assert code == 0, err
    dropped = json.loads((tmp_path / "i" / "contrast.json").read_text())["run"]["dropped"]
    assert dropped == [{"label": "o1", "prompts": 1, "candidates": 2}]

    # a comparisons table naming a candidate the candidates table does not have
    bad = tmp_path / "bad"
    shutil.copytree(imported["o1"], bad)
    comps = (bad / "comparisons.jsonl").read_text(encoding="utf-8").splitlines()
    first = json.loads(comps[0])
    first["second_id"] = "Z"
    (bad / "comparisons.jsonl").write_text("\n".join([json.dumps(first), *comps[1:]]) + "\n", encoding="utf-8")
    code, _, err = invoke("contrast", str(imported["skywork"]), str(bad), "--quiet")
    assert code == 1 and err.count("\n") == 1
    assert err.startswith(f"Error: {bad / 'comparisons.jsonl'}:1: ") and "'Z'" in err

    code, _, err = invoke("contrast", str(imported["o1"]), "--quiet")
    assert (code, err) == (1, "Error: contrast needs two or more sources (the first is the reference)\n")
    code, _, err = invoke("contrast", str(imported["o1"]), str(imported["skywork"]), "--gate", "recovery>0")
    assert code == 2 and "write a gate as METRIC>=NUMBER" in err


def test_score_records_the_interval_method(imported: dict[str, Path], tmp_path: Path) -> None:
    card = tmp_path / "card.json"
    code, _, err = invoke(
        "score", "--candidates", str(imported["skywork"] / "candidates.jsonl"), "--bootstrap", "300",
        "--interval", "percentile", "--out", str(card), "--quiet",
    )  # fmt: skip
    assert code == 0, err
    data = json.loads(card.read_text())
    assert data["run"]["interval_method"] == "percentile"
    assert data["metrics"]["recovery"]["replicates"] == 300
    assert data["metrics"]["repeat_agreement"]["replicates"] == 0  # undefined metric


def test_audit_with_several_contracts_writes_each_scorecard_and_the_contrast(tmp_path: Path) -> None:
    """Two contracts on one candidate set (the offline scripted judge through the Inspect
    backend): the same scores, different tie policies, so only the selection metrics differ."""
    first = tmp_path / "expected.yaml"
    shutil.copy(EQUIVALENCE / "contract.yaml", first)
    second = tmp_path / "first.yaml"
    second.write_text(
        first.read_text().replace("name: digit-judge-equivalence", "name: digit-judge-first")
        + "tie_policy:\n  kind: first_position\n"
    )
    out = tmp_path / "out"
    proc = subprocess.run(
        [sys.executable, "-m", "judgespec", "audit", "--contract", str(first), "--contract", str(second),
         "--candidates", str(EQUIVALENCE / "candidates.jsonl"), "--bootstrap", "100", "--no-cache",
         "--contrast-gate", "tie_rate<=0@estimate", "--out", str(out), "--quiet"],
        capture_output=True, text=True, timeout=600, cwd=tmp_path,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    cards = {
        name: json.loads((out / name / "scorecard.json").read_text())
        for name in ("digit-judge-equivalence", "digit-judge-first")
    }
    contrast = json.loads((out / "contrast.json").read_text())
    assert [j["label"] for j in contrast["judges"]] == list(cards)
    assert contrast["judges"][1]["tie_policy"] == "first_position"
    rows = {row["metric"]: row for row in contrast["contrasts"]}
    for name, card in cards.items():
        side = 0 if name == "digit-judge-equivalence" else 1
        assert rows["top1_accuracy"]["judges"][side]["estimate"] == card["metrics"]["top1_accuracy"]["estimate"]
    assert rows["tie_rate"]["difference"]["estimate"] == 0.0  # same scores, same ties
    assert rows["top1_accuracy"]["difference"]["estimate"] != 0.0  # the tie policy matters
    assert contrast["gates"][0]["passed"]
