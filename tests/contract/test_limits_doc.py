"""docs/limits.md states the limits the code enforces (numbers read from the code)."""

from __future__ import annotations

from pathlib import Path

from judgespec.audit import METRIC_NAMES
from judgespec.backends import BUILTIN_BACKENDS, MAX_BATCH
from judgespec.contract import DEFAULT_BUDGET
from judgespec.contract._model import MAX_SEED
from judgespec.contract._yaml import MAX_BYTES, MAX_DEPTH, MAX_INT_CHARS

DOC = (Path(__file__).resolve().parents[2] / "docs" / "limits.md").read_text(encoding="utf-8")


def test_the_doc_states_every_number() -> None:
    for number in (
        f"**{MAX_BYTES:,} bytes**",
        f"at most **{MAX_DEPTH}** levels",
        f"at most **{MAX_INT_CHARS}** characters",
        f"**{DEFAULT_BUDGET.seconds:g} s**",
        f"**{DEFAULT_BUDGET.max_chars:,} characters**",
        f"| **{DEFAULT_BUDGET.max_depth}** |",
        f"0 ... {MAX_SEED}",
        f"1-{MAX_BATCH}",
    ):
        assert number in DOC, number


def test_the_doc_names_every_checked_backend_key() -> None:
    for backend, spec in BUILTIN_BACKENDS.items():
        row = next(line for line in DOC.splitlines() if line.startswith(f"| `{backend}` |"))
        for key in spec.model_args.model_fields:
            assert f"`{key}`" in row, (backend, key)


def test_gate_metrics_are_the_scorecard_metrics() -> None:
    from judgespec import ContractError
    from judgespec.contract import load_contract_text

    base = (Path(__file__).parent / "data" / "valid.yaml").read_text(encoding="utf-8")
    for name in METRIC_NAMES:
        load_contract_text(base + f"gates:\n  - {{metric: {name}, threshold: 0.5}}\n")
    try:
        load_contract_text(base + "gates:\n  - {metric: recall, threshold: 0.5}\n")
    except ContractError as exc:
        assert "'recall' is not a scorecard metric" in str(exc)
    else:  # pragma: no cover - the assertion below reports it
        raise AssertionError("an unknown gate metric validated")
