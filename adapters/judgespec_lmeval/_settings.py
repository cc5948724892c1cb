"""The ``metadata.judgespec`` block of a compiled task, and the metrics it reports.

A compiled lm-eval task carries everything the audit needs in its config's
``metadata.judgespec`` mapping (lm-eval's task config forbids unknown top-level keys,
and ``metadata`` is passed through untouched). :class:`AuditSettings` validates it with
``extra="forbid"`` so a typo fails when the task is built, not after generation.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from judgespec import JudgespecError
from judgespec.metrics import HEADLINE_METRICS

__all__ = [
    "AUDIT_METRICS",
    "METADATA_KEY",
    "SELECTION_FILTERS",
    "AuditSettings",
    "contract_location",
    "settings_from_metadata",
]

METADATA_KEY = "judgespec"
"""Key of the audit settings inside a task config's ``metadata``."""

AUDIT_METRICS: tuple[str, ...] = HEADLINE_METRICS
"""Scorecard metrics a compiled task reports as lm-eval metrics (same names, same values).

Length metrics are left to the scorecard: lm-eval's per-document metric values carry no
response text (it is already in ``resps``), so the task cannot compute them."""

SELECTION_FILTERS: frozenset[str] = frozenset({"take_first", "take_first_k", "majority_vote"})
"""lm-eval filters that pick among the n responses; a best-of-n audit keeps all of them."""


class AuditSettings(BaseModel):
    """What a compiled task needs to audit a judge contract on best-of-n selection."""

    model_config = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True)

    contract: str = Field(min_length=1)
    """Path of the judge contract YAML; a relative path is relative to the folder of the
    compiled task's YAML (lm-eval's ``metadata.config_source``), else to the working
    directory."""
    fingerprint: str = Field(pattern=r"^sha256:[0-9a-f]{64}$")
    """Contract fingerprint at compile time; a different contract at run time is an error."""
    n: int = Field(ge=2)
    """Candidates per prompt (the task's ``repeats``)."""
    oracle_metric: str = Field(min_length=1)
    """The base task's metric applied to every candidate: its value is the oracle utility."""
    oracle_filter: str = Field(min_length=1)
    """Filter ensemble whose oracle the scorecard uses (each ensemble reports its own metrics)."""
    judge: Literal["inline", "deferred"] = "inline"
    """``inline``: judge all candidates after the policy's generation, inside the task;
    ``deferred``: record candidates and oracles only, judge later from the samples file."""
    base_task: str = Field(min_length=1)
    """The base task the audit was compiled from (name or YAML path), for the scorecard."""
    seed: int = 0
    """Seed of the audit statistics (seeded tie-breaking)."""


def settings_from_metadata(metadata: Mapping[str, Any] | None, *, task: str) -> AuditSettings:
    """Validate ``metadata.judgespec`` of task ``task``; raise :class:`JudgespecError`."""
    block = (metadata or {}).get(METADATA_KEY)
    if not isinstance(block, Mapping):
        raise JudgespecError(
            f"task '{task}': metadata.{METADATA_KEY} is missing; compile the task with "
            "`judgespec lmeval compile` or add the block by hand (see docs/lmeval.md)"
        )
    try:
        return AuditSettings.model_validate(dict(block))
    except ValidationError as exc:
        err = exc.errors(include_url=False)[0]
        field = ".".join(str(p) for p in err["loc"]) or "(block)"
        msg = str(err["msg"])
        if err["type"] == "extra_forbidden":
            msg = "unknown key; remove it or fix its spelling"
        raise JudgespecError(
            f"task '{task}': metadata.{METADATA_KEY}.{field}: {msg}"
        ) from None


def contract_location(contract: str, metadata: Mapping[str, Any] | None) -> Path:
    """Where ``metadata.judgespec.contract`` points (see :attr:`AuditSettings.contract`)."""
    path = Path(contract).expanduser()
    if path.is_absolute():
        return path
    source = (metadata or {}).get("config_source")
    if isinstance(source, str) and source.endswith((".yaml", ".yml")):
        return Path(source).parent / path
    return path
