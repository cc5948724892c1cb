"""The ``judge_selection`` scorer: oracle and contract judge on every candidate.

For each sample it

1. applies the oracle (the task's own scorer, a named one, or a data field) to every
   candidate in ``state.output.choices`` (see :mod:`judgespec_inspect._oracle`);
2. judges the candidates under the contract with judgespec's engine
   (:func:`judgespec.judge.judge_candidates`), so the verdicts are exactly the ones the
   offline CLI would get;
3. returns a :class:`~inspect_ai.scorer.Score` whose value summarises the selection
   (``pick``: the expected oracle utility of the judge's pick, ties broken uniformly;
   ``best``: the best candidate's utility; ``mean``: a random pick's; ``None`` where
   undefined) and whose metadata carries the full per-candidate record
   (:mod:`judgespec_inspect._records`).

The judge
---------
The ``judge`` model role wins when bound (``--model-role judge=...``, or
``model_roles={"judge": ...}``): the contract's prompt, protocol and decoding parameters
then run on that Inspect model (``get_model(role="judge")``), and the record (its
``judge_model`` and every judgment's ``judge``) names that model and says that the
pinned judge was overridden. Otherwise the contract's own judge runs through its own
backend (``inspect``, ``transformers``, ...; one per panel judge), created once per
scorer. :func:`prepare_judge`, the first solver step of every audit, builds it (or checks
the role) before the policy is called, so a judge that cannot be built stops the run
before any candidate is paid for.

Sync engine, async Inspect
--------------------------
The engine is sync; the scorer runs it in a worker thread
(``anyio.to_thread.run_sync`` with the adapter's own capacity limiter, so it never
competes with Inspect for the default thread tokens). An Inspect-backed judge in that
thread hops back to the event loop for every batch (``anyio.from_thread.run``), so judge
calls share the eval's connection limits and show up in the sample transcript. Local
backends (``transformers``) are used by one thread at a time.
"""

from __future__ import annotations

import functools
import logging
import math
import threading
from collections.abc import Mapping, Sequence
from typing import Any

import anyio
import anyio.lowlevel
import anyio.to_thread
from inspect_ai.model import get_model, model_roles
from inspect_ai.scorer import Score, Scorer, Target, scorer
from inspect_ai.solver import Generate, Solver, TaskState, solver

from judgespec import LoadedContract
from judgespec.judge import JudgeBackend, JudgeOutput, judge_candidates, make_backend

from ._backend import InspectBackend
from ._contracts import resolve_contract
from ._errors import AuditArgumentError, JudgeUnavailableError
from ._names import registered
from ._oracle import Oracle, candidate_state, oracle_utilities, resolve_oracle
from ._params import check_int, check_text
from ._records import META_KEY, ORDER_KEY, SCHEMA, prompt_id_of
from ._solver import generation_record, pop_forked

__all__ = ["JUDGE_ROLE", "judge_selection", "prepare_judge", "selection_summary"]

logger = logging.getLogger(__name__)

JUDGE_ROLE = "judge"
"""The Inspect model role that overrides the contract's judge."""

_INSPECT_THREADS = 32
"""Samples judged at once through an Inspect-backed judge."""


def selection_summary(
    oracle: Sequence[float | None], judge: Sequence[float | None]
) -> dict[str, float | None]:
    """``pick``/``best``/``mean`` utilities of one prompt (see the module docstring)."""
    labelled = [y for y in oracle if y is not None]
    best = max(labelled) if labelled else None
    mean = sum(labelled) / len(labelled) if labelled else None
    pairs = [(s, y) for s, y in zip(judge, oracle, strict=True) if s is not None]
    pick: float | None = None
    if pairs:
        top = max(s for s, _ in pairs)
        tied = [y for s, y in pairs if s == top]
        if all(y is not None for y in tied):
            pick = sum(y for y in tied if y is not None) / len(tied)
    return {"pick": pick, "best": best, "mean": mean}


def _oracle_name(oracle: str | Scorer | Oracle) -> str:
    if isinstance(oracle, str):
        return oracle
    from ._compat import is_registry_object, registry_unqualified_name

    if is_registry_object(oracle):
        return registry_unqualified_name(oracle)
    return getattr(oracle, "name", type(oracle).__name__)


def _reference_fields(loaded: LoadedContract, state: TaskState) -> dict[str, str]:
    policy = loaded.contract.reference
    if policy.policy != "field" or policy.field is None:
        return {}
    value = state.metadata.get(policy.field)
    if value is None and policy.field == "target":
        value = state.target.text
    return {policy.field: str(value)} if value is not None else {}


