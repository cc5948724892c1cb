"""A plain Inspect task run with several epochs (docs/inspect.md audits its log).

Epoch k asks the scripted policy for its draw k - 1; the ``digit_score`` scorer records
the scripted digit judge's score of each epoch's answer (NaN when it cannot rate it).
"""

from __future__ import annotations

import math
from pathlib import Path

from inspect_ai import Task, task
from inspect_ai.dataset import json_dataset
from inspect_ai.scorer import Score, Scorer, Target, match, mean, scorer
from inspect_ai.solver import Generate, Solver, TaskState, solver

from judgespec._scripted import digit_judge_score

HERE = Path(__file__).resolve().parent


@solver
def epoch_draw() -> Solver:
    """Generate with seed = epoch - 1."""

    async def solve(state: TaskState, generate: Generate) -> TaskState:
        return await generate(state, seed=state.epoch - 1)

    return solve


@scorer(metrics=[mean()])
def digit_score() -> Scorer:
    """The digit judge's score of the answer (NaN when it cannot rate it)."""

    async def score(state: TaskState, target: Target) -> Score:
        value = digit_judge_score(state.output.completion)
        return Score(value=math.nan if value is None else value)

    return score


@task
def arithmetic_epochs() -> Task:
    """The arithmetic questions, scored by match() and by the digit judge."""
    return Task(
        dataset=json_dataset(str(HERE / "arithmetic.jsonl")),
        solver=epoch_draw(),
        scorer=[match(), digit_score()],
    )
