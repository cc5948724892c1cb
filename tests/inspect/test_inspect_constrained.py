"""Constrained verdicts through Inspect's structured output (``response_schema``)."""

from __future__ import annotations

import json
from typing import Any

import pytest

pytest.importorskip("inspect_ai", reason="the inspect extra is not installed")

from inspect_ai.model import (
    ChatMessageAssistant,
    GenerateConfig,
    ModelAPI,
    ModelOutput,
    get_model,
    modelapi,
)
from inspect_ai.model._chat_message import ChatMessage as InspectMessage
from inspect_ai.model._model_output import ChatCompletionChoice

from judgespec import BackendError
from judgespec.contract import load_contract_text
from judgespec.judge import VerdictChoices, judge_candidates
from judgespec_inspect import InspectBackend
from judgespec_inspect._backend import structured_verdict, verdict_schema

SEEN: list[GenerateConfig] = []


@modelapi(name="judgespec-structured-test")
class StructuredAPI(ModelAPI):
    """Answers a response_schema request with a JSON object; free text otherwise."""

    def __init__(self, model_name: str, base_url: str | None = None, api_key: str | None = None,
                 config: GenerateConfig | None = None, **model_args: Any) -> None:
        super().__init__(model_name, base_url, api_key, [], config or GenerateConfig())

    async def generate(self, input: list[InspectMessage], tools: Any, tool_choice: Any,
                       config: GenerateConfig) -> ModelOutput:
        SEEN.append(config)
        schema = config.response_schema
        if schema is None:
            text = "I would say it is fine."
        else:
            props = schema.json_schema.properties or {}
            enum = props["verdict"].enum or []
            data = {"rationale": "short and right", "verdict": enum[-1]} if "rationale" in props else {"verdict": enum[0]}
            text = json.dumps(data)
        message = ChatMessageAssistant(content=text, model=self.model_name, source="generate")
        return ModelOutput(model=self.model_name, choices=[ChatCompletionChoice(message=message, stop_reason="stop")])


def _contract(constrain: str) -> Any:
    return load_contract_text(
        f"""
spec_version: 1
name: structured
version: 1.0.0
judge: {{model: judgespec-structured-test/j, backend: inspect, allow_unpinned: true}}
protocol: {{kind: pointwise, scale: {{min: 1, max: 5}}{constrain}}}
prompt: {{template: "Q: {{{{ prompt }}}} A: {{{{ response }}}}", variables: [prompt, response]}}
""",
        name="<test>",
    )


ROWS = [
    {"prompt_id": "p", "candidate_id": c, "prompt": "2+2?", "response": r}
    for c, r in (("a", "4"), ("b", "5"))
]


def test_schema_lists_the_choices_and_a_rationale_first() -> None:
    schema = verdict_schema(VerdictChoices(("[A]", "[B]"), rationale_tokens=20)).json_schema
    assert list(schema.properties or {}) == ["rationale", "verdict"]
    assert (schema.properties or {})["verdict"].enum == ["[A]", "[B]"]
    assert schema.required == ["rationale", "verdict"] and schema.additionalProperties is False


def test_structured_answers_become_verdict_lines() -> None:
    choices = VerdictChoices(("Score: 1", "Score: 2"), rationale_tokens=10)
    assert structured_verdict('{"rationale": "ok", "verdict": "Score: 2"}', choices) == "ok\nScore: 2"
    assert structured_verdict('{"verdict": "Score: 9"}', choices) == '{"verdict": "Score: 9"}'
    assert structured_verdict("Score: 2 for sure", choices) == "Score: 2 for sure"


def test_constrained_contract_judges_through_response_schema() -> None:
    SEEN.clear()
    free = judge_candidates(_contract(""), ROWS)
    assert free.stats.candidate_parse_failures == 2 and SEEN[-1].response_schema is None
    out = judge_candidates(_contract(", constrain: {rationale_tokens: 30}"), ROWS)
    assert SEEN[-1].response_schema is not None
    assert [r["judge_score"] for r in out.candidates] == [5.0, 5.0]
    assert out.raw[0]["output"] == "short and right\nScore: 5"


def test_providers_without_structured_output_are_refused() -> None:
    backend = InspectBackend(get_model("mockllm/model"))
    assert backend.constrained_decoding is False
    with pytest.raises(BackendError, match="backend 'inspect' cannot constrain decoding"):
        judge_candidates(_contract(", constrain: {}"), ROWS, backend=backend)
