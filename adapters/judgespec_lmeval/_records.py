"""Per-document audit records: what a compiled task stores in each metric value.

lm-eval keeps a metric's per-document value as given (and writes it, JSON structure
intact, to the ``--log_samples`` file), so a compiled task's ``process_results`` returns
one record per document under every audit metric. A record is plain JSON::

    {"prompt_id": "3", "prompt": "What is 2 + 3?", "reference": null,
     "judged_by": "sha256:...",
     "candidates": [{"candidate_id": "0", "answer": "5", "oracle": 1.0,
                     "judge_score": 4.0, "parse_failure": false}, ...],
     "comparisons": [{"first_id": "0", "second_id": "1", "winner": "first"}, ...]}

``judged_by`` is the fingerprint of the contract whose verdicts the record holds (null
until judged, with ``judge: deferred``); ``judge_score`` is null until judged and where
the judge's output could not be parsed (``parse_failure: true``). Response texts are not repeated here:
they are the samples file's ``resps``.

The same functions turn records into candidates/comparisons rows for the judge engine
and for :func:`judgespec.pipeline.score_tables`, so the lm-eval aggregation, the
post-hoc reader and the offline CLI score identical rows.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "CandidateAnswers",
    "DocCandidates",
    "Verdict",
    "candidate_rows",
    "comparison_rows",
    "has_verdicts",
    "make_record",
    "verdicts_of",
    "with_verdicts",
]


@dataclass(frozen=True)
class Verdict:
    """The judge's verdict on one candidate."""

    judge_score: float | None
    parse_failure: bool
    judge_samples: tuple[float, ...] | None = None


@dataclass(frozen=True)
class DocCandidates:
    """One document's n candidates as judged (or about to be judged)."""

    prompt_id: str
    prompt: str
    """What the judge sees as ``prompt``: the base task's ``doc_to_text``."""
    responses: tuple[str, ...]
    """The policy's n raw generations."""
    reference: str | None = None
    """The reference answer when the contract uses one."""
    verdicts: tuple[Verdict, ...] | None = None
    """One verdict per candidate, or None when judging is deferred."""
    judged_by: str | None = None
    """Fingerprint of the contract that gave the verdicts."""
    comparisons: tuple[dict[str, Any], ...] = field(default_factory=tuple)
    """Pairwise verdicts (``first_id``, ``second_id``, ``winner``, ``strength``)."""


class CandidateAnswers(list[str]):
    """A filter ensemble's per-candidate answers, carrying the document's candidates.

    lm-eval hands ``process_results`` only the filtered responses; this list of the n
    extracted answers also carries :attr:`doc`, so the oracle and the judge's verdicts
    meet there. In a samples file it is written as the plain list of answers.
    """

    def __init__(self, answers: Sequence[str], doc: DocCandidates) -> None:
        super().__init__(answers)
        self.doc = doc


def _clean(value: Any) -> float | None:
    if value is None:
        return None
    number = float(value)
    return None if math.isnan(number) else number


def make_record(doc: DocCandidates, answers: Sequence[Any], oracles: Sequence[float | None]) -> dict[str, Any]:
    """The JSON record of one document (see the module docstring)."""
    candidates: list[dict[str, Any]] = []
    for i, (answer, oracle) in enumerate(zip(answers, oracles, strict=True)):
        row: dict[str, Any] = {
            "candidate_id": str(i),
            "answer": answer if isinstance(answer, str) else str(answer),
            "oracle": _clean(oracle),
            "judge_score": None,
            "parse_failure": False,
        }
        if doc.verdicts is not None:
            verdict = doc.verdicts[i]
            row["judge_score"] = _clean(verdict.judge_score)
            row["parse_failure"] = bool(verdict.parse_failure)
            if verdict.judge_samples is not None:
                row["judge_samples"] = [float(s) for s in verdict.judge_samples]
        candidates.append(row)
    return {
        "prompt_id": doc.prompt_id,
        "prompt": doc.prompt,
        "reference": doc.reference,
        "judged_by": doc.judged_by if doc.verdicts is not None else None,
        "candidates": candidates,
        "comparisons": [dict(c) for c in doc.comparisons],
    }


def with_verdicts(
    record: Mapping[str, Any],
    verdicts: Sequence[Verdict],
    comparisons: Sequence[Mapping[str, Any]],
    *,
    judged_by: str,
) -> dict[str, Any]:
    """A copy of ``record`` with the judge's verdicts filled in."""
    candidates = []
    for row, verdict in zip(record["candidates"], verdicts, strict=True):
        new = {k: v for k, v in row.items() if k != "judge_samples"}
        new["judge_score"] = _clean(verdict.judge_score)
        new["parse_failure"] = bool(verdict.parse_failure)
        if verdict.judge_samples is not None:
            new["judge_samples"] = [float(s) for s in verdict.judge_samples]
        candidates.append(new)
    return {
        **record,
        "judged_by": judged_by,
        "candidates": candidates,
        "comparisons": [dict(c) for c in comparisons],
    }


def verdicts_of(record: Mapping[str, Any]) -> tuple[Verdict, ...]:
    """The verdicts a judged record holds, one per candidate."""
    return tuple(
        Verdict(
            judge_score=cand.get("judge_score"),
            parse_failure=bool(cand.get("parse_failure", False)),
            judge_samples=tuple(cand["judge_samples"]) if "judge_samples" in cand else None,
        )
        for cand in record["candidates"]
    )


def has_verdicts(records: Sequence[Mapping[str, Any]], fingerprint: str | None = None) -> bool:
    """Whether all records hold verdicts (of the contract ``fingerprint``, when given)."""
    return bool(records) and all(
        r.get("judged_by") is not None and (fingerprint is None or r["judged_by"] == fingerprint)
        for r in records
    )


def candidate_rows(
    records: Sequence[Mapping[str, Any]],
    responses: Mapping[str, Sequence[str]] | None = None,
) -> list[dict[str, Any]]:
    """Candidates-table rows of the records; ``responses`` adds texts by prompt id."""
    rows: list[dict[str, Any]] = []
    for record in records:
        pid = str(record["prompt_id"])
        texts = responses.get(pid) if responses is not None else None
        for i, cand in enumerate(record["candidates"]):
            row: dict[str, Any] = {
                "prompt_id": pid,
                "candidate_id": str(cand["candidate_id"]),
                "oracle": cand.get("oracle"),
                "judge_score": cand.get("judge_score"),
                "parse_failure": bool(cand.get("parse_failure", False)),
            }
            if "judge_samples" in cand:
                row["judge_samples"] = cand["judge_samples"]
            if texts is not None:
                row["prompt"] = record.get("prompt")
                row["response"] = texts[i]
            rows.append(row)
    return rows


def comparison_rows(records: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Comparisons-table rows of the records (empty when the protocol is pointwise)."""
    rows: list[dict[str, Any]] = []
    for record in records:
        pid = str(record["prompt_id"])
        for comp in record.get("comparisons") or ():
            rows.append({"prompt_id": pid, **{k: v for k, v in comp.items() if k != "prompt_id"}})
    return rows
