"""The adapter's per-sample record in the Inspect log, and the tables rebuilt from it.

Every score of the ``judge_selection`` scorer carries ``metadata["judgespec"]``::

    {"schema": 1, "prompt_id": "3", "epoch": 1, "prompt": "What is 2 + 3?",
     "n_requested": 4, "generation": {"requested": 4, "from_choices": 1,
                                      "from_topup": 3, "truncated": 0, "short": 0,
                                      "temperature": 1.0, "cache": false},
     "contract": "sha256:...", "judge_model": "...", "judge_overridden": false,
     "oracle": "match", "identical_candidates": false,
     "candidates": [{"candidate_id": "c0", "response": "...", "oracle": 1.0,
                     "oracle_value": "C", "judge_score": 4.0, "parse_failure": false}, ...],
     "comparisons": [{"first_id": "c0", "second_id": "c1", "winner": "first"}, ...],
     "judgments": [{"judge": "...", "stage": "judge", "candidate_ids": ["c0"],
                    "output": "Score: 4", "verdict": 4.0, "parse_error": null}, ...]}

so the whole candidates table (and comparisons table) can be rebuilt from the log alone,
by the in-log metric, the scorecard hook and :func:`score_from_inspect_log` alike. Rows
are put in one canonical order, the data set's own (``"order"``: the sample's position,
set when the audit's data set is built; then epoch; prompt id where no position was
recorded), then candidate order. That is the order the lm-eval adapter and the offline
path use, and the cluster bootstrap resamples prompts by position, so every path hands
identical tables to :func:`judgespec.pipeline.score_tables`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

ORDER_KEY = "judgespec_order"
"""Sample-metadata key holding the sample's position in the audit's data set."""

__all__ = [
    "META_KEY",
    "ORDER_KEY",
    "SCHEMA",
    "AuditRows",
    "candidate_pool_text",
    "identical_warning",
    "prompt_id_of",
    "rows_from_records",
]

META_KEY = "judgespec"
"""Key of the adapter's record in ``Score.metadata``."""
SCHEMA = 1
"""Version of the record's layout."""

_CANDIDATE_FIELDS = ("candidate_id", "response", "oracle", "judge_score", "parse_failure")
_COMPARISON_FIELDS = ("first_id", "second_id", "winner", "strength")
_COUNT_KEYS = ("from_choices", "from_topup", "from_repeats", "truncated", "short")


def prompt_id_of(sample_id: str | int | None, epoch: int) -> str:
    """The prompt id of a sample in one epoch: the sample id, suffixed ``#<epoch>`` after the first."""
    base = str(sample_id)
    return base if epoch <= 1 else f"{base}#{epoch}"


@dataclass
class AuditRows:
    """Candidates and comparisons table rows rebuilt from adapter records."""

    candidates: list[dict[str, Any]] = field(default_factory=list)
    comparisons: list[dict[str, Any]] = field(default_factory=list)
    n_requested: int | None = None
    """The n the audit asked for (None when records disagree or none say)."""
    short_prompts: list[str] = field(default_factory=list)
    """Prompts that got fewer than n candidates."""
    missing: int = 0
    """Candidates missing from short prompts, in total."""
    prompts: int = 0
    generation: dict[str, int] = field(default_factory=dict)
    """Summed provenance counts (from_choices, from_topup, ...)."""
    judge_overrides: list[str] = field(default_factory=list)
    """Models that replaced the contract's judge (the ``judge`` model role), if any."""
    identical_prompts: list[str] = field(default_factory=list)
    """Prompts whose candidates (two or more) are all the same text."""
    temperatures: list[float | None] = field(default_factory=list)
    """The policy temperatures recorded at run time (``None``: the provider's default)."""
    cached: bool = False
    """Whether Inspect's response cache was on for the policy of any prompt."""

    @property
    def warnings(self) -> list[str]:
        """What a scorecard of these rows must say besides the numbers."""
        out = [
            f"judge overridden: verdicts came from '{model}' (model role 'judge'), not from "
            "the contract's pinned judge"
            for model in self.judge_overrides
        ]
        if self.short_prompts and self.n_requested is not None:
            out.append(
                f"{len(self.short_prompts)} of {self.prompts} prompts have fewer than "
                f"n={self.n_requested} candidates ({self.missing} missing)"
            )
        if self.identical_prompts:
            out.append(identical_warning(len(self.identical_prompts), self.prompts, cached=self.cached))
        return out


