"""The one id rule: ``prompt_id``, ``candidate_id``, ``first_id`` and ``second_id`` are
non-empty strings.

Integers, floats, booleans, null and the empty string are rejected everywhere (the
judge engine, the audit, the adapters), with one line naming the file and line. A
number is not silently turned into text: ``1`` and ``"1"`` would then be one prompt in
one reader and two in another.
"""

from __future__ import annotations

import json

from .._errors import AuditDataError

__all__ = ["check_id", "describe", "where"]


def describe(value: object) -> str:
    """A short quoted rendering of a bad value with its type, for error messages."""
    text = json.dumps(value) if isinstance(value, (bool, str)) or value is None else repr(value)
    if len(text) > 40:
        text = text[:37] + "..."
    return f"{text} ({type(value).__name__})"


def where(source: str, line: int | None) -> str:
    """``source:line`` (or ``source`` alone)."""
    return source if line is None else f"{source}:{line}"


def check_id(source: str, line: int, value: object, key: str) -> str:
    """``value`` if it is a non-empty string, else :class:`AuditDataError` naming file:line."""
    if type(value) is str and value:
        return value
    if value is None:
        raise AuditDataError(
            f"{where(source, line)}: missing {key}: every row needs a {key} (a non-empty string)"
        )
    raise AuditDataError(
        f"{where(source, line)}: {key} must be a non-empty string, got {describe(value)}: "
        'write ids as JSON strings, e.g. "1"'
    )
