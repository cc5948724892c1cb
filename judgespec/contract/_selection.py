"""How a contract's verdicts become a pick: the audit's tie policy and ranking."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ._loaded import LoadedContract

__all__ = ["selection_options"]


def selection_options(loaded: LoadedContract | None) -> tuple[str, str]:
    """``(tie_policy, ranking)`` of the audit under a contract (``expected``, ``win_share`` without).

    The tie policy is the contract's (every contract tie-policy name is accepted by
    :func:`judgespec.audit.run_audit`); the ranking derives selection scores from
    comparisons: win share, or a tournament's Copeland, Bradley-Terry or knockout.
    """
    if loaded is None:
        return "expected", "win_share"
    protocol = loaded.contract.protocol
    ranking = "win_share"
    if protocol.kind == "tournament":
        ranking = "knockout" if protocol.format == "knockout" else protocol.ranking
    return loaded.contract.tie_policy.kind, ranking
