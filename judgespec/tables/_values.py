"""Value checks shared by the row reader and the column builder, and Arrow -> numpy.

Every error is an :class:`~judgespec.AuditDataError` with one line ``<file>:<line>: ...``.
The Arrow conversions read the data buffers directly: ``pyarrow.Array.to_numpy`` (and
``numpy.asarray`` of an Arrow array) imports pandas on first use, which a command that
only reads a table does not need.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from numpy.typing import NDArray

from .._errors import AuditDataError
from ._ids import describe, where

__all__ = ["bool_array", "fail", "frozen", "number", "numeric_array", "samples"]


def fail(source: str, line: int | None, message: str) -> AuditDataError:
    """The one-line error ``source:line: message``."""
    return AuditDataError(f"{where(source, line)}: {message}")


def frozen(array: NDArray[Any]) -> NDArray[Any]:
    """``array``, made read-only."""
    array.setflags(write=False)
    return array


def number(source: str, line: int, value: object, key: str) -> float:
    """A finite float, or NaN for null; booleans, strings and non-finite values fail."""
    if value is None:
        return math.nan
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise fail(source, line, f"{key} must be a number or null, got {describe(value)}")
    out = float(value)
    if not math.isfinite(out):
        raise fail(source, line, f"{key} must be finite, got {out!r}: write null for a missing value")
    return out


def samples(source: str, line: int, value: object) -> list[float]:
    """A ``judge_samples`` entry: the list's numbers (nulls dropped); null is no samples."""
    if value is None:
        return []
    if not isinstance(value, (list, tuple)):
        raise fail(
            source,
            line,
            f"judge_samples must be a list of numbers or null, got {describe(value)}",
        )
    out: list[float] = []
    for item in value:
        parsed = number(source, line, item, "judge_samples entry")
        if not math.isnan(parsed):
            out.append(parsed)
    return out


def numeric_array(array: Any, dtype: type[np.generic]) -> NDArray[Any]:
    """A primitive Arrow array (one chunk) as a read-only numpy view of its data buffer.

    ``dtype`` must match the array's type (e.g. ``np.float64`` for ``float64``). The
    values at null slots are unspecified: combine with the validity mask.
    """
    data = array.buffers()[1]
    if data is None or len(array) == 0:
        return np.zeros(0, dtype=dtype)
    size = np.dtype(dtype).itemsize
    return np.frombuffer(data, dtype=dtype, count=len(array), offset=array.offset * size)


def bool_array(array: Any) -> NDArray[np.bool_]:
    """A boolean Arrow array (one chunk) as a numpy array (unspecified at null slots)."""
    data = array.buffers()[1]
    if data is None or len(array) == 0:
        return np.zeros(0, dtype=bool)
    bits = np.unpackbits(
        np.frombuffer(data, dtype=np.uint8), count=array.offset + len(array), bitorder="little"
    )
    return bits[array.offset :].view(bool)
