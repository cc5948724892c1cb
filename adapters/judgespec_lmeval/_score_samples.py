"""Post-hoc scoring of a compiled task's samples: judge where needed, then score.

Records that already hold verdicts of the given contract (same fingerprint) are scored
as they are; otherwise every candidate is judged under the contract first, from the
record's prompt, the samples' raw generations and the document's reference field. Either
way the scorecard comes from :func:`judgespec.pipeline.score_tables`.

Judging goes through the judge cache that ``judgespec audit`` uses (``$JUDGESPEC_CACHE_DIR``,
else the user cache dir): calls found there are not sent, and the contract's backend is
built only when some call misses, so rescoring samples judged before loads no model.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from judgespec import AuditDataError, JudgespecError, LoadedContract, load_contract

from ._judge_step import judge_docs
from ._records import (
    DocCandidates,
    candidate_rows,
    comparison_rows,
    has_verdicts,
    with_verdicts,
)
from ._samples import LmevalSamples, SampleDoc, read_lmeval_samples

if TYPE_CHECKING:
    from judgespec.judge import JudgeBackend, JudgeCache
    from judgespec.pipeline import SourceRows
    from judgespec.scorecard import Scorecard

__all__ = [
    "judge_sample_docs",
    "sample_tables",
    "score_from_lmeval_samples",
    "score_samples",
    "tables_from_lmeval_samples",
]


def _reference(loaded: LoadedContract, doc: SampleDoc) -> str | None:
    field = loaded.contract.reference.field
    if field is None:
        return None
    if field in doc.doc:
        value = doc.doc[field]
        return value if isinstance(value, str) else str(value)
    if field == "target" and doc.target is not None:
        return doc.target
    raise AuditDataError(
        f"prompt {doc.record.get('prompt_id')}: the contract's reference field '{field}' is "
        f"not a field of the logged document ({', '.join(doc.doc) or 'no fields'})"
    )


def judge_sample_docs(
    loaded: LoadedContract,
    docs: Sequence[SampleDoc],
    *,
    backend: JudgeBackend | None = None,
    cache: JudgeCache | None = None,
) -> list[dict[str, Any]]:
    """Judge every candidate of ``docs`` under ``loaded`` in one engine call; new records.

    ``cache`` answers repeated judge calls (see :func:`~judgespec_lmeval._judge_step.judge_docs`).
    """
    pending = []
    for doc in docs:
        prompt = doc.record.get("prompt")
        if not isinstance(prompt, str):
            raise AuditDataError(f"prompt {doc.record.get('prompt_id')}: the record has no prompt text")
        pending.append(
            DocCandidates(
                prompt_id=str(doc.record["prompt_id"]),
                prompt=prompt,
                responses=doc.responses,
                reference=_reference(loaded, doc),
            )
        )
    judged = judge_docs(loaded, pending, backend=backend, cache=cache)
    out = []
    for doc, result in zip(docs, judged, strict=True):
        assert result.verdicts is not None
        out.append(
            with_verdicts(doc.record, result.verdicts, result.comparisons, judged_by=loaded.fingerprint)
        )
    return out



def _contract(contract: LoadedContract | str | os.PathLike[str] | None, samples: LmevalSamples) -> LoadedContract:
    if isinstance(contract, LoadedContract):
        return contract
    if contract is not None:
        return load_contract(Path(contract))
    if samples.settings is None:
        raise JudgespecError(
            f"{samples.path}: no results file names the task's contract; pass the contract"
        )
    return load_contract(samples.settings.contract)


def sample_tables(
    samples: LmevalSamples,
    loaded: LoadedContract,
    *,
    backend: JudgeBackend | None = None,
    by: str | None = None,
    cache: JudgeCache | bool = True,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Candidates and comparisons rows of read samples, judged under ``loaded`` unless its verdicts are there.

    ``by`` adds that field of each logged document as a column of its candidates (for
    slices); a field missing from the documents, or with one value, fails before any
    judging.
    """
    from judgespec.pipeline import with_slice_column

    if not samples.docs:
        raise AuditDataError(f"{samples.path}: no documents for filter '{samples.filter}'")
    documents = {str(d.record["prompt_id"]): d.doc for d in samples.docs}
    if by is not None:  # a bad slice field fails before any judging
        with_slice_column(
            candidate_rows(samples.records), by, documents, source=str(samples.path),
            field="document field",
        )  # fmt: skip
    records = samples.records
    if not has_verdicts(records, loaded.fingerprint):
        from judgespec.judge import open_judge_cache

        with open_judge_cache(cache) as store:
            records = judge_sample_docs(loaded, samples.docs, backend=backend, cache=store)
    candidates = candidate_rows(records, samples.responses)
    if by is not None:
        candidates = with_slice_column(
            candidates, by, documents, source=str(samples.path), field="document field"
        )
    return candidates, comparison_rows(records)


