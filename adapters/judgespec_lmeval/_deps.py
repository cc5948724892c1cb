"""Optional-dependency guard: lm-eval is the ``lmeval`` extra, imported lazily."""

from __future__ import annotations

import importlib
from types import ModuleType

from judgespec import MissingExtraError

__all__ = ["require_lm_eval"]


def require_lm_eval(purpose: str = "The lm-eval adapter") -> ModuleType:
    """Import ``lm_eval`` (and its model registry) or raise :class:`MissingExtraError`.

    ``lm_eval.models`` is imported too: custom models registered before it would make
    the built-in ``hf`` and ``vllm`` entries vanish from lm-eval's registry.
    """
    try:
        module = importlib.import_module("lm_eval")
        importlib.import_module("lm_eval.models")
    except ImportError as exc:
        raise MissingExtraError("lm-eval", "lmeval", purpose) from exc
    return module
