"""``audit_task``: turn an existing Inspect task into a best-of-n audit in one line.

    from judgespec_inspect import audit_task
    audited = audit_task(my_task(), "specs/judge.yaml", n=4)

The task's data set becomes the audit's prompts and its scorer the oracle; its solver
produces the candidates: when the solver ends in a plain ``generate()``, that step is
replaced by :func:`~judgespec_inspect._solver.bon_candidates` (one call with
``num_choices=n``, topped up); otherwise (agents, tool loops, self-critique) the whole
solver runs n times on copies of the state (:func:`~judgespec_inspect._solver.repeat_candidates`).
"""

from __future__ import annotations

from collections.abc import Sequence
from copy import copy
from pathlib import Path
from typing import Literal

from inspect_ai import Task, task_with
from inspect_ai.scorer import Scorer
from inspect_ai.solver import Solver, chain

from judgespec import LoadedContract

from ._contracts import contract_ref
from ._errors import AuditArgumentError
from ._oracle import ORACLE_NAMES, resolve_oracle
from ._params import check_choice, check_int, check_text
from ._selection_metric import selection_metrics
from ._selection_scorer import judge_selection, prepare_judge
from ._solver import bon_candidates, repeat_candidates
from ._task import audit_metadata, check_audit_options, ordered_dataset

__all__ = ["audit_task"]

CandidateMode = Literal["auto", "choices", "repeat"]
_MODES = ("auto", "choices", "repeat")


def _name(obj: object) -> str:
    from ._compat import is_registry_object, registry_unqualified_name

    return registry_unqualified_name(obj) if is_registry_object(obj) else type(obj).__name__


def _steps(solver: Solver) -> list[Solver]:
    return list(solver) if isinstance(solver, Sequence) else [solver]


def _plain_generate(step: Solver) -> bool:
    from ._compat import is_registry_object, registry_params

    if not is_registry_object(step) or _name(step) != "generate":
        return False
    params = {k: v for k, v in registry_params(step).items() if not (k == "tool_calls" and v == "loop")}
    return not params


def _oracle_for(task: Task, oracle: str | Scorer | None) -> tuple[str | Scorer, str]:
    scorers: list[Scorer] = list(task.scorer or [])
    if oracle is None:
        if len(scorers) == 1:
            return scorers[0], _name(scorers[0])
        if not scorers:
            raise AuditArgumentError(
                f"task '{task.name}' has no scorer to use as the oracle; pass oracle= "
                f"(one of {', '.join(ORACLE_NAMES)}, field:<name>, or a scorer)"
            )
        raise AuditArgumentError(
            f"task '{task.name}' has {len(scorers)} scorers "
            f"({', '.join(_name(s) for s in scorers)}); pick the oracle with oracle=<name>"
        )
    if isinstance(oracle, str):
        for candidate in scorers:
            if _name(candidate) == oracle:
                return candidate, oracle
        resolve_oracle(oracle)  # raises for unknown names
        return oracle, oracle
    return oracle, _name(oracle)


def audit_task(
    task: Task,
    contract: str | Path | LoadedContract,
    *,
    n: int = 4,
    oracle: str | Scorer | None = None,
    candidates: CandidateMode = "auto",
    seed: int | None = None,
    audit_seed: int = 0,
    n_bootstrap: int = 2000,
    name: str | None = None,
) -> Task:
    """A best-of-n audit of ``contract`` over ``task`` (a copy; ``task`` is not changed).

    Args:
        task: The Inspect task whose data set and scorer the audit uses.
        contract: Contract path or loaded contract; validated now.
        n: Candidates per prompt (2 or more).
        oracle: The oracle: default the task's scorer (it must have exactly one), or a
            scorer name of the task, ``match``/``includes``/``exact``/
            ``model_graded_fact``/``field:<name>``, or any Inspect scorer.
        candidates: ``choices`` (replace the final ``generate()`` by n choices),
            ``repeat`` (run the whole solver n times) or ``auto`` (choices when the
            solver ends in a plain ``generate()``).
        seed: Base seed of the top-up draws (``choices`` mode).
        audit_seed: Seed of the scorecard's cluster bootstrap.
        n_bootstrap: Bootstrap replicates.
        name: Name of the audit task (default ``<task name>_bon_audit``).
    """
    where = "audit_task"
    if not isinstance(task, Task):
        raise AuditArgumentError(
            f"{where}: task must be an Inspect Task (call the task function: my_task()), "
            f"got {type(task).__name__}"
        )
    if not isinstance(contract, (str, Path, LoadedContract)):
        raise AuditArgumentError(
            f"{where}: contract must be a path or a LoadedContract, got {type(contract).__name__}"
        )
    n = check_audit_options(where, n=n, audit_seed=audit_seed, n_bootstrap=n_bootstrap)
    check_choice(where, "candidates", candidates, _MODES)
    seed = check_int(where, "seed", seed, optional=True, example="0")
    if name is not None:
        check_text(where, "name", name, example="my_audit")
    if oracle is not None and not isinstance(oracle, str) and not callable(oracle):
        raise AuditArgumentError(
            f"{where}: oracle must be a scorer name or an Inspect scorer, got {type(oracle).__name__}"
        )
    ref, loaded = contract_ref(contract)
    oracle_obj, oracle_name = _oracle_for(task, oracle)
    steps = _steps(task.solver)
    ends_in_generate = bool(steps) and _plain_generate(steps[-1])
    if candidates == "choices" and not ends_in_generate:
        raise AuditArgumentError(
            f"task '{task.name}': candidates='choices' needs a solver that ends in a plain "
            "generate(); use candidates='repeat' to run the whole solver n times"
        )
    first = prepare_judge(contract=ref)
    if candidates == "choices" or (candidates == "auto" and ends_in_generate):
        solver: Solver = chain(first, *steps[:-1], bon_candidates(n=n, seed=seed))
    else:
        solver = chain(first, repeat_candidates(chain(*steps), n=n))
    metadata = {
        **(task.metadata or {}),
        **audit_metadata(
            ref,
            loaded,
            n=n,
            seed=audit_seed,
            n_bootstrap=n_bootstrap,
            dataset=task.dataset.name if hasattr(task.dataset, "name") else None,
            oracle=oracle_name,
        ),
    }
    # Inspect reads a scorer's metrics from the scorer itself; the Task constructor binds
    # them (task_with does not), so bind them on a throwaway task first.
    bound = Task(
        scorer=judge_selection(contract=ref, oracle=oracle_obj, n=n),
        metrics=[selection_metrics(contract=ref, n=n, seed=audit_seed, n_bootstrap=n_bootstrap)],
    )
    return task_with(
        copy(task),
        dataset=ordered_dataset(task.dataset),
        solver=solver,
        scorer=bound.scorer,
        metrics=bound.metrics,
        metadata=metadata,
        name=name or f"{task.name}_bon_audit",
    )