def score_samples(
    samples: LmevalSamples,
    loaded: LoadedContract,
    *,
    seed: int = 0,
    n_bootstrap: int = 2000,
    backend: JudgeBackend | None = None,
    created_at: str | None = None,
    by: str | None = None,
    cache: JudgeCache | bool = True,
) -> Scorecard:
    """Score read samples under ``loaded`` (judging first unless its verdicts are there).

    ``by`` names a field of the logged documents whose values each get their own audit
    (the scorecard's ``slices``). ``cache`` serves the judge calls: ``True`` the user's
    judge cache (the one ``judgespec audit`` uses; opened only when there is something to
    judge), ``False`` none, or an open :class:`~judgespec.judge.JudgeCache`. A contract
    that declares probes runs them live here (see :func:`judgespec.pipeline.with_probes`).
    """
    from judgespec.pipeline import score_tables

    candidates, comparisons = sample_tables(
        samples, loaded, backend=backend, by=by, cache=cache
    )
    settings = samples.settings
    n = settings.n if settings is not None else len(samples.records[0]["candidates"])
    card = score_tables(
        candidates,
        comparisons or None,
        loaded=loaded,
        framework="lmeval",
        policy_model=samples.policy_model,
        dataset=settings.base_task if settings is not None else samples.task,
        n=n,
        candidate_pool=f"lm-eval task {samples.task}, filter {samples.filter}",
        seed=seed,
        n_bootstrap=n_bootstrap,
        created_at=created_at,
        source=str(samples.path),
        warnings=samples.warnings,
        by=by,
    )
    if loaded.contract.probes is None:
        return card
    from judgespec.judge import open_judge_cache
    from judgespec.pipeline import with_probes

    with open_judge_cache(cache) as store:  # the probes judge live, through the same cache
        return with_probes(card, loaded, candidates, backend=backend, cache=store)


def tables_from_lmeval_samples(
    samples_dir_or_file: str | os.PathLike[str],
    *,
    contract: LoadedContract | str | os.PathLike[str] | None = None,
    task: str | None = None,
    filter: str | None = None,
    backend: JudgeBackend | None = None,
) -> SourceRows:
    """The candidates (and comparisons) rows of ``--log_samples`` output, as :func:`score_from_lmeval_samples` scores them.

    For ``judgespec contrast``: recorded verdicts of the contract are reused, otherwise
    the candidates are judged under it first (the contract defaults to the one the task
    was compiled with). Arguments as for :func:`score_from_lmeval_samples`.
    """
    from judgespec.pipeline import SourceRows

    samples = read_lmeval_samples(Path(samples_dir_or_file), task=task, filter=filter)
    loaded = _contract(contract, samples)
    candidates, comparisons = sample_tables(samples, loaded, backend=backend)
    return SourceRows(
        candidates=candidates, comparisons=comparisons, loaded=loaded, source=str(samples.path)
    )


def score_from_lmeval_samples(
    samples_dir_or_file: str | os.PathLike[str],
    *,
    contract: LoadedContract | str | os.PathLike[str] | None = None,
    seed: int = 0,
    n_bootstrap: int = 2000,
    task: str | None = None,
    filter: str | None = None,
    backend: JudgeBackend | None = None,
    by: str | None = None,
    cache: JudgeCache | bool = True,
) -> Scorecard:
    """Scorecard of a compiled task's ``--log_samples`` output (post-hoc).

    Rebuilds the candidates table from the samples file: all n raw generations from
    ``resps``, each candidate's oracle (the base task's metric, applied per candidate
    during the run) from the audit records. Verdicts recorded under the same contract
    are reused; otherwise (``judge: deferred``, or another contract) every candidate is
    judged under ``contract`` first. ``contract`` defaults to the one the task was
    compiled with (named in the results file next to the samples). ``by`` names a
    field of the logged documents (a column of the base task's data set) whose values
    each get their own audit: the scorecard's ``slices``; a field no document has, or
    with one value, is an error naming the samples file. Judge calls go
    through ``cache`` (default: the user's judge cache; see :func:`score_samples`), so a
    rerun over samples judged before builds no judge backend.

    Raises:
        AuditDataError: for a missing, ambiguous or malformed samples file.
        JudgespecError: when no contract is given and none is recorded.
    """
    samples = read_lmeval_samples(Path(samples_dir_or_file), task=task, filter=filter)
    loaded = _contract(contract, samples)
    return score_samples(
        samples, loaded, seed=seed, n_bootstrap=n_bootstrap, backend=backend, by=by,
        cache=cache,
    )  # fmt: skip
