"""Candidates tables and scorecards from Inspect logs.

Two kinds of log are understood:

* **audit logs** (written by ``bon_audit`` or an ``audit_task``): each sample's
  ``judge_selection`` score carries the adapter's record with all n candidates
  (:mod:`judgespec_inspect._records`); nothing else is needed.
* **epoch logs** of any task run with several epochs: each epoch of a sample is one
  candidate of that prompt. The oracle is a score of the sample (``oracle=<scorer>``;
  default the log's only scorer): numbers as they are, ``C``/``I``/``P``/``N`` as
  1/0/0.5/0. The judge score comes from ``judge=<scorer>`` (that score's value),
  ``judge=<scorer>:<key>`` (a key of that score's metadata) or ``judge=metadata:<key>``
  (a key of the sample's metadata); a judge field present but without a number is a
  parse failure. Without ``judge=``, a contract judges the epochs' outputs with its own
  backend, through the judge cache that ``judgespec audit`` uses: calls found there are
  not sent, and the backend is built only when some call misses, so a fully cached
  rerun loads no model.

Audit logs are self-contained: the contract they ran under is stored in the task
metadata in canonical form, and scoring uses it unless a contract is passed (then the
two fingerprints must agree). The bootstrap seed and replicate count default to the
audit's own, so post-hoc intervals equal the ones in the log.

Where the scorecard goes
------------------------
Inside the log. Inspect reads every ``*.eval`` file, and every ``*.json`` file whose name
starts with a timestamp, in a log directory (recursively) as a log, so a scorecard file
there breaks ``inspect eval-set``, ``inspect view`` and ``inspect log list``. The
scorecard hook therefore stores the scorecard in the log's results metadata under
:data:`SCORECARD_KEY` (``read_eval_log(path).results.metadata["judgespec_scorecard"]``)
and rewrites only the log's header (``write_eval_log(..., header_only=True)``); undefined
(NaN) metrics in the log get their reason in the metric's metadata. Read it back with
:func:`stored_scorecard`; write it anywhere with ``judgespec score --from-inspect-log``.
"""

from __future__ import annotations

import json
import math
from collections import defaultdict
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from inspect_ai.log import EvalLog, EvalSample, read_eval_log, write_eval_log

from judgespec import AuditDataError, JudgespecError, LoadedContract
from judgespec.judge import JudgeCache, judge_candidates, open_judge_cache
from judgespec.pipeline import with_probes, with_slice_column
from judgespec.scorecard import Scorecard, parse_scorecard

from ._contracts import contract_from_canonical, resolve_contract
from ._oracle import utility_of
from ._records import ORDER_KEY, AuditRows, records_of, rows_from_records
from ._scorecard_rows import AuditSettings, scorecard_from_rows
from ._task import AUDIT_METADATA_KEY

__all__ = [
    "SCORECARD_ERROR_KEY",
    "SCORECARD_KEY",
    "attach_scorecard",
    "audit_rows_from_log",
    "audit_settings_of",
    "is_audit_log",
    "log_tables",
    "prompt_metadata",
    "recorded_contract",
    "score_log",
    "store_scorecard",
    "stored_scorecard",
]

SCORECARD_KEY = "judgespec_scorecard"
"""Key of the scorecard (its JSON object) in an audit log's ``results.metadata``."""
SCORECARD_ERROR_KEY = "judgespec_scorecard_error"
"""Key of the one-line reason in ``results.metadata`` when no scorecard could be built."""


def _where(log: EvalLog) -> str:
    return str(log.location).removeprefix("file://") if log.location else "<inspect log>"


def is_audit_log(log: EvalLog) -> bool:
    """Whether the log was written by an adapter audit task."""
    meta = log.eval.metadata or {}
    return isinstance(meta.get(AUDIT_METADATA_KEY), Mapping)


def audit_settings_of(log: EvalLog) -> dict[str, Any]:
    """The audit settings the task stored in the log's metadata (``{}`` if none)."""
    meta = (log.eval.metadata or {}).get(AUDIT_METADATA_KEY)
    return dict(meta) if isinstance(meta, Mapping) else {}


def _adapter_records(samples: list[EvalSample]) -> list[Mapping[str, Any]]:
    out: list[Mapping[str, Any]] = []
    for sample in samples:
        for score in (sample.scores or {}).values():
            record = records_of(score.metadata)
            if record is not None:
                out.append(record)
    return out


