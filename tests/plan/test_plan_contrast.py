"""The MDE of a contrast: by hand from the pilot interval, and its power by simulation;
the `plan` command end to end, and its errors."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from scipy import stats

from judgespec.audit import CandidatesTable, JudgedSet, run_audit, run_contrast
from judgespec.cli import cli
from judgespec.contract import Gate
from judgespec.instrument import PlanError, PlantedDesign, plan_contrast, plan_gate
from judgespec.instrument._design import synthetic_audit
from judgespec.scorecard import (
    ContractInfo,
    Contrast,
    ContrastJudge,
    RunInfo,
    Scorecard,
    build_contrast,
    build_scorecard,
    write_contrast,
    write_scorecard,
)

STAMP = "2026-01-01T00:00:00Z"
DESIGN = PlantedDesign(n_prompts=300, seed=7)


def _table(scores: np.ndarray, oracle: np.ndarray, ids: tuple[list[str], list[str]]) -> CandidatesTable:
    return CandidatesTable.from_arrays(prompt_ids=ids[0], candidate_ids=ids[1], oracle=oracle, judge_score=scores)


@pytest.fixture(scope="module")
def synthetic() -> tuple[Contrast, np.ndarray, Scorecard]:
    """A pilot contrast of the planted suite's clean judge against its noisy judge."""
    data = synthetic_audit(DESIGN)
    ids = (data.prompt_ids, data.candidate_ids)
    noisy = data.clean + DESIGN.noise_sigma * data.extra_noise
    sets = [
        JudgedSet("clean", _table(data.clean, data.oracle, ids)),
        JudgedSet("noisy", _table(noisy, data.oracle, ids)),
    ]
    result = run_contrast(sets, metrics=["top1_accuracy"], n_bootstrap=2000, seed=0, interval="percentile")
    contrast = build_contrast(
        result,
        judges=[ContrastJudge(label=s.label, source="<synthetic>", tie_policy="expected") for s in sets],
        created_at=STAMP,
    )
    # per-prompt top-1 (no ties: continuous scores) of each judge, by hand
    y = data.oracle.reshape(DESIGN.n_prompts, -1)
    best = y.argmax(1)
    top1 = [(s.reshape(y.shape).argmax(1) == best).astype(float) for s in (data.clean, noisy)]
    audit = run_audit(sets[0].candidates, n_bootstrap=500, seed=0, interval="percentile")
    scorecard = build_scorecard(
        audit,
        contract=ContractInfo(name="c", version="1", fingerprint="none", judge_model="m",
                              protocol="pointwise", tie_policy="expected"),
        run=RunInfo(framework="offline"),
        created_at=STAMP,
    )
    return contrast, top1[1] - top1[0], scorecard


def test_mde_by_hand(synthetic: tuple[Contrast, np.ndarray, Scorecard]) -> None:
    contrast, diff, _ = synthetic
    [row] = plan_contrast(contrast, power=0.8, prompts=1200)
    interval = contrast.contrasts[0].difference
    z = stats.norm.ppf(0.975)
    se = (interval.ci_high - interval.ci_low) / (2 * z)
    assert row.difference == pytest.approx(diff.mean(), abs=1e-12)
    assert row.mde == pytest.approx((z + stats.norm.ppf(0.8)) * se * math.sqrt(300 / 1200), rel=1e-9)
    [at_pilot] = plan_contrast(contrast, power=0.8)
    assert at_pilot.prompts == 300 and at_pilot.mde == pytest.approx(2 * row.mde, rel=1e-9)


def test_mde_is_detected_with_the_stated_power(synthetic: tuple[Contrast, np.ndarray, Scorecard]) -> None:
    """Shift the per-prompt differences so their mean is the MDE at n; resample n prompts;
    the 95% percentile interval of the mean excludes 0 in about 80% of audits."""
    contrast, diff, _ = synthetic
    n = 600
    [row] = plan_contrast(contrast, power=0.8, prompts=n)
    shifted = diff - diff.mean() - row.mde  # the noisy judge is worse: a negative difference
    rng = np.random.default_rng(11)
    detected, reps, boot = 0, 400, 400
    for _ in range(reps):
        d = shifted[rng.integers(0, len(shifted), n)]
        draws = rng.integers(0, n, (boot, n)) + (np.arange(boot) * n)[:, None]
        w = np.bincount(draws.ravel(), minlength=boot * n).reshape(boot, n)
        low, high = np.quantile((w @ d) / n, [0.025, 0.975])
        detected += bool(low > 0 or high < 0)
    print(f"MDE {row.mde:.4f} at {n} prompts: detected in {detected / reps}")
    assert detected / reps == pytest.approx(0.8, rel=0.15), detected / reps


def test_plan_cli_gate_and_contrast(tmp_path: Path, synthetic: tuple[Contrast, np.ndarray, Scorecard]) -> None:
    contrast, _, scorecard = synthetic
    sc = write_scorecard(scorecard, tmp_path / "scorecard.json")
    runner = CliRunner()
    result = runner.invoke(cli, ["plan", "--pilot", str(tmp_path), "--gate", "recovery>=0.75", "--json"])
    assert result.exit_code == 0, result.output
    [planned] = json.loads(result.output)
    direct = plan_gate(scorecard, Gate(metric="recovery", threshold=0.75))
    assert planned["prompts"] == direct.prompts and planned["gate"] == "recovery>=0.75"
    text = runner.invoke(cli, ["plan", "--pilot", str(sc), "--gate", "recovery>=0.75"])
    assert f"at {direct.prompts} prompts" in text.output
    path = write_contrast(contrast, tmp_path / "contrast.json")
    result = runner.invoke(cli, ["plan", "--pilot", str(path), "--prompts", "1200"])
    assert result.exit_code == 0, result.output
    assert "noisy - clean  top1_accuracy: MDE" in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--gate", "recovery>=0.5@estimate"], "compares the point estimate"),
        (["--gate", "nonsense>=0.5"], "metric 'nonsense' is not in the scorecard"),
        ([], "give at least one --gate"),
        (["--gate", "recovery>=0.5", "--prompts", "10"], "--prompts is for contrast pilots"),
        (["--gate", "recovery=0.5"], "write a gate as METRIC>=NUMBER"),
    ],
)
def test_plan_cli_errors(tmp_path: Path, synthetic: tuple[Contrast, np.ndarray, Scorecard],
                         args: list[str], message: str) -> None:
    sc = write_scorecard(synthetic[2], tmp_path / "scorecard.json")
    result = CliRunner().invoke(cli, ["plan", "--pilot", str(sc), *args])
    assert result.exit_code != 0 and message in result.output, result.output


def test_threshold_at_the_estimate_has_no_size(synthetic: tuple[Contrast, np.ndarray, Scorecard]) -> None:
    scorecard = synthetic[2]
    estimate = scorecard.metrics["recovery"].estimate
    planned = plan_gate(scorecard, Gate(metric="recovery", threshold=estimate))
    assert planned.prompts is None and math.isnan(planned.pass_probability)
    with pytest.raises(PlanError, match="power must be strictly between 0 and 1"):
        plan_gate(scorecard, Gate(metric="recovery", threshold=0.5), power=1.0)
