"""Rendering judge requests from a contract.

The template renders in the contract layer's sandbox with exactly the variables the
contract declares. The chat is the contract's system message (when given) and one user
message. A request's identity (:func:`~judgespec.judge.backends._backend.request_hash`)
is part of the backend protocol.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..._errors import AuditDataError, ContractError
from ...contract import JudgeModel, LoadedContract, render_template
from ..backends._backend import ChatMessage, GenerateRequest, TokenScoreRequest, VerdictChoices

__all__ = [
    "REFERENCE_MAX_TOKENS",
    "candidate_variables",
    "chat",
    "generate_request",
    "pair_variables",
    "reference_request",
    "where_candidate",
    "where_pair",
]

REFERENCE_MAX_TOKENS = 512
"""Smallest token budget for a judge-written reference answer (``reference.policy: judge``)."""


def chat(
    loaded: LoadedContract,
    template: str,
    variables: Mapping[str, str],
    *,
    where: str | None = None,
) -> tuple[ChatMessage, ...]:
    """The judge chat: the contract's system message (if any) and the rendered template.

    The template renders under the contract layer's render budget (wall time, size,
    depth); a render that fails on real candidate text is a one-line
    :class:`~judgespec.ContractError` naming ``where`` (the candidate or pair).
    """
    try:
        text = render_template(template, variables)
    except ContractError as exc:
        if where is None:
            raise
        raise ContractError(f"{where}: the judge {exc}; shorten the text or the template") from None
    user = ChatMessage("user", text)
    system = loaded.contract.prompt.system
    return (ChatMessage("system", system), user) if system else (user,)


def _text_field(row: Mapping[str, Any], name: str, where: str) -> str:
    value = row.get(name)
    if not isinstance(value, str):
        shown = "missing" if value is None else f"a {type(value).__name__}, not text"
        raise AuditDataError(f"{where}: field '{name}' is {shown}; the judge template needs it")
    return value


def where_candidate(row: Mapping[str, Any]) -> str:
    """How errors name one candidate: ``candidate (prompt_id=..., candidate_id=...)``."""
    return _where(row)


def where_pair(first: Mapping[str, Any], second: Mapping[str, Any]) -> str:
    """How errors name a presented pair of candidates."""
    return (
        f"pair (prompt_id={first.get('prompt_id')!r}, first={first.get('candidate_id')!r}, "
        f"second={second.get('candidate_id')!r})"
    )


def _where(row: Mapping[str, Any]) -> str:
    return (
        f"candidate (prompt_id={row.get('prompt_id')!r}, candidate_id={row.get('candidate_id')!r})"
    )


def _common(
    loaded: LoadedContract, row: Mapping[str, Any], used: set[str], reference: str | None
) -> dict[str, str]:
    out: dict[str, str] = {}
    if "prompt" in used:
        out["prompt"] = _text_field(row, "prompt", _where(row))
    if "rubric" in used and loaded.texts.rubric is not None:
        out["rubric"] = loaded.texts.rubric
    if "reference" in used:
        policy = loaded.contract.reference
        if policy.policy == "field":
            assert policy.field is not None
            out["reference"] = _text_field(row, policy.field, _where(row))
        elif reference is not None:
            out["reference"] = reference
        else:  # pragma: no cover - the engine always supplies a judge-written reference
            raise AuditDataError(f"{_where(row)}: no reference answer")
    return out


def candidate_variables(
    loaded: LoadedContract, row: Mapping[str, Any], *, used: set[str], reference: str | None
) -> dict[str, str]:
    """Template variables for judging one candidate."""
    out = _common(loaded, row, used, reference)
    out["response"] = _text_field(row, "response", _where(row))
    return out


def pair_variables(
    loaded: LoadedContract,
    first: Mapping[str, Any],
    second: Mapping[str, Any],
    *,
    used: set[str],
    reference: str | None,
) -> dict[str, str]:
    """Template variables for comparing two candidates (``first`` shown as A)."""
    out = _common(loaded, first, used, reference)
    out["response_a"] = _text_field(first, "response", _where(first))
    out["response_b"] = _text_field(second, "response", _where(second))
    return out


def generate_request(
    judge: JudgeModel,
    messages: tuple[ChatMessage, ...],
    *,
    sample: int,
    top_logprobs: int = 0,
    constraint: VerdictChoices | None = None,
) -> GenerateRequest:
    """A verdict request under the judge's decoding; sample k gets seed ``seed + k``.

    With a ``constraint`` the verdict always fits: ``max_tokens`` is the rationale's
    budget plus the contract's ``max_tokens`` for the verdict itself.
    """
    d = judge.decoding
    budget = d.max_tokens + (constraint.rationale_tokens if constraint is not None else 0)
    return GenerateRequest(
        messages=messages,
        max_tokens=budget,
        temperature=d.temperature,
        top_p=d.top_p,
        seed=None if d.seed is None else d.seed + sample,
        top_logprobs=top_logprobs,
        sample=sample,
        constraint=constraint,
    )


def reference_request(judge: JudgeModel, prompt: str) -> GenerateRequest:
    """The judge writes its own reference answer to a prompt (``reference.policy: judge``).

    Decoding as the contract says, with at least :data:`REFERENCE_MAX_TOKENS` tokens.
    """
    d = judge.decoding
    return GenerateRequest(
        messages=(ChatMessage("user", prompt),),
        max_tokens=max(d.max_tokens, REFERENCE_MAX_TOKENS),
        temperature=d.temperature,
        top_p=d.top_p,
        seed=d.seed,
    )


def score_request(
    messages: tuple[ChatMessage, ...], *, answer_prefix: str, tokens: tuple[str, ...]
) -> TokenScoreRequest:
    """A next-token scoring request (one forward pass)."""
    return TokenScoreRequest(messages=messages, answer_prefix=answer_prefix, candidates=tokens)
