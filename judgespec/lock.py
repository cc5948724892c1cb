"""Locks: pin a contract's resolved state in ``<contract>.lock.json`` and detect drift.

A lock records the fingerprint, a hash of every text (template, rubric, escalation
template), each judge's declared and resolved revision, and the judgespec version that
wrote it. :func:`verify_lock` recomputes all of it and lists every difference, so CI
fails loudly and says what drifted ("template edited", "revision changed", ...).

Resolving a revision means asking the backend what the model actually is now (for the
embedded judge: the content hash of its weights file). Each backend's record
(:class:`judgespec.backends.BackendSpec`) names its resolver, imported only when a
judge of that backend is locked; a backend without one keeps the declared revision, so
locking an ``inspect`` judge imports no framework. This module sits above both the
contract and the backend registry.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ._errors import ContractError, LockError
from ._version import __version__
from .backends import get_backend
from .contract import JudgeModel, LoadedContract, fingerprint, load_contract, text_hash
from .contract._yaml import read_bounded

__all__ = [
    "LOCK_VERSION",
    "LockDrift",
    "lock_path_for",
    "make_lock",
    "read_lock",
    "resolve_revision",
    "verify_lock",
    "write_lock",
]

LOCK_VERSION = 1
"""The lock file format's version; a lock of another version is refused, not guessed at."""


def resolve_revision(judge: JudgeModel) -> str | None:
    """The judge's actual revision as its backend sees it, or the declared one."""
    resolver = get_backend(judge.backend).load_resolver()
    if resolver is not None:
        resolved = resolver(judge)
        if resolved is not None:
            return resolved
    return judge.revision


def lock_path_for(contract_path: str | Path) -> Path:
    """``specs/x.yaml`` -> ``specs/x.lock.json``."""
    p = Path(contract_path)
    return p.with_name(p.stem + ".lock.json") if p.suffix in (".yaml", ".yml") else p.with_name(p.name + ".lock.json")


def make_lock(loaded: LoadedContract) -> dict[str, Any]:
    """The lock data for a loaded contract (resolves every judge's revision)."""
    texts = {"template": text_hash(loaded.texts.template)}
    if loaded.texts.rubric is not None:
        texts["rubric"] = text_hash(loaded.texts.rubric)
    if loaded.texts.escalation_template is not None:
        texts["escalation_template"] = text_hash(loaded.texts.escalation_template)
    judges = []
    for judge in loaded.contract.judges:
        resolved = resolve_revision(judge)
        if judge.revision is not None and resolved is not None and resolved != judge.revision:
            raise LockError(
                f"judge '{judge.model}': declared revision {judge.revision} but the model "
                f"resolves to {resolved}; update revision in the contract"
            )
        judges.append(
            {
                "model": judge.model,
                "backend": judge.backend,
                "declared_revision": judge.revision,
                "resolved_revision": resolved,
            }
        )
    return {
        "lock_version": LOCK_VERSION,
        "contract": loaded.contract.name,
        "contract_version": loaded.contract.version,
        "fingerprint": fingerprint(loaded),
        "texts": texts,
        "judges": judges,
        "judgespec_version": __version__,
    }


def write_lock(contract_path: str | Path) -> Path:
    """Write ``<contract>.lock.json`` beside the contract; return its path."""
    loaded = load_contract(contract_path)
    data = make_lock(loaded)
    out = lock_path_for(contract_path)
    out.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return out


