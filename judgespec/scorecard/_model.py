"""The scorecard model: the standardized, versioned result of one audit.

Every float in a scorecard is either finite or NaN ("undefined on this data"). One rule
keeps the JSON strict: **NaN is written as JSON ``null`` and read back as NaN**; an
infinite value is rejected when the model is built. The JSON file therefore never holds
a ``NaN`` or ``Infinity`` literal and any strict JSON parser reads it.
"""

from __future__ import annotations

import json
import math
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    FiniteFloat,
    PlainSerializer,
    WithJsonSchema,
)

from judgespec._errors import JudgespecError

__all__ = [
    "SCORECARD_VERSION",
    "BonPoint",
    "ContractInfo",
    "Counts",
    "Diagnostics",
    "GateResult",
    "Metric",
    "NanFloat",
    "ProbeResult",
    "RunInfo",
    "RunRecord",
    "Scorecard",
    "ScorecardError",
    "Slice",
    "TieGroup",
]

SCORECARD_VERSION = 1
"""The scorecard format version this judgespec writes and reads."""

CREATED_AT_PATTERN = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$"


class ScorecardError(JudgespecError):
    """A scorecard could not be built, read, written or compared (one-line message)."""


def _none_to_nan(value: object) -> object:
    return math.nan if value is None else value


def _nan_or_finite(value: float) -> float:
    if math.isnan(value):
        # One NaN object for every NaN: equality of models (which compares field dicts,
        # identity first) then treats NaN fields as equal after a JSON round trip.
        return math.nan
    if math.isinf(value):
        raise ValueError("must be a finite number or NaN (undefined), not infinity")
    return value


def _nan_to_none(value: float) -> float | None:
    return None if math.isnan(value) else value


NanFloat = Annotated[
    float,
    BeforeValidator(_none_to_nan),
    AfterValidator(_nan_or_finite),
    PlainSerializer(_nan_to_none, return_type=float | None, when_used="json"),
    WithJsonSchema({"type": ["number", "null"]}),
]
"""A finite float or NaN; NaN is serialised as JSON ``null`` and ``null`` loads as NaN."""


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class ContractInfo(_Model):
    """The judge contract the audit ran under (copied from the contract and its lock)."""

    name: str
    """Contract name."""
    version: str
    """Contract version, as written in the spec."""
    fingerprint: str = Field(min_length=1)
    """Hash of the contract's canonical form; equal fingerprints mean the same judge."""
    judge_model: str
    """Judge model id."""
    revision: str | None = None
    """Resolved judge model revision (from the lock), or null when none is pinned."""
    protocol: str
    """Judging protocol, e.g. ``pointwise``, ``pairwise``, ``logprob``."""
    tie_policy: str
    """How ties among the judge's top candidates are resolved."""
    warnings: list[str] = Field(default_factory=list)
    """Warnings raised while loading or locking the contract."""


class RunInfo(_Model):
    """What the caller knows about the run: framework, policy, data set, pool."""

    framework: str = Field(min_length=1)
    """Where the verdicts came from: ``offline``, ``inspect``, ``lmeval``, ..."""
    policy_model: str | None = None
    """The model that generated the candidates, when known."""
    dataset: str | None = None
    """Data set name or path, when known."""
    n: int | None = Field(default=None, ge=1)
    """Candidates per prompt requested (the best-of-n ``n``), when known."""
    candidate_pool: str | None = None
    """Which candidates were in the pool (e.g. ``all``, ``sampled t=0.7``), when known."""
    warnings: list[str] = Field(default_factory=list)
    """Warnings about the run itself (fewer candidates than n, a judge replaced at run time, ...)."""


