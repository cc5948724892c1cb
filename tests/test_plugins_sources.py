"""How the core finds an adapter's tables reader, and which paths ``read_judged_set`` sends there."""

from __future__ import annotations

import types
from pathlib import Path
from typing import Any

import pytest

from judgespec import JudgespecError, _sources, frameworks
from judgespec.pipeline import SourceRows
from judgespec.scorecard import read_judged_set


def _module(name: str, **functions: Any) -> types.ModuleType:
    module = types.ModuleType(name)
    for attr, function in functions.items():
        function.__module__, function.__name__ = name, attr
        setattr(module, attr, function)
    return module


def test_the_tables_reader_is_the_sibling_of_the_registered_reader(monkeypatch: pytest.MonkeyPatch) -> None:
    def score_from_thing(path: Any) -> None: ...

    def tables_from_thing(path: Any) -> SourceRows:
        return SourceRows(candidates=[], source=str(path))

    module = _module("fake_source", score_from_thing=score_from_thing, tables_from_thing=tables_from_thing)
    monkeypatch.setitem(__import__("sys").modules, "fake_source", module)
    monkeypatch.setattr(_sources, "load_plugin", lambda group, name, *, purpose: module.score_from_thing)
    assert frameworks.load_source_tables("thing", purpose="Testing") is module.tables_from_thing


def test_a_reader_without_a_tables_sibling_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    def score_from_thing(path: Any) -> None: ...

    module = _module("fake_source_old", score_from_thing=score_from_thing)
    monkeypatch.setitem(__import__("sys").modules, "fake_source_old", module)
    monkeypatch.setattr(_sources, "load_plugin", lambda group, name, *, purpose: module.score_from_thing)
    with pytest.raises(JudgespecError, match=r"^the 'thing' source \(fake_source_old\) offers no tables_from_thing function; Contrasting needs an adapter version that does$"):
        frameworks.load_source_tables("thing", purpose="Contrasting")


@pytest.mark.parametrize(
    ("name", "kind"),
    [("run.eval", "inspect-log"), ("run.json", "inspect-log"), ("out/model/samples_arith_2026-01-01T00-00-00.jsonl", "lmeval-samples")],
)
def test_logs_and_samples_go_to_the_adapters(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, kind: str) -> None:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("{}", encoding="utf-8")
    asked: list[tuple[str, Path]] = []

    def reader(p: Path) -> SourceRows:
        asked.append((kind, p))
        rows = [
            {"prompt_id": "p", "candidate_id": c, "oracle": float(c == "a"), "judge_score": float(c == "b")}
            for c in "ab"
        ]
        return SourceRows(candidates=rows, source=str(p))

    monkeypatch.setattr(_sources, "load_source_tables", lambda name, *, purpose: reader)
    judged, info = read_judged_set(path)
    assert asked == [(kind, path)]
    assert judged.candidates.n_rows == 2 and judged.comparisons is None
    assert (info.contract, info.tie_policy, info.source) == (None, "expected", str(path))
    if kind == "lmeval-samples":  # the folder holding the samples is a source too
        asked.clear()
        judged, info = read_judged_set(tmp_path / "out", label="task")
        assert asked == [(kind, tmp_path / "out")] and info.label == "task"


def test_a_folder_with_neither_names_every_kind_of_source(tmp_path: Path) -> None:
    with pytest.raises(JudgespecError, match=r"no candidates.jsonl: .* an Inspect log or lm-eval --log_samples output$"):
        read_judged_set(tmp_path)


def test_a_source_entry_point_that_is_no_reader_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_sources, "load_plugin", lambda group, name, *, purpose: "not a function")
    with pytest.raises(JudgespecError, match=r"^the 'thing' entry point of judgespec\.sources is not a reader"):
        frameworks.load_source("thing", purpose="Scoring --from-thing")
