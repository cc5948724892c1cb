"""Constrained verdicts (``protocol.constrain``): contract rules, engine, transformers mask."""

from __future__ import annotations

from typing import Any

import pytest
from judge_doubles import PAIRWISE, POINTWISE, ScriptedJudge, contract, rows

from judgespec import BackendError, ContractError
from judgespec.contract import canonical_form
from judgespec.judge import (
    ChatMessage,
    GenerateRequest,
    VerdictChoices,
    judge_candidates,
    verdict_choices,
)

torch = pytest.importorskip("torch", reason="the transformers backend needs torch (the hf extra)")

TINY = {"model": "tiny", "backend": "transformers", "allow_unpinned": True, "decoding": {"max_tokens": 6}}
SCORES = VerdictChoices(tuple(f"Score: {k}" for k in range(1, 6)))


def chat(i: int) -> tuple[ChatMessage, ...]:
    return (ChatMessage("system", "You judge answers."), ChatMessage("user", f"Question {i}: q={i}?"))


# -- the contract ----------------------------------------------------------------------


def test_constraint_is_in_the_fingerprint_only_when_set() -> None:
    free = contract(POINTWISE)
    constrained = contract({**POINTWISE, "constrain": {}})
    assert "constrain" not in canonical_form(free)["protocol"]
    assert canonical_form(constrained)["protocol"]["constrain"] == {
        "rationale_tokens": 0,
        "prefix": None,
    }
    assert free.fingerprint != constrained.fingerprint
    with_rationale = contract({**POINTWISE, "constrain": {"rationale_tokens": 32}})
    assert with_rationale.fingerprint != constrained.fingerprint


def test_choices_follow_the_protocol() -> None:
    assert verdict_choices(contract(POINTWISE).contract.protocol) is None
    assert verdict_choices(contract({**POINTWISE, "constrain": {}}).contract.protocol) == SCORES
    pair = contract({**PAIRWISE, "allow_tie": False, "constrain": {"rationale_tokens": 8}})
    assert verdict_choices(pair.contract.protocol) == VerdictChoices(("[[A]]", "[[B]]"), 8)


@pytest.mark.parametrize(
    ("protocol", "judge", "message"),
    [
        (
            {**POINTWISE, "constrain": {"prefix": "Rating: "}},
            None,
            "constrain: the verdict 'Rating: 1' does not parse to 1 under pattern",
        ),
        ({"kind": "logprob", "scale": {"min": 1, "max": 5}, "constrain": {}}, None, "constrain"),
        (
            {**POINTWISE, "constrain": {}},
            {"model": "m", "backend": "lmeval", "allow_unpinned": True},
            "protocol.constrain: backend 'lmeval' cannot constrain decoding",
        ),
        ({**PAIRWISE, "constrain": {"prefix": "a\nb"}}, None, "must be one line"),
    ],
)
def test_unconstrainable_contracts_fail_validation(
    protocol: dict[str, Any], judge: dict[str, Any] | None, message: str
) -> None:
    extra = {"judge": judge} if judge is not None else {}
    with pytest.raises(ContractError, match=message.replace("(", r"\(")):
        contract(protocol, **extra)


# -- the engine --------------------------------------------------------------------------


class ConstrainedDouble(ScriptedJudge):
    constrained_decoding = True


def test_only_the_verdict_line_is_parsed() -> None:
    """A rationale that mentions other scores or labels cannot change the verdict."""

    def script(request: GenerateRequest) -> str:
        assert request.constraint is not None
        return f"Score: 5 would be too much; [[A]] maybe\n{request.constraint.choices[1]}"

    out = judge_candidates(
        contract({**POINTWISE, "constrain": {"rationale_tokens": 16}}),
        rows([[1, 2]]),
        backend=ConstrainedDouble(script),
    )
    assert [r["judge_score"] for r in out.candidates] == [2.0, 2.0]
    pair = judge_candidates(
        contract({**PAIRWISE, "constrain": {"rationale_tokens": 16}}),
        rows([[1, 2]]),
        backend=ConstrainedDouble(script),
    )
    assert [c["winner"] for c in pair.comparisons] == ["second", "second"]