def _score_names(samples: list[EvalSample]) -> list[str]:
    names: dict[str, None] = {}
    for sample in samples:
        for name in sample.scores or {}:
            names[name] = None
    return list(names)


def _judge_value(sample: EvalSample, judge: str) -> tuple[float | None, bool]:
    """(judge score, parse failure) of one epoch sample for a ``judge=`` spec."""
    scores = sample.scores or {}
    if judge.startswith("metadata:"):
        key = judge.removeprefix("metadata:")
        present, value = key in (sample.metadata or {}), (sample.metadata or {}).get(key)
    elif ":" in judge:
        name, key = judge.split(":", 1)
        score = scores.get(name)
        meta = (score.metadata or {}) if score is not None else {}
        present, value = key in meta, meta.get(key)
    else:
        score = scores.get(judge)
        present, value = score is not None, score.value if score is not None else None
    if not present:
        return None, False
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        return None, True
    try:
        number = float(value)
    except ValueError:
        return None, True
    return (number, False) if math.isfinite(number) else (None, True)


def _input_text(sample: EvalSample) -> str:
    if isinstance(sample.input, str):
        return sample.input
    return "\n".join(m.text for m in sample.input if m.role == "user")


def _epoch_rows(samples: list[EvalSample], *, oracle: str | None, judge: str | None) -> AuditRows:
    names = _score_names(samples)
    judge_scorer = judge.split(":", 1)[0] if judge and not judge.startswith("metadata:") else None
    if oracle is None:
        candidates = [name for name in names if name != judge_scorer]
        if len(candidates) != 1:
            raise AuditDataError(
                f"cannot tell which score is the oracle (scores: {', '.join(names) or 'none'}); "
                "name it with oracle=<scorer>"
            )
        oracle = candidates[0]
    by_prompt: dict[str, list[EvalSample]] = defaultdict(list)
    for sample in samples:
        by_prompt[str(sample.id)].append(sample)
    records: list[dict[str, Any]] = []
    for pid, group in by_prompt.items():
        cands = []
        for sample in sorted(group, key=lambda s: s.epoch):
            score = (sample.scores or {}).get(oracle)
            utility = utility_of(score.value, oracle=oracle) if score is not None else None
            js, failed = _judge_value(sample, judge) if judge else (None, False)
            cands.append(
                {
                    "candidate_id": f"e{sample.epoch}",
                    "response": sample.output.completion,
                    "oracle": utility,
                    "judge_score": js,
                    "parse_failure": failed,
                }
            )
        prompt = _input_text(group[0])
        records.append({"prompt_id": pid, "prompt": prompt, "candidates": cands, "n_requested": None})
    return rows_from_records(records)


def audit_rows_from_log(
    log: EvalLog, *, oracle: str | None = None, judge: str | None = None
) -> AuditRows:
    """The candidates (and comparisons) rows of an audit log or an epoch log."""
    samples = list(log.samples or [])
    if not samples:
        raise AuditDataError(
            f"{log.location}: the log holds no samples (was it written with --no-log-samples?)"
        )
    records = _adapter_records(samples)
    if records:
        return rows_from_records(records)
    return _epoch_rows(samples, oracle=oracle, judge=judge)



def _judge_epochs(rows: AuditRows, loaded: LoadedContract, cache: JudgeCache | bool) -> AuditRows:
    with open_judge_cache(cache) as store:
        judged = judge_candidates(loaded, rows.candidates, cache=store)
    by_key = {(str(r["prompt_id"]), str(r["candidate_id"])): r for r in judged.candidates}
    for row in rows.candidates:
        out = by_key[(str(row["prompt_id"]), str(row["candidate_id"]))]
        row["judge_score"] = out.get("judge_score")
        row["parse_failure"] = bool(out.get("parse_failure", False))
    rows.comparisons = [dict(c) for c in judged.comparisons]
    return rows


