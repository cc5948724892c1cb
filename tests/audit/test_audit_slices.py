"""Slices: each value of a prompt-level column audited on its own, with its own intervals."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from judgespec import AuditDataError
from judgespec.audit import CandidatesTable, ComparisonsTable, run_audit


def _rows(seed: int = 0) -> list[dict[str, Any]]:
    rng = np.random.default_rng(seed)
    rows = []
    for p in range(40):
        family = ["math", "code", "chat"][p % 3]
        for c in range(int(rng.integers(2, 5))):
            y = float(rng.normal())
            rows.append(
                {
                    "prompt_id": f"p{p}",
                    "candidate_id": f"c{c}",
                    "oracle": y,
                    "judge_score": float(np.round(y + rng.normal(), 0)),
                    "family": family,
                }
            )
    return rows


def test_each_slice_equals_an_audit_of_its_prompts_alone() -> None:
    rows = _rows()
    table = CandidatesTable.from_rows(rows, source="c.jsonl")
    result = run_audit(table, n_bootstrap=200, seed=5, by="family")
    assert [(s.by, s.value) for s in result.slices] == [
        ("family", "chat"),
        ("family", "code"),
        ("family", "math"),
    ]
    for sl in result.slices:
        alone = run_audit(
            CandidatesTable.from_rows([r for r in rows if r["family"] == sl.value]),
            n_bootstrap=200,
            seed=5,
        )
        assert sl.counts == alone.counts
        for name, m in sl.metrics.items():
            a = alone.metrics[name]
            np.testing.assert_equal(
                (m.estimate, m.ci_low, m.ci_high, m.n), (a.estimate, a.ci_low, a.ci_high, a.n)
            )
    # the whole-table metrics are unchanged by slicing
    plain = run_audit(table, n_bootstrap=200, seed=5)
    assert plain.metrics == result.metrics and plain.slices == []


def test_slices_keep_their_comparisons() -> None:
    cands = CandidatesTable.from_rows(
        {"prompt_id": p, "candidate_id": c, "oracle": y, "kind": k}
        for p, k in (("p1", "a"), ("p2", "b"))
        for c, y in (("x", 1.0), ("y", 0.0))
    )
    comps = ComparisonsTable.from_rows(
        [
            {"prompt_id": "p1", "first_id": "x", "second_id": "y", "winner": "first"},
            {"prompt_id": "p1", "first_id": "y", "second_id": "x", "winner": "second"},
            {"prompt_id": "p2", "first_id": "x", "second_id": "y", "winner": "second"},
            {"prompt_id": "p2", "first_id": "y", "second_id": "x", "winner": "first"},
        ],
        candidates=cands,
    )
    result = run_audit(cands, comps, n_bootstrap=0, by="kind")
    by_value = {s.value: s for s in result.slices}
    assert by_value["a"].metrics["pairwise_accuracy"].estimate == 1.0
    assert by_value["b"].metrics["pairwise_accuracy"].estimate == 0.0
    assert by_value["a"].metrics["top1_accuracy"].estimate == 1.0  # derived selection
    assert by_value["a"].counts.comparisons == 2
    assert by_value["a"].counts.derived_scores == 2
    assert result.metrics["pairwise_accuracy"].estimate == 0.5


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda r: r.pop("family"), r"c\.jsonl: slice column 'family' is missing"),
        (
            lambda r: r.update(family="math" if r["candidate_id"] == "c0" else "code"),
            r"c\.jsonl: slice column 'family' differs within prompt 'p0' \(code, math\)",
        ),
        (
            lambda r: r.update(family=None) if r["prompt_id"] == "p3" else None,
            r"c\.jsonl: slice column 'family' is null or missing for prompt 'p3'",
        ),
        (
            lambda r: r.update(family="all"),
            r"c\.jsonl: slice column 'family' has one value \('all'\) for every prompt",
        ),
    ],
)
def test_bad_slice_columns_fail_naming_the_file(change: Any, message: str) -> None:
    rows = _rows()
    for row in rows:
        change(row)
    table = CandidatesTable.from_rows(rows, source="c.jsonl")
    with pytest.raises(AuditDataError, match=message):
        run_audit(table, n_bootstrap=0, by="family")


def test_numeric_slice_values_are_text() -> None:
    rows = [{**r, "level": int(r["prompt_id"][1:]) % 2} for r in _rows()]
    result = run_audit(CandidatesTable.from_rows(rows), n_bootstrap=0, by="level")
    assert [s.value for s in result.slices] == ["0", "1"]
