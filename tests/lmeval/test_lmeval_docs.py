"""docs/lmeval.md: every block marked ``<!-- checked -->`` runs, in order, in one shell.

Until the lead wires ``judgespec lmeval`` and the ``lmeval-samples`` source into the
``judgespec`` command, a stand-in ``judgespec`` on ``PATH`` adds both (the same two
one-line additions) and runs the real CLI.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

SHIM = '''#!{python}
from importlib.metadata import entry_points

import judgespec_lmeval as jl
from judgespec import _sources
from judgespec.cli import cli

if "lmeval" not in cli.commands:
    cli.add_command(jl.lmeval_group())
if not any(ep.name == "lmeval-samples" for ep in entry_points(group="judgespec.sources")):
    _real = _sources.load_plugin

    def _load_plugin(group, name, *, purpose):
        if (group, name) == ("judgespec.sources", "lmeval-samples"):
            return jl.score_from_lmeval_samples
        return _real(group, name, purpose=purpose)

    _sources.load_plugin = _load_plugin
cli()
'''


def checked_blocks(text: str) -> list[str]:
    """The ``bash`` blocks right after a ``<!-- checked -->`` line."""
    return re.findall(r"<!-- checked -->\n```bash\n(.*?)```", text, flags=re.DOTALL)


def test_doc_lists_checked_blocks(repo_root: Path) -> None:
    blocks = checked_blocks((repo_root / "docs" / "lmeval.md").read_text(encoding="utf-8"))
    assert len(blocks) == 7
    assert any("lm-eval run" in b for b in blocks)


@pytest.mark.slow
def test_doc_commands_run(repo_root: Path, tmp_path: Path, smollm2_dir: Path) -> None:
    blocks = checked_blocks((repo_root / "docs" / "lmeval.md").read_text(encoding="utf-8"))
    shutil.rmtree(repo_root / "logs" / "lmeval-demo", ignore_errors=True)
    shim = tmp_path / "bin" / "judgespec"
    shim.parent.mkdir()
    shim.write_text(SHIM.format(python=sys.executable), encoding="utf-8")
    shim.chmod(0o755)
    bindir = str(Path(sys.executable).parent)
    env = {
        **os.environ,
        "PATH": os.pathsep.join([str(shim.parent), bindir, os.environ.get("PATH", "")]),
        "HF_HUB_OFFLINE": "1",
        "HF_DATASETS_OFFLINE": "1",
        "OMP_NUM_THREADS": "1",
    }
    script = "set -euo pipefail\n" + "\n".join(blocks)
    done = subprocess.run(["bash", "-c", script], cwd=repo_root, env=env, capture_output=True, text=True)
    assert done.returncode == 0, (done.stdout[-2000:], done.stderr[-4000:])
    demo = repo_root / "logs" / "lmeval-demo"
    assert (demo / "tasks" / "arith_judgespec_smollm2-logprob_n2.yaml").is_file()
    assert (demo / "tasks-gsm8k" / "gsm8k_judgespec_smollm2-logprob_n8.yaml").is_file()
    for card in ("scorecard.json", "scorecard-lmeval.json", "run/scorecard.json"):
        assert (demo / card).is_file(), card
    assert "documents" in done.stdout