def recorded_contract(log: EvalLog) -> LoadedContract | None:
    """The contract an audit log ran under, rebuilt from the log itself.

    Logs that carry the contract's canonical form need nothing else; older audit logs
    name only a path, which is read if it still exists. None for other logs.
    """
    settings = audit_settings_of(log)
    canonical = settings.get("contract_canonical")
    if isinstance(canonical, Mapping):
        return contract_from_canonical(
            canonical, fingerprint=settings.get("fingerprint"), where=_where(log)
        )
    ref = settings.get("contract")
    if not ref:
        return None
    try:
        return resolve_contract(str(ref))
    except JudgespecError as exc:
        raise AuditDataError(
            f"{_where(log)}: the log does not store its contract and the recorded one cannot be "
            f"read ({exc}); pass the contract the audit ran with"
        ) from None


def _contract_of_log(log: EvalLog, contract: str | Path | LoadedContract | None) -> LoadedContract | None:
    """The contract to score ``log`` under: the one given (checked against the log's), else the log's."""
    settings = audit_settings_of(log)
    loaded: LoadedContract | None
    if isinstance(contract, LoadedContract):
        loaded = contract
    elif contract is not None:
        loaded = resolve_contract(str(contract))
    else:
        loaded = recorded_contract(log)
    if contract is not None and loaded is not None:
        recorded = settings.get("fingerprint")
        if recorded not in (None, loaded.fingerprint):
            given = loaded.path or loaded.contract.name if isinstance(contract, LoadedContract) else contract
            raise AuditDataError(
                f"{_where(log)}: the log was judged under contract {recorded} but the contract "
                f"given ({given}) has fingerprint {loaded.fingerprint}; pass the contract the "
                "audit ran with, or none (the log stores it)"
            )
    return loaded


def prompt_metadata(log: EvalLog) -> dict[str, dict[str, Any]]:
    """Prompt id -> the metadata of its sample (the data set's extra fields), for slices.

    Audit logs key prompts as their records do (``q1``, ``q1#2`` for a later epoch);
    epoch logs by sample id. The adapter's own ordering key is left out.
    """
    out: dict[str, dict[str, Any]] = {}
    for sample in log.samples or []:
        meta = {k: v for k, v in (sample.metadata or {}).items() if k != ORDER_KEY}
        records = [r for s in (sample.scores or {}).values() if (r := records_of(s.metadata)) is not None]
        for record in records:
            out[str(record["prompt_id"])] = meta
        if not records:
            out.setdefault(str(sample.id), meta)
    return out


def log_tables(
    log: EvalLog,
    *,
    contract: str | Path | LoadedContract | None = None,
    oracle: str | None = None,
    judge: str | None = None,
    by: str | None = None,
    cache: JudgeCache | bool = True,
) -> tuple[AuditRows, LoadedContract | None]:
    """The rows :func:`score_log` scores, and the contract it scores them under.

    An epoch log without ``judge`` is judged under the contract here. ``by`` adds that
    sample metadata field as a column of every candidate row (for slices).
    """
    loaded = _contract_of_log(log, contract)
    rows = audit_rows_from_log(log, oracle=oracle, judge=judge)
    if by is not None:  # a bad slice field fails before any model runs
        rows.candidates = with_slice_column(
            rows.candidates, by, prompt_metadata(log), source=_where(log),
            field="sample metadata field",
        )  # fmt: skip
    epoch_log = not _adapter_records(list(log.samples or []))
    if epoch_log and judge is None:
        if loaded is None:
            raise AuditDataError(
                f"{log.location}: the log has no judge scores; name them with judge=<scorer> "
                "(or <scorer>:<metadata key>, metadata:<key>), or pass a contract to judge the epochs"
            )
        rows = _judge_epochs(rows, loaded, cache)
    return rows, loaded


