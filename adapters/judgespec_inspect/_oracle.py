"""Oracles: the utility of each candidate, from an Inspect scorer or a data field.

An oracle is applied to every candidate separately: the candidate is put into a copy of
the sample's :class:`~inspect_ai.solver.TaskState` (its output and last assistant
message become that candidate) and the scorer scores the copy. Score values become
utilities strictly: numbers as they are, ``True``/``False`` as 1/0, Inspect's ``C``,
``I``, ``P``, ``N`` as 1, 0, 0.5, 0, ``yes``/``no``/``true``/``false`` as 1/0, numeric
strings as numbers. Anything else is an error naming the oracle (never a silent 0).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from copy import deepcopy
from dataclasses import dataclass
from typing import Any

from inspect_ai.model import ChatCompletionChoice, ModelOutput
from inspect_ai.scorer import (
    Score,
    Scorer,
    Target,
    exact,
    includes,
    match,
    model_graded_fact,
)
from inspect_ai.solver import TaskState
from inspect_ai.util import collect

from ._errors import AuditArgumentError

__all__ = [
    "ORACLE_NAMES",
    "FieldOracle",
    "Oracle",
    "OracleResult",
    "candidate_state",
    "oracle_utilities",
    "resolve_oracle",
    "utility_of",
]

ORACLE_NAMES = ("match", "includes", "exact", "model_graded_fact")
"""Scorer names ``bon_audit`` accepts for ``oracle`` (besides ``field:<name>``)."""

_LETTERS = {"C": 1.0, "I": 0.0, "P": 0.5, "N": 0.0}
_WORDS = {"yes": 1.0, "true": 1.0, "no": 0.0, "false": 0.0}
_NUMBER = re.compile(r"^\s*[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?\s*$")


def utility_of(value: object, *, oracle: str) -> float | None:
    """A score value as a utility (see the module docstring); None for NaN or None."""
    if value is None:
        return None
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    if isinstance(value, (int, float)):
        number = float(value)
        if math.isnan(number):
            return None
        if math.isinf(number):
            raise ValueError(f"oracle '{oracle}' gave an infinite score; utilities must be finite")
        return number
    if isinstance(value, str):
        if value in _LETTERS:
            return _LETTERS[value]
        if value.strip().lower() in _WORDS:
            return _WORDS[value.strip().lower()]
        if _NUMBER.match(value):
            return float(value)
    raise ValueError(
        f"oracle '{oracle}' gave the score value {value!r}, which is not a utility: "
        "use a scorer whose value is a number, a bool, or C/I/P/N"
    )


def _normalise(text: str) -> str:
    return " ".join(text.strip().lower().rstrip(".!").split())


@dataclass(frozen=True)
class FieldOracle:
    """``field:<name>``: utilities from a sample metadata field ``{answer: utility}``.

    A candidate gets the utility of the answer equal to its whole response (compared
    case- and whitespace-insensitively, a trailing period ignored); failing that, of the
    one answer that occurs in the response as a whole word; otherwise no utility (null,
    counted as not labelled), and likewise when the sample lacks the field.
    """

    field: str

    @property
    def name(self) -> str:
        """``field:<name>``."""
        return f"field:{self.field}"

    def utility(self, response: str, metadata: Mapping[str, Any]) -> float | None:
        """The utility of ``response`` for a sample with ``metadata``."""
        table = metadata.get(self.field)
        if table is None:
            return None
        if not isinstance(table, Mapping):
            raise ValueError(
                f"oracle '{self.name}': the sample field '{self.field}' must map answers to "
                f"utilities, got {type(table).__name__}"
            )
        answers = {_normalise(str(k)): utility_of(v, oracle=self.name) for k, v in table.items()}
        whole = _normalise(response)
        if whole in answers:
            return answers[whole]
        found = [
            key for key in answers if key and re.search(rf"(?<!\w){re.escape(key)}(?!\w)", whole)
        ]
        return answers[found[0]] if len(found) == 1 else None


Oracle = Scorer | FieldOracle


def resolve_oracle(oracle: str) -> Oracle:
    """``match``, ``includes``, ``exact``, ``model_graded_fact`` or ``field:<name>``."""
    if oracle.startswith("field:"):
        name = oracle.removeprefix("field:").strip()
        if not name:
            raise AuditArgumentError("oracle 'field:' needs a field name, e.g. field:utilities")
        return FieldOracle(name)
    factories: dict[str, Callable[[], Scorer]] = {
        "match": match,
        "includes": includes,
        "exact": exact,
        "model_graded_fact": model_graded_fact,
    }
    if oracle not in factories:
        raise AuditArgumentError(
            f"unknown oracle '{oracle}': use one of {', '.join(ORACLE_NAMES)} or field:<name>"
        )
    return factories[oracle]()


def candidate_state(state: TaskState, choice: ChatCompletionChoice) -> TaskState:
    """A copy of ``state`` whose output and last assistant message are ``choice``."""
    copy = deepcopy(state)
    copy.output = ModelOutput(model=state.output.model, choices=[choice])
    if copy.messages and copy.messages[-1].role == "assistant":
        copy.messages[-1] = choice.message
    else:
        copy.messages.append(choice.message)
    return copy


@dataclass(frozen=True)
class OracleResult:
    """One candidate's oracle verdict: the utility and the raw score."""

    utility: float | None
    score: Score | None


async def oracle_utilities(
    oracle: Oracle,
    oracle_name: str,
    state: TaskState,
    target: Target,
    candidates: list[TaskState],
) -> list[OracleResult]:
    """The oracle's verdict on each candidate state (scored concurrently)."""
    if isinstance(oracle, FieldOracle):
        return [
            OracleResult(oracle.utility(c.output.completion, state.metadata), None)
            for c in candidates
        ]

    async def one(candidate: TaskState) -> OracleResult:
        score = await oracle(candidate, target)
        if score is None:
            return OracleResult(None, None)
        return OracleResult(utility_of(score.value, oracle=oracle_name), score)

    return await collect(*(one(c) for c in candidates))