class RunRecord(RunInfo):
    """The ``run`` section of a scorecard: :class:`RunInfo` plus the audit settings."""

    seed: int
    """Seed of the cluster bootstrap."""
    n_bootstrap: int = Field(ge=0)
    """Bootstrap replicates behind every confidence interval."""
    confidence: float = Field(gt=0.0, lt=1.0)
    """Confidence level of every interval, e.g. 0.95."""
    interval_method: Literal["percentile", "studentized"] = "percentile"
    """How the intervals were computed: ``studentized`` (bootstrap-t with a linearization
    standard error per replicate) or ``percentile``; scorecards written before the
    option existed used ``percentile``."""
    judgespec_version: str
    """Version of judgespec that built the scorecard."""
    created_at: str = Field(pattern=CREATED_AT_PATTERN)
    """When the scorecard was built: ISO-8601 in UTC, e.g. ``2025-01-31T12:00:00Z``."""
    tie_column: Literal["judge_score", "judge_score_raw"] = "judge_score"
    """The column ``tie_rate``, ``top_tie_rate`` and the tie histogram counted ties on: ``judge_score_raw`` (the judge's scores before an engine-level tie break) when the candidates carry it, else ``judge_score``."""


class Counts(_Model):
    """What went into the audit (and what was left out)."""

    prompts: int = Field(ge=0)
    """Prompts in the table."""
    candidates: int = Field(ge=0)
    """Candidate rows in the table."""
    oracle_labelled: int = Field(ge=0)
    """Candidates with a non-null oracle utility."""
    judged: int = Field(ge=0)
    """Candidates with a non-null judge score."""
    parse_failures: int = Field(ge=0)
    """Candidates whose judge output could not be parsed (never replaced by a default)."""
    abstentions: int = Field(ge=0)
    """Prompts on which the judge made no pick."""
    selection_prompts: int = Field(ge=0)
    """Prompts with two or more candidates carrying both an oracle and a judge score."""
    comparisons: int = Field(ge=0)
    """Rows in the comparisons table (0 without pairwise data)."""
    comparison_parse_failures: int = Field(ge=0)
    """Comparisons whose winner could not be parsed."""
    derived_scores: int = Field(default=0, ge=0)
    """Candidates whose selection score was derived from the comparisons (a judge that compared and did not score)."""


class Metric(_Model):
    """One metric: point estimate with a cluster-bootstrap confidence interval."""

    estimate: NanFloat
    """Point estimate; null (NaN) when the metric is undefined on this data."""
    ci_low: NanFloat
    """Lower end of the confidence interval; null (NaN) when undefined."""
    ci_high: NanFloat
    """Upper end of the confidence interval; null (NaN) when undefined."""
    n: int = Field(ge=0)
    """Number of units the estimate averages over, counted in ``unit``."""
    unit: str
    """What ``n`` counts: ``prompts``, ``pairs``, ``candidates``, ..."""
    reason: str | None = None
    """Why the metric is undefined (NaN), or a caveat; null otherwise."""
    replicates: int | None = Field(default=None, ge=0)
    """Bootstrap replicates on which the metric was defined (the interval uses only
    these); null in scorecards written before it was recorded."""


class BonPoint(_Model):
    """Best-of-k: expected oracle utility of judge selection from a random k-subset."""

    k: int = Field(ge=1)
    """Subset size."""
    utility: NanFloat
    """Mean expected oracle utility of the judge's pick."""
    oracle_utility: NanFloat
    """Mean oracle utility of the best candidate in the subset (perfect selection)."""
    random_utility: NanFloat
    """Mean oracle utility of a uniformly random pick."""
    recovery: NanFloat
    """Share of the oracle-over-random gain the judge captures at this k."""
    prompts: int = Field(ge=0)
    """Prompts with at least k usable candidates."""


class GateResult(_Model):
    """The outcome of one gate on one scorecard."""

    metric: str
    """The gated metric."""
    op: Literal[">=", "<="]
    """``>=``: the bound must be at least the threshold; ``<=``: at most."""
    bound: Literal["ci_low", "estimate", "ci_high"]
    """Which number of the metric was compared (the gate's resolved bound)."""
    threshold: FiniteFloat
    """The value the bound was compared with."""
    value: NanFloat
    """The compared number; null (NaN) when the metric is missing or undefined."""
    passed: bool
    """Whether the gate passed; a missing or undefined metric always fails."""
    reason: str
    """One line saying why the gate passed or failed."""


class TieGroup(_Model):
    """One bar of the tie histogram."""

    size: int = Field(ge=1)
    """Size of a within-prompt group of equal judge scores."""
    groups: int = Field(ge=0)
    """How many such groups the audit found."""


