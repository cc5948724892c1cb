"""Probe tests reuse the judge engine's backend doubles (tests/judge/judge_doubles.py)."""

from __future__ import annotations

import sys
from pathlib import Path

JUDGE_TESTS = Path(__file__).resolve().parent.parent / "judge"
if str(JUDGE_TESTS) not in sys.path:
    sys.path.insert(0, str(JUDGE_TESTS))
