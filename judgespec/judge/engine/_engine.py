"""The judge engine: render -> backend -> parse -> tie policy -> aggregate.

:func:`judge_candidates` runs a contract over candidates-table rows and returns the
judged rows, the comparisons table, every raw judgment and run statistics.

Protocols (see the modules for details and formulas):

- ``pointwise`` (:mod:`._pointwise`): one generated verdict per candidate, judge and
  sample; strict parsing; samples, then panel judges, are aggregated.
- ``logprob`` (:mod:`._pointwise`): one forward pass per candidate and judge; the score
  is the renormalised expectation over the scale's tokens.
- ``pairwise`` (:mod:`._pairwise`): every within-prompt pair in one or both orders; the
  candidate score is its win share ``(W + T/2) / (W + T + L)``.
- ``tournament`` (:mod:`._tournament`): round robin ranked by Copeland or
  Bradley-Terry, or a knockout bracket scored by elimination round.

Tie policies ``logprob`` and ``pairwise_escalation`` act here (:mod:`._ties`); the
others (``expected``, ``seeded_random``, ``first_position``, ``abstain``) act in the
audit, so the engine leaves scores as they are for them.

With ``reference.policy: judge`` each judge first writes its own reference answer to
every prompt (stage ``reference``); its templates then see it as ``reference``.
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping, Sequence
from functools import partial
from typing import Any

from ..._errors import AuditDataError
from ...contract import LoadedContract, template_variables
from ...tables import check_candidate_rows
from ..backends._backend import JudgeBackend, make_backend
from ..protocols._context import Call, Prompt, RunContext
from ..protocols._pairwise import round_robin
from ..protocols._pointwise import Scored, logprob_scores, pointwise_scores
from ..protocols._render import reference_request
from ..protocols._tournament import run_tournament
from ._cache import JudgeCache
from ._output import JudgeOutput, JudgeStats
from ._runner import LazyBackend, ProgressCallback, Runner
from ._ties import break_ties

__all__ = ["group_prompts", "judge_candidates", "judge_labels"]


def group_prompts(rows: Sequence[Mapping[str, Any]]) -> list[Prompt]:
    """Group rows by ``prompt_id`` (first appearance order; candidates in input order).

    Raises :class:`AuditDataError` for a row without ``prompt_id`` or ``candidate_id``
    and for a duplicate ``(prompt_id, candidate_id)``.
    """
    groups: dict[str, list[int]] = {}
    ids: dict[str, Any] = {}
    seen: set[tuple[str, str]] = set()
    for n, row in enumerate(rows):
        for key in ("prompt_id", "candidate_id"):
            if row.get(key) is None:
                raise AuditDataError(
                    f"candidate row {n + 1}: '{key}' is missing; every row needs prompt_id and candidate_id"
                )
        pid = json.dumps(row["prompt_id"], sort_keys=True)
        cid = json.dumps(row["candidate_id"], sort_keys=True)
        if (pid, cid) in seen:
            raise AuditDataError(
                f"candidate row {n + 1}: duplicate (prompt_id={row['prompt_id']!r}, "
                f"candidate_id={row['candidate_id']!r}); each candidate must appear once"
            )
        seen.add((pid, cid))
        groups.setdefault(pid, []).append(n)
        ids.setdefault(pid, row["prompt_id"])
    return [Prompt(ids[pid], tuple(positions)) for pid, positions in groups.items()]


def judge_labels(loaded: LoadedContract) -> list[str]:
    """A distinct label per judge: its ``label``, else its model id (numbered if repeated)."""
    names = [j.label or j.model for j in loaded.contract.judges]
    return [f"{name}#{n + 1}" if names.count(name) > 1 else name for n, name in enumerate(names)]


def _backends(
    loaded: LoadedContract, backend: JudgeBackend | None, backends: Sequence[JudgeBackend] | None
) -> list[JudgeBackend | LazyBackend]:
    """The judges' backends: the given ones, else lazily built ones (one per distinct judge).

    A lazily built backend is made by :func:`make_backend` only when a call misses the
    cache, so a fully cached rerun loads no model.
    """
    judges = loaded.contract.judges
    if backends is not None:
        if len(backends) != len(judges):
            raise ValueError(f"backends: {len(backends)} given for {len(judges)} judge(s)")
        return list(backends)
    if backend is not None:
        return [backend] * len(judges)
    made: dict[str, LazyBackend] = {}
    out: list[JudgeBackend | LazyBackend] = []
    for judge in judges:
        key = judge.model_dump_json(exclude={"label"})
        if key not in made:
            made[key] = LazyBackend(judge.backend, partial(make_backend, judge))
        out.append(made[key])
    return out


def _write_references(ctx: RunContext) -> None:
    contract = ctx.loaded.contract
    used = set(contract.prompt.variables)
    if ctx.loaded.texts.escalation_template is not None:
        used |= template_variables(
            ctx.loaded.texts.escalation_template, where="tie_policy.pairwise"
        )
    if contract.reference.policy != "judge" or "reference" not in used:
        return
    calls = []
    for j, judge in enumerate(ctx.judges):
        for prompt in ctx.prompts:
            first = ctx.rows[prompt.rows[0]]
            text = first.get("prompt")
            if not isinstance(text, str):
                raise AuditDataError(
                    f"prompt_id={prompt.prompt_id!r}: field 'prompt' is missing; "
                    "reference.policy 'judge' needs the prompt text"
                )
            calls.append(Call(j, "reference", prompt.prompt_id, (), reference_request(judge, text)))
    for reply in ctx.run(calls):
        ctx.record(reply, None)
        ctx.references[(reply.call.judge, reply.call.prompt_id)] = reply.text or ""


def _score(ctx: RunContext) -> tuple[Scored, list[dict[str, Any]]]:
    protocol = ctx.loaded.contract.protocol
    template = ctx.loaded.texts.template
    if protocol.kind == "pointwise":
        return pointwise_scores(ctx, ctx.prompts, protocol), []
    if protocol.kind == "logprob":
        return logprob_scores(ctx, ctx.prompts, protocol), []
    if protocol.kind == "pairwise":
        rr = round_robin(
            ctx,
            ctx.prompts,
            template=template,
            labels=protocol.labels,
            allow_tie=protocol.allow_tie,
            orders=protocol.orders,
            ranking="win_share",
            strength=protocol.strength == "logprob",
        )
    else:
        rr = run_tournament(ctx, ctx.prompts, protocol, template=template)
    return Scored(rr.scores, rr.samples if ctx.sample_count > 1 else {}), rr.comparisons


def judge_candidates(
    loaded: LoadedContract,
    rows: Sequence[Mapping[str, Any]],
    *,
    backend: JudgeBackend | None = None,
    backends: Sequence[JudgeBackend] | None = None,
    cache: JudgeCache | None = None,
    progress: bool | ProgressCallback = False,
    source: str = "<rows>",
) -> JudgeOutput:
    """Judge candidates-table rows under a contract.

    Args:
        loaded: The contract (:func:`judgespec.load_contract`).
        rows: Candidates-table rows: ``prompt_id``, ``candidate_id``, ``response``,
            ``prompt`` where the template uses it, the reference field under
            ``reference.policy: field``, and any other fields (kept as they are).
        backend: Serve every judge with this backend (default: each judge's own backend from
            the registry, see :func:`judgespec.judge.make_backend`, built only when a judge
            call misses the cache).
        backends: One backend per judge of a panel, in panel order (instead of ``backend``).
        cache: Answer repeated judge calls from (and store new ones in) this cache.
        progress: Show a progress bar on stderr; or a callable ``(done, added)`` told of
            judgments done and added to the total as the run goes (for a caller's own
            display).
        source: Where the rows came from (a file), named in errors.

    Returns:
        ``candidates``: the rows plus ``judge_score`` (float or None), ``parse_failure``,
        ``judge_samples`` (per-sample scores, when ``samples.count`` > 1 and the protocol
        has them), ``judge_panel`` (judge label -> score, for a panel judging pointwise or
        logprob) and, under the
        ``logprob`` and ``pairwise_escalation`` tie policies, ``judge_score_raw``,
        ``tie_break`` and ``tie_break_score`` (see :mod:`judgespec.judge.engine._ties`).
        ``comparisons``, ``raw`` and ``stats`` as documented on :class:`JudgeOutput`.

    Notes:
        A judge output that cannot be parsed is recorded (``raw``: ``parse_error``) and
        counted, never replaced by a default score; a candidate all of whose judgments
        failed has ``judge_score`` None and ``parse_failure`` True.

    Raises:
        AuditDataError: Before any judge call, for rows that are not a valid candidates
            table (:func:`judgespec.tables.check_candidate_rows`: ids that are not
            non-empty strings, a repeated key, non-numeric or non-finite scores), naming
            ``source``.
    """
    started = time.perf_counter()
    contract = loaded.contract
    check_candidate_rows(rows, source=source)  # the whole table, before any model loads
    table = [dict(row) for row in rows]
    prompts = group_prompts(table)
    chosen = _backends(loaded, backend, backends)
    with Runner(
        contract.judges, chosen, fingerprint=loaded.fingerprint, cache=cache, progress=progress
    ) as runner:
        ctx = RunContext(loaded, table, prompts, runner, judge_labels(loaded))
        _write_references(ctx)
        scored, comparisons = _score(ctx)
        final = dict(scored.scores)
        tie = None
        if contract.tie_policy.kind in (
            "logprob",
            "pairwise_escalation",
        ) and contract.protocol.kind in ("pointwise", "logprob"):
            scale = contract.protocol.scale
            tie = break_ties(ctx, prompts, scored, scale=scale)
            final = tie.scores
            comparisons = comparisons + tie.comparisons
    failed = 0
    comparative = contract.protocol.kind in ("pairwise", "tournament")
    lone = {p.rows[0] for p in prompts if len(p.rows) == 1} if comparative else set()
    for pos, row in enumerate(table):
        score = final.get(pos)
        judged = scored.scores.get(pos)
        row["judge_score"] = score
        row["parse_failure"] = judged is None and pos not in lone
        failed += bool(row["parse_failure"])
        if pos in scored.samples:
            row["judge_samples"] = scored.samples[pos]
        if contract.panel is not None and pos in scored.per_judge:
            row["judge_panel"] = dict(zip(ctx.labels, scored.per_judge[pos], strict=True))
        if tie is not None:
            row["judge_score_raw"] = judged
            row["tie_break"] = tie.ranks.get(pos)
            row["tie_break_score"] = tie.evidence.get(pos)
    counters = runner.counters
    stats = JudgeStats(
        judgments=counters.judgments,
        model_calls=counters.model_calls,
        cache_hits=counters.cache_hits,
        batches=counters.batches,
        parse_failures=dict(sorted(ctx.failures.items())),
        candidate_parse_failures=failed,
        seconds=time.perf_counter() - started,
        model_seconds=counters.model_seconds,
        tokens=counters.tokens,
        tie_groups=tie.groups if tie is not None else 0,
        unresolved_ties=tie.unresolved if tie is not None else 0,
    )
    return JudgeOutput(table, comparisons, ctx.raw, stats, loaded.fingerprint, ctx.labels)