class _JudgeRunner:
    """Creates the judge backend once and runs the engine in worker threads."""

    def __init__(self, loaded: LoadedContract) -> None:
        self.loaded = loaded
        self._backends: list[JudgeBackend] | None = None
        self._failed: tuple[object, str] | None = None
        """(event loop, reason) of the last failed build: samples of that run fail at once."""
        self._backend_lock = threading.Lock()
        self._local_lock = threading.Lock()
        self._limiters: dict[object, anyio.CapacityLimiter] = {}

    @staticmethod
    def _loop_key() -> object:
        token = anyio.lowlevel.current_token()
        return getattr(token, "native_token", token)  # anyio >= 4.11 wraps the loop

    def _limiter(self) -> anyio.CapacityLimiter:
        key = self._loop_key()
        limiter = self._limiters.get(key)
        if limiter is None:
            self._limiters = {key: anyio.CapacityLimiter(_INSPECT_THREADS)}
            limiter = self._limiters[key]
        return limiter

    def _contract_backends(self, run: object = None) -> list[JudgeBackend]:
        with self._backend_lock:
            if run is not None and self._failed is not None and self._failed[0] is run:
                raise JudgeUnavailableError(self._failed[1])
            if self._backends is None:
                made: dict[str, JudgeBackend] = {}
                try:
                    for judge in self.loaded.contract.judges:
                        key = judge.model_dump_json(exclude={"label"})
                        if key not in made:
                            made[key] = make_backend(judge)
                except Exception as exc:  # any backend failure: one line, before the policy runs
                    reason = f"contract '{self.loaded.contract.name}': the judge cannot be built: {exc}"
                    self._failed = (run, reason)  # a later run (the cause fixed) tries again
                    raise JudgeUnavailableError(reason) from None
                self._backends = [
                    made[j.model_dump_json(exclude={"label"})] for j in self.loaded.contract.judges
                ]
            return self._backends

    def _check_role(self) -> Any:
        contract = self.loaded.contract
        if contract.panel is not None:
            raise AuditArgumentError(
                f"contract '{contract.name}' has a panel of judges; the '{JUDGE_ROLE}' "
                "model role can only replace a single judge"
            )
        return get_model(role=JUDGE_ROLE)

    async def prepare(self) -> None:
        """Build the judge now (or check the ``judge`` role) so that failures come first."""
        if JUDGE_ROLE in model_roles():
            self._check_role()
            return
        run = self._loop_key()
        await anyio.to_thread.run_sync(self._contract_backends, run, limiter=self._limiter())

    def _run(self, rows: list[dict[str, Any]], override: JudgeBackend | None) -> JudgeOutput:
        if override is not None:
            return judge_candidates(self.loaded, rows, backend=override)
        backends = self._contract_backends()
        if all(isinstance(b, InspectBackend) for b in backends):
            return judge_candidates(self.loaded, rows, backends=backends)
        with self._local_lock:  # a local model is not shared between threads
            return judge_candidates(self.loaded, rows, backends=backends)

    async def judge(self, rows: list[dict[str, Any]]) -> tuple[JudgeOutput, str, bool]:
        """Judge ``rows``; return (engine output, judge model name, overridden?)."""
        contract = self.loaded.contract
        override: JudgeBackend | None = None
        if JUDGE_ROLE in model_roles():
            model = self._check_role()
            override = InspectBackend(model, seed=contract.judges[0].decoding.seed)
            name = str(model)
        else:
            name = " + ".join(j.model for j in contract.judges)
        output = await anyio.to_thread.run_sync(
            functools.partial(self._run, rows, override), limiter=self._limiter()
        )
        return output, name, override is not None


def _finite(value: Any) -> float | None:
    if value is None:
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def _candidate_record(
    cid: str, response: str, utility: float | None, raw: Score | None, judged: Mapping[str, Any]
) -> dict[str, Any]:
    record: dict[str, Any] = {
        "candidate_id": cid,
        "response": response,
        "oracle": utility,
        "oracle_value": raw.value if raw is not None else None,
        "judge_score": _finite(judged.get("judge_score")),
        "parse_failure": bool(judged.get("parse_failure", False)),
    }
    samples = judged.get("judge_samples")
    if samples:
        record["judge_samples"] = [_finite(s) for s in samples]
    return record


_RUNNERS: dict[str, _JudgeRunner] = {}
"""The judge runner of each contract reference, shared by the scorer and :func:`prepare_judge`."""
_runners_lock = threading.Lock()


def _runner_for(contract: str) -> _JudgeRunner:
    loaded = resolve_contract(contract)
    with _runners_lock:
        runner = _RUNNERS.get(contract)
        if runner is None or runner.loaded is not loaded:
            runner = _RUNNERS[contract] = _JudgeRunner(loaded)
        return runner


@solver(name=registered("prepare_judge"))
def prepare_judge(contract: str) -> Solver:
    """Build the contract's judge (or check the ``judge`` role) before the policy runs.

    The first step of every audit's solver: a judge that cannot be built raises a
    one-line error before any candidate is generated. The state is not changed.

    Args:
        contract: Contract path (or an in-memory reference made by the adapter).
    """
    check_text("prepare_judge", "contract", contract, example="specs/judge.yaml")
    runner = _runner_for(contract)

    async def solve(state: TaskState, generate: Generate) -> TaskState:
        await runner.prepare()
        return state

    return solve


