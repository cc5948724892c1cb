"""Scorecard model: build, strict JSON, round trip, schema, loading errors."""

from __future__ import annotations

import dataclasses
import json
import math
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import jsonschema
import numpy as np
import pytest

from judgespec.audit._result import AuditResult, MetricEstimate
from judgespec.contract._gate import Gate
from judgespec.scorecard import (
    SCORECARD_SCHEMA_PATH,
    ContractInfo,
    RunInfo,
    Scorecard,
    ScorecardError,
    build_scorecard,
    load_scorecard,
    parse_scorecard,
    scorecard_json_schema,
    scorecard_json_schema_text,
    write_scorecard,
)

TOP_LEVEL_KEYS = [
    "scorecard_version",
    "contract",
    "run",
    "counts",
    "metrics",
    "bon_curve",
    "gates",
    "escalations",
    "diagnostics",
    "slices",
]


def _strict_loads(text: str) -> Any:
    def reject(name: str) -> None:
        raise AssertionError(f"non-strict JSON constant {name}")

    return json.loads(text, parse_constant=reject)


def _validate(card: Scorecard) -> None:
    schema = json.loads(SCORECARD_SCHEMA_PATH.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.Draft202012Validator(schema).validate(_strict_loads(card.to_json()))


def test_build_copies_result(scorecard: Scorecard, audit_result: AuditResult) -> None:
    assert scorecard.scorecard_version == 1
    assert list(scorecard.metrics) == list(audit_result.metrics)
    rec = scorecard.metrics["recovery"]
    assert (rec.estimate, rec.ci_low, rec.ci_high, rec.n, rec.unit) == (
        0.2104,
        0.1502,
        0.2733,
        500,
        "prompts",
    )
    assert scorecard.run.seed == 0 and scorecard.run.n_bootstrap == 2000
    assert scorecard.run.confidence == 0.95
    assert scorecard.run.created_at == "2025-01-31T12:00:00Z"
    assert scorecard.counts.parse_failures == 15
    assert [p.k for p in scorecard.bon_curve] == [1, 2, 3, 4]
    assert len(scorecard.escalations) == 60
    assert scorecard.diagnostics is not None
    assert [(t.size, t.groups) for t in scorecard.diagnostics.tie_groups] == [
        (1, 900),
        (2, 310),
        (3, 80),
        (4, 12),
    ]


def test_json_layout_is_strict_and_stable(scorecard: Scorecard) -> None:
    text = scorecard.to_json()
    assert text.endswith("}\n") and not text.endswith("\n\n")
    assert text.startswith('{\n  "scorecard_version": 1,\n')
    assert "NaN" not in text and "Infinity" not in text
    data = _strict_loads(text)
    assert list(data) == TOP_LEVEL_KEYS
    assert list(data["metrics"]["recovery"]) == [
        "estimate",
        "ci_low",
        "ci_high",
        "n",
        "unit",
        "reason",
        "replicates",
    ]


def test_nan_is_written_as_null_and_read_back_as_nan(scorecard: Scorecard) -> None:
    data = _strict_loads(scorecard.to_json())
    assert data["metrics"]["kappa"] == {
        "estimate": None,
        "ci_low": None,
        "ci_high": None,
        "n": 0,
        "unit": "pairs",
        "reason": "no pairwise comparisons",
        "replicates": None,
    }
    assert data["bon_curve"][0]["recovery"] is None
    loaded = parse_scorecard(scorecard.to_json())
    assert math.isnan(loaded.metrics["kappa"].estimate)
    assert math.isnan(loaded.bon_curve[0].recovery)


def test_round_trip_through_file(scorecard: Scorecard, tmp_path: Path) -> None:
    path = write_scorecard(scorecard, tmp_path / "card.json")
    loaded = load_scorecard(path)
    assert loaded == scorecard  # NaN fields included
    assert loaded.to_json() == scorecard.to_json()
    assert path.read_bytes() == scorecard.to_json().encode("utf-8")


def test_identical_inputs_give_identical_bytes(card_factory: Callable[..., Scorecard]) -> None:
    assert card_factory().to_json() == card_factory().to_json()


def test_created_at_is_the_only_field_that_changes(
    card_factory: Callable[..., Scorecard],
) -> None:
    a = card_factory(created_at=None).to_json().splitlines()
    b = card_factory(created_at="1999-12-31T23:59:59Z").to_json().splitlines()
    diff = [(x, y) for x, y in zip(a, b, strict=True) if x != y]
    assert len(diff) == 1 and '"created_at"' in diff[0][0]


def test_created_at_from_aware_datetime(card_factory: Callable[..., Scorecard]) -> None:
    moment = datetime(2025, 1, 31, 13, 0, 0, tzinfo=timezone(timedelta(hours=1)))
    assert card_factory(created_at=moment).run.created_at == "2025-01-31T12:00:00Z"
    with pytest.raises(ScorecardError, match="no time zone"):
        card_factory(created_at=datetime(2025, 1, 31))
    with pytest.raises(ScorecardError, match="created_at"):
        card_factory(created_at="2025-01-31 12:00")


def test_numpy_values_are_accepted(
    result_factory: Callable[..., AuditResult], card_factory: Callable[..., Scorecard]
) -> None:
    result = result_factory()
    metrics = {
        name: MetricEstimate(
            np.float64(m.estimate),
            np.float64(m.ci_low),
            np.float64(m.ci_high),
            np.int64(m.n),  # type: ignore[arg-type]  # numpy ints from the statistics
            m.unit,
            m.reason,
        )
        for name, m in result.metrics.items()
    }
    card = card_factory(dataclasses.replace(result, metrics=metrics, seed=np.int64(0)))  # type: ignore[arg-type]
    assert card.to_json() == card_factory().to_json()


def test_infinite_value_is_rejected(result_factory: Callable[..., AuditResult]) -> None:
    result = result_factory()
    metrics = dict(result.metrics)
    metrics["regret"] = MetricEstimate(math.inf, 0.0, math.inf, 5, "prompts")
    with pytest.raises(ScorecardError, match=r"metrics\.regret\.estimate: .*infinity"):
        build_scorecard(
            dataclasses.replace(result, metrics=metrics),
            contract=_contract(),
            run=RunInfo(framework="offline"),
        )


def test_contract_tie_policy_is_recorded_as_stated(
    card_factory: Callable[..., Scorecard], contract_factory: Callable[..., ContractInfo]
) -> None:
    # the contract names its policy ("seeded_random"); the audit's name for it may differ
    card = card_factory(contract=contract_factory(tie_policy="seeded_random"))
    assert card.contract.tie_policy == "seeded_random"


def test_models_forbid_unknown_keys() -> None:
    with pytest.raises(ValueError, match="extra"):
        RunInfo(framework="offline", seeed=3)  # type: ignore[call-arg]


def test_diagnostics_can_be_left_out(card_factory: Callable[..., Scorecard]) -> None:
    card = card_factory(include_diagnostics=False)
    assert card.diagnostics is None
    assert _strict_loads(card.to_json())["diagnostics"] is None
    assert parse_scorecard(card.to_json()) == card


# --- JSON Schema -------------------------------------------------------------------


def test_shipped_schema_equals_generated() -> None:
    assert SCORECARD_SCHEMA_PATH.read_text(encoding="utf-8") == scorecard_json_schema_text(), (
        "regenerate: python -c 'from judgespec.scorecard._schema import "
        "write_shipped_schema as w; w()'"
    )


def test_schema_has_field_descriptions() -> None:
    schema = scorecard_json_schema()
    props = schema["$defs"]["Metric"]["properties"]
    assert "null (NaN)" in props["estimate"]["description"]
    assert schema["$defs"]["Metric"]["additionalProperties"] is False
    assert schema["properties"]["scorecard_version"]["const"] == 1


@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"include_diagnostics": False},
        {"gates": [Gate(metric="recovery", threshold=0.1), Gate(metric="kappa", threshold=0.2)]},
    ],
    ids=["default", "no-diagnostics", "gates"],
)
def test_produced_scorecards_validate_against_shipped_schema(
    card_factory: Callable[..., Scorecard], kwargs: dict[str, Any]
) -> None:
    _validate(card_factory(**kwargs))


