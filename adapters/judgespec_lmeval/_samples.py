"""Reading a compiled task's ``--log_samples`` output back into audit records.

lm-eval writes ``samples_<task>_<date>.jsonl`` (one line per document and filter
ensemble) and ``results_<date>.json`` next to it. A compiled task's lines carry its
records under each audit metric (see :mod:`judgespec_lmeval._records`) and all n raw
generations in ``resps``; the results file carries the task config, whose
``metadata.judgespec`` block names the contract, the oracle filter and n.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from judgespec import AuditDataError
from judgespec.audit import iter_jsonl

from ._settings import AUDIT_METRICS, METADATA_KEY, AuditSettings, contract_location

__all__ = ["LmevalSamples", "SampleDoc", "docs_from_samples", "read_lmeval_samples"]

_SAMPLES_RE = re.compile(r"^samples_(?P<task>.+)_(?P<date>\d{4}-\d{2}-\d{2}T[0-9.\-]+)\.jsonl$")


@dataclass(frozen=True)
class SampleDoc:
    """One document of a samples file: its record and the n raw generations."""

    record: dict[str, Any]
    responses: tuple[str, ...]
    doc: dict[str, Any]
    target: str | None


@dataclass(frozen=True)
class LmevalSamples:
    """A compiled task's samples for one filter ensemble, with what the run recorded."""

    path: Path
    """The samples file."""
    task: str
    """The lm-eval task name."""
    filter: str
    """The filter ensemble read (its oracle is the candidates' oracle)."""
    docs: tuple[SampleDoc, ...]
    """Documents in file order."""
    settings: AuditSettings | None
    """The task's ``metadata.judgespec`` from the results file, when found."""
    policy_model: str | None
    """The policy model as the results file names it, when found."""
    warnings: tuple[str, ...] = ()
    """What the reader chose on the caller's behalf (e.g. the latest of several runs)."""

    @property
    def records(self) -> list[dict[str, Any]]:
        """The documents' records."""
        return [d.record for d in self.docs]

    @property
    def responses(self) -> dict[str, tuple[str, ...]]:
        """Prompt id -> the n raw generations."""
        return {str(d.record["prompt_id"]): d.responses for d in self.docs}


def _match(file: Path) -> re.Match[str]:
    match = _SAMPLES_RE.match(file.name)
    assert match is not None
    return match


def _find_file(path: Path, task: str | None) -> tuple[Path, tuple[str, ...]]:
    """The samples file to read, and a note when the latest of several runs was taken."""
    if path.is_file():
        return path, ()
    if not path.is_dir():
        raise AuditDataError(f"{path}: no such samples file or folder")
    found = sorted(p for p in path.rglob("samples_*.jsonl") if _SAMPLES_RE.match(p.name))
    tasks = sorted({_match(p).group("task") for p in found})
    if task is not None:
        found = [p for p in found if _match(p).group("task") == task]
    if not found:
        if task is not None and tasks:
            raise AuditDataError(
                f"{path}: no samples of task '{task}' (the folder has: {', '.join(tasks)})"
            )
        raise AuditDataError(f"{path}: no lm-eval samples_*.jsonl file; run lm-eval with --log_samples")
    if task is None and len(tasks) > 1:
        raise AuditDataError(
            f"{path}: samples of {len(tasks)} tasks ({', '.join(tasks)}); pass --task NAME"
        )
    if len(found) == 1:
        return found[0], ()
    # Several runs of one task: lm-eval's date stamps sort in time order within a folder.
    latest = max(found, key=lambda p: (_match(p).group("date"), str(p)))
    note = (
        f"{path}: {len(found)} runs of task '{_match(latest).group('task')}'; scored the "
        f"latest, {latest.relative_to(path)} (pass a samples file to score another)"
    )
    return latest, (note,)


