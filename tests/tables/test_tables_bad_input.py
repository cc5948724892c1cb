"""Bad candidates tables: each a one-line error naming the file and the line."""

from __future__ import annotations

import gzip
import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from judgespec import AuditDataError
from judgespec.tables import (
    read_candidate_rows,
    read_candidates,
    write_jsonl,
)


def _lines(path: Path, lines: list[str]) -> Path:
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return path


GOOD = [
    '{"prompt_id": "p1", "candidate_id": "a", "oracle": 1.0, "judge_score": 2.0}',
    '{"prompt_id": "p1", "candidate_id": "b", "oracle": 0.0, "judge_score": 1.0}',
]


def _one_line_error(exc: pytest.ExceptionInfo[AuditDataError]) -> str:
    message = str(exc.value)
    assert "\n" not in message
    return message


@pytest.mark.parametrize(
    ("value", "shown"),
    [("1", "1 (int)"), ("1.5", "1.5 (float)"), ("true", "true (bool)"), ('""', '"" (str)')],
)
def test_non_string_or_empty_ids_name_the_line(tmp_path: Path, value: str, shown: str) -> None:
    path = _lines(
        tmp_path / "ids.jsonl",
        [*GOOD, f'{{"prompt_id": {value}, "candidate_id": "c", "oracle": 1}}'],
    )
    for read in (read_candidates, read_candidate_rows):
        with pytest.raises(AuditDataError) as exc:
            read(path)
        assert _one_line_error(exc) == (
            f"{path}:3: prompt_id must be a non-empty string, got {shown}: "
            'write ids as JSON strings, e.g. "1"'
        )


def test_null_and_missing_ids_name_the_line(tmp_path: Path) -> None:
    for row in ('{"prompt_id": null, "candidate_id": "c"}', '{"candidate_id": "c"}'):
        path = _lines(tmp_path / "null.jsonl", [*GOOD, "", row])
        with pytest.raises(AuditDataError, match=r"null\.jsonl:4: missing prompt_id: every row"):
            read_candidates(path)


def test_integer_candidate_ids(tmp_path: Path) -> None:
    path = _lines(tmp_path / "c.jsonl", ['{"prompt_id": "p", "candidate_id": 0}'])
    with pytest.raises(AuditDataError, match=r"c\.jsonl:1: candidate_id must be a non-empty string, got 0 \(int\)"):
        read_candidates(path)


def test_duplicate_key_names_both_lines(tmp_path: Path) -> None:
    path = _lines(
        tmp_path / "dup.jsonl",
        [*GOOD, '{"prompt_id": "p2", "candidate_id": "a"}', '{"prompt_id": "p1", "candidate_id": "b"}'],
    )
    with pytest.raises(AuditDataError) as exc:
        read_candidates(path)
    assert _one_line_error(exc) == (
        f"{path}:4: duplicate (prompt_id, candidate_id) ('p1', 'b'): each candidate must "
        "appear once (first seen at line 2)"
    )


@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity"])
def test_non_finite_scores_in_jsonl(tmp_path: Path, literal: str) -> None:
    path = _lines(
        tmp_path / "nan.jsonl",
        [*GOOD, f'{{"prompt_id": "p2", "candidate_id": "a", "judge_score": {literal}}}'],
    )
    with pytest.raises(AuditDataError, match=r"nan\.jsonl:3: judge_score must be finite, got .*: write null"):
        read_candidates(path)


def test_non_finite_scores_in_parquet(tmp_path: Path) -> None:
    path = tmp_path / "inf.parquet"
    table = pa.table(
        {
            "prompt_id": ["p", "p", "q"],
            "candidate_id": ["a", "b", "a"],
            "oracle": [1.0, None, math.inf],
        }
    )
    pq.write_table(table, path)
    with pytest.raises(AuditDataError, match=r"inf\.parquet:3: oracle must be finite, got inf"):
        read_candidates(path)


def test_parquet_column_of_the_wrong_type(tmp_path: Path) -> None:
    ints = tmp_path / "ints.parquet"
    pq.write_table(pa.table({"prompt_id": [7, 7], "candidate_id": ["a", "b"]}), ints)
    with pytest.raises(AuditDataError, match=r"ints\.parquet:1: prompt_id must be a non-empty string, got 7 \(int\)"):
        read_candidates(ints)
    text = tmp_path / "text.parquet"
    pq.write_table(
        pa.table({"prompt_id": ["p", "p"], "candidate_id": ["a", "b"], "oracle": [None, "0.5"]}),
        text,
    )
    with pytest.raises(AuditDataError) as exc:
        read_candidates(text)
    assert _one_line_error(exc) == (
        f'{text}:2: oracle must be a number or null, got "0.5" (str): the column has type '
        "string; write it as a float column"
    )


