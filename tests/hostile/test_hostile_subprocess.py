"""A few hostile inputs through a real ``judgespec`` process: exit 1, one line, no traceback."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hostile_cli import VALID, replace, with_template

PROCESS_S = 30.0
"""Bound for a whole process: interpreter start-up and imports included."""


def _run(*args: str) -> tuple[subprocess.CompletedProcess[str], float]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    started = time.monotonic()
    proc = subprocess.run(
        [sys.executable, "-m", "judgespec", *args], capture_output=True, text=True, env=env, timeout=120
    )
    return proc, time.monotonic() - started


def _contract(tmp_path: Path, text: str) -> str:
    path = tmp_path / "contract.yaml"
    path.write_text(text, encoding="utf-8")
    return str(path)


CASES = [
    ("dev-zero", lambda tmp: "/dev/zero", "not a regular file"),
    ("binary-tag", lambda tmp: _contract(tmp, replace("variables: [prompt, response]", "variables: !!set {prompt, response}")), "tag:yaml.org,2002:set"),
    ("multiply-bomb", lambda tmp: _contract(tmp, with_template("{{ prompt }}{{ response * 100000000 }}")), "would exceed the render budget"),
    ("nesting-1000", lambda tmp: _contract(tmp, VALID + "description: " + "[" * 1000 + "]" * 1000 + "\n"), "nesting deeper than 32"),
]


@pytest.mark.parametrize(("make", "fragment"), [(m, f) for _, m, f in CASES], ids=[i for i, _, _ in CASES])
def test_validate_in_a_real_process(tmp_path: Path, make: object, fragment: str) -> None:
    if not os.path.exists("/dev/zero"):
        pytest.skip("/dev/zero does not exist here")
    target = make(tmp_path)  # type: ignore[operator]
    proc, seconds = _run("validate", target)
    assert proc.returncode == 1, proc
    assert proc.stdout == ""
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: ") and fragment in lines[0], lines
    assert seconds < PROCESS_S