def identical_warning(identical: int, prompts: int, *, cached: bool) -> str:
    """The warning for prompts whose n candidates are all the same text."""
    why = "the policy did not vary its answers: check its temperature"
    why += ", and that --cache is off for solvers run n times" if cached else ""
    return (
        f"{identical} of {prompts} prompts have identical candidates, so the judge had "
        f"nothing to select there and they count as ties ({why})"
    )


def records_of(metadata: Mapping[str, Any] | None) -> Mapping[str, Any] | None:
    """The adapter's record in a score's metadata, or None."""
    if not metadata:
        return None
    record = metadata.get(META_KEY)
    return record if isinstance(record, Mapping) and "candidates" in record else None


def _record_order(record: Mapping[str, Any]) -> tuple[int, int, int, str]:
    order = record.get("order")
    epoch = record.get("epoch")
    known = isinstance(order, int)
    return (
        0 if known else 1,
        order if isinstance(order, int) else 0,
        epoch if isinstance(epoch, int) else 0,
        str(record["prompt_id"]),
    )


def with_order(samples: Iterable[Any]) -> list[Any]:
    """Copies of Inspect samples whose metadata records their position (``ORDER_KEY``)."""
    out = []
    for position, sample in enumerate(samples):
        copy = sample.model_copy(deep=False)
        copy.metadata = {**(sample.metadata or {}), ORDER_KEY: position}
        out.append(copy)
    return out


def rows_from_records(records: Iterable[Mapping[str, Any]]) -> AuditRows:
    """Canonically ordered table rows from adapter records (see the module docstring)."""
    ordered = sorted(records, key=_record_order)
    out = AuditRows()
    ns: set[int] = set()
    for record in ordered:
        pid = str(record["prompt_id"])
        out.prompts += 1
        for cand in record["candidates"]:
            row = {key: cand.get(key) for key in _CANDIDATE_FIELDS}
            row["prompt_id"] = pid
            row["prompt"] = record.get("prompt")
            row["parse_failure"] = bool(row["parse_failure"])
            out.candidates.append(row)
        for comp in record.get("comparisons") or []:
            crow = {key: comp.get(key) for key in _COMPARISON_FIELDS if key in comp}
            crow["prompt_id"] = pid
            out.comparisons.append(crow)
        n = record.get("n_requested")
        if isinstance(n, int):
            ns.add(n)
            have = len(record["candidates"])
            if have < n:
                out.short_prompts.append(pid)
                out.missing += n - have
        if record.get("judge_overridden") and record.get("judge_model") not in out.judge_overrides:
            out.judge_overrides.append(str(record.get("judge_model")))
        responses = [cand.get("response") for cand in record["candidates"]]
        if len(responses) >= 2 and len(set(responses)) == 1:
            out.identical_prompts.append(pid)
        generation = record.get("generation") or {}
        for key, value in generation.items():
            if key in _COUNT_KEYS and isinstance(value, int) and not isinstance(value, bool):
                out.generation[key] = out.generation.get(key, 0) + value
        if "temperature" in generation and generation["temperature"] not in out.temperatures:
            out.temperatures.append(generation["temperature"])
        out.cached = out.cached or bool(generation.get("cache"))
    out.n_requested = ns.pop() if len(ns) == 1 else None
    return out


def _temperature_text(rows: AuditRows, temperature: float | None) -> str:
    if not rows.temperatures:  # records without a run-time temperature
        return f" at temperature {temperature:g}" if temperature is not None else ""
    known = [t for t in rows.temperatures if t is not None]
    if len(rows.temperatures) == 1:
        return f" at temperature {known[0]:g}" if known else " at the provider's default temperature"
    parts = sorted(f"{t:g}" for t in known) + (["the provider's default"] if None in rows.temperatures else [])
    return f" at temperatures {', '.join(parts)}"


def candidate_pool_text(rows: AuditRows, *, temperature: float | None = None) -> str:
    """The scorecard's ``candidate_pool``: how candidates were drawn, and any shortfall.

    The temperature is the one recorded at run time; ``temperature`` is only used for
    records that carry none.
    """
    how = "policy samples" + _temperature_text(rows, temperature)
    how += ", Inspect cache on" if rows.cached else ""
    parts = [f"{k}={v}" for k, v in sorted(rows.generation.items()) if k != "short"]
    text = how + (f" ({', '.join(parts)})" if parts else "")
    if rows.short_prompts and rows.n_requested is not None:
        text += (
            f"; WARNING: {len(rows.short_prompts)} of {rows.prompts} prompts have fewer than "
            f"n={rows.n_requested} candidates ({rows.missing} missing)"
        )
    return text