@scorer(metrics=[], name=registered("judge_selection"))
def judge_selection(contract: str, oracle: str | Scorer = "match", n: int | None = None) -> Scorer:
    """Score best-of-n selection: oracle and contract judge on every candidate.

    Args:
        contract: Contract path (or an in-memory reference made by the adapter).
        oracle: ``match``, ``includes``, ``exact``, ``model_graded_fact``,
            ``field:<name>``, or any Inspect scorer (the wrapped task's own).
        n: The n the audit asked for (recorded; a prompt with fewer candidates is
            flagged in the scorecard).
    """
    check_text("judge_selection", "contract", contract, example="specs/judge.yaml")
    n = check_int("judge_selection", "n", n, minimum=1, optional=True)
    runner = _runner_for(contract)
    loaded = runner.loaded
    oracle_impl: Oracle = resolve_oracle(oracle) if isinstance(oracle, str) else oracle
    oracle_name = _oracle_name(oracle)

    async def score(state: TaskState, target: Target) -> Score:
        choices = list(state.output.choices)
        forked = pop_forked(state)
        states = forked if forked is not None else [candidate_state(state, c) for c in choices]
        ids = [f"c{i}" for i in range(len(states))]
        responses = [s.output.completion for s in states]
        verdicts = await oracle_utilities(oracle_impl, oracle_name, state, target, states)
        pid = prompt_id_of(state.sample_id, state.epoch)
        base = {"prompt_id": pid, "prompt": state.input_text, **_reference_fields(loaded, state)}
        rows = [{**base, "candidate_id": cid, "response": r} for cid, r in zip(ids, responses, strict=True)]
        judged_rows: list[Mapping[str, Any]] = [{} for _ in rows]
        comparisons: list[dict[str, Any]] = []
        judgments: list[dict[str, Any]] = []
        judge_name = " + ".join(j.model for j in loaded.contract.judges)
        overridden = False
        if rows:
            judged, judge_name, overridden = await runner.judge(rows)
            by_id = {str(r["candidate_id"]): r for r in judged.candidates}
            judged_rows = [by_id.get(cid, {}) for cid in ids]
            comparisons = [
                {k: c.get(k) for k in ("first_id", "second_id", "winner", "strength") if k in c}
                for c in judged.comparisons
            ]
            judgments = [_judgment(raw, judge_name if overridden else None) for raw in judged.raw]
        candidates = [
            _candidate_record(cid, resp, v.utility, v.score, jr)
            for cid, resp, v, jr in zip(ids, responses, verdicts, judged_rows, strict=True)
        ]
        identical = len(responses) >= 2 and len(set(responses)) == 1
        if identical:  # lands in the sample's transcript in the log
            logger.warning(
                "judgespec: prompt %s: all %d candidates are identical; the judge has nothing to "
                "select (check the policy's temperature and the cache)",
                pid,
                len(responses),
            )
        summary = selection_summary(
            [c["oracle"] for c in candidates], [c["judge_score"] for c in candidates]
        )
        record = {
            "schema": SCHEMA,
            "prompt_id": pid,
            "epoch": state.epoch,
            "order": (state.metadata or {}).get(ORDER_KEY),
            "prompt": state.input_text,
            "n_requested": n,
            "generation": generation_record(state),
            "contract": loaded.fingerprint,
            "judge_model": judge_name,
            "judge_overridden": overridden,
            "oracle": oracle_name,
            "identical_candidates": identical,
            "candidates": candidates,
            "comparisons": comparisons,
            "judgments": judgments,
        }
        picked = _pick(candidates)
        return Score(
            value=summary,
            answer=picked["response"] if picked is not None else None,
            explanation=_explain(candidates, picked, n, identical=identical),
            metadata={META_KEY: record},
        )

    return score


_RAW_KEYS = ("judge", "stage", "candidate_ids", "order", "sample", "output", "verdict", "parse_error")
_MAX_OUTPUT = 2000


def _judgment(raw: Mapping[str, Any], override: str | None) -> dict[str, Any]:
    """One judge call for the log: who (``override`` when the role replaced the judge),
    what, the raw output (capped) and the verdict."""
    out = {key: raw.get(key) for key in _RAW_KEYS}
    if override is not None:
        out["judge"] = override
    text = out.get("output")
    if isinstance(text, str) and len(text) > _MAX_OUTPUT:
        out["output"] = text[:_MAX_OUTPUT] + "..."
    return out


def _pick(candidates: list[dict[str, Any]]) -> dict[str, Any] | None:
    scored = [c for c in candidates if c["judge_score"] is not None]
    return max(scored, key=lambda c: c["judge_score"]) if scored else None


def _explain(
    candidates: list[dict[str, Any]], picked: dict[str, Any] | None, n: int | None, *, identical: bool
) -> str:
    parts = [
        f"{c['candidate_id']}: judge {c['judge_score'] if c['judge_score'] is not None else 'parse failure' if c['parse_failure'] else '-'}, "
        f"oracle {c['oracle'] if c['oracle'] is not None else '-'}"
        for c in candidates
    ]
    head = f"judge picks {picked['candidate_id']}" if picked is not None else "judge makes no pick"
    short = f"; only {len(candidates)} of n={n} candidates" if n is not None and len(candidates) < n else ""
    same = "; WARNING: all candidates are identical (nothing to select)" if identical else ""
    return f"{head}{short}{same}. " + "; ".join(parts)
