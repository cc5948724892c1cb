"""Contract references that survive Inspect's registry: a path, or an in-process key.

Inspect records every task, solver, scorer and metric argument in the log, so those
arguments must be plain data. A contract passed as a path stays a path. A
:class:`~judgespec.LoadedContract` built in memory (no file) is registered here under
``"<name>@<fingerprint>"`` and looked up again by the scorer, metric and hook of the
same process.

The log does not depend on either: the audit stores the contract's canonical form
(:func:`judgespec.contract.canonical_form`: every default filled in, template and rubric
files inlined) in the task metadata, and :func:`contract_from_canonical` rebuilds the
contract from it, so a log scores anywhere, after the contract file moved or changed.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from judgespec import ContractError, LoadedContract, load_contract
from judgespec.contract import canonical_form, load_contract_text

from ._errors import AuditContractError

__all__ = ["canonical_form", "contract_from_canonical", "contract_ref", "resolve_contract"]

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
    try:
        loaded = load_contract(ref)
    except ContractError as exc:
        raise AuditContractError(str(exc)) from None
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
        raise AuditContractError(
            f"contract '{ref}' was built in memory by another process; pass the contract "
            "file instead (contract=path/to/contract.yaml)"
        )
    try:
        loaded = load_contract(ref)
    except ContractError as exc:
        raise AuditContractError(str(exc)) from None
    with _lock:
        _LOADED[ref] = loaded
    return loaded


def contract_from_canonical(
    data: Mapping[str, Any], *, fingerprint: str | None, where: str
) -> LoadedContract:
    """The contract an audit log recorded (its canonical form), checked against its fingerprint.

    Raises :class:`ContractError` naming ``where`` when the stored form does not validate
    or does not hash to the recorded fingerprint (a log edited by hand).
    """
    name = f"{where} (the contract recorded in the log)"
    # JSON is YAML: the stored form goes through the same loader and checks as a file
    loaded = load_contract_text(json.dumps(dict(data), ensure_ascii=False), name=name)
    if fingerprint is not None and loaded.fingerprint != fingerprint:
        raise ContractError(
            f"{name}: its canonical form hashes to {loaded.fingerprint}, not to the recorded "
            f"{fingerprint}; the log was altered: pass the contract file with --contract"
        )
    return loaded
