"""The old homes of the table names are the one implementation in judgespec.tables.

The exports themselves are checked with every public module's in tests/test_public_surface.py.
"""

from __future__ import annotations

import judgespec.audit as audit
import judgespec.judge as judge
import judgespec.tables as tables


def test_one_implementation_behind_every_home() -> None:
    assert audit.CandidatesTable is tables.CandidatesTable
    assert audit.read_candidates is tables.read_candidates
    assert audit.arena_to_candidates is tables.arena_to_candidates
    assert audit.iter_jsonl is tables.iter_jsonl
    assert judge.write_jsonl is tables.write_jsonl
    assert judge.read_candidate_rows is tables.read_candidate_rows
    assert "judge_score_raw" in tables.CANDIDATE_COLUMNS
    assert tables.TIE_BREAK_COLUMNS[0] == "judge_score_raw"
