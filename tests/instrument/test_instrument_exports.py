"""The instrument's errors are judgespec errors (its exports: tests/test_public_surface.py)."""

from __future__ import annotations

import judgespec.instrument as instrument


def test_plan_error_is_a_judgespec_error() -> None:
    from judgespec import JudgespecError

    assert issubclass(instrument.PlanError, JudgespecError)
