"""Solvers that leave n candidates in ``state.output.choices``.

:func:`bon_candidates` asks the policy once for ``num_choices=n``. Providers that return
fewer choices (Inspect's ``hf/`` returns one, whatever ``num_choices`` says) are topped up
with concurrent one-choice calls, each with its own seed (the candidate's position,
offset by the configured seed). Inspect's response cache is honoured (``--cache``): the
one ``num_choices=n`` call and each top-up call have their own cache key (the seed and
``num_choices`` are part of it), so a cached rerun returns the same n distinct draws
without paying for them. :func:`repeat_candidates` runs a whole solver (an agent, a
multi-turn chain) n times on copies of the state instead; its n runs make identical
requests, so with the cache on they return one cached answer n times, which the audit
reports as identical candidates.

Either way the sample's store records where the candidates came from under
:data:`GENERATION_KEY`: ``requested``, ``from_choices``, ``from_topup`` (or
``from_repeats``), ``truncated`` and ``short`` (how many of the n are missing), and how
they were drawn: ``temperature`` (the policy's effective temperature, after the task's
and the eval's ``--temperature``; ``None`` for the provider's default) and ``cache``
(whether Inspect's cache was on). The scorer copies it into the score metadata; the
scorecard's candidate pool reports it and says when a prompt is short. Nothing is
silently audited with fewer than n.
"""

from __future__ import annotations

from typing import Any

from inspect_ai.model import ChatCompletionChoice, GenerateConfig, ModelOutput, get_model
from inspect_ai.solver import Generate, Solver, TaskState, fork, solver
from inspect_ai.util import collect

from ._names import registered
from ._params import check_int

__all__ = ["GENERATION_KEY", "bon_candidates", "configured_seed", "repeat_candidates"]

GENERATION_KEY = "judgespec_inspect:generation"
"""Store key of the candidate provenance record."""


def _check_n(where: str, n: object) -> int:
    value = check_int(where, "n", n, minimum=2)
    assert value is not None
    return value


def effective_config(model_config: GenerateConfig) -> GenerateConfig:
    """The generate config in force for the active model: eval/task config over the model's own."""
    from ._compat import active_generate_config  # Inspect does not export it

    return model_config.merge(active_generate_config())


def configured_seed(model_config: GenerateConfig) -> int | None:
    """The seed in force for the active model: eval/task config over the model's own."""
    return effective_config(model_config).seed


def _record(state: TaskState, n: int, config: GenerateConfig, **counts: int) -> None:
    have = len(state.output.choices)
    state.store.set(
        GENERATION_KEY,
        {
            "requested": n,
            **counts,
            "short": max(0, n - have),
            "temperature": config.temperature,
            "cache": bool(config.cache),
        },
    )


@solver(name=registered("bon_candidates"))
def bon_candidates(n: int = 4, seed: int | None = None) -> Solver:
    """Generate ``n`` candidates from the policy into ``state.output.choices``.

    Args:
        n: Candidates per prompt (2 or more).
        seed: Base seed for the top-up calls (default: the configured seed, else 0);
            top-up ``k`` (the candidate at position ``k``) uses ``seed + k``.
    """
    n = _check_n("bon_candidates", n)
    seed = check_int("bon_candidates", "seed", seed, optional=True, example="0")

    async def solve(state: TaskState, generate: Generate) -> TaskState:
        model = get_model()
        prompt = list(state.messages)

        async def draw(config: GenerateConfig) -> ModelOutput:
            return await model.generate(
                prompt, tools=state.tools, tool_choice=state.tool_choice, config=config
            )

        first = await draw(GenerateConfig(num_choices=n))
        choices = list(first.choices)
        from_choices = min(len(choices), n)
        truncated = max(0, len(choices) - n)
        choices = choices[:n]
        usage = first.usage
        from_topup = 0
        if len(choices) < n:
            base = seed if seed is not None else configured_seed(model.config) or 0
            outputs: list[ModelOutput] = await collect(
                *(
                    draw(GenerateConfig(num_choices=1, seed=base + position))
                    for position in range(len(choices), n)
                )
            )
            for output in outputs:
                if output.choices:
                    choices.append(output.choices[0])
                    from_topup += 1
                if usage is not None and output.usage is not None:
                    usage = usage + output.usage
        state.output = ModelOutput(model=first.model, choices=choices, usage=usage)
        if choices:
            state.messages.append(choices[0].message)
        _record(
            state,
            n,
            effective_config(model.config),
            from_choices=from_choices,
            from_topup=from_topup,
            truncated=truncated,
        )
        return state

    return solve


@solver(name=registered("repeat_candidates"))
def repeat_candidates(candidate_solver: Solver, n: int = 4) -> Solver:
    """Run ``candidate_solver`` ``n`` times on copies of the state (via ``fork``).

    Each run's final output choice becomes one candidate; the runs' final states are
    kept (in process) for the oracle, which then scores each run's own messages.
    """
    n = _check_n("repeat_candidates", n)

    async def solve(state: TaskState, generate: Generate) -> TaskState:
        runs: list[TaskState] = await fork(state, [candidate_solver] * n)
        choices: list[ChatCompletionChoice] = [r.output.choices[0] for r in runs if r.output.choices]
        kept = [r for r in runs if r.output.choices]
        _FORKED[state.uuid] = kept
        first = kept[0] if kept else state
        state.messages = list(first.messages)
        state.output = ModelOutput(model=first.output.model, choices=choices)
        _record(state, n, effective_config(get_model().config), from_repeats=len(choices), truncated=0)
        return state

    return solve


_FORKED: dict[str, list[TaskState]] = {}
"""Final states of :func:`repeat_candidates` runs, by sample uuid, popped by the scorer."""


def pop_forked(state: TaskState) -> list[TaskState] | None:
    """The forked runs behind ``state``'s candidates, if :func:`repeat_candidates` made them."""
    return _FORKED.pop(state.uuid, None)


def generation_record(state: TaskState) -> dict[str, Any]:
    """The provenance record the solver left (``{}`` when none of ours ran)."""
    record = state.store.get(GENERATION_KEY)
    return dict(record) if isinstance(record, dict) else {}
