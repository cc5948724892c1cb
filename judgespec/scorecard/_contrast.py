"""The contrast file: paired differences between judges on the same candidates.

``contrast.json`` is the versioned, serialisable form of
:class:`judgespec.audit.ContrastResult`, with the same NaN rule as the scorecard
(NaN is written as JSON ``null``). Its JSON Schema ships as
``judgespec/schemas/contrast.schema.json``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, ValidationError

from judgespec._field_docs import document_fields
from judgespec._version import __version__
from judgespec.audit._bootstrap import DEFAULT_INTERVAL_METHOD
from judgespec.audit._contrast import ContrastResult, JudgedSet, run_contrast
from judgespec.contract._gate import Gate
from judgespec.scorecard._build import format_created_at
from judgespec.scorecard._gate import evaluate_gates
from judgespec.scorecard._model import (
    CREATED_AT_PATTERN,
    GateResult,
    NanFloat,
    ScorecardError,
    _Model,
)

__all__ = [
    "CONTRAST_SCHEMA_PATH",
    "CONTRAST_VERSION",
    "Contrast",
    "ContrastGateResult",
    "ContrastJudge",
    "ContrastRow",
    "ContrastRun",
    "DifferenceValue",
    "Dropped",
    "JudgeValue",
    "build_contrast",
    "contrast_json_schema",
    "contrast_json_schema_text",
    "contrast_judged_sets",
    "gate_contrast",
    "load_contrast",
    "read_judged_set",
    "write_contrast",
    "write_shipped_contrast_schema",
]

CONTRAST_VERSION = 1
"""The contrast format version this judgespec writes and reads."""

CONTRAST_SCHEMA_PATH = Path(__file__).resolve().parent.parent / "schemas" / "contrast.schema.json"
"""Where the shipped contrast schema lives inside the package."""


class ContrastJudge(_Model):
    """One judge of the contrast (the first is the reference)."""

    label: str = Field(min_length=1)
    """Short name of the judge in the tables."""
    source: str
    """Where its verdicts came from (a file or folder)."""
    contract: str | None = None
    """Contract name, when known."""
    fingerprint: str | None = None
    """Contract fingerprint, when known."""
    tie_policy: str
    """Audit-level tie policy its selection metrics used."""


class JudgeValue(_Model):
    """One judge's estimate of a metric, with its interval from the joint bootstrap."""

    label: str
    """The judge."""
    estimate: NanFloat
    """Point estimate; null (NaN) when undefined."""
    ci_low: NanFloat
    """Lower end of the interval; null when undefined."""
    ci_high: NanFloat
    """Upper end of the interval; null when undefined."""
    n: int = Field(ge=0)
    """Units the estimate averages over (prompts, pairs, candidates, ...)."""
    replicates: int = Field(ge=0)
    """Bootstrap replicates on which the metric was defined."""
    reason: str | None = None
    """Why the metric is undefined, or a caveat."""


class DifferenceValue(_Model):
    """metric(judge) − metric(reference) with its paired interval."""

    estimate: NanFloat
    """The difference on the data; null when the metric is undefined for either judge."""
    ci_low: NanFloat
    """Lower end of the paired interval."""
    ci_high: NanFloat
    """Upper end of the paired interval."""
    replicates: int = Field(ge=0)
    """Bootstrap replicates on which the difference was defined."""
    reason: str | None = None
    """Why the difference is undefined, or a caveat."""


class ContrastRow(_Model):
    """One metric, one judge against the reference."""

    metric: str
    """The metric."""
    judges: list[JudgeValue] = Field(min_length=2, max_length=2)
    """The reference's estimate, then this judge's."""
    difference: DifferenceValue
    """This judge minus the reference."""
    p_value: NanFloat
    """Two-sided bootstrap p-value of "no difference"; null when undefined."""
    p_holm: NanFloat
    """``p_value`` Holm-adjusted across the metrics of this judge's contrast."""


class ContrastGateResult(GateResult):
    """A gate on a difference (judge − reference), e.g. ``recovery >= 0`` on its ``ci_low``."""

    judge: str
    """The judge whose difference to the reference was gated."""
    reference: str
    """The reference judge."""


