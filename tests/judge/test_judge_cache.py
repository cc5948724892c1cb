"""The judge cache: reruns make no model calls; an interrupted run resumes (kill -9)."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from judge_doubles import (
    BASE,
    PAIRWISE,
    POINTWISE,
    POINTWISE_TEMPLATE,
    ScriptedJudge,
    contract,
    rows,
)

from judgespec.cli import cli
from judgespec.judge import JudgeCache, judge_candidates

HERE = Path(__file__).resolve().parent


def test_rerun_makes_zero_model_calls(tmp_path: Path) -> None:
    loaded = contract(PAIRWISE, samples={"count": 2})
    data = rows([[1, 2, 3], [3, 1]])
    with JudgeCache.in_dir(tmp_path) as cache:
        first_judge, second_judge = ScriptedJudge(), ScriptedJudge()
        first = judge_candidates(loaded, data, backend=first_judge, cache=cache)
        second = judge_candidates(loaded, data, backend=second_judge, cache=cache)
        assert first_judge.calls == first.stats.model_calls == 16
        assert second_judge.calls == second.stats.model_calls == 0
        assert second.stats.cache_hits == second.stats.judgments == 16
        assert (first.candidates, first.comparisons, first.raw) == (
            second.candidates,
            second.comparisons,
            second.raw,
        )
        assert cache.info().entries == 16


def test_cache_is_keyed_by_contract_and_backend(tmp_path: Path) -> None:
    data = rows([[1, 2]])
    with JudgeCache.in_dir(tmp_path) as cache:
        judge_candidates(contract(POINTWISE), data, backend=ScriptedJudge(), cache=cache)
        other_template = contract(POINTWISE, template="{{ prompt }} / {{ response }}")
        judge = ScriptedJudge()
        judge_candidates(other_template, data, backend=judge, cache=cache)
        assert judge.calls == 2

        class Renamed(ScriptedJudge):
            name = "another-backend"

        renamed = Renamed()
        judge_candidates(contract(POINTWISE), data, backend=renamed, cache=cache)
        assert renamed.calls == 2


def test_logprobs_round_trip_through_the_cache(tmp_path: Path) -> None:
    loaded = contract({"kind": "logprob", "scale": {"min": 1, "max": 5}})
    data = rows([[2, 4]])
    with JudgeCache.in_dir(tmp_path) as cache:
        first = judge_candidates(loaded, data, backend=ScriptedJudge(), cache=cache)
        second = judge_candidates(loaded, data, backend=ScriptedJudge(), cache=cache)
    assert second.stats.model_calls == 0
    assert [r["judge_score"] for r in first.candidates] == [
        r["judge_score"] for r in second.candidates
    ]


def test_each_batch_is_committed_before_the_next(tmp_path: Path) -> None:
    class Crashing(ScriptedJudge):
        def generate(self, requests: Any) -> Any:
            if self.batches == 2:
                raise RuntimeError("backend died")
            return super().generate(requests)

    loaded, data = contract(POINTWISE), rows([[1, 2, 3, 4, 5], [1, 2, 3, 4, 5]])
    with JudgeCache.in_dir(tmp_path) as cache:
        with pytest.raises(RuntimeError, match="backend died"):
            judge_candidates(loaded, data, backend=Crashing(batch_size=3), cache=cache)
        assert cache.info().entries == 6
        resumed = ScriptedJudge(batch_size=3)
        out = judge_candidates(loaded, data, backend=resumed, cache=cache)
    assert resumed.calls == 4 and out.stats.cache_hits == 6


def test_info_and_clear(tmp_path: Path) -> None:
    with JudgeCache.in_dir(tmp_path) as cache:
        judge_candidates(contract(POINTWISE), rows([[1, 2]]), backend=ScriptedJudge(), cache=cache)
        info = cache.info()
        assert (
            info.entries == 2 and info.size_bytes > 0 and info.path == tmp_path / "judgments.sqlite"
        )
        assert cache.clear() == 2
        assert cache.info().entries == 0


def test_default_cache_lives_in_the_cache_dir(judgespec_cache_dir: Path) -> None:
    with JudgeCache.default() as cache:
        assert cache.path == judgespec_cache_dir / "judgments.sqlite"
    journal = (
        sqlite3.connect(judgespec_cache_dir / "judgments.sqlite")
        .execute("PRAGMA journal_mode")
        .fetchone()
    )
    assert journal == ("wal",)


def test_cache_cli(tmp_path: Path) -> None:
    with JudgeCache.in_dir(tmp_path) as cache:
        judge_candidates(
            contract(POINTWISE), rows([[1, 2, 3]]), backend=ScriptedJudge(), cache=cache
        )
    runner = CliRunner()
    info = runner.invoke(cli, ["cache", "info", "--cache-dir", str(tmp_path)])
    assert info.exit_code == 0 and "entries: 3" in info.output
    refused = runner.invoke(cli, ["cache", "clear", "--cache-dir", str(tmp_path)], input="n\n")
    assert refused.exit_code == 1 and "Delete 3 cached judge calls" in refused.output
    cleared = runner.invoke(cli, ["cache", "clear", "--cache-dir", str(tmp_path), "--yes"])
    assert cleared.exit_code == 0 and "removed 3 cached judge calls" in cleared.output


# --------------------------------------------------------------------------- kill -9

PLUGIN = """
import os, sys
from pathlib import Path
sys.path.insert(0, os.environ["JUDGE_DOUBLES_DIR"])
from judge_doubles import ScriptedJudge
from judgespec.judge import register_backend

