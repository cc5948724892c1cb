"""lm-eval ``--log_samples`` output as a ``judgespec contrast`` source and sliced (``--by``).

One real lm-eval run of the compiled arithmetic audit (``judge: deferred``, scripted
policy) on documents with two extra fields: ``op`` (add, mul, sub) and ``suite`` (one
value). The scripted digit judge judges the samples when they are read. Expected values
come from the conftest's hand computation (plain loops), never from judgespec's
statistics code.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import judgespec_lmeval as jl
from judgespec.audit import CandidatesTable, JudgedSet, run_contrast
from judgespec.cli import cli

OPS = {"+": "add", "*": "mul", "-": "sub"}
METRICS = ["recovery", "top1_accuracy", "regret"]


@pytest.fixture(scope="module")
def data_file(tmp_path_factory: pytest.TempPathFactory, arithmetic_jsonl: Path) -> Path:
    rows = [json.loads(line) for line in arithmetic_jsonl.read_text(encoding="utf-8").splitlines()]
    for row in rows:
        row["op"] = OPS[row["question"].split()[3]]
        row["suite"] = "arithmetic"
    path = tmp_path_factory.mktemp("data") / "arithmetic_ops.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def samples_dir(
    lmeval_run: Any,
    tmp_path_factory: pytest.TempPathFactory, data_file: Path, digit_contract: Path, arith_task_config: dict[str, Any]
) -> Path:
    """``--log_samples`` output of the deferred audit (generation and oracle only)."""
    config = {**arith_task_config, "dataset_kwargs": {"data_files": {"test": str(data_file)}}}
    folder = tmp_path_factory.mktemp("run")
    jl.compile_task(
        digit_contract, task=config, n=4, out_dir=folder / "tasks",
        name="arith_ops", judge_after_generation=True,
    )  # fmt: skip
    lmeval_run(folder / "tasks", "arith_ops", folder / "out")
    return folder / "out"


def ops(data_file: Path) -> list[str]:
    return [json.loads(line)["op"] for line in data_file.read_text(encoding="utf-8").splitlines()]


def other_judge(data_file: Path, hand: Any) -> list[list[tuple[float, float | None, bool]]]:
    """A second judge of the same candidates: (5 * answer) mod 13, right on some prompts only."""
    out = []
    for line, cands in zip(data_file.read_text(encoding="utf-8").splitlines(), hand.candidates(data_file), strict=True):
        answer = int(json.loads(line)["answer"])
        values = [answer + offset for offset in hand.offsets]
        out.append([(y, float((5 * v) % 13), False) for v, (y, _, _) in zip(values, cands, strict=True)])
    return out


def rows_of(prompts: list[list[tuple[float, float | None, bool]]]) -> list[dict[str, Any]]:
    """Candidates rows with the compiled task's ids: documents 0..5, candidates 0..3."""
    return [
        {"prompt_id": str(p), "candidate_id": str(i), "oracle": y, "judge_score": s, "parse_failure": f}
        for p, cands in enumerate(prompts)
        for i, (y, s, f) in enumerate(cands)
    ]


def test_the_samples_tables_are_the_hand_worked_candidates(
    samples_dir: Path, data_file: Path, digit_judge: Any, hand: Any
) -> None:
    rows = jl.tables_from_lmeval_samples(samples_dir)
    assert digit_judge.calls > 0  # deferred: judged under the recorded contract
    assert rows.loaded is not None and rows.loaded.contract.name == "digit-judge"
    key = ("prompt_id", "candidate_id", "oracle", "judge_score", "parse_failure")
    assert [tuple(r[k] for k in key) for r in rows.candidates] == [
        tuple(r[k] for k in key) for r in rows_of(hand.candidates(data_file))
    ]


