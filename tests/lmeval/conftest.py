"""Fixtures of the lm-eval adapter tests: offline, one thread, small real models.

- the arithmetic base task (a local JSONL through ``dataset_path: json``) as a YAML file
  and as a config mapping;
- the digit-judge contracts, served by the scripted :class:`DigitJudgeBackend` that a
  test registers under the backend name ``transformers`` (:func:`digit_judge`);
- a tiny randomly initialised Llama with a BPE tokenizer trained here (seconds);
- the embedded SmolLM2-135M-Instruct as a safetensors folder (slow tests only).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from itertools import combinations
from pathlib import Path
from typing import Any

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

import torch

torch.set_num_threads(1)

DATA = Path(__file__).resolve().parent / "data"

ARITH_TASK = "arith"
"""Name of the base test task."""

CHAT_TEMPLATE = (
    "{% for m in messages %}<|{{ m['role'] }}|>{{ m['content'] }}</s>{% endfor %}"
    "{% if add_generation_prompt %}<|assistant|>{% endif %}"
)


def arith_config(data_file: Path, *, name: str = ARITH_TASK, **overrides: Any) -> dict[str, Any]:
    """The arithmetic base task: local JSONL, regex answer extraction, exact match."""
    config: dict[str, Any] = {
        "task": name,
        "dataset_path": "json",
        "dataset_kwargs": {"data_files": {"test": str(data_file)}},
        "test_split": "test",
        "output_type": "generate_until",
        "doc_to_text": "Question: {{question}}\nAnswer:",
        "doc_to_target": "{{answer}}",
        "generation_kwargs": {"until": ["\n"], "max_gen_toks": 16, "do_sample": False},
        "metric_list": [{"metric": "exact_match", "aggregation": "mean", "higher_is_better": True}],
        "filter_list": [
            {
                "name": "strict",
                "filter": [
                    {"function": "regex", "regex_pattern": "The answer is (-?[0-9]+)"},
                    {"function": "take_first"},
                ],
            },
            {
                "name": "last-number",
                "filter": [
                    {"function": "regex", "regex_pattern": "(-?[0-9]+)", "group_select": -1},
                    {"function": "take_first"},
                ],
            },
        ],
        "metadata": {"version": 1.0},
    }
    config.update(overrides)
    return config


HAND_N = 4
"""Candidates per prompt of the hand-computed example."""

HAND_OFFSETS = (0, 1, 0, 5)
"""The scripted policy's documented offsets of draws 0-3 (``"The answer is {exact + offset}."``)."""


def hand_candidates(data_file: Path) -> list[list[tuple[float, float | None, bool]]]:
    """Per prompt: (oracle, judge score or None, parse failure) of each candidate."""
    out = []
    for line in data_file.read_text(encoding="utf-8").splitlines():
        answer = int(json.loads(line)["answer"])
        cands = []
        for draw in range(HAND_N):
            value = answer + HAND_OFFSETS[draw]
            last = str(value)[-1]
            score = None if last == "9" else 1 + int(last) % 5
            cands.append((1.0 if value == answer else 0.0, None if score is None else float(score), score is None))
        out.append(cands)
    return out


def hand_metrics(prompts: list[list[tuple[float, float | None, bool]]]) -> dict[str, float]:
    """recovery, top1_accuracy, regret, tie_rate, top_tie_rate, parse_failure_rate by hand."""
    gain = best = 0.0
    top1: list[float] = []
    regret: list[float] = []
    pairs = tied_pairs = 0
    top_prompts = top_tied = 0
    for cands in prompts:
        judged = [c for c in cands if c[1] is not None]
        for a, b in combinations(judged, 2):
            pairs += 1
            tied_pairs += a[1] == b[1]
        if len(judged) >= 2:
            top_prompts += 1
            high = max(c[1] for c in judged)  # type: ignore[type-var]
            top_tied += sum(c[1] == high for c in judged) > 1
        eligible = judged  # every candidate has an oracle here
        if len(eligible) < 2:
            continue
        ys = [c[0] for c in eligible]
        high = max(c[1] for c in eligible)  # type: ignore[type-var]
        picks = [c[0] for c in eligible if c[1] == high]
        e_pick = sum(picks) / len(picks)
        mean_y = sum(ys) / len(ys)
        gain += e_pick - mean_y
        best += max(ys) - mean_y
        top1.append(sum(y == max(ys) for y in picks) / len(picks))
        regret.append(max(ys) - e_pick)
    rows = [c for cands in prompts for c in cands]
    return {
        "recovery": gain / best,
        "top1_accuracy": sum(top1) / len(top1),
        "regret": sum(regret) / len(regret),
        "tie_rate": tied_pairs / pairs,
        "top_tie_rate": top_tied / top_prompts,
        "parse_failure_rate": sum(c[2] for c in rows) / len(rows),
    }


