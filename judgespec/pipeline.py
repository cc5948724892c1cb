"""One path from candidates to a scorecard, shared by the CLI and every adapter.

The offline CLI, the Inspect adapter and the lm-eval adapter all call
:func:`score_tables` (and :func:`judge_and_score` when a model must judge first), so one
contract and one candidate set give identical metric values whatever framework ran them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ._sources import SourceRows
from .contract import selection_options

if TYPE_CHECKING:
    from .audit import CandidatesTable, ComparisonsTable
    from .contract import LoadedContract
    from .judge import JudgeBackend, JudgeCache, JudgeOutput
    from .scorecard import ContractInfo, Scorecard

__all__ = [
    "AuditOutcome",
    "SourceRows",
    "contract_info",
    "judge_and_score",
    "score_tables",
    "selection_options",
    "with_probes",
    "with_slice_column",
]


@dataclass(frozen=True)
class AuditOutcome:
    """A judged candidate set and its scorecard."""

    judged: JudgeOutput
    scorecard: Scorecard


def with_slice_column(
    rows: Sequence[Mapping[str, Any]],
    by: str,
    metadata: Mapping[str, Mapping[str, Any]],
    *,
    source: str,
    field: str,
) -> list[dict[str, Any]]:
    """Copies of candidates rows carrying column ``by`` from each prompt's metadata.

    For the adapters' post-hoc readers: ``metadata`` maps a prompt id to that prompt's
    metadata in the log (an Inspect sample's metadata, an lm-eval document), ``field``
    says what one key of it is called in errors. The column is checked as the audit
    checks a slice column (:func:`judgespec.audit.run_audit` with ``by``), so rows not
    yet judged fail here, before a model runs.

    Raises:
        AuditDataError: naming ``source`` when ``by`` is a candidates-table column, no
            prompt has it, a prompt has none, or it has one value.
    """
    from ._errors import AuditDataError
    from .tables import CANDIDATE_COLUMNS

    keys = sorted({str(k) for meta in metadata.values() for k in meta})
    listed = ", ".join(keys[:12]) + (", ..." if len(keys) > 12 else "")
    hint = f"slice by one of the {field}s ({listed})" if keys else f"the log has no {field}s"
    if by in CANDIDATE_COLUMNS:
        raise AuditDataError(
            f"{source}: slice column {by!r} is a candidates-table column, not a {field}; {hint}"
        )
    if not any(by in meta for meta in metadata.values()):
        raise AuditDataError(
            f"{source}: slice column {by!r} is missing: it is not a {field} of any prompt; {hint}"
        )
    out = []
    for row in rows:
        meta = metadata.get(str(row["prompt_id"])) or {}
        out.append({**row, by: meta.get(by)})
    if out:  # a null, split or single-valued column fails here, before any judging
        from .audit import CandidatesTable
        from .audit._slices import slice_values

        slice_values(CandidatesTable.from_rows(out, source=source), by)
    return out


def score_tables(
    candidate_rows: Sequence[Mapping[str, Any]] | CandidatesTable,
    comparison_rows: Sequence[Mapping[str, Any]] | ComparisonsTable | None = None,
    *,
    loaded: LoadedContract | None = None,
    framework: str = "offline",
    policy_model: str | None = None,
    dataset: str | None = None,
    n: int | None = None,
    candidate_pool: str | None = None,
    seed: int = 0,
    n_bootstrap: int = 2000,
    confidence: float = 0.95,
    interval: str = "studentized",
    created_at: str | None = None,
    source: str = "<rows>",
    warnings: Sequence[str] = (),
    by: str | None = None,
) -> Scorecard:
    """Score recorded verdicts: candidates (and comparisons) tables -> scorecard.

    ``candidate_rows`` and ``comparison_rows`` are tables
    (:class:`~judgespec.audit.CandidatesTable`, :class:`~judgespec.audit.ComparisonsTable`,
    used as they are) or row mappings (validated into tables, errors naming ``source``).

    The tie policy and gates come from the contract when one is given (audit-level tie
    policies ``expected``, ``seeded_random``, ``first_position``, ``abstain``; the
    engine-level ones have already separated ties in the judge scores and are scored
    as ``expected``). Candidates without judge scores get selection scores derived from
    the comparisons with the contract's ranking (win share; a tournament's Copeland,
    Bradley-Terry or knockout). ``by`` names a prompt-level column whose values each
    get their own audit (the scorecard's ``slices``). ``interval`` is the bootstrap
    interval method (``studentized`` or ``percentile``, see
    :func:`judgespec.audit.run_audit`).
    """
    from .audit import CandidatesTable, ComparisonsTable, run_audit
    from .scorecard import RunInfo, build_scorecard

    table = (
        candidate_rows
        if isinstance(candidate_rows, CandidatesTable)
        else CandidatesTable.from_rows(candidate_rows, source=source)
    )
    comparisons: ComparisonsTable | None
    if isinstance(comparison_rows, ComparisonsTable):
        comparisons = comparison_rows
    elif comparison_rows:
        comparisons = ComparisonsTable.from_rows(comparison_rows, candidates=table, source=source)
    else:
        comparisons = None
    tie_policy, ranking = selection_options(loaded)
    margin = 0.0
    audit_seed = seed
    if loaded is not None:
        tp = loaded.contract.tie_policy
        margin = tp.margin
        if tp.kind == "seeded_random":
            audit_seed = tp.seed
    result = run_audit(
        table,
        comparisons,
        tie_policy=tie_policy,
        ranking=ranking,
        n_bootstrap=n_bootstrap,
        seed=audit_seed,
        confidence=confidence,
        interval=interval,
        escalation_margin=margin,
        by=by,
    )
    return build_scorecard(
        result,
        contract=contract_info(loaded),
        run=RunInfo(
            framework=framework,
            policy_model=policy_model,
            dataset=dataset,
            n=n,
            candidate_pool=candidate_pool,
            warnings=list(warnings),
        ),
        gates=loaded.contract.gates if loaded is not None else (),
        created_at=created_at,
    )


def contract_info(loaded: LoadedContract | None) -> ContractInfo:
    """The scorecard's ``contract`` section; without a contract, recorded verdicts of an unnamed judge."""
    from .scorecard import ContractInfo

    if loaded is None:
        return ContractInfo(
            name="(no contract)",
            version="-",
            fingerprint="none",
            judge_model="(recorded verdicts)",
            revision=None,
            protocol="recorded",
            tie_policy="expected",
            warnings=["no contract: the judge that produced these verdicts is not pinned"],
        )
    from .lock import resolve_revision

    contract = loaded.contract
    judges = contract.judges
    revisions = [resolve_revision(j) for j in judges]
    return ContractInfo(
        name=contract.name,
        version=contract.version,
        fingerprint=loaded.fingerprint,
        judge_model=" + ".join(j.model for j in judges),
        revision=" + ".join(r or "-" for r in revisions) if any(revisions) else None,
        protocol=contract.protocol.kind,
        tie_policy=contract.tie_policy.kind,
        warnings=contract.warnings,
    )


def judge_and_score(
    loaded: LoadedContract,
    candidate_rows: Sequence[Mapping[str, Any]],
    *,
    backend: JudgeBackend | None = None,
    cache: JudgeCache | None = None,
    progress: bool = False,
    **score_options: Any,
) -> AuditOutcome:
    """Judge candidates under a contract, then score them (see :func:`score_tables`).

    The rows are validated as a whole before any judge call; errors name
    ``score_options["source"]`` (the file the rows came from) and the row.
    """
    from .judge import judge_candidates

    by = score_options.get("by")
    if by is not None:  # a bad slice column fails before any model runs
        from .audit import CandidatesTable
        from .audit._slices import slice_values

        slice_values(CandidatesTable.from_rows(candidate_rows, source=score_options.get("source", "<rows>")), by)
    judged = judge_candidates(
        loaded,
        candidate_rows,
        backend=backend,
        cache=cache,
        progress=progress,
        source=score_options.get("source", "<rows>"),
    )
    card = score_tables(judged.candidates, judged.comparisons, loaded=loaded, **score_options)
    card = with_probes(card, loaded, candidate_rows, backend=backend, cache=cache, progress=progress)
    return AuditOutcome(judged=judged, scorecard=card)


def with_probes(
    card: Scorecard,
    loaded: LoadedContract | None,
    candidate_rows: Sequence[Mapping[str, Any]],
    *,
    backend: JudgeBackend | None = None,
    cache: JudgeCache | None = None,
    progress: bool = False,
) -> Scorecard:
    """``card`` with the contract's probes run and scored (``card`` itself when it declares none).

    The probes judge a seeded sample of ``candidate_rows`` (which need ``response``)
    live through ``backend`` (default: the contract's own) and ``cache`` (see
    :func:`judgespec.judge.run_probes`); their intervals use the scorecard's bootstrap
    replicates and confidence, seeded by the probes' seed (see
    :func:`judgespec.audit.probe_statistics`).
    """
    if loaded is None or loaded.contract.probes is None:
        return card
    from .audit import probe_statistics
    from .judge import run_probes
    from .scorecard import Metric, ProbeResult

    runs = run_probes(loaded, candidate_rows, backend=backend, cache=cache, progress=progress)
    stats = probe_statistics(
        runs.probes, n_bootstrap=card.run.n_bootstrap, seed=runs.seed, confidence=card.run.confidence
    )

    def metric(e: Any, prompts: int, reason: str) -> Metric:
        if prompts == 0:
            reason = "no eligible prompt: the probe needs prompts with two or more candidates with responses"
        return Metric(
            estimate=e.estimate, ci_low=e.ci_low, ci_high=e.ci_high, n=e.n, unit="prompts",
            reason=None if e.n else reason,
        )

    results = [
        ProbeResult(
            kind=s.kind,
            description=s.description,
            prompts=s.prompts,
            score_shift=metric(s.score_shift, s.prompts, "no sampled prompt has the target scored both times"),
            flip_rate=metric(s.flip_rate, s.prompts, "no sampled prompt has a judge pick both times"),
            pairs=s.pairs,
            gained=s.gained,
            lost=s.lost,
            pairs_from=s.pairs_from,
            mcnemar_p=s.mcnemar_p,
            bh_q=s.bh_q,
        )
        for s in stats
    ]
    return card.model_copy(update={"probes": results})
