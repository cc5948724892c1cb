"""User errors that Inspect prints as one line.

Inspect's CLI prints a :class:`PrerequisiteError` as its message alone and a traceback
for anything else. The adapter's user errors (a bad task argument, a contract that does
not load, a judge that cannot be built) are therefore both judgespec errors (caught by
the ``judgespec`` CLI and by callers that know judgespec) and Inspect prerequisite
errors (one line under ``inspect eval`` and ``inspect eval-set``).

``PrerequisiteError`` is not exported by a public Inspect module; it comes through
:mod:`judgespec_inspect._compat`.
"""

from __future__ import annotations

from judgespec import BackendError, ContractError, JudgespecError

from ._compat import PrerequisiteError

__all__ = ["AuditArgumentError", "AuditContractError", "JudgeUnavailableError", "PrerequisiteError"]


class AuditArgumentError(JudgespecError, PrerequisiteError, ValueError):
    """A task, solver or scorer argument is wrong (names the argument and the fix)."""


class AuditContractError(ContractError, PrerequisiteError):
    """The contract failed to load or validate (file, line, field and the fix)."""


class JudgeUnavailableError(BackendError, PrerequisiteError):
    """The judge could not be built; raised before the policy is called."""
