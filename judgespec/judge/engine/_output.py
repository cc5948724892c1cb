"""What a judge run returns, and how it is written to disk.

Three tables, all JSON Lines:

``candidates.jsonl``
    The input rows (every field kept) plus ``judge_score`` (float or null),
    ``parse_failure`` (bool) and, where it applies, ``judge_samples`` (one score per
    repeated sample, for repeat agreement), ``judge_panel`` (judge label -> score) and
    the tie-break columns ``judge_score_raw``, ``tie_break`` and ``tie_break_score``
    (see :func:`judgespec.judge.judge_candidates`).
``comparisons.jsonl``
    ``prompt_id``, ``first_id``, ``second_id`` (presentation order), ``winner``
    (``first``, ``second``, ``tie`` or null for a parse failure) and, with
    ``strength: logprob``, ``strength``.
``judgments.jsonl``
    Every judge call: judge, stage, prompt and candidates, order, round, sample,
    request hash, raw output (or next-token log-probabilities), parsed verdict and the
    parse-failure reason. The ``replay`` backend reads this file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ...tables import read_candidate_rows, write_jsonl

__all__ = ["JudgeOutput", "JudgeStats", "read_candidate_rows", "write_jsonl", "write_judge_output"]


@dataclass(frozen=True)
class JudgeStats:
    """Counts and timings of a judge run."""

    judgments: int
    """Judge calls the run needed (cached or not)."""
    model_calls: int
    """Calls sent to a backend (not found in the cache, duplicates sent once)."""
    cache_hits: int
    """Calls answered from the cache."""
    batches: int
    """Backend batches sent (each committed to the cache on completion)."""
    parse_failures: dict[str, int]
    """Judge calls whose output did not parse, by reason."""
    candidate_parse_failures: int
    """Candidates left without a judge score although they were judged."""
    seconds: float
    """Wall time of the run."""
    model_seconds: float
    """Time spent inside backends."""
    tokens: int
    """Tokens the backends generated (as they report them)."""
    tie_groups: int = 0
    """Prompts whose top was tied when an engine-level tie policy ran."""
    unresolved_ties: int = 0
    """Of those, prompts left tied (equal or missing tie-break evidence)."""

    @property
    def parse_failure_total(self) -> int:
        """All parse failures of judge calls."""
        return sum(self.parse_failures.values())

    def summary(self) -> str:
        """One line for a terminal."""
        reasons = ", ".join(f"{k} {v}" for k, v in sorted(self.parse_failures.items()))
        failures = f"{self.parse_failure_total}" + (f" ({reasons})" if reasons else "")
        rate = (
            f", {self.tokens / self.model_seconds:.1f} tok/s"
            if self.model_seconds > 0 and self.tokens
            else ""
        )
        ties = (
            f", tied tops {self.tie_groups} ({self.unresolved_ties} left tied)"
            if self.tie_groups
            else ""
        )
        return (
            f"judgments {self.judgments}, model calls {self.model_calls}, cache hits "
            f"{self.cache_hits}, parse failures {failures}, tokens {self.tokens}{rate}{ties}, "
            f"{self.seconds:.1f} s"
        )


@dataclass(frozen=True)
class JudgeOutput:
    """Judged candidates, comparisons, raw judgments and run statistics."""

    candidates: list[dict[str, Any]]
    """Input rows plus judge scores (see the module docstring)."""
    comparisons: list[dict[str, Any]]
    """The comparisons table (pairwise, tournament and escalation comparisons)."""
    raw: list[dict[str, Any]]
    """Every judge call with its raw output and parse result."""
    stats: JudgeStats
    fingerprint: str
    """The contract fingerprint the verdicts belong to."""
    judges: list[str] = field(default_factory=list)
    """Judge labels, in panel order."""

    def write(self, directory: str | Path) -> dict[str, Path]:
        """Write the three tables into ``directory`` (see :func:`write_judge_output`)."""
        return write_judge_output(self, directory)


def write_judge_output(output: JudgeOutput, directory: str | Path) -> dict[str, Path]:
    """Write ``candidates.jsonl``, ``comparisons.jsonl`` and ``judgments.jsonl``."""
    d = Path(directory)
    return {
        "candidates": write_jsonl(d / "candidates.jsonl", output.candidates),
        "comparisons": write_jsonl(d / "comparisons.jsonl", output.comparisons),
        "judgments": write_jsonl(d / "judgments.jsonl", output.raw),
    }