class Dropped(_Model):
    """What ``--intersect`` left out of one judged set."""

    label: str
    """The judge."""
    prompts: int = Field(ge=0)
    """Prompts of this set that no other set had in full."""
    candidates: int = Field(ge=0)
    """Candidate rows of this set left out."""


class ContrastRun(_Model):
    """How the contrast was computed."""

    prompts: int = Field(ge=0)
    """Prompts contrasted."""
    candidates: int = Field(ge=0)
    """Candidates contrasted."""
    intersect: bool
    """Whether only the common candidates were contrasted."""
    dropped: list[Dropped] = Field(default_factory=list)
    """What the intersection left out, per judge (empty without it)."""
    seed: int
    """Seed of the joint cluster bootstrap."""
    n_bootstrap: int = Field(ge=0)
    """Replicates of the joint bootstrap (the same resampled prompts for every judge)."""
    confidence: float = Field(gt=0.0, lt=1.0)
    """Confidence level of every interval."""
    interval_method: Literal["percentile", "studentized"]
    """How the intervals were computed."""
    judgespec_version: str
    """Version of judgespec that built the contrast."""
    created_at: str = Field(pattern=CREATED_AT_PATTERN)
    """When the contrast was built: ISO-8601 in UTC."""


class Contrast(_Model):
    """Paired contrasts of two or more judges on the same prompts and candidates."""

    contrast_version: Literal[1]
    """Format version of this file."""
    judges: list[ContrastJudge] = Field(min_length=2)
    """The judges, reference first."""
    run: ContrastRun
    """How the contrast was computed."""
    metrics: list[str]
    """The metrics contrasted, in order."""
    contrasts: list[ContrastRow]
    """Per non-reference judge (in order), per metric: both estimates and the difference."""
    gates: list[ContrastGateResult] = Field(default_factory=list)
    """Gates on differences, in the order given."""

    @property
    def gates_passed(self) -> bool:
        """True when every gate passed (and vacuously when there are none)."""
        return all(gate.passed for gate in self.gates)

    def rows_of(self, judge: str) -> list[ContrastRow]:
        """The rows of one non-reference judge."""
        return [row for row in self.contrasts if row.judges[1].label == judge]

    def to_json(self) -> str:
        """Strict JSON (NaN as ``null``), indent 2, trailing newline; byte-stable."""
        data = self.model_dump(mode="json")
        return json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def _judge_value(label: str, m: Any) -> dict[str, Any]:
    return {
        "label": label,
        "estimate": float(m.estimate),
        "ci_low": float(m.ci_low),
        "ci_high": float(m.ci_high),
        "n": int(m.n),
        "replicates": int(m.replicates or 0),
        "reason": m.reason,
    }


def build_contrast(
    result: ContrastResult,
    *,
    judges: Sequence[ContrastJudge],
    intersect: bool = False,
    gates: Sequence[Gate] = (),
    created_at: str | datetime | None = None,
) -> Contrast:
    """The contrast file of ``result``; ``judges`` describe ``result.labels`` in order.

    Raises:
        ScorecardError: when the judges do not match the result's labels, or a value
            is out of range.
    """
    if [j.label for j in judges] != result.labels:
        raise ScorecardError(
            f"judges {[j.label for j in judges]} do not match the contrast's {result.labels}"
        )
    stamp = created_at if isinstance(created_at, str) else format_created_at(created_at)
    data = {
        "contrast_version": CONTRAST_VERSION,
        "judges": [j.model_dump() for j in judges],
        "run": {
            "prompts": result.prompts,
            "candidates": result.candidates,
            "intersect": intersect,
            "dropped": [
                {"label": label, "prompts": p, "candidates": c}
                for label, (p, c) in result.dropped.items()
            ],
            "seed": result.seed,
            "n_bootstrap": result.n_bootstrap,
            "confidence": result.confidence,
            "interval_method": result.interval_method,
            "judgespec_version": __version__,
            "created_at": stamp,
        },
        "metrics": list(result.metrics),
        "contrasts": [
            {
                "metric": c.metric,
                "judges": [
                    _judge_value(c.reference, c.reference_estimate),
                    _judge_value(c.judge, c.judge_estimate),
                ],
                "difference": {
                    "estimate": c.difference.estimate,
                    "ci_low": c.difference.ci_low,
                    "ci_high": c.difference.ci_high,
                    "replicates": c.difference.replicates,
                    "reason": c.difference.reason,
                },
                "p_value": c.difference.p_value,
                "p_holm": c.difference.p_holm,
            }
            for c in result.contrasts
        ],
    }
    try:
        contrast = Contrast.model_validate(data)
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        loc = ".".join(str(part) for part in first["loc"])
        raise ScorecardError(f"cannot build contrast: {loc}: {first['msg']}") from None
    return gate_contrast(contrast, gates) if gates else contrast


