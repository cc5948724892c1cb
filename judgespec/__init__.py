"""judgespec: pinned LLM judge contracts and selection-aware best-of-n audits.

The contract names (:class:`JudgeContract`, :func:`load_contract`, ...) are imported on
first use (PEP 562), so that importing a submodule, e.g. the command line's
``judgespec.cli`` for ``judgespec --help``, does not build the contract's models.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ._errors import (
    AuditDataError,
    BackendError,
    ContractError,
    JudgespecError,
    LockError,
    MissingExtraError,
)
from ._lazy import lazy_exports
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


__getattr__, __dir__ = lazy_exports(__name__, _LAZY, __all__)