class Diagnostics(_Model):
    """Small deterministic samples of the data for the HTML report's plots."""

    scatter_global: list[tuple[FiniteFloat, FiniteFloat]] = Field(default_factory=list)
    """Sample of (judge score, oracle) points."""
    scatter_within: list[tuple[FiniteFloat, FiniteFloat]] = Field(default_factory=list)
    """The same points, each demeaned within its prompt."""
    tie_groups: list[TieGroup] = Field(default_factory=list)
    """Histogram of within-prompt tie group sizes, ascending by size."""


class Slice(_Model):
    """The audit recomputed within one value of a prompt-level column."""

    by: str = Field(min_length=1)
    """The slice column, e.g. ``category``."""
    value: str
    """The column's value shared by this slice's prompts (non-string values as JSON text)."""
    counts: Counts
    """What went into this slice's audit."""
    metrics: dict[str, Metric]
    """Every metric within the slice, with a cluster-bootstrap interval over its prompts."""


class ProbeResult(_Model):
    """One intervention probe: the judge's response to a controlled perturbation (see docs/probes.md)."""

    kind: str = Field(min_length=1)
    """``position``, ``verbosity``, ``injection`` or ``formatting``."""
    description: str
    """What the perturbation does, e.g. ``50 words of filler appended``."""
    prompts: int = Field(ge=0)
    """Sampled prompts the probe ran on (one target candidate each)."""
    score_shift: Metric
    """Mean over prompts of the target's judge score perturbed minus original (win share under comparative protocols), with a paired cluster-bootstrap interval."""
    flip_rate: Metric
    """Mean over prompts of the total-variation distance between the pick distributions before and after (the share of prompts whose top-1 pick changes, without ties)."""
    pairs: int = Field(ge=0)
    """Comparisons of the target with another candidate in the McNemar table."""
    gained: int = Field(ge=0)
    """Comparisons the target won only after the perturbation (McNemar's b)."""
    lost: int = Field(ge=0)
    """Comparisons the target won only before the perturbation (McNemar's c)."""
    pairs_from: Literal["verdicts", "scores"]
    """Where the preferences come from: pairwise verdicts, or implied by pointwise scores."""
    mcnemar_p: NanFloat
    """Exact McNemar p-value of the verdict flips; null when there is no comparison."""
    bh_q: NanFloat
    """Benjamini-Hochberg adjusted p-value across the contract's probes."""


def _no_probes(value: list[ProbeResult]) -> bool:
    return not value


class Scorecard(_Model):
    """The standardized, versioned result of one audit of one judge contract.

    Write it with :meth:`to_json` (or :func:`write_scorecard`) and read it back with
    :func:`load_scorecard`. NaN values are written as JSON ``null``.
    """

    scorecard_version: Literal[1]
    """Format version of this scorecard."""
    contract: ContractInfo
    """The judge contract that was audited."""
    run: RunRecord
    """How and where the audit ran."""
    counts: Counts
    """What went into the audit."""
    metrics: dict[str, Metric]
    """Metric name -> estimate with confidence interval, in the order the audit reports them."""
    bon_curve: list[BonPoint]
    """Best-of-k curve for k = 1..n."""
    gates: list[GateResult] = Field(default_factory=list)
    """Gate outcomes, in the order the gates were given."""
    escalations: list[str] = Field(default_factory=list)
    """Prompt ids whose top judge scores are tied or within the escalation margin."""
    diagnostics: Diagnostics | None = None
    """Plot samples for the HTML report; null when left out."""
    slices: list[Slice] = Field(default_factory=list)
    """Per-value audits of a slice column (``--by``), sorted by value; empty without one."""
    probes: list[ProbeResult] = Field(default_factory=list, exclude_if=_no_probes)
    """Intervention probes the contract declares, in its order; left out of the file when there are none."""

    @property
    def all_warnings(self) -> list[str]:
        """The contract's warnings, then the run's."""
        return [*self.contract.warnings, *self.run.warnings]

    @property
    def gates_passed(self) -> bool:
        """True when every gate passed (and vacuously when there are none)."""
        return all(gate.passed for gate in self.gates)

    def to_json(self) -> str:
        """Serialise as strict JSON: fields in model order, indent 2, trailing newline.

        Identical scorecards give byte-identical text. NaN is written as ``null``.
        """
        data = self.model_dump(mode="json")
        return json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False) + "\n"
