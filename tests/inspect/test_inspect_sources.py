"""An Inspect audit log as a ``judgespec contrast`` source and as a sliced scorecard (``--by``).

One real ``inspect eval`` of ``bon_audit`` (scripted policy and judge) on the arithmetic
questions with two extra data set fields: ``op`` (add, mul, sub) and ``suite`` (one
value). Expected values are worked out here from ``inspect_hand.HAND`` with plain
loops, never with judgespec's statistics code.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from inspect_hand import EXPECTED, HAND

from judgespec import AuditDataError
from judgespec.audit import CandidatesTable, JudgedSet, run_contrast
from judgespec.cli import cli
from judgespec.scorecard import contrast_judged_sets, read_judged_set
from judgespec_inspect import bon_audit, score_from_inspect_log, tables_from_inspect_log

OPS = {"+": "add", "*": "mul", "-": "sub"}
METRICS = ["recovery", "top1_accuracy", "regret"]


OP_OF = {"q1": "add", "q2": "mul", "q3": "sub", "q4": "add", "q5": "mul", "q6": "mul"}
"""Each question's operation, read off ``inspect_hand.HAND``'s comments."""


def selection(prompts: dict[str, list[tuple[float, float | None]]]) -> dict[str, float]:
    """recovery, top1_accuracy, regret by hand: uniform tie-breaking among the judged top."""
    gain = best = 0.0
    top1, regret = [], []
    for cands in prompts.values():
        judged = [(y, s) for y, s in cands if s is not None]
        if len(judged) < 2:
            continue
        ys = [y for y, _ in judged]
        high = max(s for _, s in judged)  # type: ignore[type-var]
        picks = [y for y, s in judged if s == high]
        e_pick, mean_y = sum(picks) / len(picks), sum(ys) / len(ys)
        gain += e_pick - mean_y
        best += max(ys) - mean_y
        top1.append(sum(y == max(ys) for y in picks) / len(picks))
        regret.append(max(ys) - e_pick)
    return {"recovery": gain / best, "top1_accuracy": sum(top1) / len(top1), "regret": sum(regret) / len(regret)}


def logged_judge() -> dict[str, list[tuple[float, float | None]]]:
    return {pid: [(float(y), s) for _, y, s in cands] for pid, cands in HAND.items()}


def other_judge_score(answer: int) -> float:
    """A second judge, arbitrary but right on some prompts and wrong on others: (5 * answer) mod 13."""
    return float((5 * answer) % 13)


def other_judge() -> dict[str, list[tuple[float, float | None]]]:
    return {pid: [(float(y), other_judge_score(a)) for a, y, _ in cands] for pid, cands in HAND.items()}


def table_rows(judge: dict[str, list[tuple[float, float | None]]]) -> list[dict[str, Any]]:
    """Candidates rows of the audit's prompts (q1..q6, candidates c0..c3) under ``judge``."""
    return [
        {"prompt_id": pid, "candidate_id": f"c{i}", "oracle": y, "judge_score": s, "parse_failure": s is None}
        for pid, cands in judge.items()
        for i, (y, s) in enumerate(cands)
    ]


@pytest.fixture(scope="module")
def audit_log(tmp_path_factory: pytest.TempPathFactory, arithmetic: Path, digit_contract: Path) -> Path:
    """The audit log of the arithmetic questions with ``op`` and ``suite`` fields."""
    from inspect_ai import eval as inspect_eval

    folder = tmp_path_factory.mktemp("sources")
    rows = [json.loads(line) for line in arithmetic.read_text(encoding="utf-8").splitlines()]
    for row in rows:
        row["op"] = OPS[row["input"].split()[3]]
        row["suite"] = "arithmetic"
    data = folder / "arithmetic_ops.jsonl"
    data.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    task = bon_audit(contract=str(digit_contract), dataset=str(data), n=4, n_bootstrap=0)
    (log,) = inspect_eval(task, model="judgespec-scripted/arithmetic", log_dir=str(folder / "logs"), display="none")
    assert log.status == "success", log.error
    return Path(log.location)


