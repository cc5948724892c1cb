"""The judge step: every candidate of every document, judged in one engine call.

lm-eval applies a task's filters once, after all generation, to all documents at once;
:class:`~judgespec_lmeval.BestOfNTask` runs this step right there, after the base
task's answer-extraction filters. One :func:`judgespec.judge.judge_candidates` call
sees all documents' candidates, so the backend batches across documents.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from judgespec import AuditDataError, LoadedContract

from ._records import DocCandidates, Verdict

if TYPE_CHECKING:
    from judgespec.judge import JudgeBackend, JudgeCache

__all__ = ["judge_docs", "judge_rows"]


def judge_rows(loaded: LoadedContract, docs: Sequence[DocCandidates]) -> list[dict[str, Any]]:
    """The judge engine's input rows: one per (document, candidate)."""
    ref_field = loaded.contract.reference.field
    rows: list[dict[str, Any]] = []
    for doc in docs:
        for i, response in enumerate(doc.responses):
            row: dict[str, Any] = {
                "prompt_id": doc.prompt_id,
                "candidate_id": str(i),
                "prompt": doc.prompt,
                "response": response,
            }
            if ref_field is not None:
                if doc.reference is None:
                    raise AuditDataError(
                        f"prompt {doc.prompt_id}: the contract's reference field "
                        f"'{ref_field}' has no value for this document"
                    )
                row[ref_field] = doc.reference
            rows.append(row)
    return rows


def _verdict(row: Mapping[str, Any]) -> Verdict:
    samples = row.get("judge_samples")
    return Verdict(
        judge_score=row.get("judge_score"),
        parse_failure=bool(row.get("parse_failure", False)),
        judge_samples=tuple(float(s) for s in samples if s is not None) if samples else None,
    )


def judge_docs(
    loaded: LoadedContract,
    docs: Sequence[DocCandidates],
    *,
    backend: JudgeBackend | None = None,
    cache: JudgeCache | None = None,
) -> list[DocCandidates]:
    """Judge all documents' candidates in one engine call; return them with verdicts.

    ``backend`` overrides the contract's own backend (default: the registry's backend
    for each judge of the contract, built only when a judge call misses ``cache``).
    ``cache`` answers repeated judge calls (and stores new ones); None: no cache.
    """
    from judgespec.judge import judge_candidates

    if not docs:
        return []
    output = judge_candidates(loaded, judge_rows(loaded, docs), backend=backend, cache=cache)
    verdicts: dict[tuple[str, str], Verdict] = {
        (str(row["prompt_id"]), str(row["candidate_id"])): _verdict(row)
        for row in output.candidates
    }
    comparisons: dict[str, list[dict[str, Any]]] = {}
    for comp in output.comparisons:
        pid = str(comp["prompt_id"])
        comparisons.setdefault(pid, []).append(
            {k: v for k, v in comp.items() if k != "prompt_id"}
        )
    return [
        replace(
            doc,
            verdicts=tuple(verdicts[(doc.prompt_id, str(i))] for i in range(len(doc.responses))),
            comparisons=tuple(comparisons.get(doc.prompt_id, ())),
            judged_by=loaded.fingerprint,
        )
        for doc in docs
    ]
