"""Fixtures of the contrast tests."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

from judgebench_pairs import JUDGEBENCH  # noqa: E402


@pytest.fixture(scope="session")
def judgebench() -> Path:
    """The JudgeBench folder; tests that need it skip cleanly without it."""
    if not JUDGEBENCH.is_dir():
        pytest.skip(f"real data not available: {JUDGEBENCH} is absent")
    return JUDGEBENCH
