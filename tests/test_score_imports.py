"""``judgespec score`` on a candidates file imports neither scipy nor pandas.

The audit's statistics need numpy only (the best-of-k curve's log-factorials come from
``math.lgamma``); ``scipy.stats`` is for intervention probes only and pandas for
nothing: reading a table goes from Arrow to numpy through the data buffers. Without a
contract, neither the contract loader (YAML, the template sandbox) nor the lock code is
imported. Each run is a fresh interpreter that reports its ``sys.modules`` after the
command.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

REPO = Path(__file__).resolve().parents[1]

ROWS = [
    {"prompt_id": f"p{p}", "candidate_id": f"c{c}", "response": "x" * (p + c),
     "oracle": float((p * 7 + c * 3) % 5), "judge_score": float((p + 2 * c) % 4),
     "category": "even" if p % 2 == 0 else "odd"}
    for p in range(12)
    for c in range(3)
]  # fmt: skip


def _under(modules: set[str], package: str) -> list[str]:
    return sorted(m for m in modules if m == package or m.startswith(package + "."))


@pytest.mark.parametrize("fmt", ["jsonl", "parquet"])
def test_score_imports_neither_scipy_stats_nor_pandas(tmp_path: Path, fmt: str, cli_imports: Callable[..., set[str]]) -> None:
    path = tmp_path / f"candidates.{fmt}"
    if fmt == "jsonl":
        path.write_text("".join(json.dumps(r) + "\n" for r in ROWS), encoding="utf-8")
    else:
        pq.write_table(pa.Table.from_pylist(ROWS), path)
    out = tmp_path / "card.json"
    modules = cli_imports(
        "score", "--candidates", str(path), "--out", str(out), "--quiet",
        "--bootstrap", "50", "--by", "category",
        "--contract", str(REPO / "specs" / "pointwise-1-10.yaml"),
    )  # fmt: skip
    card = json.loads(out.read_text(encoding="utf-8"))
    assert card["counts"]["prompts"] == 12 and len(card["slices"]) == 2  # the command really ran
    assert "judgespec.audit._audit" in modules
    assert _under(modules, "scipy") == []
    assert _under(modules, "pandas") == []


def test_score_without_a_contract_loads_no_contract_machinery(tmp_path: Path, cli_imports: Callable[..., set[str]]) -> None:
    path = tmp_path / "candidates.parquet"
    pq.write_table(pa.Table.from_pylist(ROWS), path)
    out = tmp_path / "card.json"
    modules = cli_imports("score", "--candidates", str(path), "--out", str(out),
                       "--quiet", "--bootstrap", "50")  # fmt: skip
    assert json.loads(out.read_text(encoding="utf-8"))["counts"]["prompts"] == 12
    assert "judgespec.audit._audit" in modules
    for heavy in ("scipy", "pandas", "jinja2", "yaml", "judgespec.lock", "judgespec.contract._load",
                  "judgespec.contract._template", "judgespec.contract._model"):  # fmt: skip
        assert _under(modules, heavy) == [], heavy
