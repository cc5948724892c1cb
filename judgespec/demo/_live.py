"""The live half of the demo: SmolLM2 answers arithmetic, then judges its own answers.

The policy is the embedded SmolLM2-135M-Instruct sampling n answers per question at
temperature 0.8; the oracle is exact match of the final number; the judge is the same
model under three bundled contracts (pointwise, logprob-expected, pairwise), so the
three protocols are audited on identical candidates.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from importlib import resources
from pathlib import Path
from typing import Any

from ..contract import LoadedContract, load_contract
from ..judge import ChatMessage, GenerateRequest, JudgeBackend, JudgeCache, judge_candidates
from ..pipeline import score_tables
from ..scorecard import Scorecard
from ._task import Question, exact_oracle

__all__ = ["LIVE_CONTRACTS", "bundled_contract", "generate_candidates", "judge_live"]

LIVE_CONTRACTS = ("smollm2-pointwise", "smollm2-logprob", "smollm2-pairwise")
POLICY_SYSTEM = "You are a helpful assistant. Solve the problem briefly."


def bundled_contract(name: str) -> LoadedContract:
    """One of the contracts bundled for the embedded judge (copies of ``specs/<name>.yaml``)."""
    ref = resources.files("judgespec").joinpath(f"data/contracts/{name}.yaml")
    return load_contract(Path(str(ref)))


def generate_candidates(
    backend: JudgeBackend,
    questions: Sequence[Question],
    *,
    n: int,
    temperature: float = 0.8,
    max_tokens: int = 16,
    seed: int = 0,
    advance: Callable[[int], None] | None = None,
) -> list[dict[str, Any]]:
    """n sampled answers per question, with the exact-match oracle filled in.

    ``advance`` is told how many answers each backend batch produced (for a display).
    """
    requests = [
        GenerateRequest(
            messages=(ChatMessage("system", POLICY_SYSTEM), ChatMessage("user", q.prompt)),
            max_tokens=max_tokens,
            temperature=temperature,
            seed=seed + j,
            sample=j,
        )
        for q in questions
        for j in range(n)
    ]
    size = getattr(backend, "batch_size", 8)
    step = size if isinstance(size, int) and size > 0 else 8
    outputs = []
    for start in range(0, len(requests), step):
        outputs.extend(backend.generate(requests[start : start + step]))
        if advance is not None:
            advance(len(requests[start : start + step]))
    rows: list[dict[str, Any]] = []
    for idx, out in enumerate(outputs):
        q = questions[idx // n]
        rows.append(
            {
                "prompt_id": q.prompt_id,
                "candidate_id": f"s{idx % n + 1}",
                "prompt": q.prompt,
                "response": out.text.strip(),
                "oracle": exact_oracle(out.text, q.answer),
                "answer": q.answer,
            }
        )
    return rows


def judge_live(
    name: str,
    rows: Sequence[dict[str, Any]],
    backend: JudgeBackend,
    *,
    n: int,
    seed: int,
    n_bootstrap: int,
    cache: JudgeCache | None,
    progress: bool | Callable[[int, int], None],
) -> tuple[Scorecard, Any]:
    """Judge the live candidates under one bundled contract and score them."""
    loaded = bundled_contract(name)
    judged = judge_candidates(loaded, rows, backend=backend, cache=cache, progress=progress)
    card = score_tables(
        judged.candidates,
        judged.comparisons,
        loaded=loaded,
        framework="offline",
        policy_model="smollm2-135m-instruct (T=0.8)",
        dataset="arithmetic (generated, exact answers)",
        n=n,
        seed=seed,
        n_bootstrap=n_bootstrap,
    )
    return card, judged