def hand_lmeval_metrics(prompts: list[list[tuple[float, float | None, bool]]], n: int) -> dict[str, float]:
    """The lm-eval-native metrics by hand: the pick's oracle, pass@1 and pass@n.

    ``exact_match``: mean over prompts with two or more judged candidates of the mean
    oracle of the judge's tied top candidates (expected tie policy); ``pass@1``: mean
    over prompts of the mean oracle; ``pass@n``: mean over prompts of the best oracle.
    """
    picks: list[float] = []
    for cands in prompts:
        judged = [c for c in cands if c[1] is not None]
        if len(judged) < 2:
            continue
        high = max(c[1] for c in judged)  # type: ignore[type-var]
        top = [c[0] for c in judged if c[1] == high]
        picks.append(sum(top) / len(top))
    return {
        "exact_match": sum(picks) / len(picks),
        "pass@1": sum(sum(c[0] for c in cands) / len(cands) for cands in prompts) / len(prompts),
        f"pass@{n}": sum(max(c[0] for c in cands) for cands in prompts) / len(prompts),
    }


@pytest.fixture(scope="session")
def hand() -> Any:
    """The hand computation: ``HAND_OFFSETS``, ``hand_candidates``, ``hand_metrics``."""
    import types

    return types.SimpleNamespace(
        offsets=HAND_OFFSETS,
        candidates=hand_candidates,
        metrics=hand_metrics,
        lmeval_metrics=hand_lmeval_metrics,
    )


@pytest.fixture(scope="session")
def expected(arithmetic_jsonl: Path) -> dict[str, float]:
    """The hand-computed metrics of the scripted best-of-4 run on the arithmetic task."""
    return hand_metrics(hand_candidates(arithmetic_jsonl))


@pytest.fixture(scope="session")
def data_dir() -> Path:
    return DATA


@pytest.fixture(scope="session")
def arithmetic_jsonl() -> Path:
    return DATA / "arithmetic.jsonl"


@pytest.fixture(scope="session")
def digit_contract() -> Path:
    return DATA / "digit_judge.yaml"


@pytest.fixture(scope="session")
def pairwise_contract() -> Path:
    return DATA / "digit_pairwise.yaml"


@pytest.fixture(scope="session")
def arith_task_config(arithmetic_jsonl: Path) -> dict[str, Any]:
    return arith_config(arithmetic_jsonl)


@pytest.fixture(scope="session")
def arith_task_yaml(tmp_path_factory: pytest.TempPathFactory, arith_task_config: dict[str, Any]) -> Path:
    """The arithmetic base task as a YAML file (absolute data path, so written per session)."""
    import yaml

    path = tmp_path_factory.mktemp("base") / "arith.yaml"
    path.write_text(yaml.safe_dump(arith_task_config, sort_keys=False), encoding="utf-8")
    return path


@pytest.fixture(scope="session", autouse=True)
def scripted_policy() -> str:
    """Register lm-eval's ``judgespec-scripted`` model (importing the test doubles)."""
    import judgespec_lmeval._scripted  # noqa: F401

    return "judgespec-scripted"


@pytest.fixture(autouse=True)
def _own_judge_cache(private_judge_cache: Path) -> Path:
    """Every test here judges through a judge cache of its own (see tests/conftest.py)."""
    return private_judge_cache


