"""Every block of ``docs/inspect.md`` marked ``<!-- checked -->`` runs as written.

Blocks run in order, each in a fresh process, from a scratch directory that links the
repository's ``tests`` and ``specs`` (so the docs' relative paths resolve and the logs
they write stay out of the repository). Blocks marked ``<!-- checked slow -->`` run a
real model and only run with the slow tests.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
DOC = REPO / "docs" / "inspect.md"
BLOCK = re.compile(r"<!-- checked( slow)? -->\n```(bash|python)\n(.*?)```", re.DOTALL)


def _blocks() -> list[tuple[bool, str, str]]:
    return [(bool(m.group(1)), m.group(2), m.group(3)) for m in BLOCK.finditer(DOC.read_text(encoding="utf-8"))]


def _run(kind: str, code: str, cwd: Path) -> None:
    env = dict(os.environ)
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    env.pop("INSPECT_LOG_DIR", None)
    if kind == "bash":
        cmd = ["bash", "-euo", "pipefail", "-c", code]
    else:
        script = cwd / "block.py"
        script.write_text(code, encoding="utf-8")
        cmd = [sys.executable, str(script)]
    done = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, f"{kind} block failed:\n{code}\n--- stdout\n{done.stdout}\n--- stderr\n{done.stderr}"


def _workdir(tmp_path: Path) -> Path:
    for name in ("tests", "specs"):
        (tmp_path / name).symlink_to(REPO / name)
    return tmp_path


def test_the_doc_has_checked_blocks():
    kinds = [kind for _, kind, _ in _blocks()]
    assert kinds.count("bash") >= 3 and kinds.count("python") >= 3


@pytest.mark.slow  # every checked block of docs/inspect.md, each a real Inspect CLI run
def test_checked_blocks_run(tmp_path):
    cwd = _workdir(tmp_path)
    for slow, kind, code in _blocks():
        if not slow:
            _run(kind, code, cwd)
    # log directories hold only what Inspect writes; scorecards live elsewhere
    for log_dir in (cwd / "logs").iterdir():
        assert {p.suffix for p in log_dir.iterdir()} <= {".eval"}, log_dir
    assert (cwd / "inspect-demo.scorecard.json").is_file()
    assert (cwd / "epochs.scorecard.json").is_file()
    assert (cwd / "out" / "inspect-run" / "scorecard.json").is_file()
    assert list((cwd / "out" / "inspect-run" / "logs").glob("*.eval"))


@pytest.mark.slow
def test_slow_blocks_run(tmp_path):
    pytest.importorskip("torch")
    cwd = _workdir(tmp_path)
    slow_blocks = [(kind, code) for slow, kind, code in _blocks() if slow]
    assert slow_blocks
    for kind, code in slow_blocks:
        _run(kind, code, cwd)
    from judgespec_inspect import stored_scorecard

    [log] = (cwd / "logs" / "inspect-smollm2").glob("*.eval")
    assert stored_scorecard(log).counts.prompts == 2
