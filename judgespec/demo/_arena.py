"""The replay half of the demo: the bundled Arena sample's recorded verdicts, scored."""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from ..audit import arena_to_candidates
from ..pipeline import score_tables
from ..scorecard import Scorecard

__all__ = ["ARENA_POOLS", "ArenaPool", "arena_sample_path", "score_arena_pool"]

NON_ADVERSARIAL = ("base", "clone", "parallel_universe_prompt")


@dataclass(frozen=True)
class ArenaPool:
    """One candidate pool of the Arena sample."""

    key: str
    title: str
    policies: tuple[str, ...]


ARENA_POOLS = (
    ArenaPool("arena-best-of-2", "Arena, best-of-2 (non-adversarial policies)", NON_ADVERSARIAL),
    ArenaPool(
        "arena-with-adversarial",
        "Arena, adversarial 'unhelpful' candidate added",
        (*NON_ADVERSARIAL, "unhelpful"),
    ),
)
"""The replay audits of the bundled Arena sample: best-of-2, then with the adversarial candidate."""


def arena_sample_path() -> Path:
    """The bundled ``candidates.jsonl.gz`` (see its README for provenance and licence)."""
    ref = resources.files("judgespec").joinpath("data/arena_sample/candidates.jsonl.gz")
    return Path(str(ref))


def score_arena_pool(pool: ArenaPool, *, seed: int, n_bootstrap: int) -> Scorecard:
    """Score one pool's recorded GPT-4.1-nano verdicts against the GPT-5 oracle labels."""
    rows = arena_to_candidates(arena_sample_path(), policies=pool.policies)
    return score_tables(
        rows,
        framework="offline",
        policy_model="Llama (cje arena_sample policies)",
        dataset="arena_sample (bundled)",
        n=len(pool.policies),
        candidate_pool=", ".join(pool.policies),
        seed=seed,
        n_bootstrap=n_bootstrap,
        source=str(arena_sample_path()),
    )