@register_backend("replay")
def _slow_double(judge):
    return ScriptedJudge(batch_size=2, delay=float(os.environ["JUDGE_DELAY"]), log=Path(os.environ["JUDGE_CALL_LOG"]))

from judgespec.cli import main
main()
"""

CONTRACT = """
spec_version: 1
name: kill-test
version: 1.0.0
judge: {model: slow-double, backend: replay, allow_unpinned: true}
protocol: {kind: pointwise, scale: {min: 1, max: 5}}
prompt:
  template: "Question: {{ prompt }} Response: {{ response }}"
  variables: [prompt, response]
"""


def _logged(path: Path) -> list[tuple[str, int]]:
    if not path.exists():
        return []
    return [tuple(json.loads(line)) for line in path.read_text().splitlines()]  # type: ignore[misc]


def _committed(db: Path) -> set[tuple[str, int]]:
    if not db.exists():
        return set()
    with sqlite3.connect(db, timeout=30) as con:
        try:
            return set(con.execute("SELECT request, sample FROM judgments"))
        except sqlite3.OperationalError:  # the table is being created
            return set()


def test_kill_9_then_resume_equals_an_uninterrupted_run(tmp_path: Path) -> None:
    plugin = tmp_path / "plugin.py"
    plugin.write_text(PLUGIN)
    (tmp_path / "contract.yaml").write_text(CONTRACT)
    data = rows([[1, 2, 3, 4, 5]] * 8)  # 40 judgments, 20 batches of 2
    (tmp_path / "candidates.jsonl").write_text("".join(json.dumps(r) + "\n" for r in data))
    cache_dir, db = tmp_path / "cache", tmp_path / "cache" / "judgments.sqlite"

    def command(
        out: str, *, delay: float, log: str, cache: bool = True
    ) -> tuple[list[str], dict[str, str]]:
        args = [
            sys.executable,
            str(plugin),
            "judge",
            "--contract",
            str(tmp_path / "contract.yaml"),
            "--candidates",
            str(tmp_path / "candidates.jsonl"),
            "--out",
            str(tmp_path / out),
            "-q",
        ]
        args += ["--cache-dir", str(cache_dir)] if cache else ["--no-cache"]
        env = {
            **os.environ,
            "JUDGE_DOUBLES_DIR": str(HERE),
            "JUDGE_DELAY": str(delay),
            "JUDGE_CALL_LOG": str(tmp_path / log),
        }
        return args, env

    args, env = command("killed", delay=0.15, log="calls1.jsonl")
    proc = subprocess.Popen(args, env=env)
    deadline = time.monotonic() + 60
    while len(_committed(db)) < 6:
        assert proc.poll() is None, "the run finished before it could be killed"
        assert time.monotonic() < deadline, "no batch was committed within 60 s"
        time.sleep(0.01)
    os.kill(proc.pid, signal.SIGKILL)
    assert proc.wait(timeout=30) == -signal.SIGKILL
    committed = _committed(db)
    assert 6 <= len(committed) < 40
    assert not (tmp_path / "killed" / "candidates.jsonl").exists()

    args, env = command("resumed", delay=0.0, log="calls2.jsonl")
    subprocess.run(args, env=env, check=True, timeout=120)
    recomputed = _logged(tmp_path / "calls2.jsonl")
    assert len(recomputed) == 40 - len(committed)
    assert not set(recomputed) & committed  # completed judgments are not recomputed

    args, env = command("fresh", delay=0.0, log="calls3.jsonl", cache=False)
    subprocess.run(args, env=env, check=True, timeout=120)
    assert len(_logged(tmp_path / "calls3.jsonl")) == 40
    for name in ("candidates.jsonl", "comparisons.jsonl", "judgments.jsonl"):
        assert (tmp_path / "resumed" / name).read_text() == (tmp_path / "fresh" / name).read_text()

    args, env = command("rerun", delay=0.0, log="calls4.jsonl")
    subprocess.run(args, env=env, check=True, timeout=120)
    assert _logged(tmp_path / "calls4.jsonl") == []  # a rerun makes no model calls
    assert (tmp_path / "rerun" / "judgments.jsonl").read_text() == (
        tmp_path / "fresh" / "judgments.jsonl"
    ).read_text()


def test_cached_rerun_builds_no_backend(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Cache hits are resolved before any backend is built: a full rerun constructs none."""
    from judgespec.judge.backends import _backend

    built: list[ScriptedJudge] = []

    def factory(judge: Any) -> ScriptedJudge:
        made = ScriptedJudge()
        made.name = "replay"  # type: ignore[misc]
        built.append(made)
        return made

    monkeypatch.setitem(_backend._REGISTRY, "replay", factory)
    loaded = contract(POINTWISE)
    data = rows([[1, 2, 3], [3, 1]])
    with JudgeCache.in_dir(tmp_path) as cache:
        first = judge_candidates(loaded, data, cache=cache)
        assert len(built) == 1 and first.stats.model_calls == 5
        second = judge_candidates(loaded, data, cache=cache)
        assert len(built) == 1, "a fully cached rerun must not build the backend"
        assert second.stats.cache_hits == 5 and second.stats.model_calls == 0
        assert first.candidates == second.candidates
        third = judge_candidates(loaded, [*data, {**data[0], "candidate_id": "new", "response": "q=4"}], cache=cache)
        assert len(built) == 2 and third.stats.model_calls == 1


