"""The public surface of judgespec.tables stays what it is; the old homes still work."""

from __future__ import annotations

import judgespec.audit as audit
import judgespec.judge as judge
import judgespec.tables as tables

EXPECTED = {
    "CANDIDATE_COLUMNS",
    "COMPARISON_COLUMNS",
    "ID_COLUMNS",
    "JUDGEBENCH_CATEGORIES",
    "TIE_BREAK_COLUMNS",
    "WINNER_FIRST",
    "WINNER_NULL",
    "WINNER_SECOND",
    "WINNER_TIE",
    "CandidatesTable",
    "ColumnarMetadata",
    "ComparisonsTable",
    "arena_to_candidates",
    "check_candidate_rows",
    "check_id",
    "iter_jsonl",
    "judgebench_category",
    "judgebench_reward_to_candidates",
    "judgebench_to_tables",
    "metadata_column",
    "read_candidate_rows",
    "read_candidates",
    "read_comparisons",
    "write_jsonl",
}


def test_public_names() -> None:
    assert set(tables.__all__) == EXPECTED
    for name in EXPECTED:
        assert getattr(tables, name) is not None


def test_one_implementation_behind_every_home() -> None:
    assert audit.CandidatesTable is tables.CandidatesTable
    assert audit.read_candidates is tables.read_candidates
    assert audit.arena_to_candidates is tables.arena_to_candidates
    assert audit.iter_jsonl is tables.iter_jsonl
    assert judge.write_jsonl is tables.write_jsonl
    assert judge.read_candidate_rows is tables.read_candidate_rows
    assert "judge_score_raw" in tables.CANDIDATE_COLUMNS
    assert tables.TIE_BREAK_COLUMNS[0] == "judge_score_raw"
