"""Small pieces of the adapter: utilities, field oracle, records, the metric's edge cases."""

from __future__ import annotations

import logging
import math

import pytest
from inspect_ai.scorer import SampleScore, Score

from judgespec_inspect import selection_metrics
from judgespec_inspect._oracle import FieldOracle, resolve_oracle, utility_of
from judgespec_inspect._records import candidate_pool_text, prompt_id_of, rows_from_records
from judgespec_inspect._selection_metric import HEADLINE_METRICS
from judgespec_inspect._selection_scorer import selection_summary


@pytest.mark.parametrize(
    ("value", "expected"),
    [(1, 1.0), (0.25, 0.25), (True, 1.0), (False, 0.0), ("C", 1.0), ("I", 0.0), ("P", 0.5),
     ("N", 0.0), ("yes", 1.0), ("No", 0.0), (" 0.75 ", 0.75), (None, None), (math.nan, None)],
)
def test_score_values_become_utilities(value, expected):
    assert utility_of(value, oracle="x") == expected


@pytest.mark.parametrize("value", ["maybe", {"a": 1}, [1, 2], math.inf])
def test_other_score_values_are_errors(value):
    with pytest.raises(ValueError, match="oracle 'x'"):
        utility_of(value, oracle="x")


def test_field_oracle_matching():
    oracle = FieldOracle("grades")
    meta = {"grades": {"42": 1.0, "41": 0.5, "Paris": 1}}
    assert oracle.utility("42", meta) == 1.0
    assert oracle.utility("  42. ", meta) == 1.0
    assert oracle.utility("The answer is 41.", meta) == 0.5
    assert oracle.utility("paris", meta) == 1.0
    assert oracle.utility("41 or 42", meta) is None  # two answers occur: no utility
    assert oracle.utility("142", meta) is None  # not a whole word
    assert oracle.utility("42", {}) is None
    with pytest.raises(ValueError, match="must map answers to utilities"):
        oracle.utility("42", {"grades": [1, 2]})


def test_oracle_names():
    assert isinstance(resolve_oracle("field:g"), FieldOracle)
    with pytest.raises(ValueError, match="needs a field name"):
        resolve_oracle("field:")
    with pytest.raises(ValueError, match="unknown oracle 'exactly'"):
        resolve_oracle("exactly")


def test_selection_summary_breaks_ties_uniformly():
    assert selection_summary([1.0, 0.0, 1.0], [3.0, 3.0, 1.0]) == {"pick": 0.5, "best": 1.0, "mean": 2 / 3}
    assert selection_summary([1.0, 0.0], [None, None]) == {"pick": None, "best": 1.0, "mean": 0.5}
    assert selection_summary([None, 0.0], [2.0, 1.0])["pick"] is None  # the pick is unlabelled


def _record(pid: str, n: int, k: int, **extra: object) -> dict[str, object]:
    cands = [
        {"candidate_id": f"c{i}", "response": str(i), "oracle": float(i % 2), "judge_score": float(i),
         "parse_failure": False}
        for i in range(k)
    ]
    return {"prompt_id": pid, "prompt": f"p{pid}", "n_requested": n, "candidates": cands, **extra}


def test_rows_are_canonical_and_shortfalls_counted():
    rows = rows_from_records([_record("b", 3, 2), _record("a", 3, 3)])
    assert [r["prompt_id"] for r in rows.candidates] == ["a", "a", "a", "b", "b"]
    assert rows.short_prompts == ["b"] and rows.missing == 1 and rows.n_requested == 3
    assert "WARNING: 1 of 2 prompts have fewer than n=3 candidates (1 missing)" in candidate_pool_text(rows)
    assert prompt_id_of(7, 1) == "7" and prompt_id_of("q", 3) == "q#3"


def test_judge_overrides_become_warnings():
    rows = rows_from_records([_record("a", 2, 2, judge_overridden=True, judge_model="m/x")])
    assert rows.warnings == [
        "judge overridden: verdicts came from 'm/x' (model role 'judge'), not from the "
        "contract's pinned judge"
    ]


def test_the_metric_is_nan_for_no_scores(digit_contract):
    values = selection_metrics(contract=str(digit_contract))([])
    assert isinstance(values, dict)
    assert set(HEADLINE_METRICS) <= set(values)
    assert all(math.isnan(v) for v in values.values())


def test_the_metric_is_nan_with_a_warning_when_the_audit_cannot_run(digit_contract, caplog):
    # one prompt with one candidate: no prompt with two or more candidates to select from
    score = SampleScore(
        score=Score(value={}, metadata={"judgespec": _record("a", 2, 1)}), sample_id="a"
    )
    with caplog.at_level(logging.WARNING):
        values = selection_metrics(contract=str(digit_contract))([score])
    assert isinstance(values, dict) and math.isnan(values["recovery"])
    assert "judgespec: the audit metrics are undefined" in caplog.text
