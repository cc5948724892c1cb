"""Per-document records: the JSON that travels in lm-eval's metric values."""

from __future__ import annotations

import json
import pickle

from judgespec_lmeval._records import (
    CandidateAnswers,
    DocCandidates,
    Verdict,
    candidate_rows,
    comparison_rows,
    has_verdicts,
    make_record,
    verdicts_of,
    with_verdicts,
)

DOC = DocCandidates(prompt_id="7", prompt="What is 2 + 3?", responses=("5", "6"))
VERDICTS = (Verdict(4.0, False, (4.0, 5.0)), Verdict(None, True))


def test_deferred_record_then_verdicts() -> None:
    record = make_record(DOC, ["5", "6"], [1.0, 0.0])
    assert record["judged_by"] is None
    assert not has_verdicts([record])
    judged = with_verdicts(record, VERDICTS, [{"first_id": "0", "second_id": "1", "winner": "first"}], judged_by="sha256:x")
    assert json.loads(json.dumps(judged)) == judged  # plain JSON
    assert has_verdicts([judged]) and has_verdicts([judged], "sha256:x")
    assert not has_verdicts([judged], "sha256:y")
    assert verdicts_of(judged) == VERDICTS
    assert candidate_rows([judged]) == [
        {"prompt_id": "7", "candidate_id": "0", "oracle": 1.0, "judge_score": 4.0, "parse_failure": False, "judge_samples": [4.0, 5.0]},
        {"prompt_id": "7", "candidate_id": "1", "oracle": 0.0, "judge_score": None, "parse_failure": True},
    ]
    rows = candidate_rows([judged], {"7": ("5", "6")})
    assert [(r["prompt"], r["response"]) for r in rows] == [("What is 2 + 3?", "5"), ("What is 2 + 3?", "6")]
    assert comparison_rows([judged]) == [{"prompt_id": "7", "first_id": "0", "second_id": "1", "winner": "first"}]


def test_nan_becomes_null() -> None:
    record = make_record(DOC, ["5", "6"], [float("nan"), None])
    assert [c["oracle"] for c in record["candidates"]] == [None, None]


def test_candidate_answers_survive_pickling() -> None:
    # lm-eval gathers logged samples across ranks with pickle.
    answers = CandidateAnswers(["5", "6"], DOC)
    again = pickle.loads(pickle.dumps(answers))
    assert list(again) == ["5", "6"] and again.doc == DOC
