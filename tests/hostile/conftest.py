"""Fixtures of the hostile-input suite: a CLI runner that checks the refusal contract."""

from __future__ import annotations

import signal
import sys
from collections.abc import Iterator
from pathlib import Path
from types import FrameType

import pytest

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

HANG_LIMIT_S = 30
"""A case still running after this long has hung: fail it instead of the whole run."""


@pytest.fixture(autouse=True)
def _no_hang() -> Iterator[None]:
    def expire(signum: int, frame: FrameType | None) -> None:
        raise TimeoutError(f"hostile case still running after {HANG_LIMIT_S} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(HANG_LIMIT_S)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


@pytest.fixture(autouse=True)
def _private_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JUDGESPEC_CACHE_DIR", str(tmp_path / "user-cache"))


@pytest.fixture
def constant_judge(monkeypatch: pytest.MonkeyPatch) -> object:
    """Register a model-free backend double as ``replay`` for this test only."""
    from hostile_cli import ConstantJudge

    from judgespec.judge.backends import _backend

    judge = ConstantJudge()
    monkeypatch.setitem(_backend._REGISTRY, "replay", lambda _model: judge)
    return judge
