"""judgespec.scorecard's error type.

That every export resolves and is documented is checked once for all public modules in
``tests/test_public_surface.py``.
"""

from __future__ import annotations

import judgespec.scorecard as scorecard


def test_error_is_a_judgespec_error() -> None:
    from judgespec._errors import JudgespecError

    assert issubclass(scorecard.ScorecardError, JudgespecError)
