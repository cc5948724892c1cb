"""Fixtures for the Inspect adapter's tests: offline, real ``inspect_ai.eval`` runs.

Models come from the adapter's deterministic provider ``judgespec-scripted`` (see
``judgespec_inspect._scripted``); logs go to a per-test temporary directory.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("inspect_ai")

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
os.environ.setdefault("INSPECT_DISPLAY", "none")

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"
if str(HERE) not in sys.path:  # for the shared hand-worked values (inspect_hand.py)
    sys.path.insert(0, str(HERE))

POLICY = "judgespec-scripted/arithmetic"
JUDGE = "judgespec-scripted/digit-judge"


def pytest_configure(config: pytest.Config) -> None:
    """Inspect's retry helper warns about a tenacity argument on every model; not ours."""
    config.addinivalue_line(
        "filterwarnings", "ignore:The 'initial' parameter is deprecated:DeprecationWarning"
    )


@pytest.fixture(scope="session")
def data_dir() -> Path:
    """``tests/inspect/data``."""
    return DATA


@pytest.fixture(scope="session")
def arithmetic() -> Path:
    """The six arithmetic questions (``make_arithmetic.py``)."""
    return DATA / "arithmetic.jsonl"


@pytest.fixture(scope="session")
def digit_contract() -> Path:
    """The scripted digit judge's contract (backend ``inspect``)."""
    return DATA / "digit_judge.yaml"


@pytest.fixture(autouse=True)
def log_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A fresh Inspect log directory per test; the scripted call counters reset."""
    from judgespec._scripted import reset_scripted_calls

    logs = tmp_path / "logs"
    monkeypatch.setenv("INSPECT_LOG_DIR", str(logs))
    reset_scripted_calls()
    yield logs


@pytest.fixture(autouse=True)
def _own_judge_cache(private_judge_cache: Path) -> Path:
    """Every test here judges through a judge cache of its own (see tests/conftest.py)."""
    return private_judge_cache


@pytest.fixture
def run_eval(log_dir: Path) -> Callable[..., Any]:
    """``run_eval(task, model=POLICY, **kw)``: one ``inspect_ai.eval`` run, its log returned."""
    from inspect_ai import eval as inspect_eval

    def run(task: Any, model: Any = POLICY, **kwargs: Any) -> Any:
        logs = inspect_eval(task, model=model, log_dir=str(log_dir), display="none", **kwargs)
        assert len(logs) == 1
        log = logs[0]
        assert log.status == "success", log.error
        return log

    return run
