"""judgespec: pinned LLM judge contracts and selection-aware best-of-n audits.

The contract names (:class:`JudgeContract`, :func:`load_contract`, ...) are imported on
first use (PEP 562), so that importing a submodule, e.g. the command line's
``judgespec.cli`` for ``judgespec --help``, does not build the contract's models.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from ._errors import (
    AuditDataError,
    BackendError,
    ContractError,
    JudgespecError,
    LockError,
    MissingExtraError,
)
from ._version import __version__

if TYPE_CHECKING:
    from .contract import JudgeContract, LoadedContract, fingerprint, load_contract

#: Public names imported on first use, by module.
_LAZY: dict[str, str] = {
    "JudgeContract": "judgespec.contract",
    "LoadedContract": "judgespec.contract",
    "fingerprint": "judgespec.contract",
    "load_contract": "judgespec.contract",
}

__all__ = [
    "AuditDataError",
    "BackendError",
    "ContractError",
    "JudgeContract",
    "JudgespecError",
    "LoadedContract",
    "LockError",
    "MissingExtraError",
    "__version__",
    "fingerprint",
    "load_contract",
]


def __getattr__(name: str) -> Any:
    """Import a lazily exported name on first use (PEP 562)."""
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'judgespec' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