def test_free_decoding_still_counts_parse_failures() -> None:
    out = judge_candidates(contract(POINTWISE), rows([[1, 2]]), backend=ScriptedJudge(lambda r: "no idea"))
    assert out.stats.candidate_parse_failures == 2


def test_a_backend_that_cannot_constrain_is_refused() -> None:
    with pytest.raises(BackendError, match="backend 'scripted' cannot constrain decoding"):
        judge_candidates(contract({**POINTWISE, "constrain": {}}), rows([[1, 2]]), backend=ScriptedJudge())


# -- the transformers backend --------------------------------------------------------------


def _expected_choice(backend: Any, messages: tuple[ChatMessage, ...], choices: VerdictChoices) -> str:
    """The choice greedy decoding must pick, from one plain forward pass (no generate).

    The choices' token sequences share a prefix and branch at one token; the judge's
    pick is the argmax of its next-token logits over the branch tokens.
    """
    seqs = [backend.encode(c) for c in choices.choices]
    cut = 0
    while all(len(s) > cut for s in seqs) and len({s[cut] for s in seqs}) == 1:
        cut += 1
    ids = backend.encode(backend.chat_text(messages)) + seqs[0][:cut]
    with torch.inference_mode():
        logits = backend.model(input_ids=torch.tensor([ids])).logits[0, -1]
    best = max(range(len(seqs)), key=lambda n: float(logits[seqs[n][cut]]))
    return choices.choices[best]


def test_greedy_constrained_verdict_is_the_judges_argmax(tiny_backend: Any) -> None:
    requests = [GenerateRequest(chat(i), max_tokens=2, constraint=SCORES) for i in range(6)]
    got = [g.text for g in tiny_backend.generate(requests)]
    assert got == [_expected_choice(tiny_backend, r.messages, SCORES) for r in requests]
    labels = VerdictChoices(("[[A]]", "[[B]]", "[[C]]"))
    pairs = [GenerateRequest(chat(i), max_tokens=2, constraint=labels) for i in range(6)]
    assert [g.text for g in tiny_backend.generate(pairs)] == [
        _expected_choice(tiny_backend, r.messages, labels) for r in pairs
    ]


def test_rationale_then_verdict_on_its_own_line(tiny_backend: Any) -> None:
    choices = VerdictChoices(("[[A]]", "[[B]]"), rationale_tokens=5)
    requests = [
        GenerateRequest(chat(i), max_tokens=1, temperature=1.0, seed=i, constraint=choices)
        for i in range(8)
    ]
    gens = tiny_backend.generate(requests)
    for gen in gens:
        verdict = gen.text.rpartition("\n")[2]
        assert verdict in choices.choices
        verdict_tokens = len(tiny_backend.encode("\n" + verdict))
        assert gen.tokens <= 5 + verdict_tokens + 1  # rationale, verdict, end of turn
    again = tiny_backend.generate(requests[3:5])
    assert [g.text for g in again] == [g.text for g in gens[3:5]]


@pytest.mark.parametrize("protocol", [POINTWISE, PAIRWISE, {"kind": "tournament", "format": "knockout"}])
def test_constrained_contracts_parse_every_verdict(tiny_backend: Any, protocol: dict[str, Any]) -> None:
    data = rows([[1, 2, 3], [4, 5]])
    free = judge_candidates(contract(protocol, judge=TINY), data, backend=tiny_backend)
    assert sum(free.stats.parse_failures.values()) > 0  # a random model rarely writes a verdict
    constrained = contract({**protocol, "constrain": {}}, judge=TINY)
    out = judge_candidates(constrained, data, backend=tiny_backend)
    assert out.stats.parse_failures == {}
    assert all(row["judge_score"] is not None for row in out.candidates)
