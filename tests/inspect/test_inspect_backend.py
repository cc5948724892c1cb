"""The ``inspect`` judge backend: sync/async bridge, logprobs, protocols inside Inspect."""

from __future__ import annotations

import math
from pathlib import Path

import anyio
import anyio.to_thread
import pytest
from inspect_helpers import card_json

from judgespec import BackendError, load_contract
from judgespec.contract import JudgeModel
from judgespec.judge import ChatMessage, GenerateRequest, TokenScoreRequest, make_backend
from judgespec.pipeline import score_tables
from judgespec_inspect import InspectBackend, bon_audit
from judgespec_inspect._backend import TOP_LOGPROBS, candidate_logprobs
from judgespec_inspect._records import records_of, rows_from_records

JUDGE = JudgeModel(model="judgespec-scripted/digit-judge", backend="inspect", allow_unpinned=True)


def _chat(response: str) -> tuple[ChatMessage, ...]:
    return (ChatMessage("system", "You rate answers."), ChatMessage("user", f"Response: {response}"))


def test_the_core_registry_finds_the_backend_through_its_entry_point():
    backend = make_backend(JUDGE)
    assert isinstance(backend, InspectBackend)
    assert backend.name == "inspect"
    assert backend.model_name == "judgespec-scripted/digit-judge"


def test_generate_runs_synchronously_without_an_event_loop():
    backend = InspectBackend.from_judge(JUDGE)
    out = backend.generate(
        [
            GenerateRequest(_chat("The answer is 44."), max_tokens=8),
            GenerateRequest(_chat("The answer is 39."), max_tokens=8, top_logprobs=5),
        ]
    )
    assert [g.text for g in out] == ["Score: 5", "I cannot rate this."]
    assert out[0].top_logprobs is None and out[0].tokens == 2
    assert out[1].top_logprobs is not None
    assert out[1].top_logprobs[0]["I"] == pytest.approx(math.log(0.9))


def test_score_next_tokens_reads_the_top_logprobs_of_one_token():
    backend = InspectBackend.from_judge(JUDGE)
    [scores] = backend.score_next_tokens(
        [TokenScoreRequest(_chat("The answer is 42."), "Score: ", ("1", "2", "3", "4", "5", "7"))]
    )
    assert scores["3"] == pytest.approx(math.log(0.8))
    assert scores["1"] == pytest.approx(math.log(0.05))
    assert scores["7"] == -math.inf  # outside the top k: no mass


def test_candidate_logprobs_sums_whitespace_variants():
    got = candidate_logprobs({"3": math.log(0.2), " 3": math.log(0.1), "4": math.log(0.3)}, ["3", "5"])
    assert got["3"] == pytest.approx(math.log(0.3))
    assert got["5"] == -math.inf
    assert TOP_LOGPROBS == 20


def test_the_sync_api_refuses_to_block_a_running_event_loop():
    backend = InspectBackend.from_judge(JUDGE)

    async def main() -> None:
        with pytest.raises(BackendError, match="called synchronously on a running event loop"):
            backend.generate([GenerateRequest(_chat("1"), max_tokens=4)])
        # the async API works there, and the sync one from a worker thread
        direct = await backend.agenerate([GenerateRequest(_chat("The answer is 41."), max_tokens=4)])
        threaded = await anyio.to_thread.run_sync(
            backend.generate, [GenerateRequest(_chat("The answer is 41."), max_tokens=4)]
        )
        assert direct[0].text == threaded[0].text == "Score: 2"

    anyio.run(main)


def test_an_unknown_model_is_a_backend_error():
    judge = JudgeModel(model="no-such-provider/x", backend="inspect", allow_unpinned=True)
    with pytest.raises(BackendError, match="inspect backend: cannot create model 'no-such-provider/x'"):
        make_backend(judge)


def _variant(tmp_path: Path, digit_contract: Path, name: str, protocol: str, template: str) -> Path:
    text = digit_contract.read_text(encoding="utf-8")
    head = text[: text.index("protocol:")]
    path = tmp_path / f"{name}.yaml"
    path.write_text(head + protocol + "prompt:\n  template: |\n" + template, encoding="utf-8")
    return path


def test_logprob_protocol_inside_inspect(tmp_path, run_eval, arithmetic, digit_contract):
    contract = _variant(
        tmp_path, digit_contract, "logprob",
        "protocol:\n  kind: logprob\n  scale: {min: 1, max: 5}\n",
        "    Response: {{ response }}\n  variables: [response]\n",
    )
    log = run_eval(bon_audit(contract=str(contract), dataset=str(arithmetic), n=2, n_bootstrap=50), limit=1)
    record = records_of(log.samples[0].scores["judge_selection"].metadata)
    assert record is not None
    # q1, draws 0 and 1: 42 and 43, digit scores 3 and 4; the scripted judge puts 0.8 on
    # the digit and 0.05 on each other level, so the expected score is 0.75 * s + 0.75
    assert [c["judge_score"] for c in record["candidates"]] == pytest.approx([3.0, 3.75])


def test_pairwise_comparisons_travel_through_the_log(tmp_path, run_eval, arithmetic, digit_contract):
    contract = _variant(
        tmp_path, digit_contract, "pairwise",
        "protocol:\n  kind: pairwise\n  orders: both\n  allow_tie: true\n",
        "    Response A: {{ response_a }}\n    Response B: {{ response_b }}\n"
        "  variables: [response_a, response_b]\n",
    )
    log = run_eval(bon_audit(contract=str(contract), dataset=str(arithmetic), n=3, n_bootstrap=50), limit=3)
    records = [records_of(s.scores["judge_selection"].metadata) for s in log.samples]
    assert all(len(r["comparisons"]) == 6 for r in records)  # 3 pairs, both orders
    rows = rows_from_records(records)
    card = score_tables(
        rows.candidates, rows.comparisons, loaded=load_contract(contract),
        framework="inspect", n=3, seed=0, n_bootstrap=50,
    )
    metrics = {k: m.value for k, m in log.results.scores[0].metrics.items()}
    assert card.metrics["position_consistency"].estimate == 1.0  # the scripted judge is consistent
    for name, metric in card.metrics.items():
        assert (math.isnan(metric.estimate) and math.isnan(metrics[name])) or metrics[name] == metric.estimate
    written = card_json(log)
    assert written["counts"]["comparisons"] == 18


def test_a_reference_field_target_gives_the_judge_the_samples_target(
    tmp_path, run_eval, arithmetic, digit_contract
):
    contract = _variant(
        tmp_path, digit_contract, "reference",
        "protocol:\n  kind: pointwise\n  scale: {min: 1, max: 5}\n"
        "reference: {policy: field, field: target}\n",
        "    Reference: {{ reference }}\n    Response: {{ response }}\n"
        "  variables: [reference, response]\n",
    )
    log = run_eval(bon_audit(contract=str(contract), dataset=str(arithmetic), n=2, n_bootstrap=50), limit=1)
    judge_inputs = [
        event.input[-1].text
        for event in log.samples[0].events
        if event.event == "model" and event.model.endswith("digit-judge")
    ]
    assert judge_inputs and all(text.startswith("Reference: 42\n") for text in judge_inputs)
