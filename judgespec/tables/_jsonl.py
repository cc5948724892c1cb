"""JSON Lines: one reader and one writer, with one-line errors naming file and line.

The reader reads bytes and decodes each line itself, so an encoding error names its
line; it accepts ``.gz`` files (read through gzip). Objects are built with an
``object_pairs_hook`` that rejects a key given twice in one object (``json.loads``
would silently keep the last). A last line without a newline that is not valid JSON
is reported as a truncated file.

The writer writes atomically (:mod:`judgespec._atomic`) and writes non-finite floats
as null, so its output is always valid JSON.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import IO, Any

from .._atomic import atomic_open
from .._errors import AuditDataError, JudgespecError

__all__ = ["iter_jsonl", "write_jsonl"]


def _fail(source: str, line: int | None, message: str) -> AuditDataError:
    where = source if line is None else f"{source}:{line}"
    return AuditDataError(f"{where}: {message}")


class _DuplicateKey(ValueError):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out = dict(pairs)
    if len(out) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise _DuplicateKey(key)
            seen.add(key)
    return out


_DECODER = json.JSONDecoder(object_pairs_hook=_unique_keys)


def _open(path: Path) -> IO[bytes]:
    if path.name.lower().endswith(".gz"):
        import gzip

        return gzip.open(path, "rb")  # type: ignore[return-value]
    return path.open("rb")


def iter_jsonl(path: str | Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """``(line number, object)`` for each non-blank line (``.gz`` is read through gzip).

    Raises :class:`AuditDataError` naming the file (and line) for a missing or
    unreadable file, a ``.gz`` file that is not gzip or is cut short, a line that is not
    UTF-8, invalid JSON, a truncated last line, a key given twice in one object, or a
    line that is not an object.
    """
    path = Path(path)
    source = str(path)
    try:
        handle = _open(path)
    except FileNotFoundError:
        raise _fail(source, None, "no such file") from None
    except OSError as exc:
        raise _fail(source, None, f"cannot read file ({exc.strerror})") from None
    number = 0
    with handle:
        try:
            for number, raw in enumerate(handle, start=1):
                rec = _parse(source, number, raw)
                if rec is not None:
                    yield number, rec
        except EOFError:
            raise _fail(
                source, number + 1, "the gzip stream is cut short: the file is truncated"
            ) from None
        except OSError as exc:  # gzip.BadGzipFile and friends
            if number == 0:
                raise _fail(
                    source,
                    1,
                    f"not a gzip file ({exc}): name it .jsonl, or compress it with gzip",
                ) from None
            raise _fail(source, number + 1, f"cannot read file ({exc})") from None


def _parse(source: str, number: int, raw: bytes) -> dict[str, Any] | None:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _fail(
            source,
            number,
            f"not UTF-8 text (byte {exc.start + 1} of the line): write JSONL in UTF-8",
        ) from None
    if not text.strip():
        return None
    try:
        rec = _DECODER.decode(text)
    except _DuplicateKey as exc:
        raise _fail(
            source,
            number,
            f"duplicate key {exc.key!r} in one JSON object: give each key once",
        ) from None
    except json.JSONDecodeError as exc:
        if not raw.endswith(b"\n"):
            raise _fail(
                source,
                number,
                f"truncated last line ({exc.msg} at column {exc.colno}, no newline at the "
                "end): the file was cut off; write it again",
            ) from None
        raise _fail(
            source,
            number,
            f"invalid JSON ({exc.msg} at column {exc.colno}): each line must be one JSON object",
        ) from None
    if not isinstance(rec, dict):
        raise _fail(
            source,
            number,
            f"expected a JSON object, got {type(rec).__name__}: each line must be one JSON object",
        )
    return rec


def _json_safe(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_safe(v) for v in value]
    return value


def write_jsonl(path: str | Path, rows: Iterable[Mapping[str, Any]]) -> Path:
    """Write rows as JSON Lines (UTF-8; non-finite floats written as null), atomically.

    The rows go to a temporary file of a name no concurrent run shares, which then
    replaces ``path`` (see :mod:`judgespec._atomic`); the parent directory is created.
    Raises :class:`~judgespec.JudgespecError` naming the file when it cannot be written
    or a row holds a value JSON cannot store.
    """
    p = Path(path)
    try:
        p.parent.mkdir(parents=True, exist_ok=True)
        with atomic_open(p) as fh:
            for row in rows:
                fh.write(json.dumps(_json_safe(dict(row)), ensure_ascii=False, allow_nan=False))
                fh.write("\n")
    except OSError as exc:
        raise JudgespecError(f"{p}: cannot write ({exc.strerror})") from None
    except TypeError as exc:
        raise JudgespecError(f"{p}: a row holds a value JSON cannot store ({exc})") from None
    return p