def _results_config(samples_file: Path, task: str) -> tuple[dict[str, Any] | None, str | None]:
    match = _SAMPLES_RE.match(samples_file.name)
    if match is None:
        return None, None
    # lm-eval names it results_<date>.json, or <stem>_<date>.json for --output_path X.json.
    found = sorted(samples_file.parent.glob(f"*_{match.group('date')}.json"))
    if not found:
        return None, None
    results = found[0]
    try:
        data = json.loads(results.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise AuditDataError(f"{results}: cannot read the lm-eval results file: {exc}") from None
    config = (data.get("configs") or {}).get(task)
    model = data.get("model_name") or (data.get("config") or {}).get("model")
    return (config if isinstance(config, dict) else None), (str(model) if model else None)


_RECORD_KEYS = (*AUDIT_METRICS, "bypass")
"""Where a record can be: under ``recovery`` (older files: every audit metric), or under
``bypass`` for ``--predict_only`` runs."""


def _record(sample: Mapping[str, Any]) -> dict[str, Any] | None:
    for metric in _RECORD_KEYS:
        value = sample.get(metric)
        if isinstance(value, Mapping) and "candidates" in value:
            return dict(value)
    return None


def docs_from_samples(
    samples: Sequence[Mapping[str, Any]], *, filter: str, source: str
) -> list[SampleDoc]:
    """The documents of in-memory (or parsed) lm-eval samples for one filter ensemble."""
    docs: list[SampleDoc] = []
    for line, sample in enumerate(samples, start=1):
        if sample.get("filter") != filter:
            continue
        record = _record(sample)
        if record is None:
            raise AuditDataError(
                f"{source}:{line}: no judgespec audit record; these samples come from a task "
                "that was not compiled by `judgespec lmeval compile`"
            )
        resps = sample.get("resps")
        if not isinstance(resps, list) or not resps or not isinstance(resps[0], list):
            raise AuditDataError(f"{source}:{line}: 'resps' must hold the n raw generations")
        responses = tuple(str(r) for r in resps[0])
        if len(responses) != len(record["candidates"]):
            raise AuditDataError(
                f"{source}:{line}: {len(responses)} generations but "
                f"{len(record['candidates'])} candidates in the record"
            )
        target = sample.get("target")
        docs.append(
            SampleDoc(
                record=record,
                responses=responses,
                doc=dict(sample.get("doc") or {}),
                target=None if target is None else str(target),
            )
        )
    return docs


def _parse_lines(path: Path) -> list[dict[str, Any]]:
    return [item for _, item in iter_jsonl(path)]


def read_lmeval_samples(
    path: str | os.PathLike[str],
    *,
    task: str | None = None,
    filter: str | None = None,
) -> LmevalSamples:
    """Read a compiled task's samples file (or find it in an ``--output_path`` folder).

    Args:
        path: A ``samples_<task>_<date>.jsonl`` file, or a folder holding exactly one
            (for ``task``, when given).
        task: The task name, to pick its file in a folder.
            When a folder holds several runs of the task (several date stamps), the
            latest is read and the scorecard says so.
        filter: The filter ensemble to read (default: the task's ``oracle_filter`` from
            the results file, else the first filter in the file).

    Raises:
        AuditDataError: naming the file (and line) for a missing or ambiguous file, a
            line that is not JSON, or samples without judgespec audit records.
    """
    file, notes = _find_file(Path(path), task)
    lines = _parse_lines(file)
    if not lines:
        raise AuditDataError(f"{file}: the samples file is empty")
    match = _SAMPLES_RE.match(file.name)
    task_name = task or (match.group("task") if match else None) or "<unknown task>"
    config, policy_model = _results_config(file, task_name)
    settings = None
    meta = (config or {}).get("metadata") or {}
    if isinstance(meta, Mapping) and isinstance(meta.get(METADATA_KEY), Mapping):
        settings = AuditSettings.model_validate(dict(meta[METADATA_KEY]))
        where = contract_location(settings.contract, meta)
        settings = settings.model_copy(update={"contract": str(where)})
    filters = list(dict.fromkeys(str(s.get("filter")) for s in lines))
    chosen = filter or (settings.oracle_filter if settings is not None else filters[0])
    if chosen not in filters:
        raise AuditDataError(
            f"{file}: no samples for filter '{chosen}' (the file has: {', '.join(filters)})"
        )
    docs = docs_from_samples(lines, filter=chosen, source=str(file))
    return LmevalSamples(
        path=file,
        task=task_name,
        filter=chosen,
        docs=tuple(docs),
        settings=settings,
        policy_model=policy_model,
        warnings=notes,
    )
