"""The contract commands through the real console script: exit codes and one-line errors."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "judgespec", *args], capture_output=True, text=True, cwd=cwd, timeout=120
    )


def test_validate_every_example() -> None:
    specs = sorted(str(p) for p in (REPO / "specs").glob("*.yaml"))
    proc = run("validate", *specs)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.count(": ok ") == len(specs)


def test_schema_prints_json() -> None:
    proc = run("schema")
    assert proc.returncode == 0
    assert json.loads(proc.stdout)["title"] == "JudgeContract"


@pytest.mark.slow  # four CLI processes; the same lock/verify/drift in-process: tests/contract/test_lock.py
def test_lock_verify_and_drift(tmp_path: Path) -> None:
    shutil.copytree(REPO / "specs", tmp_path / "specs")
    contract = tmp_path / "specs" / "pointwise-1-10.yaml"
    assert run("lock", str(contract)).returncode == 0
    ok = run("verify", str(contract))
    assert ok.returncode == 0 and "matches its lock" in ok.stdout
    tpl = tmp_path / "specs" / "prompts" / "pointwise-helpfulness.j2"
    tpl.write_text(tpl.read_text().replace("1 to 10", "0 to 10"))
    bad = run("verify", str(contract))
    assert bad.returncode == 1
    assert "drift: template edited" in bad.stderr
    assert bad.stderr.strip().splitlines()[-1].startswith("Error: ")
    assert "Traceback" not in bad.stderr


def test_user_error_is_one_line_without_traceback(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("spec_version: 1\nname: x\nversion: 1\ncolour: blue\n")
    proc = run("validate", str(bad))
    assert proc.returncode == 1
    assert proc.stderr.startswith(f"Error: {bad}:")
    assert len(proc.stderr.strip().splitlines()) == 1
    assert "Traceback" not in proc.stderr


def test_plugin_group_that_fails_to_import_says_why() -> None:
    from click.testing import CliRunner

    from judgespec.cli import _unavailable

    result = CliRunner().invoke(_unavailable("lmeval", "judgespec_lmeval._cli could not be imported (boom)"), ["compile", "x"])
    assert result.exit_code == 1
    assert result.output.strip() == "Error: 'judgespec lmeval' is unavailable: judgespec_lmeval._cli could not be imported (boom)"
