"""judgespec: pinned LLM judge contracts and selection-aware best-of-n audits."""

from ._errors import (
    AuditDataError,
    BackendError,
    ContractError,
    JudgespecError,
    LockError,
    MissingExtraError,
)
from ._version import __version__
from .contract import JudgeContract, LoadedContract, fingerprint, load_contract

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