def read_lock(path: str | Path) -> dict[str, Any]:
    """Read a lock file; a missing or malformed one is a :class:`LockError`.

    The file must be a regular file of at most :data:`~judgespec.contract._yaml.MAX_BYTES`
    bytes, strict JSON, and have the lock's shape (texts a mapping of hashes, judges a
    list of mappings with model, backend and revisions).
    """
    p = Path(path)
    if "\x00" not in str(p) and not p.exists():
        raise LockError(f"{p}: no lock file; run `judgespec lock` on the contract first")
    fix = "regenerate it with `judgespec lock`"
    try:
        raw = read_bounded(p, what="lock file")
    except ContractError as exc:
        raise LockError(str(exc)) from None
    try:
        data = json.loads(raw.decode("utf-8"), parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        raise LockError(f"{p}:{exc.lineno}: not valid JSON ({exc.msg}); {fix}") from None
    except RecursionError:
        raise LockError(f"{p}: nested too deeply to be a lock; {fix}") from None
    except ValueError as exc:  # bad UTF-8, NaN/Infinity, an over-long integer
        raise LockError(f"{p}: not a valid lock ({' '.join(str(exc).split())[:120]}); {fix}") from None
    required = {"lock_version", "fingerprint", "texts", "judges"}
    if not isinstance(data, dict) or not required <= data.keys():
        raise LockError(f"{p}: not a judgespec lock (needs {sorted(required)}); {fix}")
    version = data["lock_version"]
    if type(version) is not int or version != LOCK_VERSION:
        raise LockError(f"{p}: lock_version {version!r} is not supported (expected {LOCK_VERSION})")
    texts, judges = data["texts"], data["judges"]
    if not isinstance(data["fingerprint"], str):
        raise LockError(f"{p}: fingerprint must be a string; {fix}")
    if not isinstance(texts, dict) or not all(v is None or isinstance(v, str) for v in texts.values()):
        raise LockError(f"{p}: texts must map names to hashes; {fix}")
    judge_keys = ("model", "backend")
    if not isinstance(judges, list) or not all(
        isinstance(j, dict) and all(isinstance(j.get(k), str) for k in judge_keys)
        and all(j.get(k) is None or isinstance(j.get(k), str) for k in ("declared_revision", "resolved_revision"))
        for j in judges
    ):
        raise LockError(f"{p}: judges must be a list of {{model, backend, revisions}} mappings; {fix}")
    return data


def _reject_constant(name: str) -> Any:
    raise ValueError(f"non-standard JSON constant {name}")


@dataclass(frozen=True)
class LockDrift:
    """One difference between a lock and its contract now."""

    what: str
    locked: str | None
    now: str | None

    def __str__(self) -> str:
        return f"{self.what}: locked {self.locked}, now {self.now}"


_TEXT_NAMES = {
    "template": "template edited",
    "rubric": "rubric edited",
    "escalation_template": "escalation template edited",
}


def verify_lock(contract_path: str | Path, lock_path: str | Path | None = None) -> list[LockDrift]:
    """Compare a contract with its lock; return every drift (empty when it matches)."""
    try:
        loaded = load_contract(contract_path)
    except ContractError:
        raise
    lock = read_lock(lock_path or lock_path_for(contract_path))
    now = make_lock(loaded)
    drifts: list[LockDrift] = []
    for text_key, label in _TEXT_NAMES.items():
        before, after = lock["texts"].get(text_key), now["texts"].get(text_key)
        if before != after:
            drifts.append(LockDrift(label, before, after))
    locked_judges = {(j["model"], j["backend"]): j for j in lock["judges"]}
    now_judges = {(j["model"], j["backend"]): j for j in now["judges"]}
    for key in sorted(set(locked_judges) | set(now_judges)):
        a, b = locked_judges.get(key), now_judges.get(key)
        if a is None:
            drifts.append(LockDrift(f"judge {key[0]} ({key[1]}) added", None, b and b["resolved_revision"]))
        elif b is None:
            drifts.append(LockDrift(f"judge {key[0]} ({key[1]}) removed", a.get("resolved_revision"), None))
        else:
            if a.get("declared_revision") != b["declared_revision"]:
                drifts.append(LockDrift(f"judge {key[0]}: declared revision changed", a.get("declared_revision"), b["declared_revision"]))
            elif a.get("resolved_revision") != b["resolved_revision"]:
                drifts.append(LockDrift(f"judge {key[0]}: resolved model revision changed", a.get("resolved_revision"), b["resolved_revision"]))
    if lock["fingerprint"] != now["fingerprint"]:
        label = "fingerprint changed" if drifts else "fingerprint changed (contract settings edited: protocol, decoding, tie policy, gates, ...)"
        drifts.append(LockDrift(label, lock["fingerprint"], now["fingerprint"]))
    return drifts
