"""The planted-defect suite recovers every planted magnitude; true values are checked by brute force."""

from __future__ import annotations

import importlib.util
import json
import math
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from judgespec.cli import cli
from judgespec.instrument import (
    DEFECTS,
    FLAGS,
    InstrumentReport,
    PlantedDesign,
    render_instrument_markdown,
    validate_instrument,
)
from judgespec.instrument._truth import (
    true_length_bias,
    true_recovery,
    true_rglobal_gap,
    true_tie_rate,
)


@pytest.fixture(scope="module")
def report() -> InstrumentReport:
    return validate_instrument()


def test_every_judge_is_audited_once(report: InstrumentReport) -> None:
    assert [row.judge for row in report.rows] == list(DEFECTS)


@pytest.mark.parametrize("judge", DEFECTS)
def test_interval_covers_the_planted_magnitude(report: InstrumentReport, judge: str) -> None:
    row = next(r for r in report.rows if r.judge == judge)
    assert row.ci_low <= row.true_value <= row.ci_high, (row.metric, row.true_value, row.ci_low, row.ci_high)
    assert row.ci_low < row.estimate < row.ci_high


@pytest.mark.parametrize("judge", [d for d in DEFECTS if d != "clean"])
def test_each_defect_raises_its_own_flag(report: InstrumentReport, judge: str) -> None:
    row = next(r for r in report.rows if r.judge == judge)
    assert row.expected_flag is not None
    assert row.flags[row.expected_flag], row.flags


def test_clean_judge_raises_no_flag(report: InstrumentReport) -> None:
    clean = report.rows[0]
    assert clean.judge == "clean" and clean.expected_flag is None
    assert set(clean.flags) == set(FLAGS)  # every flag evaluated, position included
    assert not any(clean.flags.values()), clean.flags
    assert report.passed


def test_an_undetectable_defect_fails_the_suite() -> None:
    # no position preference planted: the position judge raises no position flag
    small = validate_instrument(PlantedDesign(n_prompts=100, position_rate=0.0), n_bootstrap=200)
    position = next(r for r in small.rows if r.judge == "position")
    assert position.true_value == 1.0 and not position.flags["position"]
    assert not position.passed and not small.passed


def test_bad_design_is_refused() -> None:
    with pytest.raises(ValueError, match="n_prompts >= 20"):
        PlantedDesign(n_prompts=5)
    with pytest.raises(ValueError, match="position_rate must be in"):
        PlantedDesign(position_rate=1.5)


# ------------------------------------------------------- true values by brute force


def _draw(design: PlantedDesign, prompts: int, rng: np.random.Generator) -> tuple[np.ndarray, ...]:
    """A large independent sample of the design's generating process (no package code)."""
    n = design.n_candidates
    b = rng.normal(0, design.sigma_b, (prompts, 1))
    u = rng.normal(0, 1, (prompts, n))
    s = b + rng.normal(0, design.sigma_b * design.sigma, (prompts, 1)) + u + rng.normal(0, design.sigma, (prompts, n))
    return b, b + u, s


def test_true_tie_rate_matches_brute_force() -> None:
    d = PlantedDesign()
    _, _, s = _draw(d, 400_000, np.random.default_rng(1))
    r = np.round(s / d.coarse_step)
    ties = np.mean([np.mean(r[:, i] == r[:, j]) for i in range(4) for j in range(i + 1, 4)])
    assert true_tie_rate(d) == pytest.approx(ties, abs=0.002)


def test_true_recovery_matches_brute_force() -> None:
    d = PlantedDesign()
    _, y, s = _draw(d, 400_000, np.random.default_rng(2))
    pick = y[np.arange(len(y)), np.argmax(s, axis=1)]
    brute = np.sum(pick - y.mean(1)) / np.sum(y.max(1) - y.mean(1))
    assert true_recovery(d) == pytest.approx(brute, abs=0.005)


def test_true_gap_and_length_bias_match_brute_force() -> None:
    d = PlantedDesign()
    rng = np.random.default_rng(3)
    b, y, s = _draw(d, 200_000, rng)
    judge = s + d.baseline_gamma * b
    r_global = np.corrcoef(judge.ravel(), y.ravel())[0, 1]
    dj, dy = judge - judge.mean(1, keepdims=True), y - y.mean(1, keepdims=True)
    r_within = np.sum(dj * dy) / math.sqrt(np.sum(dj**2) * np.sum(dy**2))
    assert true_rglobal_gap(d, d.baseline_gamma) == pytest.approx(r_global - r_within, abs=0.003)
    assert true_rglobal_gap(d, 0.0) == pytest.approx(0.0, abs=1e-12)
    z = rng.normal(0, 1, s.shape)
    js = s + d.length_beta * z
    dj, dz = js - js.mean(1, keepdims=True), z - z.mean(1, keepdims=True)
    corr = np.sum(dj * dz) / math.sqrt(np.sum(dj**2) * np.sum(dz**2))
    assert true_length_bias(d) == pytest.approx(corr, abs=0.004)


def test_cli_prints_the_table_and_exits_zero() -> None:
    result = CliRunner().invoke(cli, ["validate-instrument", "--prompts", "100", "--bootstrap", "200"])
    assert result.exit_code == 0, result.output
    assert "| position |" in result.output and "Suite passed" in result.output


def test_cli_rejects_too_few_prompts() -> None:
    result = CliRunner().invoke(cli, ["validate-instrument", "--prompts", "10"])
    assert result.exit_code == 2 and "--prompts" in result.output


def test_written_tables_score_to_the_suite_values(tmp_path: Path) -> None:
    """The tables of --tables, scored by `judgespec score`, give the suite's own numbers."""
    runner = CliRunner()
    args = ["--prompts", "100", "--bootstrap", "200"]
    result = runner.invoke(cli, ["validate-instrument", *args, "--tables", str(tmp_path)])
    assert result.exit_code == 0, result.output
    design = PlantedDesign(n_prompts=100)
    suite = {r.judge: r for r in validate_instrument(design, n_bootstrap=200, confidence=0.95).rows}
    for judge, metric, extra in (
        ("coarse", "tie_rate", []),
        ("length", "length_bias", []),
        ("position", "position_consistency", ["--comparisons", str(tmp_path / "comparisons.position.jsonl")]),
    ):
        out = tmp_path / f"{judge}.json"
        scored = runner.invoke(cli, [
            "score", "--candidates", str(tmp_path / f"candidates.{judge}.jsonl"), *extra,
            "--interval", "percentile", "--bootstrap", "200", "--seed", "0", "--out", str(out), "--quiet",
        ])
        assert scored.exit_code == 0, scored.output
        value = json.loads(out.read_text(encoding="utf-8"))["metrics"][metric]
        row = suite[judge]
        assert row.metric == metric
        assert (value["estimate"], value["ci_low"], value["ci_high"]) == pytest.approx(
            (row.estimate, row.ci_low, row.ci_high), abs=1e-12
        )
    first = json.loads((tmp_path / "candidates.self.jsonl").read_text(encoding="utf-8").splitlines()[0])
    assert first["source"] == "self" and len(first["response"]) > 0


def test_docs_table_is_a_fresh_run(report: InstrumentReport) -> None:
    """docs/instrument.md carries the table of a fresh run with the defaults."""
    docs = Path(__file__).resolve().parents[2] / "docs"
    spec = importlib.util.spec_from_file_location("generate_instrument", docs / "generate_instrument.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    committed = module.committed_table((docs / "instrument.md").read_text(encoding="utf-8"))
    assert committed == render_instrument_markdown(report), (
        "docs/instrument.md is stale: run `python docs/generate_instrument.py`"
    )
