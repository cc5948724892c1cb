"""One contract, one candidate set, three frameworks: the same scorecard (issue 7, item 1).

What runs (once per module, about 15 s on 2 CPU cores, offline, no model weights):

(a) **Inspect**: a real ``inspect_ai.eval`` run of the registered task
    ``judgespec_inspect/bon_audit`` (n=4, oracle ``match``, audit_seed=7,
    n_bootstrap=500). Its scorer judges every candidate under the contract and the
    adapter's hook writes the scorecard beside the ``.eval`` log.
(b) **lm-eval**: ``judgespec_lmeval.compile_task`` on a base ``generate_until`` task over
    the same prompts file (``exact_match`` after a last-number regex, the oracle), then a
    real ``lm_eval.simple_evaluate`` run of the compiled task with ``judge: inline`` (the
    judge runs inside lm-eval's filter step) and ``--log_samples`` output; the scorecard
    is ``judgespec score --from-lmeval-samples --seed 7 --bootstrap 500`` (console script,
    reusing the verdicts recorded in the samples).
(c) **offline**: ``judgespec audit --framework offline --candidates candidates.jsonl
    --seed 7 --bootstrap 500 --no-cache`` (console script): the offline judge engine
    judges the fixed candidates table itself.

The judge is the same in all three: ``equivalence_data/contract.yaml`` pins the scripted
Inspect judge ``judgespec-scripted/digit-judge`` (backend ``inspect``), which every path
reaches through the ``judgespec.backends`` entry point (inside the Inspect eval, inside
lm-eval's filter step, and in the offline CLI process). One file, one fingerprint.

**The policy.** Both frameworks generate the candidates with the one scripted provider
(:mod:`judgespec._scripted`, wrapped as Inspect's ``judgespec-scripted/table`` and
lm-eval's ``judgespec-scripted`` with ``script=table``): it answers a prompt with the
responses listed for it in ``equivalence_data/candidates.jsonl`` (draw k = the k-th
listed response), the same table the offline path judges. The responses are generated
by the framework (as model output), the oracle is each framework's own scorer/metric, and
the verdicts come from each path's own judge calls.

The 12 prompts cover ties at the top, parse failures (a last digit 9), a prompt where
only wrong answers are judged, an all-correct and an all-wrong prompt (constant oracle)
and unique correct and wrong picks.

**Id mapping.** Inspect names prompts by sample id (``q1`` .. ``q12``, the ``id`` field
of ``prompts.jsonl``) and candidates ``c0`` .. ``c3``; lm-eval names prompts by document
index (``"0"`` .. ``"11"``, line order of ``prompts.jsonl``) and candidates ``"0"`` ..
``"3"``. The offline table uses Inspect's names. Tables and escalations are compared
after mapping lm-eval's ids (doc ``k`` -> the ``id`` on line ``k``; ``"i"`` -> ``ci``).

The audit is not invariant to the order in which prompts reach ``score_tables`` (the
cluster bootstrap draws prompt indices, sums accumulate in that order); when the cards
differ, the failure message lists the order each path used.

Asserted: the three rebuilt candidates tables hold the same (prompt_id, candidate_id,
prompt, response, oracle, judge_score, parse_failure) rows; the oracle equals the
table's hand-set oracle; the three scorecards have the same fingerprint, identical
metric estimates and intervals, counts, bon_curve and (mapped) escalations;
``judgespec compare --strict`` over the three files exits 0, reports identical metrics
and names the three frameworks. Also: each framework's in-run metrics equal its card's
estimates, and ``judgespec score --from-inspect-log`` reproduces the hook's card.
Negative control: the offline judged table re-scored with ``judgespec score
--candidates`` is identical to the offline card, and with one judge score changed
``compare --strict`` exits 1 (against the offline card and against the other two).
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("inspect_ai")
pytest.importorskip("lm_eval", reason="needs the lmeval extra")

import judgespec_lmeval._scripted  # noqa: F401  (registers the lm-eval model judgespec-scripted)

pytestmark = pytest.mark.filterwarnings(
    # Inspect's retry helper warns about a tenacity argument on every model; not ours
    "ignore:The 'initial' parameter is deprecated:DeprecationWarning"
)

DATA = Path(__file__).resolve().parent / "equivalence_data"
CONTRACT = DATA / "contract.yaml"
PROMPTS = DATA / "prompts.jsonl"
CANDIDATES = DATA / "candidates.jsonl"

N = 4
SEED = 7
N_BOOTSTRAP = 500
FRAMEWORKS = ("inspect", "lmeval", "offline")

ROW_FIELDS = ("prompt", "response", "oracle", "judge_score", "parse_failure")
"""Compared per (prompt_id, candidate_id), besides the key itself."""


# --------------------------------------------------------------------------- the table


def _read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


# ------------------------------------------------------------------------- the runs


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    """The real console script in a fresh process (offline, wide terminal)."""
    env = {
        **os.environ,
        "HF_HUB_OFFLINE": "1",
        "HF_DATASETS_OFFLINE": "1",
        "INSPECT_DISPLAY": "none",
        "COLUMNS": "240",
    }
    return subprocess.run(
        [sys.executable, "-m", "judgespec", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


def _ok(proc: subprocess.CompletedProcess[str]) -> subprocess.CompletedProcess[str]:
    assert proc.returncode == 0, f"{proc.args}\nstdout:\n{proc.stdout}\nstderr:\n{proc.stderr}"
    return proc


@dataclass(frozen=True)
class Runs:
    """Outputs of the three paths."""

    inspect_log: Path
    lmeval_out: Path
    lmeval_results: dict[str, Any]
    offline_dir: Path
    cards: dict[str, Path]
    """framework -> scorecard JSON (named ``<framework>.json``, so compare labels them)."""


def _run_inspect(work: Path) -> tuple[Path, Path]:
    from inspect_ai import eval as inspect_eval

    from judgespec.scorecard import write_scorecard
    from judgespec_inspect import stored_scorecard

    logs = inspect_eval(
        "judgespec_inspect/bon_audit",
        task_args={
            "contract": str(CONTRACT),
            "dataset": str(PROMPTS),
            "n": N,
            "oracle": "match",
            "audit_seed": SEED,
            "n_bootstrap": N_BOOTSTRAP,
        },
        model="judgespec-scripted/table",
        model_args={"table": str(CANDIDATES)},
        log_dir=str(work / "inspect-logs"),
        display="none",
    )
    assert len(logs) == 1 and logs[0].status == "success", logs[0].error
    location = Path(str(logs[0].location).removeprefix("file://"))
    card = write_scorecard(stored_scorecard(location), work / "inspect-scorecard.json")
    return location, card


def _run_lmeval(work: Path) -> tuple[Path, dict[str, Any]]:
    from lm_eval import simple_evaluate
    from lm_eval.loggers import EvaluationTracker
    from lm_eval.tasks import TaskManager

    from judgespec_lmeval import compile_task

    base = {
        "task": "equivalence_arith",
        "dataset_path": "json",
        "dataset_kwargs": {"data_files": {"test": str(PROMPTS)}},
        "test_split": "test",
        "output_type": "generate_until",
        "doc_to_text": "{{input}}",
        "doc_to_target": "{{target}}",
        "generation_kwargs": {"until": ["\n\n"], "max_gen_toks": 16, "do_sample": False},
        "metric_list": [{"metric": "exact_match", "aggregation": "mean", "higher_is_better": True}],
        "filter_list": [
            {
                "name": "last-number",
                "filter": [
                    {"function": "regex", "regex_pattern": "(-?[0-9]+)", "group_select": -1},
                    {"function": "take_first"},
                ],
            }
        ],
        "metadata": {"version": 1.0},
    }
    name = "equivalence_arith_bo4"
    tasks = work / "lmeval-tasks"
    compile_task(CONTRACT, task=base, n=N, out_dir=tasks, name=name)
    out = work / "lmeval-out"
    tracker = EvaluationTracker(output_path=str(out))
    results = simple_evaluate(
        model="judgespec-scripted",
        model_args=f"script=table,table={CANDIDATES}",
        tasks=[name],
        task_manager=TaskManager(include_path=str(tasks), include_defaults=False),
        log_samples=True,
        evaluation_tracker=tracker,
        bootstrap_iters=0,
    )
    assert results is not None
    samples = results.pop("samples")
    tracker.save_results_aggregated(results=results, samples=samples)
    tracker.save_results_samples(task_name=name, samples=samples[name])
    return out, results["results"][name]


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> Runs:
    """Run the three paths once; the scorecards are copied to ``cards/<framework>.json``."""
    work = tmp_path_factory.mktemp("equivalence")
    cards = work / "cards"
    cards.mkdir()

    inspect_log, inspect_card = _run_inspect(work)
    (cards / "inspect.json").write_bytes(inspect_card.read_bytes())

    lmeval_out, lmeval_results = _run_lmeval(work)
    _ok(
        _cli(
            "score", "--from-lmeval-samples", str(lmeval_out),
            "--seed", str(SEED), "--bootstrap", str(N_BOOTSTRAP),
            "--out", str(cards / "lmeval.json"), "--quiet",
        )
    )

    offline_dir = work / "offline"
    _ok(
        _cli(
            "audit", "--framework", "offline", "--contract", str(CONTRACT),
            "--candidates", str(CANDIDATES), "--seed", str(SEED),
            "--bootstrap", str(N_BOOTSTRAP), "--no-cache", "--quiet", "--out", str(offline_dir),
        )
    )
    (cards / "offline.json").write_bytes((offline_dir / "scorecard.json").read_bytes())

    return Runs(
        inspect_log=inspect_log,
        lmeval_out=lmeval_out,
        lmeval_results=lmeval_results,
        offline_dir=offline_dir,
        cards={fw: cards / f"{fw}.json" for fw in FRAMEWORKS},
    )


# ----------------------------------------------------------------- rebuilt tables


def _lmeval_id_maps() -> tuple[dict[str, str], Any]:
    """lm-eval doc index -> Inspect sample id; candidate ``"i"`` -> ``"ci"``."""
    prompt_ids = {str(k): str(row["id"]) for k, row in enumerate(_read_jsonl(PROMPTS))}
    return prompt_ids, lambda cid: f"c{cid}"


def _keyed(rows: list[Mapping[str, Any]], label: str) -> dict[tuple[str, str], tuple[Any, ...]]:
    out: dict[tuple[str, str], tuple[Any, ...]] = {}
    for row in rows:
        key = (str(row["prompt_id"]), str(row["candidate_id"]))
        assert key not in out, f"{label}: duplicate candidate {key}"
        values = []
        for name in ROW_FIELDS:
            value = row.get(name)
            if name in ("oracle", "judge_score") and value is not None:
                value = float(value)
            if name == "parse_failure":
                value = bool(value)
            values.append(value)
        out[key] = tuple(values)
    return out


def _inspect_rows(runs: Runs) -> list[dict[str, Any]]:
    from inspect_ai.log import read_eval_log

    from judgespec_inspect._log import audit_rows_from_log

    return audit_rows_from_log(read_eval_log(str(runs.inspect_log))).candidates


def _lmeval_rows(runs: Runs) -> list[dict[str, Any]]:
    from judgespec_lmeval import candidate_rows, read_lmeval_samples

    samples = read_lmeval_samples(runs.lmeval_out)
    rows = candidate_rows(samples.records, samples.responses)
    pids, cids = _lmeval_id_maps()
    return [{**r, "prompt_id": pids[r["prompt_id"]], "candidate_id": cids(r["candidate_id"])} for r in rows]


def _offline_rows(runs: Runs) -> list[dict[str, Any]]:
    return _read_jsonl(runs.offline_dir / "candidates.jsonl")


def test_the_three_candidate_tables_are_identical(runs: Runs) -> None:
    tables = {
        "inspect": _keyed(_inspect_rows(runs), "inspect"),
        "lmeval": _keyed(_lmeval_rows(runs), "lmeval (ids mapped)"),
        "offline": _keyed(_offline_rows(runs), "offline"),
    }
    fixed = _read_jsonl(CANDIDATES)
    assert len(tables["inspect"]) == len(fixed) == 12 * N
    for fw in ("lmeval", "offline"):
        assert tables[fw] == tables["inspect"], f"{fw} candidates differ from inspect's"
    # the oracle of each framework (Inspect's match(), lm-eval's exact_match after the
    # last-number filter) equals the table's hand-set one; the verdicts are the digit
    # judge's rule, including its parse failures
    for row in fixed:
        prompt, response, oracle, score, failed = tables["inspect"][(row["prompt_id"], row["candidate_id"])]
        assert (prompt, response, oracle) == (row["prompt"], row["response"], row["oracle"])
        last = [ch for ch in response if ch.isdigit()][-1]
        expected = None if last == "9" else float(1 + int(last) % 5)
        assert (score, failed) == (expected, expected is None), row


# --------------------------------------------------------------------- scorecards


def _load(path: Path) -> Any:
    from judgespec.scorecard import load_scorecard

    return load_scorecard(path)


def _same_number(a: float, b: float) -> bool:
    return (math.isnan(a) and math.isnan(b)) or a == b


def _prompt_orders(runs: Runs) -> dict[str, list[str]]:
    """The order in which each path hands the prompts to ``score_tables`` (ids mapped).

    The audit is not invariant to that order (the cluster bootstrap draws prompt
    indices; sums accumulate in that order), so it is reported when the cards differ.
    """
    return {
        fw: list(dict.fromkeys(str(r["prompt_id"]) for r in rows))
        for fw, rows in (
            ("inspect", _inspect_rows(runs)),
            ("lmeval", _lmeval_rows(runs)),
            ("offline", _read_jsonl(CANDIDATES)),
        )
    }


def test_the_three_scorecards_are_identical(runs: Runs) -> None:
    from judgespec import load_contract
    from judgespec.scorecard import compare_scorecards

    cards = {fw: _load(path) for fw, path in runs.cards.items()}
    ref = cards["offline"]
    fingerprint = load_contract(CONTRACT).fingerprint
    for fw, card in cards.items():
        assert card.run.framework == fw
        assert card.contract.fingerprint == fingerprint, fw
        assert (card.run.seed, card.run.n_bootstrap) == (SEED, N_BOOTSTRAP), fw
        # n is what the framework asked its policy for; the offline audit of a table
        # records none (run metadata, not a metric)
        assert card.run.n == (None if fw == "offline" else N), fw
    # the audit is not trivial: ties, parse failures, a gain that selection can miss
    assert ref.counts.prompts == 12 and ref.counts.candidates == 12 * N
    assert ref.counts.parse_failures > 0 and ref.metrics["tie_rate"].estimate > 0
    assert 0 < ref.metrics["recovery"].estimate < 1
    pids, _ = _lmeval_id_maps()
    differences = []
    for fw, card in cards.items():
        assert list(card.metrics) == list(ref.metrics), fw
        assert card.counts == ref.counts, fw
        for name, metric in ref.metrics.items():
            got = card.metrics[name]
            assert (got.n, got.unit) == (metric.n, metric.unit), (fw, name)
            for attr in ("estimate", "ci_low", "ci_high"):
                if not _same_number(getattr(got, attr), getattr(metric, attr)):
                    differences.append(
                        f"{fw} {name}.{attr} = {getattr(got, attr)!r}, "
                        f"offline {getattr(metric, attr)!r}"
                    )
        if card.bon_curve != ref.bon_curve:
            differences.append(f"{fw} bon_curve differs from offline's")
        # escalations list prompt ids; compared as multisets of (mapped) ids
        escalations = [pids[p] for p in card.escalations] if fw == "lmeval" else card.escalations
        assert sorted(escalations) == sorted(ref.escalations), fw
    orders = _prompt_orders(runs)
    assert not differences, (
        f"{len(differences)} scorecard values differ:\n  " + "\n  ".join(differences)
        + "\nprompt order handed to score_tables: "
        + "; ".join(f"{fw}: {' '.join(order)}" for fw, order in orders.items())
    )
    cmp = compare_scorecards(list(cards.values()), labels=list(cards))
    assert cmp.identical_metrics
    assert not any("different contracts" in w for w in cmp.warnings), cmp.warnings


def test_scorecards_agree_with_the_in_run_metrics(runs: Runs, tmp_path: Path) -> None:
    """Each framework's own results (Inspect log metrics, lm-eval results) match the cards,
    and ``judgespec score --from-inspect-log`` rebuilds the hook's scorecard exactly."""
    from inspect_ai.log import read_eval_log

    rescored = tmp_path / "inspect-rescored.json"
    _ok(
        _cli(
            "score", "--from-inspect-log", str(runs.inspect_log),
            "--seed", str(SEED), "--bootstrap", str(N_BOOTSTRAP),
            "--out", str(rescored), "--quiet",
        )
    )
    _ok(_cli("compare", str(runs.cards["inspect"]), str(rescored), "--strict"))
    card = _load(runs.cards["inspect"])
    assert _load(rescored).bon_curve == card.bon_curve
    log = read_eval_log(str(runs.inspect_log), header_only=True)
    assert log.results is not None
    logged = {k: m.value for k, m in log.results.scores[0].metrics.items()}
    for name, metric in card.metrics.items():
        assert _same_number(float(logged[name]), metric.estimate), name
    for name, metric in _load(runs.cards["lmeval"]).metrics.items():
        key = f"{name},last-number"
        if key in runs.lmeval_results:
            got = runs.lmeval_results[key]
            assert _same_number(float(got), metric.estimate), name