def test_cached_cli_audit_rerun_loads_no_model(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``judgespec audit`` a second time over the same candidates builds no backend."""
    from judgespec.judge.backends import _backend

    built: list[str] = []

    def factory(judge: Any) -> ScriptedJudge:
        built.append(judge.model)
        made = ScriptedJudge()
        made.name = "replay"  # type: ignore[misc]
        return made

    monkeypatch.setitem(_backend._REGISTRY, "replay", factory)
    monkeypatch.setenv("JUDGESPEC_CACHE_DIR", str(tmp_path / "cache"))
    spec = tmp_path / "c.yaml"
    spec.write_text(
        yaml.safe_dump(
            {
                **BASE,
                "protocol": POINTWISE,
                "prompt": {"template": POINTWISE_TEMPLATE, "variables": ["prompt", "response"]},
            }
        ),
        encoding="utf-8",
    )
    table = tmp_path / "candidates.jsonl"
    table.write_text("".join(json.dumps(r) + "\n" for r in rows([[1, 2], [2, 1, 3]])))
    for n in (1, 2):
        result = CliRunner().invoke(
            cli,
            ["audit", "--contract", str(spec), "--candidates", str(table), "--bootstrap", "20",
             "--out", str(tmp_path / f"out{n}"), "--quiet"],
        )
        assert result.exit_code == 0, result.output
    assert built == ["double"]
