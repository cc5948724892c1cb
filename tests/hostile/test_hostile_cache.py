"""A damaged judge cache is a one-line error naming the file and the real option."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from pathlib import Path

import pytest
from hostile_cli import REPLAY_CONTRACT, ConstantJudge, candidates, refused


def _setup(tmp_path: Path, contract: str = REPLAY_CONTRACT) -> tuple[Path, Path]:
    path = tmp_path / "contract.yaml"
    path.write_text(contract, encoding="utf-8")
    table = candidates(tmp_path / "candidates.jsonl", ["first answer", "second answer", "third"])
    return path, table


def _judge_args(contract: Path, table: Path, out: Path, cache: Path) -> list[str]:
    return ["judge", "--contract", str(contract), "--candidates", str(table), "--out", str(out), "--cache-dir", str(cache), "-q"]


def _judge_ok(args: list[str]) -> None:
    from click.testing import CliRunner

    from judgespec.cli import cli

    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output


def _filled_cache(tmp_path: Path, judge: ConstantJudge) -> tuple[list[str], Path]:
    contract, table = _setup(tmp_path)
    cache = tmp_path / "cache"
    args = _judge_args(contract, table, tmp_path / "out", cache)
    _judge_ok(args)
    assert judge.calls == 3
    return args, cache / "judgments.sqlite"


def _checksum(judge_key: str, judge: str, request: str, sample: int, value: str) -> str:
    # The documented formula, computed here independently of the cache module.
    text = json.dumps([judge_key, judge, request, sample, value], ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _rewrite_first(db: Path, value: str, *, fix_checksum: bool) -> None:
    with sqlite3.connect(db) as con:
        key, judge, request, sample = con.execute(
            "SELECT judge_key, judge, request, sample FROM judgments ORDER BY request LIMIT 1"
        ).fetchone()
        checksum = _checksum(key, judge, request, sample, value) if fix_checksum else None
        if checksum is None:
            con.execute("UPDATE judgments SET value = ? WHERE request = ?", (value, request))
        else:
            con.execute(
                "UPDATE judgments SET value = ?, checksum = ? WHERE request = ?", (value, checksum, request)
            )


HINT = "delete the file or pass another --cache-dir, or pass --no-cache"


def test_an_edited_verdict_fails_its_checksum(tmp_path: Path, constant_judge: ConstantJudge) -> None:
    args, db = _filled_cache(tmp_path, constant_judge)
    _rewrite_first(db, json.dumps({"text": "Score: 5", "tokens": 2, "top_logprobs": None}), fix_checksum=False)
    refused(args, str(db), "fails its checksum (the cache was edited or damaged)", HINT)
    assert constant_judge.calls == 3


@pytest.mark.parametrize(
    ("value", "fragment"),
    [("not json {", "is not JSON"), ("[1, 2]", "is not a JSON object"), ("", "is not JSON")],
    ids=["garbage", "array", "empty"],
)
def test_a_value_that_is_not_a_verdict(
    tmp_path: Path, constant_judge: ConstantJudge, value: str, fragment: str
) -> None:
    args, db = _filled_cache(tmp_path, constant_judge)
    _rewrite_first(db, value, fix_checksum=True)
    refused(args, str(db), fragment, HINT)


def test_a_value_stored_as_bytes(tmp_path: Path, constant_judge: ConstantJudge) -> None:
    args, db = _filled_cache(tmp_path, constant_judge)
    with sqlite3.connect(db) as con:
        con.execute("UPDATE judgments SET value = X'00ff'")
    refused(args, str(db), "is not stored as text", HINT)


@pytest.mark.parametrize(
    "content",
    [b"this is not a database at all" * 100, b"SQLite format 3\x00" + b"\xff" * 4000, b"\x00" * 8192],
    ids=["text", "bad-header", "zeros"],
)
def test_garbage_in_place_of_the_database(tmp_path: Path, constant_judge: ConstantJudge, content: bytes) -> None:
    contract, table = _setup(tmp_path)
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / "judgments.sqlite").write_bytes(content)
    refused(_judge_args(contract, table, tmp_path / "out", cache), str(cache / "judgments.sqlite"), HINT)
    assert constant_judge.calls == 0


def test_a_damaged_page(tmp_path: Path, constant_judge: ConstantJudge) -> None:
    contract, table = _setup(tmp_path)
    cache = tmp_path / "cache"
    db = cache / "judgments.sqlite"
    cache.mkdir()
    with sqlite3.connect(db) as con:  # a real cache, several pages long
        con.execute("PRAGMA journal_mode=DELETE")
    _judge_ok(_judge_args(contract, table, tmp_path / "out", cache))
    with sqlite3.connect(db) as con:
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        con.execute("PRAGMA journal_mode=DELETE")
        filler = [("k", "j", f"r{i:05d}", 0, "x" * 200, "c") for i in range(400)]
        con.executemany("INSERT INTO judgments VALUES (?, ?, ?, ?, ?, ?)", filler)
    data = bytearray(db.read_bytes())
    assert len(data) > 4 * 4096
    data[4096 : 3 * 4096] = b"\xa5" * (2 * 4096)  # pages 2 and 3: the table's b-tree
    db.write_bytes(bytes(data))
    refused(_judge_args(contract, table, tmp_path / "out", cache), str(db), HINT)


def test_a_table_of_another_shape(tmp_path: Path, constant_judge: ConstantJudge) -> None:
    contract, table = _setup(tmp_path)
    cache = tmp_path / "cache"
    cache.mkdir()
    with sqlite3.connect(cache / "judgments.sqlite") as con:
        con.execute("CREATE TABLE judgments (a TEXT, b TEXT)")
    refused(
        _judge_args(contract, table, tmp_path / "out", cache),
        "the judgments table has columns ['a', 'b'], not a judge cache's",
        HINT,
    )


def test_a_cache_dir_that_is_a_file(tmp_path: Path, constant_judge: ConstantJudge) -> None:
    contract, table = _setup(tmp_path)
    blocker = tmp_path / "blocker"
    blocker.write_text("a file")
    refused(_judge_args(contract, table, tmp_path / "out", blocker / "cache"), "cannot open the judge cache", HINT)


def test_audit_names_the_environment_variable(tmp_path: Path, constant_judge: ConstantJudge) -> None:
    contract, table = _setup(tmp_path)
    cache = tmp_path / "env-cache"
    cache.mkdir()
    (cache / "judgments.sqlite").write_bytes(b"garbage" * 1000)
    args = ["audit", "--contract", str(contract), "--candidates", str(table), "--out", str(tmp_path / "a"), "--quiet", "--bootstrap", "0"]
    refusal = refused(
        args,
        str(cache / "judgments.sqlite"),
        "delete the file or set JUDGESPEC_CACHE_DIR to another directory, or pass --no-cache",
        env={"JUDGESPEC_CACHE_DIR": str(cache)},
    )
    assert "--cache-dir" not in refusal.line  # audit has no such option


def test_a_previous_format_cache_is_emptied_not_refused(tmp_path: Path, constant_judge: ConstantJudge) -> None:
    contract, table = _setup(tmp_path)
    cache = tmp_path / "cache"
    cache.mkdir()
    with sqlite3.connect(cache / "judgments.sqlite") as con:
        con.execute(
            "CREATE TABLE judgments (fingerprint TEXT NOT NULL, judge TEXT NOT NULL, request TEXT NOT NULL, "
            "sample INTEGER NOT NULL, value TEXT NOT NULL, PRIMARY KEY (fingerprint, judge, request, sample)) WITHOUT ROWID"
        )
        con.execute("INSERT INTO judgments VALUES ('f', 'j', 'r', 0, '{}')")
    _judge_ok(_judge_args(contract, table, tmp_path / "out", cache))
    assert constant_judge.calls == 3


def test_edits_that_do_not_change_the_judge_keep_the_cache(tmp_path: Path, constant_judge: ConstantJudge) -> None:
    args, _db = _filled_cache(tmp_path, constant_judge)
    contract = Path(args[2])
    edits = [
        REPLAY_CONTRACT + "gates:\n  - {metric: recovery, threshold: 0.2}\n",
        REPLAY_CONTRACT + "gates:\n  - {metric: recovery, threshold: 0.7}\n",
        REPLAY_CONTRACT.replace("version: 1.0.0", "version: 1.0.1").replace("hostile-runtime", "renamed"),
        REPLAY_CONTRACT + "tie_policy: {kind: seeded_random, seed: 9}\ndescription: edited\n",
        REPLAY_CONTRACT.replace("{min: 1, max: 5}", "{min: 1, max: 5}, pattern: '(?i)score: (\\d)'"),
    ]
    for text in edits:
        contract.write_text(text, encoding="utf-8")
        _judge_ok(args)
        assert constant_judge.calls == 3, text
    contract.write_text(REPLAY_CONTRACT.replace("Q: {{ prompt }}", "Question: {{ prompt }}"), encoding="utf-8")
    _judge_ok(args)
    assert constant_judge.calls == 6  # a template edit changes what the judge sees
