"""One path from candidates to a scorecard, shared by the CLI and every adapter.

The offline CLI, the Inspect adapter and the lm-eval adapter all call
:func:`score_tables` (and :func:`judge_and_score` when a model must judge first), so one
contract and one candidate set give identical metric values whatever framework ran them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .contract import LoadedContract
    from .judge import JudgeBackend, JudgeCache, JudgeOutput
    from .scorecard import ContractInfo, Scorecard

__all__ = ["AuditOutcome", "contract_info", "judge_and_score", "score_tables"]


@dataclass(frozen=True)
class AuditOutcome:
    """A judged candidate set and its scorecard."""

    judged: JudgeOutput
    scorecard: Scorecard


def score_tables(
    candidate_rows: Sequence[Mapping[str, Any]],
    comparison_rows: Sequence[Mapping[str, Any]] | None = None,
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
    """Score recorded verdicts: candidates (and comparisons) table rows -> scorecard.

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

    table = CandidatesTable.from_rows(candidate_rows, source=source)
    comparisons = (
        ComparisonsTable.from_rows(comparison_rows, candidates=table, source=source)
        if comparison_rows
        else None
    )
    tie_policy = "expected"
    ranking = "win_share"
    margin = 0.0
    audit_seed = seed
    if loaded is not None:
        tp = loaded.contract.tie_policy
        tie_policy = tp.kind  # run_audit accepts every contract tie-policy name
        margin = tp.margin
        if tp.kind == "seeded_random":
            audit_seed = tp.seed
        protocol = loaded.contract.protocol
        if protocol.kind == "tournament":
            ranking = "knockout" if protocol.format == "knockout" else protocol.ranking
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
    from .contract import resolve_revision
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
    """Judge candidates under a contract, then score them (see :func:`score_tables`)."""
    from .judge import judge_candidates

    by = score_options.get("by")
    if by is not None:  # a bad slice column fails before any model runs
        from .audit import CandidatesTable
        from .audit._slices import slice_values

        slice_values(CandidatesTable.from_rows(candidate_rows, source=score_options.get("source", "<rows>")), by)
    judged = judge_candidates(loaded, candidate_rows, backend=backend, cache=cache, progress=progress)
    card = score_tables(judged.candidates, judged.comparisons, loaded=loaded, **score_options)
    return AuditOutcome(judged=judged, scorecard=card)
