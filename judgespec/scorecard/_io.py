"""Reading and writing scorecard JSON files."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, NoReturn

from pydantic import ValidationError

from judgespec._atomic import atomic_write_text
from judgespec.scorecard._model import SCORECARD_VERSION, Scorecard, ScorecardError

__all__ = ["load_scorecard", "parse_scorecard", "write_scorecard"]


def _reject_constant(name: str) -> NoReturn:
    raise ValueError(f"non-standard JSON constant {name} (undefined values must be null)")


def _describe_validation_error(exc: ValidationError) -> str:
    errors = exc.errors(include_url=False)
    first = errors[0]
    loc = ".".join(str(part) for part in first["loc"]) or "<top level>"
    message = f"{loc}: {first['msg']}"
    if first["type"] not in ("missing",):
        shown = repr(first.get("input"))
        if len(shown) > 60:
            shown = shown[:57] + "..."
        message += f" (got {shown})"
    if len(errors) > 1:
        message += f" (and {len(errors) - 1} more error{'s' if len(errors) > 2 else ''})"
    return message


def parse_scorecard(text: str, *, source: str = "<string>") -> Scorecard:
    """Parse scorecard JSON text; ``source`` names the text in error messages.

    Raises:
        ScorecardError: on invalid or non-strict JSON (``NaN``/``Infinity`` literals), a
            ``scorecard_version`` other than 1, or any field that does not match the
            schema (unknown keys included). The message is one line naming ``source``.
    """
    try:
        data: Any = json.loads(text, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        raise ScorecardError(
            f"{source}: not valid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}"
        ) from None
    except ValueError as exc:
        raise ScorecardError(f"{source}: not strict JSON: {exc}") from None
    if not isinstance(data, dict):
        raise ScorecardError(f"{source}: a scorecard is a JSON object, got {type(data).__name__}")
    version = data.get("scorecard_version")
    if version != SCORECARD_VERSION or isinstance(version, bool):
        raise ScorecardError(
            f"{source}: scorecard_version {version!r} is not supported (this judgespec "
            f"reads version {SCORECARD_VERSION}); rebuild the scorecard with this judgespec"
        )
    try:
        return Scorecard.model_validate_json(text, strict=True)
    except ValidationError as exc:
        raise ScorecardError(
            f"{source}: does not match the scorecard schema: {_describe_validation_error(exc)}"
        ) from None


def load_scorecard(path: str | os.PathLike[str]) -> Scorecard:
    """Read a scorecard JSON file written by :func:`write_scorecard`.

    Raises:
        ScorecardError: one line naming the file when it is not a regular file (a device
            or FIFO is refused before it is opened), cannot be read, is not strict
            JSON, has an unsupported ``scorecard_version`` or does not match the schema.
    """
    file = Path(path)
    try:
        if file.exists() and not file.is_file():
            raise ScorecardError(f"{file}: not a regular file; a scorecard is a JSON file")
        text = file.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ScorecardError(f"{file}: no such scorecard file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ScorecardError(f"{file}: cannot read scorecard: {exc}") from None
    return parse_scorecard(text, source=str(file))


def write_scorecard(scorecard: Scorecard, path: str | os.PathLike[str]) -> Path:
    """Write ``scorecard.to_json()`` to ``path`` (UTF-8, ``\\n`` line ends); return the path.

    The file is replaced atomically from a temporary file no concurrent run shares.

    Raises:
        ScorecardError: when the file cannot be written (names the file).
    """
    file = Path(path)
    try:
        atomic_write_text(file, scorecard.to_json())
    except OSError as exc:
        raise ScorecardError(f"{file}: cannot write scorecard: {exc.strerror or exc}") from None
    return file