def gate_contrast(contrast: Contrast, gates: Sequence[Gate]) -> Contrast:
    """A copy of ``contrast`` whose ``gates`` hold each gate applied to each judge's differences.

    A gate names a metric; it is evaluated on the difference judge − reference of every
    non-reference judge (its ``ci_low`` for ``>=`` by default), so ``recovery >= 0``
    passes only when the paired interval rules out the judge being worse than the
    reference.
    """
    results: list[ContrastGateResult] = []
    reference = contrast.judges[0].label
    for judge in contrast.judges[1:]:
        rows = {row.metric: row.difference for row in contrast.rows_of(judge.label)}
        for outcome in evaluate_gates(rows, gates):
            results.append(
                ContrastGateResult(
                    **outcome.model_dump(), judge=judge.label, reference=reference
                )
            )
    return contrast.model_copy(update={"gates": results})


def write_contrast(contrast: Contrast, path: str | Path) -> Path:
    """Write ``contrast.json``; returns the path."""
    p = Path(path)
    try:
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(contrast.to_json(), encoding="utf-8")
    except OSError as exc:
        raise ScorecardError(f"{p}: cannot write ({exc.strerror})") from None
    return p


def load_contrast(path: str | Path) -> Contrast:
    """Read and validate a contrast file (one-line error naming the file and field)."""
    p = Path(path)
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ScorecardError(f"{p}: cannot read ({exc.strerror})") from None
    except json.JSONDecodeError as exc:
        raise ScorecardError(f"{p}:{exc.lineno}: not JSON ({exc.msg})") from None
    try:
        return Contrast.model_validate(data)
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        loc = ".".join(str(part) for part in first["loc"])
        raise ScorecardError(f"{p}: {loc}: {first['msg']}") from None


