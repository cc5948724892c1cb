"""Shared test set-up: offline, single-threaded, paths to the repo and shared data."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO.parent / "shared" / "data"


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """``../shared/data`` beside the clone; tests that need it skip without it."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"real data not available: {SHARED_DATA} is absent (it ships beside the repo in CI only)")
    return SHARED_DATA


@pytest.fixture
def private_judge_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Each test judges through a judge cache of its own (``$JUDGESPEC_CACHE_DIR``).

    Post-hoc scoring judges through the user's judge cache by default, so without this
    a test's judge calls could be answered by an earlier run's. Converted models (the
    embedded judge's safetensors copy takes about 15 s to make) and the file-hash memo
    stay shared: ``models`` and ``hashes.json`` link to the usual cache dir.
    """
    from judgespec.judge import cache_dir

    shared = cache_dir()
    private = tmp_path_factory.mktemp("judgespec-cache")  # outside tmp_path: tests check it
    (shared / "models").mkdir(parents=True, exist_ok=True)
    (private / "models").symlink_to(shared / "models", target_is_directory=True)
    if (shared / "hashes.json").is_file():
        (private / "hashes.json").symlink_to(shared / "hashes.json")
    monkeypatch.setenv("JUDGESPEC_CACHE_DIR", str(private))
    return private


_PROBE = """
import json, sys
out, args = sys.argv[1], sys.argv[2:]
from judgespec.cli import cli
try:
    cli(args, prog_name="judgespec")
    code = 0
except SystemExit as exc:
    code = exc.code
with open(out, "w", encoding="utf-8") as handle:
    json.dump({"code": code, "modules": sorted(sys.modules)}, handle)
"""


@pytest.fixture
def cli_imports(tmp_path: Path) -> Callable[..., set[str]]:
    """Run ``judgespec ARGS`` in a fresh interpreter; the modules it had imported.

    The command must exit 0; what it imports is read from ``sys.modules`` after it ran.
    """

    def run(*args: str) -> set[str]:
        out = tmp_path / "modules.json"
        proc = subprocess.run([sys.executable, "-c", _PROBE, str(out), *args], cwd=REPO,
                              capture_output=True, text=True, timeout=120)  # fmt: skip
        assert proc.returncode == 0 and out.exists(), proc.stderr
        report = json.loads(out.read_text(encoding="utf-8"))
        assert report["code"] == 0, f"judgespec {' '.join(args)} exited {report['code']}: {proc.stderr}"
        return set(report["modules"])

    return run
