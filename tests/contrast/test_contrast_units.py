"""Contrast building blocks on small hand-made tables: Holm, alignment, bad input."""

from __future__ import annotations

import math
from typing import Any

import pytest

from judgespec import AuditDataError
from judgespec.audit import CandidatesTable, ComparisonsTable, JudgedSet, holm_adjust, run_contrast


def table(rows: list[tuple[str, str, float | None, float | None]], source: str) -> CandidatesTable:
    return CandidatesTable.from_rows(
        [{"prompt_id": p, "candidate_id": c, "oracle": y, "judge_score": s} for p, c, y, s in rows],
        source=source,
    )


BASE = [
    ("p1", "a", 1.0, 3.0), ("p1", "b", 0.0, 1.0), ("p1", "c", 0.5, 2.0),
    ("p2", "a", 0.0, 2.0), ("p2", "b", 1.0, 2.0), ("p2", "c", 0.0, 1.0),
    ("p3", "a", 0.2, 1.0), ("p3", "b", 0.9, 4.0), ("p3", "c", 0.1, 4.0),
    ("p4", "a", 0.3, 5.0), ("p4", "b", 0.6, 2.0), ("p4", "c", 0.9, 3.0),
]  # fmt: skip


def flipped(rows: list[tuple[str, str, float | None, float | None]]) -> list[Any]:
    """Another judge: the same candidates, scores reversed within every prompt."""
    return [(p, c, y, None if s is None else 6.0 - s) for p, c, y, s in rows]


def test_holm_matches_a_hand_worked_example() -> None:
    # sorted: 0.01 (x4 = 0.04), 0.02 (x3 = 0.06), 0.03 (x2 = 0.06), 0.04 (x1 = 0.04 -> 0.06)
    assert holm_adjust([0.03, 0.01, 0.04, 0.02]) == pytest.approx([0.06, 0.04, 0.06, 0.06])
    assert holm_adjust([0.5, math.nan, 0.01]) == pytest.approx([0.5, math.nan, 0.02], nan_ok=True)
    assert holm_adjust([0.6, 0.7]) == [1.0, 1.0]  # capped at 1, monotone


def test_rows_in_another_order_are_aligned_to_the_reference() -> None:
    ref = JudgedSet("ref", table(BASE, "ref.jsonl"))
    shuffled = JudgedSet("other", table(list(reversed(flipped(BASE))), "other.jsonl"))
    same_order = JudgedSet("other", table(flipped(BASE), "other.jsonl"))
    a = run_contrast([ref, shuffled], n_bootstrap=100, seed=3)
    b = run_contrast([ref, same_order], n_bootstrap=100, seed=3)
    for x, y in zip(a.contrasts, b.contrasts, strict=True):
        assert x.difference == y.difference


def test_different_candidate_sets_name_the_file_and_what_differs() -> None:
    ref = JudgedSet("ref", table(BASE, "ref.jsonl"))
    fewer = JudgedSet("other", table([r for r in BASE if r[:2] != ("p2", "c") and r[0] != "p4"], "other.jsonl"))
    with pytest.raises(AuditDataError) as err:
        run_contrast([ref, fewer])
    message = str(err.value)
    assert message.startswith("other.jsonl (other): not the candidate set of ref.jsonl (ref): ")
    assert "1 prompt(s) of ref missing ('p4')" in message
    assert "1 candidate(s) of ref missing ('p2/c')" in message
    assert "--intersect" in message and "\n" not in message


def test_intersect_contrasts_the_common_part_and_says_what_was_dropped() -> None:
    ref = JudgedSet("ref", table(BASE, "ref.jsonl"))
    fewer_rows = [r for r in flipped(BASE) if r[:2] != ("p2", "c") and r[0] != "p4"]
    fewer = JudgedSet("other", table(fewer_rows, "other.jsonl"))
    result = run_contrast([ref, fewer], intersect=True, n_bootstrap=50)
    assert result.prompts == 3 and result.candidates == 8
    assert result.dropped == {"ref": (1, 4)}
    # the reference is audited on the common part only
    common = JudgedSet("ref", table([r for r in BASE if r[:2] != ("p2", "c") and r[0] != "p4"], "x"))
    again = run_contrast([common, fewer], n_bootstrap=50)
    assert result.contrasts[0].difference == again.contrasts[0].difference


def test_different_oracles_for_one_candidate_are_an_error() -> None:
    ref = JudgedSet("ref", table(BASE, "ref.jsonl"))
    moved = [(p, c, 0.7 if (p, c) == ("p3", "b") else y, s) for p, c, y, s in BASE]
    with pytest.raises(AuditDataError) as err:
        run_contrast([ref, JudgedSet("other", table(moved, "other.jsonl"))], intersect=True)
    assert str(err.value) == (
        "other.jsonl (other): candidate 'b' of prompt 'p3' has oracle 0.7 but 0.9 in ref.jsonl "
        "(ref): a contrast needs one oracle per candidate; audit both judges against the same oracle"
    )


def test_arguments_are_checked() -> None:
    ref = JudgedSet("ref", table(BASE, "ref.jsonl"))
    with pytest.raises(ValueError, match="two or more judged sets"):
        run_contrast([ref])
    with pytest.raises(ValueError, match="labels must be unique"):
        run_contrast([ref, ref])
    with pytest.raises(ValueError, match="unknown metric"):
        run_contrast([ref, JudgedSet("b", ref.candidates)], metrics=["recall"])
    with pytest.raises(ValueError, match="interval must be one of"):
        run_contrast([ref, JudgedSet("b", ref.candidates)], interval="bca")


def test_an_undefined_metric_gives_an_undefined_difference_with_the_reason() -> None:
    ref = JudgedSet("ref", table(BASE, "ref.jsonl"))
    rows = [{"prompt_id": p, "candidate_id": c, "oracle": y, "judge_score": None} for p, c, y, _ in BASE]
    blank = CandidatesTable.from_rows(rows, source="blank.jsonl")
    comps = ComparisonsTable.from_rows(
        [{"prompt_id": "p1", "first_id": "a", "second_id": "b", "winner": "first"}],
        candidates=blank,
    )
    result = run_contrast(
        [ref, JudgedSet("pairs", blank, comps)], metrics=["recovery", "position_consistency"],
        n_bootstrap=50,
    )  # fmt: skip
    by_metric = {row.metric: row.difference for row in result.contrasts}
    pc = by_metric["position_consistency"]
    assert math.isnan(pc.estimate) and math.isnan(pc.p_holm)
    assert pc.reason is not None and pc.reason.startswith("undefined for ref: no comparisons table")
    # only the defined difference is in the Holm family: adjusted p equals the raw one
    assert by_metric["recovery"].p_holm == by_metric["recovery"].p_value

    from judgespec.scorecard import ContrastJudge, build_contrast, render_contrast_markdown

    judges = [ContrastJudge(label=x, source=x, tie_policy="expected") for x in ("ref", "pairs")]
    md = render_contrast_markdown(build_contrast(result, judges=judges, created_at="2026-01-01T00:00:00Z"))
    assert "| position_consistency | n/a | 0.000 [" not in md
    assert "| position_consistency | n/a | n/a | n/a | n/a | n/a |" in md


def test_every_metric_has_a_range_for_clipping() -> None:
    from judgespec.audit import METRIC_NAMES
    from judgespec.audit._joint import METRIC_RANGES

    assert set(METRIC_RANGES) == set(METRIC_NAMES)
