"""Contract references that survive Inspect's registry: a path, or an in-process key.

Inspect records every task, solver, scorer and metric argument in the log, so those
arguments must be plain data. A contract passed as a path stays a path. A
:class:`~judgespec.LoadedContract` built in memory (no file) is registered here under
``"<name>@<fingerprint>"`` and looked up again by the scorer, metric and hook of the
same process.
"""

from __future__ import annotations

import threading
from pathlib import Path

from judgespec import ContractError, LoadedContract, load_contract

__all__ = ["contract_ref", "resolve_contract"]

_MEMORY: dict[str, LoadedContract] = {}
_LOADED: dict[str, LoadedContract] = {}
_lock = threading.Lock()


def contract_ref(contract: str | Path | LoadedContract) -> tuple[str, LoadedContract]:
    """Validate ``contract`` now (raising :class:`ContractError`) and return (ref, loaded).

    ``ref`` is the contract's path, or an in-memory key for a contract without a file.
    """
    if isinstance(contract, LoadedContract):
        loaded = contract
        if loaded.path is not None and Path(loaded.path).is_file():
            ref = str(loaded.path)
            with _lock:
                _LOADED[ref] = loaded
            return ref, loaded
        ref = f"{loaded.contract.name}@{loaded.fingerprint}"
        with _lock:
            _MEMORY[ref] = loaded
        return ref, loaded
    ref = str(contract)
    loaded = load_contract(ref)
    with _lock:
        _LOADED[ref] = loaded
    return ref, loaded


def resolve_contract(ref: str) -> LoadedContract:
    """The contract behind ``ref`` (a path, or a key made by :func:`contract_ref`).

    A path that was loaded before in this process is not read again, so a file edited
    mid-run cannot change the contract between the scorer and the metric.
    """
    with _lock:
        found = _MEMORY.get(ref) or _LOADED.get(ref)
    if found is not None:
        return found
    if "@sha256:" in ref and not Path(ref).exists():
        raise ContractError(
            f"contract '{ref}' was built in memory by another process; pass the contract "
            "file instead (contract=path/to/contract.yaml)"
        )
    loaded = load_contract(ref)
    with _lock:
        _LOADED[ref] = loaded
    return loaded
