"""Every probe on the embedded SmolLM2 judge, on three short prompts of the bundled arena sample."""

from __future__ import annotations

import gzip
import json
import math
from importlib import resources
from typing import Any

import pytest
import yaml

from judgespec.audit import probe_statistics
from judgespec.contract import load_contract_text
from judgespec.judge import run_probes

PROMPTS = ("arena_6430", "arena_3517", "arena_2633")
"""Three prompts of the bundled sample with short responses (a few dozen characters)."""


def _rows() -> list[dict[str, Any]]:
    ref = resources.files("judgespec").joinpath("data/arena_sample/candidates.jsonl.gz")
    with ref.open("rb") as raw, gzip.open(raw, "rt", encoding="utf-8") as fh:
        rows = [json.loads(line) for line in fh]
    out: list[dict[str, Any]] = []
    for pid in PROMPTS:
        mine = [r for r in rows if r["prompt_id"] == pid][:2]
        assert len(mine) == 2
        out.extend(mine)
    return out


def _shipped(name: str, probes: list[dict[str, Any]]) -> Any:
    text = resources.files("judgespec").joinpath(f"data/contracts/{name}.yaml").read_text("utf-8")
    data = yaml.safe_load(text)
    data["probes"] = {"sample": len(PROMPTS), "seed": 0, "run": probes}
    return load_contract_text(yaml.safe_dump(data, sort_keys=False), name=f"<{name} + probes>")


def _check(runs: Any, kinds: list[str], low: float, high: float) -> None:
    assert [r.kind for r in runs.probes] == kinds
    assert runs.sampled == len(PROMPTS)
    stats = probe_statistics(runs.probes, n_bootstrap=200, seed=0)
    for run, stat in zip(runs.probes, stats, strict=True):
        assert len(run.prompts) == len(PROMPTS)
        for p in run.prompts:
            for score in [*p.before.values(), *p.after.values()]:
                assert score is None or low <= score <= high
        assert stat.pairs == sum(len(p.pairs) for p in run.prompts)
        if stat.pairs:
            assert 0.0 <= stat.mcnemar_p <= 1.0 and stat.mcnemar_p <= stat.bh_q <= 1.0
        if stat.score_shift.n:
            assert stat.score_shift.ci_low <= stat.score_shift.estimate <= stat.score_shift.ci_high
            assert abs(stat.score_shift.estimate) <= high - low
        assert math.isnan(stat.flip_rate.estimate) or 0.0 <= stat.flip_rate.estimate <= 1.0


@pytest.mark.slow
def test_content_probes_on_the_pointwise_smollm2_judge(smollm2_backend: Any) -> None:
    probes = [{"kind": "verbosity", "words": 20}, {"kind": "injection"}, {"kind": "formatting"}]
    runs = run_probes(_shipped("smollm2-pointwise", probes), _rows(), backend=smollm2_backend)
    # 6 originals + 3 probes x 3 perturbed targets; constrained decoding: every verdict parses
    assert runs.model_calls == 6 + 3 * 3
    _check(runs, ["verbosity", "injection", "formatting"], 1.0, 5.0)
    for run in runs.probes:
        assert all(
            v is not None for p in run.prompts for v in [*p.before.values(), *p.after.values()]
        )


@pytest.mark.slow
def test_position_and_injection_on_the_pairwise_smollm2_judge(smollm2_backend: Any) -> None:
    runs = run_probes(
        _shipped("smollm2-pairwise", [{"kind": "position"}, {"kind": "injection"}]),
        _rows(),
        backend=smollm2_backend,
    )
    _check(runs, ["position", "injection"], 0.0, 1.0)
    position = runs.probes[0]
    assert all(len(p.pairs) <= 1 for p in position.prompts)  # one pair per prompt, matched once
