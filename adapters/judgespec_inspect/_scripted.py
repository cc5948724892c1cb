"""The scripted provider as an Inspect model API: ``judgespec-scripted/<script>``.

A thin wrapper of :mod:`judgespec._scripted` (the scripts, their answers and the call
counter live there, shared with the lm-eval adapter): ``judgespec-scripted/arithmetic``
and ``judgespec-scripted/table`` are policies, ``judgespec-scripted/digit-judge`` is a
judge. Registered through the adapter's ``inspect_ai`` entry point, so it works from the
command line like any provider::

    inspect eval judgespec_inspect/bon_audit --model judgespec-scripted/arithmetic \\
        -T contract=judge.yaml -T dataset=prompts.jsonl

A call with ``num_choices=m`` and ``seed=s`` returns draws ``s, s+1, ..., s+m-1`` (``s``
is 0 without a seed), so the adapter's top-up calls (one choice, seed = the candidate's
position) give the same candidates as one call with ``m`` choices. Model args:
``max_choices`` (choices per call, default unlimited: set 1 to act like Inspect's ``hf/``
provider), ``draw_limit`` (draws ``>= draw_limit`` are not returned: a policy that cannot
deliver n candidates) and, for ``table``, ``table`` (the candidates JSONL). When
logprobs are requested, the digit judge's first token carries its top logprobs.
"""

from __future__ import annotations

from typing import Any

from inspect_ai.model import (
    ChatCompletionChoice,
    ChatMessage,
    ChatMessageAssistant,
    GenerateConfig,
    Logprob,
    Logprobs,
    ModelAPI,
    ModelOutput,
    ModelUsage,
    TopLogprob,
    modelapi,
)
from inspect_ai.tool import ToolChoice, ToolInfo

from judgespec._scripted import (
    JUDGE_SCRIPTS,
    POLICY_SCRIPTS,
    count_call,
    digit_judge_logprobs,
    digit_judge_verdict,
    is_pairwise_prompt,
    policy_answer,
    read_table,
)

__all__ = ["ScriptedModelAPI"]

_MODEL_ARGS = ("max_choices", "draw_limit", "table")


def _last_user_text(messages: list[ChatMessage]) -> str:
    for message in reversed(messages):
        if message.role == "user":
            return message.text
    return ""


def _usage(text: str, prompt: str) -> ModelUsage:
    inp, out = len(prompt.split()), max(1, len(text.split()))
    return ModelUsage(input_tokens=inp, output_tokens=out, total_tokens=inp + out)


def _logprobs(prompt: str) -> Logprobs:
    ranked = digit_judge_logprobs(prompt)
    tops = [TopLogprob(token=token, logprob=value) for token, value in ranked.items()]
    first = tops[0]
    return Logprobs(content=[Logprob(token=first.token, logprob=first.logprob, top_logprobs=tops)])


@modelapi(name="judgespec-scripted")
class ScriptedModelAPI(ModelAPI):
    """The scripted provider (see the module docstring and :mod:`judgespec._scripted`)."""

    def __init__(
        self,
        model_name: str,
        base_url: str | None = None,
        api_key: str | None = None,
        config: GenerateConfig | None = None,
        **model_args: Any,
    ) -> None:
        super().__init__(model_name, base_url, api_key, [], config or GenerateConfig())
        scripts = (*POLICY_SCRIPTS, *JUDGE_SCRIPTS)
        if model_name not in scripts:
            raise ValueError(
                f"unknown script '{model_name}': use "
                + ", ".join(f"judgespec-scripted/{s}" for s in scripts)
            )
        unknown = set(model_args) - set(_MODEL_ARGS)
        if unknown:
            raise ValueError(f"unknown model args {sorted(unknown)}: use {', '.join(_MODEL_ARGS)}")
        max_choices = model_args.get("max_choices")
        draw_limit = model_args.get("draw_limit")
        self.max_choices = int(max_choices) if max_choices is not None else None
        self.draw_limit = int(draw_limit) if draw_limit is not None else None
        table = model_args.get("table")
        self.table = read_table(str(table)) if table is not None else None

    def max_connections(self) -> int:
        """Plenty: the provider does no I/O."""
        return 64

    async def count_tokens(self, input: Any, config: GenerateConfig | None = None) -> int:
        """Whitespace token count (no tokenizer download)."""
        text = input if isinstance(input, str) else " ".join(m.text for m in input)
        return len(text.split())

    async def count_text_tokens(self, text: str) -> int:
        """Whitespace token count (no tokenizer download)."""
        return len(text.split())

    async def generate(
        self,
        input: list[ChatMessage],
        tools: list[ToolInfo],
        tool_choice: ToolChoice,
        config: GenerateConfig,
    ) -> ModelOutput:
        """Answer by script; never touches the network."""
        count_call(self.model_name)
        prompt = _last_user_text(input)
        if self.model_name in POLICY_SCRIPTS:
            return self._policy(prompt, config)
        return self._judge(prompt, config)

    def _policy(self, prompt: str, config: GenerateConfig) -> ModelOutput:
        wanted = config.num_choices or 1
        if self.max_choices is not None:
            wanted = min(wanted, self.max_choices)
        start = config.seed or 0
        draws = [d for d in range(start, start + wanted) if self.draw_limit is None or d < self.draw_limit]
        choices = [
            ChatCompletionChoice(
                message=ChatMessageAssistant(
                    content=policy_answer(self.model_name, prompt, d, self.table),
                    model=self.model_name,
                    source="generate",
                ),
                stop_reason="stop",
            )
            for d in draws
        ]
        text = " ".join(c.message.text for c in choices)
        return ModelOutput(model=self.model_name, choices=choices, usage=_usage(text, prompt))

    def _judge(self, prompt: str, config: GenerateConfig) -> ModelOutput:
        text = digit_judge_verdict(prompt)
        logprobs = _logprobs(prompt) if config.logprobs and not is_pairwise_prompt(prompt) else None
        choice = ChatCompletionChoice(
            message=ChatMessageAssistant(content=text, model=self.model_name, source="generate"),
            stop_reason="stop",
            logprobs=logprobs,
        )
        return ModelOutput(model=self.model_name, choices=[choice], usage=_usage(text, prompt))
