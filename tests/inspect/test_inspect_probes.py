"""Probes through the Inspect adapter's post-hoc path: a real epoch log, judged live."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml
from inspect_ai import Task
from inspect_ai.dataset import json_dataset
from inspect_ai.scorer import match
from inspect_ai.solver import Generate, Solver, TaskState, solver

from judgespec._scripted import digit_judge_score


@solver
def epoch_draw() -> Solver:
    """Generate with seed = epoch - 1: epoch k gets the scripted policy's draw k - 1."""

    async def solve(state: TaskState, generate: Generate) -> TaskState:
        return await generate(state, seed=state.epoch - 1)

    return solve


def _pick(scores: dict[str, int | None]) -> dict[str, float]:
    valid = {k: v for k, v in scores.items() if v is not None}
    top = max(valid.values())
    winners = [k for k, v in valid.items() if v == top]
    return {k: 1 / len(winners) for k in winners}


def test_probes_run_live_in_score_from_inspect_log(
    tmp_path: Path, run_eval: Any, arithmetic: Path, digit_contract: Path, private_judge_cache: Path
) -> None:
    """The digit judge reads only the response's first line: filler on later lines changes
    nothing, a markdown heading line hides the digit (a counted parse failure)."""
    from click.testing import CliRunner

    from judgespec._scripted import reset_scripted_calls, scripted_calls
    from judgespec.cli import cli
    from judgespec.scorecard import load_scorecard

    data = yaml.safe_load(digit_contract.read_text(encoding="utf-8"))
    data["probes"] = {
        "sample": 4,
        "seed": 3,
        "run": [{"kind": "verbosity", "words": 12}, {"kind": "formatting", "style": "markdown"}],
    }
    probed = tmp_path / "probed.yaml"
    probed.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    log = run_eval(
        Task(dataset=json_dataset(str(arithmetic)), solver=epoch_draw(), scorer=[match()], epochs=4)
    )
    reset_scripted_calls()
    cards = []
    for n in (1, 2):
        out = tmp_path / f"card{n}.json"
        result = CliRunner().invoke(
            cli,
            ["score", "--from-inspect-log", str(log.location), "--contract", str(probed),
             "--bootstrap", "100", "--out", str(out), "--quiet"],
        )  # fmt: skip
        assert result.exit_code == 0, result.output
        # 18 distinct audit requests, then 2 probes x 4 perturbed targets; the rerun: cache
        assert scripted_calls("digit-judge") == 18 + 2 * 4, f"run {n}"
        cards.append(load_scorecard(out))
    assert cards[0].probes == cards[1].probes
    assert json.loads(cards[0].to_json())["metrics"] == json.loads(cards[1].to_json())["metrics"]
    verbosity, formatting = cards[0].probes
    assert (verbosity.kind, formatting.kind) == ("verbosity", "formatting")
    # the sample and targets, redrawn as docs/probes.md defines them
    prompts: dict[str, dict[str, int | None]] = {}
    for s in log.samples or []:  # prompts in order of first appearance, epochs in order
        prompts.setdefault(str(s.id), {})
    for s in sorted(log.samples or [], key=lambda s: s.epoch):
        prompts[str(s.id)][f"e{s.epoch}"] = digit_judge_score(s.output.completion)
    ids = list(prompts)
    rng = np.random.default_rng(3)
    chosen = sorted(int(x) for x in rng.choice(len(ids), size=4, replace=False))
    shifts, flips = [], []
    for x in chosen:
        scores = prompts[ids[x]]
        target = list(scores)[int(rng.integers(len(scores)))]
        if scores[target] is not None:
            shifts.append(0.0)
        before = _pick(scores)
        after = _pick({**scores, target: None})
        flips.append(0.5 * sum(abs(before.get(k, 0) - after.get(k, 0)) for k in set(before) | set(after)))
    assert verbosity.prompts == formatting.prompts == 4
    assert verbosity.score_shift.n == len(shifts) and verbosity.score_shift.estimate == 0.0
    assert verbosity.flip_rate.estimate == 0.0
    assert verbosity.gained == verbosity.lost == 0 and verbosity.mcnemar_p == 1.0
    assert formatting.score_shift.n == 0 and math.isnan(formatting.score_shift.estimate)
    assert formatting.score_shift.reason
    assert formatting.pairs == 0 and math.isnan(formatting.mcnemar_p)
    assert formatting.flip_rate.estimate == pytest.approx(float(np.mean(flips)))
    assert 0 < formatting.flip_rate.estimate
