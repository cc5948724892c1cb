"""The judge engine: render a contract's prompts, call a backend, parse strictly, aggregate.

Entry point: :func:`judge_candidates`. Backends: ``transformers`` (in process, with the
embedded SmolLM2 judge), ``replay`` (recorded verdicts), and third-party backends
registered through the ``judgespec.backends`` entry point group. Heavy dependencies
(torch, transformers) are imported only when a backend that needs them is made.

Three parts, each its own folder: ``backends/`` (what answers a judge request),
``protocols/`` (how candidates become judge calls and verdicts) and ``engine/`` (runs a
protocol over a table: the call runner, the cache, tie policies, probes, output). Each
imports only from the parts before it; the public names are exported here.
"""

from .._paths import cache_dir
from .._ranking import (
    aggregate_values,
    aggregate_verdicts,
    bradley_terry,
    copeland,
    win_matrix,
    win_share,
)
from .backends._backend import (
    BackendFactory,
    ChatMessage,
    GenerateRequest,
    Generation,
    JudgeBackend,
    TokenScoreRequest,
    VerdictChoices,
    available_backends,
    make_backend,
    register_backend,
    request_hash,
)
from .backends._embedded import (
    EMBEDDED_MODEL_ID,
    directory_sha256,
    embedded_dir,
    ensure_embedded,
    gguf_path,
    gguf_sha256,
    load_embedded,
    resolve_local_revision,
)
from .backends._replay import ReplayBackend
from .backends._transformers import TransformersBackend
from .engine._cache import CacheInfo, JudgeCache, open_judge_cache
from .engine._engine import judge_candidates
from .engine._output import (
    JudgeOutput,
    JudgeStats,
    read_candidate_rows,
    write_jsonl,
    write_judge_output,
)
from .engine._probes import ProbePrompt, ProbeRun, ProbeRuns, perturb, run_probes
from .protocols._parse import (
    PARSE_FAILURE_REASONS,
    ParseFailure,
    expected_score,
    parse_pair,
    parse_score,
    verdict_choices,
)

__all__ = [
    "EMBEDDED_MODEL_ID",
    "PARSE_FAILURE_REASONS",
    "BackendFactory",
    "CacheInfo",
    "ChatMessage",
    "GenerateRequest",
    "Generation",
    "JudgeBackend",
    "JudgeCache",
    "JudgeOutput",
    "JudgeStats",
    "ParseFailure",
    "ProbePrompt",
    "ProbeRun",
    "ProbeRuns",
    "ReplayBackend",
    "TokenScoreRequest",
    "TransformersBackend",
    "VerdictChoices",
    "aggregate_values",
    "aggregate_verdicts",
    "available_backends",
    "bradley_terry",
    "cache_dir",
    "copeland",
    "directory_sha256",
    "embedded_dir",
    "ensure_embedded",
    "expected_score",
    "gguf_path",
    "gguf_sha256",
    "judge_candidates",
    "load_embedded",
    "make_backend",
    "open_judge_cache",
    "parse_pair",
    "parse_score",
    "perturb",
    "read_candidate_rows",
    "register_backend",
    "request_hash",
    "resolve_local_revision",
    "run_probes",
    "verdict_choices",
    "win_matrix",
    "win_share",
    "write_jsonl",
    "write_judge_output",
]