# ------------------------------------------------------------------------ compare


def test_compare_strict_over_the_three_scorecards_exits_0(runs: Runs) -> None:
    paths = [str(runs.cards[fw]) for fw in FRAMEWORKS]
    proc = _ok(_cli("compare", *paths, "--strict"))
    out = proc.stdout
    assert "identical metrics: yes" in out
    for fw in FRAMEWORKS:
        assert f"framework {fw}" in out, out
    assert "different contracts" not in out + proc.stderr
    md = _ok(_cli("compare", *paths, "--format", "md", "--strict")).stdout
    table = [line for line in md.splitlines() if line.startswith("| ") and "[" in line]
    assert table, md
    for line in table:
        cells = [c.strip() for c in line.strip("|").split("|")]
        values, diffs = cells[1:4], cells[4:]
        assert len(set(values)) == 1, line
        assert all(d == "n/a" or d.startswith("+0.000") for d in diffs), line


def test_negative_control_one_changed_judge_score_fails_compare_strict(
    runs: Runs, tmp_path: Path
) -> None:
    """``compare --strict`` catches one changed verdict (so the tests above can fail)."""

    def score(table: Path, out: Path) -> Path:
        out.parent.mkdir(parents=True, exist_ok=True)
        _ok(
            _cli(
                "score", "--candidates", str(table), "--contract", str(CONTRACT),
                "--seed", str(SEED), "--bootstrap", str(N_BOOTSTRAP), "--out", str(out), "--quiet",
            )
        )
        return out

    offline = str(runs.cards["offline"])
    judged_table = runs.offline_dir / "candidates.jsonl"
    # unchanged, the offline judged table re-scored from its recorded verdicts is identical
    same = score(judged_table, tmp_path / "rescored" / "offline.json")
    _ok(_cli("compare", offline, str(same), "--strict"))
    # q1 c1 ("The answer is 43.", wrong, the judge's unique top pick) 4 -> 3: a four-way
    # tie at the top, so recovery, top1_accuracy, tie rates and correlations all move
    judged = _read_jsonl(judged_table)
    (row,) = [r for r in judged if (r["prompt_id"], r["candidate_id"]) == ("q1", "c1")]
    assert row["judge_score"] == 4.0
    row["judge_score"] = 3.0
    perturbed_table = tmp_path / "perturbed.jsonl"
    perturbed_table.write_text("".join(json.dumps(r) + "\n" for r in judged), encoding="utf-8")
    perturbed = score(perturbed_table, tmp_path / "perturbed" / "offline.json")
    for cards in ([offline], [str(runs.cards["inspect"]), str(runs.cards["lmeval"])]):
        proc = _cli("compare", *cards, str(perturbed), "--strict")
        assert proc.returncode == 1, f"stdout:\n{proc.stdout}\nstderr:\n{proc.stderr}"
        assert "identical metrics: no" in proc.stdout
        assert "metrics differ" in proc.stderr