def contrast_json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) every contrast file validates against."""
    document_fields(Contrast)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://judgespec.dev/schemas/contrast.schema.json",
        **Contrast.model_json_schema(mode="validation"),
    }


def contrast_json_schema_text() -> str:
    """:func:`contrast_json_schema` as the text of the shipped file."""
    return json.dumps(contrast_json_schema(), indent=2, ensure_ascii=False) + "\n"


def write_shipped_contrast_schema() -> None:
    """Regenerate the shipped contrast schema (after model changes)."""
    CONTRAST_SCHEMA_PATH.write_text(contrast_json_schema_text(), encoding="utf-8")


# --------------------------------------------------------------------------- sources


_SAMPLES_FILE = re.compile(r"^samples_.+\.jsonl$")


def _framework_source(p: Path) -> str | None:
    """``inspect-log`` or ``lmeval-samples`` when ``p`` is one, else None."""
    if p.is_file():
        if p.suffix in (".eval", ".json"):
            return "inspect-log"
        if _SAMPLES_FILE.match(p.name):
            return "lmeval-samples"
        return None
    if p.is_dir() and not (p / "candidates.jsonl").exists():
        if any(_SAMPLES_FILE.match(f.name) for f in p.rglob("samples_*.jsonl")):
            return "lmeval-samples"
    return None


def _read_framework_source(
    kind: str, p: Path, text: str, label: str | None
) -> tuple[JudgedSet, ContrastJudge]:
    from judgespec._sources import load_source_tables
    from judgespec.audit import CandidatesTable, ComparisonsTable
    from judgespec.contract import selection_options

    reader = load_source_tables(kind, purpose=f"Contrasting {'an Inspect log' if kind == 'inspect-log' else 'lm-eval samples'}")
    rows = reader(p)
    table = CandidatesTable.from_rows(rows.candidates, source=rows.source)
    comparisons = (
        ComparisonsTable.from_rows(rows.comparisons, candidates=table, source=rows.source)
        if rows.comparisons
        else None
    )
    tie_policy, ranking = selection_options(rows.loaded)
    name = label or (p.resolve().name if p.is_dir() else p.name.split(".")[0])
    judged = JudgedSet(name, table, comparisons, tie_policy, ranking)
    loaded = rows.loaded
    info = ContrastJudge(
        label=name,
        source=text,
        contract=None if loaded is None else loaded.contract.name,
        fingerprint=None if loaded is None else loaded.fingerprint,
        tie_policy=tie_policy,
    )
    return judged, info


def read_judged_set(path: str | Path, *, label: str | None = None) -> tuple[JudgedSet, ContrastJudge]:
    """One judge's verdicts from disk, for :func:`contrast_judged_sets`.

    ``path`` is an audit output folder or a folder written by ``judgespec import``
    (``candidates.jsonl``, optional non-empty ``comparisons.jsonl``, optional
    ``scorecard.json`` whose contract gives the name, fingerprint and tie policy), a
    candidates table (``.jsonl``, ``.jsonl.gz``, ``.parquet``),
    ``CANDIDATES,COMPARISONS``, an Inspect log (``.eval`` or ``.json``: an audit log with
    its recorded verdicts, or an epoch log whose scores hold the judge's) or lm-eval
    ``--log_samples`` output of a compiled task (a ``samples_<task>_<date>.jsonl`` file,
    or the folder holding it). The last two are read by the adapters (the ``inspect``
    and ``lmeval`` extras), which rebuild the tables the post-hoc scorecard uses, with
    the contract the log records (its tie policy and ranking). The label defaults to
    the folder name or file stem.
    """
    from judgespec.audit import read_candidates, read_comparisons
    from judgespec.scorecard._io import load_scorecard

    text = str(path)
    comparisons_path: Path | None = None
    card = None
    if "," in text and not Path(text).exists():
        first, _, second = text.partition(",")
        candidates_path, comparisons_path = Path(first), Path(second)
        name = candidates_path.name.split(".")[0]
    else:
        p = Path(text)
        kind = _framework_source(p)
        if kind is not None:
            return _read_framework_source(kind, p, text, label)
        if p.is_dir():
            candidates_path = p / "candidates.jsonl"
            if not candidates_path.exists():
                raise ScorecardError(
                    f"{p}: no candidates.jsonl: give an audit output folder, a folder from "
                    "'judgespec import', a candidates table, an Inspect log or lm-eval "
                    "--log_samples output"
                )
            comp = p / "comparisons.jsonl"
            if comp.exists() and comp.stat().st_size > 0:
                comparisons_path = comp
            if (p / "scorecard.json").exists():
                card = load_scorecard(p / "scorecard.json")
            name = p.resolve().name
        else:
            candidates_path = p
            name = p.name.split(".")[0]
    for f in (candidates_path, comparisons_path):
        if f is not None and not f.exists():
            raise ScorecardError(f"{f}: no such file")
    table = read_candidates(candidates_path)
    comparisons = read_comparisons(comparisons_path, table) if comparisons_path else None
    tie_policy = card.contract.tie_policy if card is not None else "expected"
    judged = JudgedSet(label or name, table, comparisons, tie_policy)
    info = ContrastJudge(
        label=label or name,
        source=text,
        contract=None if card is None else card.contract.name,
        fingerprint=None if card is None else card.contract.fingerprint,
        tie_policy=tie_policy,
    )
    return judged, info


def contrast_judged_sets(
    sets: Sequence[tuple[JudgedSet, ContrastJudge]],
    *,
    metrics: Sequence[str] | None = None,
    n_bootstrap: int = 2000,
    seed: int = 0,
    confidence: float = 0.95,
    interval: str = DEFAULT_INTERVAL_METHOD,
    intersect: bool = False,
    gates: Sequence[Gate] = (),
    created_at: str | datetime | None = None,
) -> Contrast:
    """Run :func:`judgespec.audit.run_contrast` on judged sets and build the contrast file."""
    result = run_contrast(
        [judged for judged, _ in sets],
        metrics=metrics,
        n_bootstrap=n_bootstrap,
        seed=seed,
        confidence=confidence,
        interval=interval,
        intersect=intersect,
    )
    return build_contrast(
        result,
        judges=[info for _, info in sets],
        intersect=intersect,
        gates=gates,
        created_at=created_at,
    )