def test_schema_rejects_what_the_loader_rejects(scorecard: Scorecard) -> None:
    schema = json.loads(SCORECARD_SCHEMA_PATH.read_text(encoding="utf-8"))
    data = _strict_loads(scorecard.to_json())
    data["metrics"]["recovery"]["estimate"] = "0.2"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, schema)
    with pytest.raises(ScorecardError, match=r"metrics\.recovery\.estimate"):
        parse_scorecard(json.dumps(data))


# --- loading errors ------------------------------------------------------------------


def _contract() -> ContractInfo:
    return ContractInfo(
        name="c",
        version="1",
        fingerprint="abc",
        judge_model="m",
        protocol="pointwise",
        tie_policy="expected",
    )


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda t: t[:-20], r"not valid JSON at line \d+ column \d+"),
        (
            lambda t: t.replace('"estimate": null', '"estimate": NaN', 1),
            "non-standard JSON constant NaN",
        ),
        (
            lambda t: t.replace('"scorecard_version": 1', '"scorecard_version": 2'),
            "scorecard_version 2 is not supported",
        ),
        (
            lambda t: t.replace('"scorecard_version": 1,', ""),
            "scorecard_version None is not supported",
        ),
        (
            lambda t: t.replace('"seed": 0', '"seed": 0, "sede": 1'),
            r"run\.sede: Extra inputs are not permitted",
        ),
        (
            lambda t: t.replace('"prompts": 500', '"prompts": "500"', 1),
            r"counts\.prompts: Input should be a valid integer",
        ),
        (lambda t: "[1, 2]", "a scorecard is a JSON object"),
    ],
    ids=[
        "truncated",
        "nan-literal",
        "version-2",
        "no-version",
        "unknown-key",
        "wrong-type",
        "array",
    ],
)
def test_load_errors_are_one_line_and_name_the_file(
    scorecard: Scorecard, tmp_path: Path, mutate: Callable[[str], str], message: str
) -> None:
    path = tmp_path / "bad.json"
    path.write_text(mutate(scorecard.to_json()), encoding="utf-8")
    with pytest.raises(ScorecardError, match=message) as info:
        load_scorecard(path)
    text = str(info.value)
    assert text.startswith(f"{path}: ")
    assert "\n" not in text


def test_load_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ScorecardError, match="no such scorecard file"):
        load_scorecard(tmp_path / "absent.json")


def test_write_to_missing_directory(scorecard: Scorecard, tmp_path: Path) -> None:
    with pytest.raises(ScorecardError, match="cannot write scorecard"):
        write_scorecard(scorecard, tmp_path / "no" / "such" / "card.json")
