"""The ``lmeval`` judge backend: a judge served by lm-eval's ``HFLM`` (or ``VLLM``).

A contract selects it with ``judge.backend: lmeval``. ``judge.model`` is a hub id, a
local model folder, or ``smollm2-135m-instruct`` (the embedded judge, converted and
cached by :mod:`judgespec.judge`). ``judge.model_args``:

- ``engine``: ``hf`` (default, :class:`lm_eval.models.huggingface.HFLM`) or ``vllm``
  (:class:`lm_eval.models.vllm_causallms.VLLM`; needs ``pip install vllm`` and a GPU);
- everything else goes to the lm-eval model's constructor unchanged (``device``,
  ``dtype``, ``batch_size``, ``max_length``, vLLM's ``tensor_parallel_size``,
  ``data_parallel_size``, ``gpu_memory_utilization``, ...).

A ``sha256:`` revision is checked against the weights' content hash before the model
loads; a commit-hash revision of a hub id is passed to lm-eval as ``revision``.

Requests are rendered like the ``transformers`` backend renders them: the tokenizer's
chat template with the generation prompt (plain ``role: content`` lines when the
tokenizer has none). ``generate`` sends ``generate_until`` instances (greedy at
temperature 0, else sampling with lm-eval's global seed: per-request seeds are not
supported); ``score_next_tokens`` sends one ``loglikelihood`` instance per candidate
token with the rendered chat plus answer prefix as context. lm-eval moves trailing
whitespace of a context onto the continuation, so an answer prefix ending in a space
(``"Score: "``) is scored as ``P(" 3" | "...Score:")``; the candidates are normalised
against each other by the engine either way.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from judgespec import BackendError
from judgespec.backends import resolve_local_revision
from judgespec.contract import JudgeModel
from judgespec.judge import (
    ChatMessage,
    GenerateRequest,
    Generation,
    TokenScoreRequest,
)

from ._deps import require_lm_eval

__all__ = ["LmevalJudgeBackend", "make_backend", "resolve_lmeval_revision"]

_HEX = re.compile(r"^[0-9a-f]{7,64}$")
_ENGINES = ("hf", "vllm")


def _render(tokenizer: Any, messages: Sequence[ChatMessage], answer_prefix: str = "") -> str:
    turns = [{"role": m.role, "content": m.content} for m in messages]
    if getattr(tokenizer, "chat_template", None):
        text = tokenizer.apply_chat_template(turns, add_generation_prompt=True, tokenize=False)
    else:
        text = "".join(f"{t['role']}: {t['content']}\n" for t in turns) + "assistant: "
    return str(text) + answer_prefix


class LmevalJudgeBackend:
    """A :class:`~judgespec.judge.JudgeBackend` over an lm-eval ``LM`` (HFLM or VLLM)."""

    name = "lmeval"

    def __init__(self, lm: Any) -> None:
        """Wrap an already built lm-eval model (anything with ``generate_until``,
        ``loglikelihood`` and a ``tokenizer``)."""
        tokenizer = getattr(lm, "tokenizer", None)
        if tokenizer is None:
            raise BackendError("the lm-eval judge model has no tokenizer to render chats with")
        self.lm = lm
        self.tokenizer: Any = tokenizer

    def generate(self, requests: Sequence[GenerateRequest]) -> list[Generation]:
        """One ``generate_until`` instance per request, in one lm-eval call."""
        from lm_eval.api.instance import Instance

        if any(r.top_logprobs > 0 for r in requests):
            raise BackendError(
                "the lmeval backend cannot return top logprobs of generated tokens; use the "
                "transformers backend for this contract"
            )
        instances = []
        for i, r in enumerate(requests):
            kwargs: dict[str, Any] = {
                "until": [],
                "max_gen_toks": r.max_tokens,
                "do_sample": r.temperature > 0,
                "temperature": r.temperature,
            }
            if r.temperature > 0 and r.top_p < 1.0:
                kwargs["top_p"] = r.top_p
            instances.append(
                Instance(
                    request_type="generate_until",
                    doc={},
                    arguments=(_render(self.tokenizer, r.messages), kwargs),
                    idx=0,
                    metadata=("judgespec-judge", i, 1),
                )
            )
        texts = self.lm.generate_until(instances, disable_tqdm=True) if instances else []
        # lm-eval returns text only; the token count (for throughput) is the text re-encoded.
        return [
            Generation(text=str(t), tokens=len(self.tokenizer(str(t), add_special_tokens=False)["input_ids"]))
            for t in texts
        ]

    def score_next_tokens(self, requests: Sequence[TokenScoreRequest]) -> list[dict[str, float]]:
        """Loglikelihood of each candidate after the rendered chat and answer prefix."""
        from lm_eval.api.instance import Instance

        instances = []
        for i, r in enumerate(requests):
            context = _render(self.tokenizer, r.messages, r.answer_prefix)
            for j, candidate in enumerate(r.candidates):
                instances.append(
                    Instance(
                        request_type="loglikelihood",
                        doc={},
                        arguments=(context, candidate),
                        idx=j,
                        metadata=("judgespec-judge", i, 1),
                    )
                )
        results = self.lm.loglikelihood(instances, disable_tqdm=True) if instances else []
        out: list[dict[str, float]] = []
        position = 0
        for r in requests:
            scores = {}
            for candidate in r.candidates:
                logprob, _greedy = results[position]
                scores[candidate] = float(logprob)
                position += 1
            out.append(scores)
        return out


def _split_args(judge: JudgeModel) -> tuple[str, dict[str, Any]]:
    args = dict(judge.model_args)
    engine = str(args.pop("engine", "hf"))
    if engine not in _ENGINES:
        raise BackendError(
            f"judge '{judge.model}': model_args.engine {engine!r} is not one of {', '.join(_ENGINES)}"
        )
    return engine, args


def resolve_lmeval_revision(judge: JudgeModel) -> str | None:
    """The ``lmeval`` backend's actual revision of a judge (None: a hub id).

    Named as the resolver of the backend's record in :mod:`judgespec.backends`.
    """
    return resolve_local_revision(judge, path_arg="pretrained")



def _check_pin(judge: JudgeModel) -> None:
    if judge.revision is None or not judge.revision.startswith("sha256:"):
        return
    actual = resolve_lmeval_revision(judge)
    if actual is not None and actual != judge.revision:
        raise BackendError(
            f"judge '{judge.model}': the contract pins {judge.revision} but the weights hash "
            f"to {actual}; load the pinned model or update the contract's revision"
        )


def _build_lm(judge: JudgeModel) -> Any:
    require_lm_eval("The lmeval judge backend")
    from judgespec.judge import EMBEDDED_MODEL_ID, load_embedded

    engine, args = _split_args(judge)
    _check_pin(judge)
    if engine == "vllm":
        try:
            from lm_eval.models.vllm_causallms import VLLM
        except ImportError as exc:
            raise BackendError(f"model_args.engine 'vllm' needs vLLM: pip install vllm ({exc})") from None
        pretrained = str(args.pop("pretrained", judge.model))
        if judge.revision is not None and _HEX.match(judge.revision):
            args.setdefault("revision", judge.revision)
        return VLLM(pretrained=pretrained, **args)
    from lm_eval.models.huggingface import HFLM

    args.setdefault("device", "cpu")
    if judge.model == EMBEDDED_MODEL_ID:
        model, tokenizer = load_embedded(str(args["device"]))
        return HFLM(pretrained=model, tokenizer=tokenizer, **{k: v for k, v in args.items() if k != "device"})
    pretrained = str(args.pop("pretrained", judge.model))
    if not Path(pretrained).is_dir() and judge.revision is not None and _HEX.match(judge.revision):
        args.setdefault("revision", judge.revision)
    try:
        return HFLM(pretrained=pretrained, **args)
    except OSError as exc:
        raise BackendError(f"cannot load judge model '{pretrained}' with lm-eval: {exc}") from None


def make_backend(judge: JudgeModel) -> LmevalJudgeBackend:
    """The ``lmeval`` backend's factory (its record is in :mod:`judgespec.backends`)."""
    return LmevalJudgeBackend(_build_lm(judge))
