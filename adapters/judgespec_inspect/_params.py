"""Validation of task, solver and scorer arguments, before any model is called.

``inspect eval -T name=value`` parses each value as YAML, so ``-T n=two`` arrives as the
string ``"two"``: every argument is checked for its type and range here, and a bad one
raises :class:`~judgespec_inspect._errors.AuditArgumentError` naming the argument, the
value received and an example of a good one.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from ._errors import AuditArgumentError

__all__ = ["check_choice", "check_int", "check_number", "check_text"]


_TASKS = frozenset({"bon_audit"})
"""Callers whose arguments arrive as ``inspect eval -T name=value`` (the hint says so)."""


def _bad(where: str, name: str, value: object, want: str, example: str) -> AuditArgumentError:
    hint = f"-T {name}={example}" if where in _TASKS else f"{name}={example}"
    return AuditArgumentError(f"{where}: {name} must be {want}, got {value!r} (e.g. {hint})")


def check_int(
    where: str,
    name: str,
    value: object,
    *,
    minimum: int | None = None,
    optional: bool = False,
    example: str = "4",
) -> int | None:
    """``value`` as an int (``None`` allowed when ``optional``); bools and floats are refused."""
    if value is None and optional:
        return None
    want = "an integer" + (f" of at least {minimum}" if minimum is not None else "")
    if isinstance(value, bool) or not isinstance(value, int):
        raise _bad(where, name, value, want, example)
    if minimum is not None and value < minimum:
        raise _bad(where, name, value, want, example)
    return value


def check_number(
    where: str,
    name: str,
    value: object,
    *,
    minimum: float | None = None,
    optional: bool = False,
    example: str = "1.0",
) -> float | None:
    """``value`` as a finite float (ints accepted, bools refused)."""
    if value is None and optional:
        return None
    want = "a finite number" + (f" of at least {minimum:g}" if minimum is not None else "")
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise _bad(where, name, value, want, example)
    number = float(value)
    if not math.isfinite(number) or (minimum is not None and number < minimum):
        raise _bad(where, name, value, want, example)
    return number


def check_text(where: str, name: str, value: object, *, example: str) -> str:
    """``value`` as a non-empty string."""
    if not isinstance(value, str) or not value.strip():
        raise _bad(where, name, value, "a non-empty string", example)
    return value


def check_choice(where: str, name: str, value: object, choices: Sequence[str]) -> str:
    """``value``, which must be one of ``choices``."""
    if not isinstance(value, str) or value not in choices:
        raise AuditArgumentError(
            f"{where}: {name} must be one of {', '.join(choices)}, got {value!r}"
        )
    return value
