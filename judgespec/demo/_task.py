"""A small task with exact answers for the live demo: integer arithmetic made by code."""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

__all__ = ["Question", "arithmetic_questions", "exact_oracle", "last_integer"]

_INT = re.compile(r"-?\d+")


@dataclass(frozen=True)
class Question:
    """One question and its exact answer."""

    prompt_id: str
    prompt: str
    answer: int


def arithmetic_questions(count: int, *, seed: int = 0) -> list[Question]:
    """``count`` two-operand questions (+, -, x) with small operands, reproducible by seed."""
    rng = np.random.default_rng(seed)
    out: list[Question] = []
    for i in range(count):
        a, b = (int(v) for v in rng.integers(2, 30, size=2))
        op = ("+", "-", "*")[int(rng.integers(0, 3))]
        answer = a + b if op == "+" else a - b if op == "-" else a * b
        shown = "x" if op == "*" else op
        out.append(
            Question(
                prompt_id=f"q{i + 1}",
                prompt=f"What is {a} {shown} {b}? Reply with the number only.",
                answer=answer,
            )
        )
    return out


def last_integer(text: str) -> int | None:
    """The last integer written in ``text`` (None when there is none)."""
    found = _INT.findall(text.replace(",", ""))
    return int(found[-1]) if found else None


def exact_oracle(response: str, answer: int) -> float:
    """1.0 when the response's last integer equals the answer, else 0.0."""
    return 1.0 if last_integer(response) == answer else 0.0