def score_log(
    log: EvalLog,
    *,
    contract: str | Path | LoadedContract | None = None,
    oracle: str | None = None,
    judge: str | None = None,
    seed: int | None = None,
    n_bootstrap: int | None = None,
    created_at: str | None = None,
    by: str | None = None,
    cache: JudgeCache | bool = True,
) -> Scorecard:
    """The scorecard of one log (see the module docstring).

    The contract defaults to the one the audit recorded in the log; a contract passed
    here must have the recorded fingerprint. ``seed`` and ``n_bootstrap`` default to the
    audit's settings (else 0 and 2000). ``by`` names a sample metadata field (a data set
    column) whose values each get their own audit: the scorecard's ``slices``. ``cache``
    serves the judge calls of an epoch log judged under the contract: ``True`` the user's
    judge cache (the one ``judgespec audit`` uses, ``$JUDGESPEC_CACHE_DIR`` or the user
    cache dir; opened only when there is something to judge), ``False`` none, or an open
    :class:`~judgespec.judge.JudgeCache`. A contract that declares probes runs them live
    here, through the same cache (see :func:`judgespec.pipeline.with_probes`).
    """
    settings = audit_settings_of(log)
    rows, loaded = log_tables(
        log, contract=contract, oracle=oracle, judge=judge, by=by, cache=cache
    )
    epoch_log = not _adapter_records(list(log.samples or []))
    epochs = log.eval.config.epochs
    card = scorecard_from_rows(
        rows,
        loaded,
        AuditSettings(
            policy_model=log.eval.model,
            dataset=settings.get("dataset") or log.eval.dataset.location or log.eval.dataset.name,
            n=settings.get("n") or (epochs if epoch_log else None),
            temperature=settings.get("temperature"),
            seed=seed if seed is not None else int(settings.get("seed", 0)),
            n_bootstrap=n_bootstrap if n_bootstrap is not None else int(settings.get("n_bootstrap", 2000)),
            candidate_pool=(f"{epochs} epochs of the task's solver" if epoch_log else None),
        ),
        created_at=created_at,
        source=str(log.location),
        by=by,
    )
    if loaded is None or loaded.contract.probes is None:
        return card
    with open_judge_cache(cache) as store:  # the probes judge live, through the same cache
        return with_probes(card, loaded, rows.candidates, cache=store)


def _with_samples(log: EvalLog) -> EvalLog:
    return log if log.samples else read_eval_log(str(log.location))


def attach_scorecard(header: EvalLog, card: Scorecard | None, error: str | None = None) -> None:
    """Put the scorecard (or the reason there is none) into ``header`` and explain NaN metrics.

    Every NaN metric of the log gets ``metadata["reason"]``: the scorecard metric's
    reason, else ``error``. The header is changed in place; nothing is written.
    """
    if header.results is None:
        return
    meta = dict(header.results.metadata or {})
    meta.pop(SCORECARD_KEY, None)
    meta.pop(SCORECARD_ERROR_KEY, None)
    if card is not None:
        meta[SCORECARD_KEY] = json.loads(card.to_json())
    if error is not None:
        meta[SCORECARD_ERROR_KEY] = error
    header.results.metadata = meta
    for score in header.results.scores:
        for name, metric in score.metrics.items():
            if not (isinstance(metric.value, float) and math.isnan(metric.value)):
                continue
            found = card.metrics.get(metric.name) if card is not None else None
            reason = found.reason if found is not None and found.reason else error
            if reason:
                metric.metadata = {**(metric.metadata or {}), "reason": reason}
            score.metrics[name] = metric


def store_scorecard(log: EvalLog | str | Path, **options: Any) -> Scorecard:
    """Score an audit log and store the scorecard inside it (see the module docstring).

    Rewrites only the log's header. When scoring fails, the reason is stored instead
    (and given to every NaN metric) and the error is raised. ``options`` go to
    :func:`score_log`.
    """
    header = log if isinstance(log, EvalLog) else read_eval_log(str(log), header_only=True)
    try:
        card = score_log(_with_samples(header), **options)
    except JudgespecError as exc:
        attach_scorecard(header, None, str(exc))
        write_eval_log(header, header.location, header_only=True)
        raise
    attach_scorecard(header, card)
    write_eval_log(header, header.location, header_only=True)
    return card


def stored_scorecard(log: EvalLog | str | Path) -> Scorecard:
    """The scorecard stored inside an audit log (raises :class:`AuditDataError` if none)."""
    header = log if isinstance(log, EvalLog) else read_eval_log(str(log), header_only=True)
    meta = (header.results.metadata if header.results is not None else None) or {}
    data = meta.get(SCORECARD_KEY)
    if not isinstance(data, Mapping):
        reason = meta.get(SCORECARD_ERROR_KEY)
        raise AuditDataError(
            f"{_where(header)}: the log holds no judgespec scorecard"
            + (f" (scoring failed: {reason})" if reason else "")
            + "; score it with judgespec score --from-inspect-log"
        )
    return parse_scorecard(json.dumps(data), source=f"{_where(header)} (results.metadata.{SCORECARD_KEY})")
