"""Probes through the lm-eval adapter's post-hoc path: a real lm-eval run, judged live."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import yaml

import judgespec_lmeval as jl


def test_probes_run_live_in_score_from_lmeval_samples(
    lmeval_run: Any,
    tmp_path: Path, arith_task_yaml: Path, digit_contract: Path, digit_judge: Any
) -> None:
    """The digit judge reads only the response's first line: an injected instruction on a
    later line changes nothing; a markdown heading line hides the digit."""
    data = yaml.safe_load(digit_contract.read_text(encoding="utf-8"))
    data["probes"] = {"sample": 3, "run": [{"kind": "injection"}, {"kind": "formatting"}]}
    probed = tmp_path / "probed.yaml"
    probed.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    jl.compile_task(
        probed, task=arith_task_yaml, n=4, out_dir=tmp_path / "tasks",
        name="arith_probed", judge_after_generation=True,
    )  # fmt: skip
    lmeval_run(tmp_path / "tasks", "arith_probed", tmp_path / "out")
    assert digit_judge.calls == 0  # judging was deferred
    card = jl.score_from_lmeval_samples(tmp_path / "out", contract=probed, n_bootstrap=50)
    # 18 distinct audit requests, then 2 probes x 3 perturbed targets
    assert digit_judge.calls == 18 + 2 * 3
    injection, formatting = card.probes
    assert injection.prompts == formatting.prompts == 3
    assert injection.score_shift.estimate == 0.0 and injection.flip_rate.estimate == 0.0
    assert injection.gained == injection.lost == 0 and injection.mcnemar_p == 1.0
    assert injection.pairs > 0 and injection.pairs_from == "scores"
    assert formatting.score_shift.n == 0 and math.isnan(formatting.score_shift.estimate)
    assert formatting.pairs == 0 and math.isnan(formatting.bh_q)
    assert 0.0 <= formatting.flip_rate.estimate <= 1.0
    again = jl.score_from_lmeval_samples(tmp_path / "out", contract=probed, n_bootstrap=50)
    assert digit_judge.calls == 18 + 2 * 3  # the rerun is answered by the judge cache
    assert again.probes == card.probes