@pytest.fixture
def digit_judge(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """The scripted digit judge, serving contracts whose backend is ``transformers``."""
    from judgespec.judge.backends import _backend
    from judgespec_lmeval._scripted import DigitJudgeBackend

    judge = DigitJudgeBackend()
    monkeypatch.setitem(_backend._REGISTRY, "transformers", lambda _model: judge)
    yield judge


@pytest.fixture
def scripted_lm_count() -> Callable[[], int]:
    """How many ``judgespec-scripted`` LMs have been built so far."""
    from judgespec_lmeval._scripted import ScriptedLM

    return lambda: ScriptedLM.instances


def _train_tokenizer(folder: Path) -> None:
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast

    corpus = [
        f"Question: What is {a} {op} {b}?\nAnswer: The answer is {a + b}. Score: {1 + (a + b) % 5}"
        for a in range(0, 60, 3)
        for b in range(0, 30, 4)
        for op in "+-*"
    ] + ["Rate how well the response answers the question, from 1 to 5. [[A]] [[B]] [[C]]"]
    tok = Tokenizer(models.BPE(unk_token="<unk>"))
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=400,
        special_tokens=["<unk>", "<s>", "</s>", "<pad>", "<|user|>", "<|assistant|>", "<|system|>"],
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
    )
    tok.train_from_iterator(corpus, trainer)
    fast = PreTrainedTokenizerFast(
        tokenizer_object=tok,
        bos_token="<s>",
        eos_token="</s>",
        pad_token="<pad>",
        unk_token="<unk>",
    )
    fast.chat_template = CHAT_TEMPLATE
    fast.save_pretrained(folder)


@pytest.fixture(scope="session")
def tiny_model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A randomly initialised 2-layer Llama and a BPE tokenizer with a chat template."""
    from transformers import AutoTokenizer, LlamaConfig, LlamaForCausalLM

    folder = tmp_path_factory.mktemp("tiny-llama")
    _train_tokenizer(folder)
    tokenizer = AutoTokenizer.from_pretrained(folder)
    torch.manual_seed(0)
    config = LlamaConfig(
        vocab_size=len(tokenizer),
        hidden_size=32,
        intermediate_size=64,
        num_hidden_layers=2,
        num_attention_heads=2,
        num_key_value_heads=2,
        max_position_embeddings=512,
        bos_token_id=tokenizer.bos_token_id,
        eos_token_id=tokenizer.eos_token_id,
        pad_token_id=tokenizer.pad_token_id,
    )
    LlamaForCausalLM(config).save_pretrained(folder)
    return folder


@pytest.fixture(scope="session")
def smollm2_dir() -> Path:
    """The embedded SmolLM2-135M-Instruct as a safetensors folder (converted once, cached)."""
    from judgespec import BackendError
    from judgespec.judge import embedded_dir, load_embedded

    try:
        load_embedded("cpu")
    except BackendError as exc:
        pytest.skip(f"embedded judge unavailable: {exc}")
    return embedded_dir()


@pytest.fixture(scope="session")
def lmeval_run() -> Callable[..., dict[str, Any]]:
    """``lm-eval run --include_path TASKS --tasks TASK --log_samples --output_path OUT``, in process.

    lm-eval's own path: ``simple_evaluate`` with the scripted policy, then the
    ``EvaluationTracker`` writes the results and samples files; other ``simple_evaluate``
    options (``predict_only=True``) pass through. Returns the results without samples.
    """

    def run(tasks_dir: Path, task: str, out: Path, **options: Any) -> dict[str, Any]:
        from lm_eval import simple_evaluate
        from lm_eval.loggers import EvaluationTracker
        from lm_eval.tasks import TaskManager

        tracker = EvaluationTracker(output_path=str(out))
        options.setdefault("log_samples", True)
        results = simple_evaluate(
            model="judgespec-scripted",
            tasks=[task],
            task_manager=TaskManager(include_path=str(tasks_dir), include_defaults=False),
            evaluation_tracker=tracker,
            bootstrap_iters=0,
            **options,
        )
        assert results is not None
        samples = results.pop("samples")
        tracker.save_results_aggregated(results=results, samples=samples)
        tracker.save_results_samples(task_name=task, samples=samples[task])
        return results  # type: ignore[no-any-return]

    return run
