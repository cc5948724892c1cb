"""The refusal contract every hostile input must meet, checked through the CLI.

Exit status 1, exactly one line on stderr starting ``Error:``, nothing on stdout, no
traceback, and an answer within a time bound.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from click.testing import CliRunner

from judgespec.cli import cli

REPO = Path(__file__).resolve().parents[2]
VALID = (REPO / "tests" / "contract" / "data" / "valid.yaml").read_text(encoding="utf-8")
TEMPLATE_LINE = '  template: "Q: {{ prompt }}\\nA: {{ response }}\\nScore 1-10. Score:"\n'
assert TEMPLATE_LINE in VALID

FAST_S = 10.0
"""Time bound of a refusal that needs no render budget."""
BUDGET_S = 20.0
"""Time bound of a refusal that spends the render budget (2 s of wall time) first (room for a busy machine)."""


@dataclass(frozen=True)
class Refusal:
    """What a refused command printed."""

    line: str
    seconds: float


def replace(old: str, new: str, text: str = VALID) -> str:
    """``text`` with ``old`` (which must occur) replaced by ``new``."""
    assert old in text, old
    return text.replace(old, new)


def with_template(body: str, text: str = VALID) -> str:
    """The valid contract with its inline template replaced by a block scalar ``body``."""
    block = "  template: |-\n" + "".join(f"    {line}\n" for line in body.split("\n"))
    return replace(TEMPLATE_LINE, block, text)


def refused(
    args: Sequence[str],
    *fragments: str,
    limit: float = FAST_S,
    env: Mapping[str, str] | None = None,
) -> Refusal:
    """Run ``judgespec ARGS`` in-process and assert the refusal contract."""
    runner = CliRunner()
    started = time.monotonic()
    result = runner.invoke(cli, list(args), env=dict(env or {}), catch_exceptions=True)
    seconds = time.monotonic() - started
    if not isinstance(result.exception, SystemExit):
        raise AssertionError(f"not a clean exit: {result.exception!r}") from result.exception
    assert result.exit_code == 1, (result.exit_code, result.output)
    assert "Traceback" not in result.output
    assert result.stdout == "", result.stdout
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, lines
    line = lines[0]
    assert line.startswith("Error: "), line
    for fragment in fragments:
        assert fragment in line, (fragment, line)
    assert seconds < limit, f"took {seconds:.1f} s (bound {limit} s): {line}"
    return Refusal(line, seconds)


def validate_refuses(
    tmp_path: Path, text: str | bytes, *fragments: str, limit: float = FAST_S
) -> Refusal:
    """Write a contract file and assert that ``judgespec validate`` refuses it."""
    path = tmp_path / "contract.yaml"
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
    return refused(["validate", str(path)], str(path), *fragments, limit=limit)


class ConstantJudge:
    """A backend double that answers every request ``Score: 3`` (no model)."""

    name = "constant"
    batch_size = 8

    def __init__(self) -> None:
        self.calls = 0

    def generate(self, requests: Sequence[object]) -> list[object]:
        from judgespec.judge import Generation

        self.calls += len(requests)
        return [Generation(text="Score: 3", tokens=2) for _ in requests]

    def score_next_tokens(self, requests: Sequence[object]) -> list[dict[str, float]]:
        self.calls += len(requests)
        return [{"1": -2.0, "2": -1.5, "3": -0.5} for _ in requests]


REPLAY_CONTRACT = """spec_version: 1
name: hostile-runtime
version: 1.0.0
judge: {model: constant-judge, backend: replay, allow_unpinned: true}
protocol: {kind: pointwise, scale: {min: 1, max: 5}}
prompt:
  template: "Q: {{ prompt }} A: {{ response }}"
  variables: [prompt, response]
"""
"""A contract whose judge is :class:`ConstantJudge` once it is registered as ``replay``."""


def candidates(path: Path, responses: Sequence[str]) -> Path:
    """A candidates table: one prompt ``p1`` whose candidates have these responses."""
    import json

    rows = [
        {"prompt_id": "p1", "candidate_id": f"c{i}", "prompt": "q", "response": r, "oracle": float(i)}
        for i, r in enumerate(responses)
    ]
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    return path
