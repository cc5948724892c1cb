"""Reading JSON Lines: one parser, one set of one-line errors naming file and line."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TextIO

from ._errors import AuditDataError

__all__ = ["iter_jsonl"]


def _fail(source: str, line: int | None, message: str) -> AuditDataError:
    where = source if line is None else f"{source}:{line}"
    return AuditDataError(f"{where}: {message}")


def iter_jsonl(path: str | Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """``(line number, object)`` for each non-blank line (``.gz`` is read through gzip).

    Raises :class:`AuditDataError` naming the file (and line) for a missing or
    unreadable file, text that is not UTF-8, invalid JSON, or a line that is not an object.
    """
    path = Path(path)
    source = str(path)
    try:
        if path.name.lower().endswith(".gz"):
            import gzip

            handle: TextIO = gzip.open(path, "rt", encoding="utf-8")
        else:
            handle = path.open(encoding="utf-8")
    except FileNotFoundError:
        raise _fail(source, None, "no such file") from None
    except OSError as exc:
        raise _fail(source, None, f"cannot read file ({exc.strerror})") from None
    with handle:
        try:
            for number, text in enumerate(handle, start=1):
                if not text.strip():
                    continue
                try:
                    rec = json.loads(text)
                except json.JSONDecodeError as exc:
                    raise _fail(
                        source,
                        number,
                        f"invalid JSON ({exc.msg} at column {exc.colno}): "
                        "each line must be one JSON object",
                    ) from None
                if not isinstance(rec, dict):
                    raise _fail(
                        source,
                        number,
                        f"expected a JSON object, got {type(rec).__name__}: "
                        "each line must be one JSON object",
                    )
                yield number, rec
        except UnicodeDecodeError:
            raise _fail(source, None, "not UTF-8 text: write JSONL in UTF-8") from None
        except EOFError:
            raise _fail(source, None, "the gzip stream is truncated") from None
