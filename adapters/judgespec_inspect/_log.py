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
  backend.

The scorecard of a log is written next to it as ``<log name without extension>.scorecard.json``.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from inspect_ai.log import EvalLog, EvalSample, read_eval_log

from judgespec import AuditDataError, LoadedContract
from judgespec.judge import judge_candidates
from judgespec.scorecard import Scorecard, write_scorecard

from ._contracts import resolve_contract
from ._oracle import utility_of
from ._records import AuditRows, records_of, rows_from_records
from ._scoring import AuditSettings, scorecard_from_rows
from ._task import AUDIT_METADATA_KEY

__all__ = [
    "audit_rows_from_log",
    "audit_settings_of",
    "is_audit_log",
    "score_log",
    "scorecard_path_for",
    "write_log_scorecard",
]


def scorecard_path_for(log_location: str | Path) -> Path:
    """Where the scorecard of a log goes: beside it, ``<stem>.scorecard.json``."""
    p = Path(str(log_location).removeprefix("file://"))
    return p.with_name(p.stem + ".scorecard.json")


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


def _judge_epochs(rows: AuditRows, loaded: LoadedContract) -> AuditRows:
    judged = judge_candidates(loaded, rows.candidates)
    by_key = {(str(r["prompt_id"]), str(r["candidate_id"])): r for r in judged.candidates}
    for row in rows.candidates:
        out = by_key[(str(row["prompt_id"]), str(row["candidate_id"]))]
        row["judge_score"] = out.get("judge_score")
        row["parse_failure"] = bool(out.get("parse_failure", False))
    rows.comparisons = [dict(c) for c in judged.comparisons]
    return rows


def score_log(
    log: EvalLog,
    *,
    contract: str | Path | LoadedContract | None = None,
    oracle: str | None = None,
    judge: str | None = None,
    seed: int | None = None,
    n_bootstrap: int | None = None,
    created_at: str | None = None,
) -> Scorecard:
    """The scorecard of one log (see the module docstring).

    The contract defaults to the one the audit recorded; ``seed`` and ``n_bootstrap``
    default to the audit's settings (else 0 and 2000).
    """
    settings = audit_settings_of(log)
    loaded: LoadedContract | None
    if isinstance(contract, LoadedContract):
        loaded = contract
    elif contract is not None:
        loaded = resolve_contract(str(contract))
    elif settings.get("contract"):
        loaded = resolve_contract(str(settings["contract"]))
    else:
        loaded = None
    rows = audit_rows_from_log(log, oracle=oracle, judge=judge)
    epoch_log = not _adapter_records(list(log.samples or []))
    if epoch_log and judge is None:
        if loaded is None:
            raise AuditDataError(
                f"{log.location}: the log has no judge scores; name them with judge=<scorer> "
                "(or <scorer>:<metadata key>, metadata:<key>), or pass a contract to judge the epochs"
            )
        rows = _judge_epochs(rows, loaded)
    if loaded is not None and settings.get("fingerprint") not in (None, loaded.fingerprint):
        raise AuditDataError(
            f"{log.location}: the log was judged under contract {settings['fingerprint']} but "
            f"the contract given has fingerprint {loaded.fingerprint}; pass the contract the "
            "audit ran with"
        )
    epochs = log.eval.config.epochs
    return scorecard_from_rows(
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
    )


def write_log_scorecard(log: EvalLog | str | Path, **options: Any) -> Path:
    """Score a log (reading it when given a path) and write the scorecard beside it."""
    if not isinstance(log, EvalLog):
        log = read_eval_log(str(log))
    elif not log.samples:
        log = read_eval_log(log.location)
    card = score_log(log, **options)
    return write_scorecard(card, scorecard_path_for(log.location))