def test_judgespec_contrast_takes_lmeval_samples(
    samples_dir: Path, data_file: Path, digit_judge: Any, hand: Any, tmp_path: Path
) -> None:
    other = other_judge(data_file, hand)
    table = tmp_path / "mod13.jsonl"
    table.write_text("".join(json.dumps(r) + "\n" for r in rows_of(other)), encoding="utf-8")
    result = CliRunner().invoke(cli, [
        "contrast", str(samples_dir), str(table), "--label", "digit", "--label", "mod13", "--interval", "percentile",
        *[a for m in METRICS for a in ("--metric", m)], "--bootstrap", "300", "--seed", "6",
        "--out", str(tmp_path / "c"), "--quiet",
    ])  # fmt: skip
    assert result.exit_code == 0, result.output
    data = json.loads((tmp_path / "c" / "contrast.json").read_text(encoding="utf-8"))
    assert data["judges"][0]["contract"] == "digit-judge"
    mine, theirs = hand.metrics(hand.candidates(data_file)), hand.metrics(other)
    assert 0 < theirs["top1_accuracy"] < 1  # a judge that is right on some prompts only
    hand_sets = [
        JudgedSet("digit", CandidatesTable.from_rows(rows_of(hand.candidates(data_file)), source="hand")),
        JudgedSet("mod13", CandidatesTable.from_rows(rows_of(other), source="hand")),
    ]
    ref = run_contrast(hand_sets, metrics=METRICS, n_bootstrap=300, seed=6, interval="percentile")
    for row, expected in zip(data["contrasts"], ref.contrasts, strict=True):
        metric = row["metric"]
        assert row["judges"][0]["estimate"] == pytest.approx(mine[metric], abs=1e-12), metric
        assert row["judges"][1]["estimate"] == pytest.approx(theirs[metric], abs=1e-12), metric
        diff = row["difference"]
        assert diff["estimate"] == pytest.approx(theirs[metric] - mine[metric], abs=1e-12)
        # the same paired interval as the hand-written tables: the source changes nothing
        assert (diff["ci_low"], diff["ci_high"]) == pytest.approx(
            (expected.difference.ci_low, expected.difference.ci_high), abs=1e-12
        )


def test_score_lmeval_samples_by_a_document_field(
    samples_dir: Path, data_file: Path, digit_judge: Any, hand: Any, tmp_path: Path
) -> None:
    out = tmp_path / "card.json"
    result = CliRunner().invoke(cli, [
        "score", "--from-lmeval-samples", str(samples_dir), "--by", "op", "--bootstrap", "50",
        "--out", str(out), "--quiet",
    ])  # fmt: skip
    assert result.exit_code == 0, result.output
    slices = {s["value"]: s for s in json.loads(out.read_text(encoding="utf-8"))["slices"]}
    assert sorted(slices) == ["add", "mul", "sub"]
    prompts, labels = hand.candidates(data_file), ops(data_file)
    for value, piece in slices.items():
        part = [p for p, op in zip(prompts, labels, strict=True) if op == value]
        expected = hand.metrics(part)
        assert piece["counts"]["prompts"] == len(part)
        for metric in ("top1_accuracy", "regret", "tie_rate"):
            assert piece["metrics"][metric]["estimate"] == pytest.approx(expected[metric], abs=1e-12), (value, metric)


def test_slice_errors_name_the_samples_file_before_judging(
    samples_dir: Path, digit_judge: Any, tmp_path: Path
) -> None:
    (samples,) = samples_dir.glob("*/samples_*.jsonl")
    for by, message in [
        ("suite", f"Error: {samples}: slice column 'suite' has one value ('arithmetic') for every prompt: "
                  "slicing needs two or more values"),
        ("opp", f"Error: {samples}: slice column 'opp' is missing: it is not a document field of any "
                "prompt; slice by one of the document fields (answer, id, op, question, suite)"),
    ]:  # fmt: skip
        result = CliRunner().invoke(cli, [
            "score", "--from-lmeval-samples", str(samples_dir), "--by", by, "--out", str(tmp_path / "x.json"),
        ])  # fmt: skip
        assert result.exit_code == 1
        assert result.output.strip() == message
    assert digit_judge.calls == 0  # both failed before any judging
