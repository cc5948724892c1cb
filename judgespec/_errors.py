"""Exceptions raised by judgespec.

Every user-facing error is a :class:`JudgespecError`. Its message is one line that names
the file, line or field at fault and says what to do; the CLI prints it as
``Error: <message>`` and exits with status 1, never with a traceback.
"""

from __future__ import annotations

__all__ = [
    "AuditDataError",
    "BackendError",
    "ContractError",
    "JudgespecError",
    "LockError",
    "MissingExtraError",
]


class JudgespecError(Exception):
    """Base class of every error judgespec reports to a user."""


class ContractError(JudgespecError):
    """A judge contract failed to load or validate."""


class LockError(JudgespecError):
    """A contract lock is missing, malformed, or no longer matches its contract."""


class AuditDataError(JudgespecError):
    """A candidates or comparisons table is malformed (names file and line)."""


class BackendError(JudgespecError):
    """A judge backend failed (model missing, bad configuration)."""


class MissingExtraError(JudgespecError, ImportError):
    """An optional dependency is not installed; the message names the extra."""

    def __init__(self, package: str, extra: str, purpose: str) -> None:
        super().__init__(
            f"{purpose} needs the '{package}' package, which is not installed: "
            f"pip install 'judgespec[{extra}]'"
        )
        self.package = package
        self.extra = extra


def require(module: str, *, extra: str, purpose: str) -> object:
    """Import an optional module or raise :class:`MissingExtraError` naming the extra."""
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError as exc:  # pragma: no cover - exercised in tests via monkeypatch
        raise MissingExtraError(module.split(".")[0], extra, purpose) from exc