def test_truncated_last_line(tmp_path: Path) -> None:
    path = tmp_path / "cut.jsonl"
    path.write_text(GOOD[0] + "\n" + GOOD[1][:30], encoding="utf-8")
    with pytest.raises(AuditDataError, match=r"cut\.jsonl:2: truncated last line .*no newline at the end"):
        read_candidates(path)


def test_duplicate_keys_in_one_row(tmp_path: Path) -> None:
    path = _lines(
        tmp_path / "keys.jsonl",
        [GOOD[0], '{"prompt_id": "p1", "candidate_id": "b", "oracle": 1, "oracle": 0}'],
    )
    with pytest.raises(AuditDataError) as exc:
        read_candidates(path)
    assert _one_line_error(exc) == (
        f"{path}:2: duplicate key 'oracle' in one JSON object: give each key once"
    )


def test_gz_that_is_not_gzip(tmp_path: Path) -> None:
    path = _lines(tmp_path / "plain.jsonl.gz", GOOD)
    with pytest.raises(AuditDataError, match=r"plain\.jsonl\.gz:1: not a gzip file .*compress it with gzip"):
        read_candidates(path)


def test_gzip_is_read(tmp_path: Path) -> None:
    path = tmp_path / "good.jsonl.gz"
    with gzip.open(path, "wt", encoding="utf-8") as handle:
        handle.write("\n".join(GOOD) + "\n")
    assert read_candidates(path).candidate_ids.tolist() == ["a", "b"]


def test_invalid_utf8_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "latin1.jsonl"
    path.write_bytes(
        (GOOD[0] + "\n" + GOOD[1] + "\n").encode()
        + '{"prompt_id": "p2", "candidate_id": "a", "response": "caf\u00e9"}\n'.encode("latin-1")
    )
    with pytest.raises(AuditDataError, match=r"latin1\.jsonl:3: not UTF-8 text \(byte \d+ of the line\)"):
        read_candidates(path)


def test_writer_is_nan_safe_and_round_trips(tmp_path: Path) -> None:
    rows: list[dict[str, Any]] = [
        {"prompt_id": "p", "candidate_id": "a", "oracle": math.nan, "judge_score": 1.0, "x": [math.inf]},
        {"prompt_id": "p", "candidate_id": "b", "oracle": 0.5, "judge_score": None},
    ]
    path = write_jsonl(tmp_path / "sub" / "out.jsonl", rows)
    text = path.read_text(encoding="utf-8")
    assert "NaN" not in text and "Infinity" not in text
    assert json.loads(text.splitlines()[0]) == {
        "prompt_id": "p", "candidate_id": "a", "oracle": None, "judge_score": 1.0, "x": [None],
    }  # fmt: skip
    table = read_candidates(path)
    np.testing.assert_array_equal(table.oracle, [np.nan, 0.5])
    assert list(tmp_path.joinpath("sub").iterdir()) == [path]  # no temporary file left


@pytest.mark.parametrize(("pid", "message"), [(None, "missing prompt_id"), ("", "prompt_id must be a non-empty string")])
def test_parquet_null_and_empty_ids(tmp_path: Path, pid: str | None, message: str) -> None:
    path = tmp_path / "ids.parquet"
    pq.write_table(
        pa.table({"prompt_id": ["p", "p", "q", pid], "candidate_id": ["a", "b", "a", "b"]}),
        path,
        row_group_size=2,  # two row groups, two dictionaries
    )
    with pytest.raises(AuditDataError, match=rf"ids\.parquet:4: {message}"):
        read_candidates(path)


def test_parquet_duplicate_key_across_row_groups(tmp_path: Path) -> None:
    path = tmp_path / "dup.parquet"
    pq.write_table(
        pa.table({"prompt_id": ["p", "q", "q", "p"], "candidate_id": ["a", "a", "b", "a"]}),
        path,
        row_group_size=2,
    )
    with pytest.raises(AuditDataError, match=r"dup\.parquet:4: duplicate \(prompt_id, candidate_id\) \('p', 'a'\).*first seen at line 1"):
        read_candidates(path)