@pytest.fixture(scope="module")
def other_table(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("other") / "other.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in table_rows(other_judge())), encoding="utf-8")
    return path


def test_the_log_tables_are_the_hand_worked_candidates(audit_log: Path) -> None:
    rows = tables_from_inspect_log(audit_log)
    assert rows.loaded is not None and rows.loaded.contract.name == "digit-judge"
    assert rows.source == str(audit_log) and rows.comparisons == []
    got = [(r["prompt_id"], r["candidate_id"], r["oracle"], r["judge_score"]) for r in rows.candidates]
    assert got == [(r["prompt_id"], r["candidate_id"], r["oracle"], r["judge_score"]) for r in table_rows(logged_judge())]


def test_contrast_of_the_log_against_a_candidates_table(audit_log: Path, other_table: Path) -> None:
    sets = [read_judged_set(audit_log, label="digit"), read_judged_set(other_table)]
    assert sets[0][1].contract == "digit-judge" and sets[0][1].tie_policy == "expected"
    contrast = contrast_judged_sets(sets, metrics=METRICS, n_bootstrap=300, seed=4, interval="percentile")
    mine, theirs = selection(logged_judge()), selection(other_judge())
    for name in METRICS:  # this loop agrees with inspect_hand's values worked on paper
        assert mine[name] == pytest.approx(EXPECTED[name], abs=1e-12)
    for row in contrast.contrasts:
        ref, judge = row.judges
        assert ref.estimate == pytest.approx(mine[row.metric], abs=1e-12), row.metric
        assert judge.estimate == pytest.approx(theirs[row.metric], abs=1e-12), row.metric
        assert row.difference.estimate == pytest.approx(theirs[row.metric] - mine[row.metric], abs=1e-12)
    # the paired intervals are those of the same two tables written by hand: the log
    # source hands the contrast exactly the hand-worked candidates, in the same order
    hand = JudgedSet("digit", CandidatesTable.from_rows(table_rows(logged_judge()), source="hand"))
    ref = run_contrast([hand, sets[1][0]], metrics=METRICS, n_bootstrap=300, seed=4, interval="percentile")
    for row, expected in zip(contrast.contrasts, ref.contrasts, strict=True):
        d = expected.difference
        assert (row.difference.ci_low, row.difference.ci_high, row.p_value) == pytest.approx(
            (d.ci_low, d.ci_high, d.p_value), abs=1e-12
        )
        assert row.difference.ci_low <= row.difference.estimate <= row.difference.ci_high


def test_judgespec_contrast_takes_the_log(audit_log: Path, other_table: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, [
        "contrast", str(audit_log), str(other_table), "--label", "digit", "--label", "mod13",
        "--metric", "top1_accuracy", "--bootstrap", "100", "--out", str(tmp_path), "--quiet",
    ])  # fmt: skip
    assert result.exit_code == 0, result.output
    data = json.loads((tmp_path / "contrast.json").read_text(encoding="utf-8"))
    assert [j["label"] for j in data["judges"]] == ["digit", "mod13"]
    assert data["judges"][0]["source"] == str(audit_log)
    (row,) = data["contrasts"]
    expected = selection(other_judge())["top1_accuracy"] - selection(logged_judge())["top1_accuracy"]
    assert row["difference"]["estimate"] == pytest.approx(expected, abs=1e-12)


def test_score_an_audit_log_by_a_data_set_field(audit_log: Path, tmp_path: Path) -> None:
    out = tmp_path / "card.json"
    result = CliRunner().invoke(cli, [
        "score", "--from-inspect-log", str(audit_log), "--by", "op", "--bootstrap", "50",
        "--out", str(out), "--quiet",
    ])  # fmt: skip
    assert result.exit_code == 0, result.output
    slices = {s["value"]: s for s in json.loads(out.read_text(encoding="utf-8"))["slices"]}
    assert sorted(slices) == ["add", "mul", "sub"]
    judge = logged_judge()
    for value, piece in slices.items():
        part = {pid: c for pid, c in judge.items() if OP_OF[pid] == value}
        assert piece["by"] == "op" and piece["counts"]["prompts"] == len(part)
        assert piece["metrics"]["top1_accuracy"]["estimate"] == pytest.approx(selection(part)["top1_accuracy"], abs=1e-12)
    assert slices["mul"]["metrics"]["recovery"]["estimate"] == pytest.approx(selection(
        {pid: judge[pid] for pid in ("q2", "q5", "q6")})["recovery"], abs=1e-12)  # fmt: skip


def test_slice_errors_name_the_log(audit_log: Path, tmp_path: Path) -> None:
    with pytest.raises(AuditDataError, match=r"slice column 'suite' has one value \('arithmetic'\)"):
        score_from_inspect_log(audit_log, by="suite", n_bootstrap=0)
    with pytest.raises(AuditDataError, match=r"'oracle' is a candidates-table column, not a sample metadata field"):
        score_from_inspect_log(audit_log, by="oracle", n_bootstrap=0)
    result = CliRunner().invoke(cli, [
        "score", "--from-inspect-log", str(audit_log), "--by", "opp", "--out", str(tmp_path / "x.json"),
    ])  # fmt: skip
    assert result.exit_code == 1
    assert result.output.strip() == (
        f"Error: {audit_log}: slice column 'opp' is missing: it is not a sample metadata field "
        "of any prompt; slice by one of the sample metadata fields (op, suite)"
    )


def test_an_epoch_log_slices_by_its_samples_metadata(audit_log: Path, digit_contract: Path, tmp_path: Path) -> None:
    """Epoch logs key prompts by sample id; the judge is the contract's, run on the epochs."""
    from inspect_ai import Task
    from inspect_ai import eval as inspect_eval
    from inspect_ai.dataset import FieldSpec, json_dataset
    from inspect_ai.scorer import match

    data = audit_log.parent.parent / "arithmetic_ops.jsonl"
    dataset = json_dataset(str(data), FieldSpec(metadata=["op", "suite"]))
    (log,) = inspect_eval(
        Task(dataset=dataset, scorer=match(), epochs=2), model="judgespec-scripted/arithmetic",
        log_dir=str(tmp_path), display="none",
    )  # fmt: skip
    card = score_from_inspect_log(log.location, contract=digit_contract, oracle="match", by="op", n_bootstrap=0)
    assert {s.value: s.counts.prompts for s in card.slices} == {"add": 2, "mul": 3, "sub": 1}
    assert card.counts.candidates == 12
