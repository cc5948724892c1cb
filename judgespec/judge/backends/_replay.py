"""The ``replay`` backend: recorded verdicts instead of a model.

``model_args.path`` names a JSON Lines file of raw judgments, such as the
``judgments.jsonl`` a previous run wrote. Each record needs ``request_hash``,
``sample`` and either ``output`` (generated text) or ``logprobs`` (next-token
log-probabilities); ``tokens`` is optional. A request is answered by the record with
its request hash (see :func:`judgespec.judge.request_hash`) and sample index, so an
offline audit can re-run a contract without the model. A request with no record is an
error naming the request; nothing is made up.

The path is taken as given (relative paths resolve against the working directory).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..._errors import BackendError
from ...contract import JudgeModel
from ...tables import iter_jsonl
from ._backend import (
    GenerateRequest,
    Generation,
    JudgeBackend,
    JudgeRequest,
    TokenScoreRequest,
    decode_floats,
    register_backend,
    request_hash,
)

__all__ = ["ReplayBackend"]


class ReplayBackend:
    """Answers requests from recorded judgments (see the module docstring)."""

    name = "replay"
    constrained_decoding = True
    """Recorded verdicts replay whatever a constrained judge wrote."""
    batch_size = 1024

    def __init__(self, records: dict[tuple[str, int], dict[str, Any]], *, source: str) -> None:
        self.records = records
        self.source = source

    @classmethod
    def from_file(cls, path: str | Path) -> ReplayBackend:
        """Index a JSON Lines file of raw judgments by (request hash, sample)."""
        p = Path(path)
        records: dict[tuple[str, int], dict[str, Any]] = {}
        for n, record in iter_jsonl(p):
            if not isinstance(record.get("request_hash"), str):
                raise BackendError(
                    f"{p}:{n}: a recorded judgment needs 'request_hash' and 'sample'"
                )
            key = (record["request_hash"], int(record.get("sample") or 0))
            records.setdefault(key, record)
        return cls(records, source=str(p))

    def _record(self, request: JudgeRequest) -> dict[str, Any]:
        digest = request_hash(request)
        record = self.records.get((digest, request.sample))
        if record is None:
            kind = "generation" if isinstance(request, GenerateRequest) else "next-token scores"
            raise BackendError(
                f"replay: {self.source} has no recorded {kind} for request {digest[:19]}... "
                f"sample {request.sample}; the contract or the candidates differ from the "
                "recorded run, so re-run it with a model"
            )
        return record

    def generate(self, requests: Sequence[GenerateRequest]) -> list[Generation]:
        """The recorded output of each request."""
        out = []
        for request in requests:
            record = self._record(request)
            text = record.get("output")
            if not isinstance(text, str):
                raise BackendError(
                    f"replay: the record of request {request_hash(request)[:19]}... has no text output"
                )
            out.append(Generation(text=text, tokens=int(record.get("tokens") or 0)))
        return out

    def score_next_tokens(self, requests: Sequence[TokenScoreRequest]) -> list[dict[str, float]]:
        """The recorded next-token log-probabilities of each request."""
        out = []
        for request in requests:
            record = self._record(request)
            logprobs = record.get("logprobs")
            if not isinstance(logprobs, dict):
                raise BackendError(
                    f"replay: the record of request {request_hash(request)[:19]}... has no logprobs"
                )
            out.append(decode_floats(logprobs))
        return out


@register_backend("replay")
def make_replay_backend(judge: JudgeModel) -> JudgeBackend:
    """Factory: ``model_args.path`` is the recorded judgments file."""
    path = judge.model_args.get("path")
    if not isinstance(path, str):
        raise BackendError(
            "backend 'replay' needs model_args.path: a judgments.jsonl file of a previous run"
        )
    return ReplayBackend.from_file(path)
