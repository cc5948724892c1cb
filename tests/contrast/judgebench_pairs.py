"""The JudgeBench GPT-4o pairs read straight from the raw files (no judgespec code).

Independent reference values for the contrast tests.
"""

from __future__ import annotations

import ast
import json
from pathlib import Path

import numpy as np

JUDGEBENCH = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "judgebench"
"""``../shared/data/judgebench`` beside the repository (real data; absent outside CI)."""

O1_MINI = "judged.gpt-4o-2024-05-13.arena_hard.o1-mini-2024-09-12.jsonl"
REWARD_MODELS = {
    "GRM-Gemma-2B": "Ray2333_GRM-Gemma-2B-rewardmodel-ft",
    "Skywork-Gemma-27B": "Skywork_Skywork-Reward-Gemma-2-27B",
    "Skywork-Llama-8B": "Skywork_Skywork-Reward-Llama-3.1-8B",
    "InternLM2-20B": "internlm_internlm2-20b-reward",
    "InternLM2-7B": "internlm_internlm2-7b-reward",
}


def reward_file(judgebench: Path, short: str) -> Path:
    return judgebench / f"judged.gpt-4o-2024-05-13.reward_model.{REWARD_MODELS[short]}.jsonl"


def _records(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def reward_top1(path: Path) -> dict[str, float]:
    """Per pair: 1 if the correct response has the higher mean reward over both orders,
    1/2 on a tie, 0 otherwise (written here from the raw file, not with judgespec)."""
    out: dict[str, float] = {}
    for rec in _records(path):
        j = rec["judgments"]
        assert isinstance(j, list)
        s0, s1 = j[0]["judgment"]["scores"], j[1]["judgment"]["scores"]
        a, b = (s0[0] + s1[1]) / 2, (s0[1] + s1[0]) / 2
        good, bad = (a, b) if rec["label"] == "A>B" else (b, a)
        out[str(rec["pair_id"])] = 1.0 if good > bad else 0.5 if good == bad else 0.0
    return out


def pairwise_top1(path: Path) -> dict[str, float]:
    """Per pair: the JudgeBench vote sum over both orders (+1 correct, -1 wrong, 0 tie or
    unparsed) mapped to 1 / 1/2 / 0 for a positive / zero / negative sum."""
    out: dict[str, float] = {}
    for rec in _records(path):
        judgments = rec["judgments"]
        if isinstance(judgments, str):
            judgments = ast.literal_eval(judgments)
        assert isinstance(judgments, list)
        correct = "A" if rec["label"] == "A>B" else "B"
        votes = 0
        for order, entry in enumerate(judgments):
            decision = (entry or {}).get("decision")
            if decision not in ("A>B", "B>A"):
                continue
            slot_winner = "A" if decision == "A>B" else "B"
            # order 1 shows B in slot A: the slot letter names the other response
            winner = slot_winner if order == 0 else {"A": "B", "B": "A"}[slot_winner]
            votes += 1 if winner == correct else -1
        out[str(rec["pair_id"])] = 1.0 if votes > 0 else 0.5 if votes == 0 else 0.0
    return out


def aligned(*per_pair: dict[str, float]) -> list[np.ndarray]:
    """The per-pair values of several judges on the pairs of the first, in its order."""
    keys = list(per_pair[0])
    for other in per_pair[1:]:
        assert set(other) == set(keys)
    return [np.array([d[k] for k in keys]) for d in per_pair]
