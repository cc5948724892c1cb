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
import subprocess
import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

REPO = Path(__file__).resolve().parents[1]

PROBE = """
import json, sys
out, args = sys.argv[1], sys.argv[2:]
from judgespec.cli import cli
try:
    cli(args, prog_name="judgespec")
    code = 0
except SystemExit as exc:
    code = exc.code
with open(out, "w", encoding="utf-8") as handle:
    json.dump({"code": code, "modules": sorted(sys.modules)}, handle)
"""

ROWS = [
    {"prompt_id": f"p{p}", "candidate_id": f"c{c}", "response": "x" * (p + c),
     "oracle": float((p * 7 + c * 3) % 5), "judge_score": float((p + 2 * c) % 4),
     "category": "even" if p % 2 == 0 else "odd"}
    for p in range(12)
    for c in range(3)
]  # fmt: skip


def _modules(tmp_path: Path, *args: str) -> set[str]:
    report = tmp_path / "modules.json"
    proc = subprocess.run(
        [sys.executable, "-c", PROBE, str(report), *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0 and report.exists(), proc.stderr
    result = json.loads(report.read_text(encoding="utf-8"))
    assert result["code"] == 0, proc.stderr
    return set(result["modules"])


def _under(modules: set[str], package: str) -> list[str]:
    return sorted(m for m in modules if m == package or m.startswith(package + "."))


@pytest.mark.parametrize("fmt", ["jsonl", "parquet"])
def test_score_imports_neither_scipy_stats_nor_pandas(tmp_path: Path, fmt: str) -> None:
    path = tmp_path / f"candidates.{fmt}"
    if fmt == "jsonl":
        path.write_text("".join(json.dumps(r) + "\n" for r in ROWS), encoding="utf-8")
    else:
        pq.write_table(pa.Table.from_pylist(ROWS), path)
    out = tmp_path / "card.json"
    modules = _modules(
        tmp_path, "score", "--candidates", str(path), "--out", str(out), "--quiet",
        "--bootstrap", "50", "--by", "category",
        "--contract", str(REPO / "specs" / "pointwise-1-10.yaml"),
    )  # fmt: skip
    card = json.loads(out.read_text(encoding="utf-8"))
    assert card["counts"]["prompts"] == 12 and len(card["slices"]) == 2  # the command really ran
    assert "judgespec.audit._audit" in modules
    assert _under(modules, "scipy") == []
    assert _under(modules, "pandas") == []


def test_score_without_a_contract_loads_no_contract_machinery(tmp_path: Path) -> None:
    path = tmp_path / "candidates.parquet"
    pq.write_table(pa.Table.from_pylist(ROWS), path)
    out = tmp_path / "card.json"
    modules = _modules(tmp_path, "score", "--candidates", str(path), "--out", str(out),
                       "--quiet", "--bootstrap", "50")  # fmt: skip
    assert json.loads(out.read_text(encoding="utf-8"))["counts"]["prompts"] == 12
    assert "judgespec.audit._audit" in modules
    for heavy in ("scipy", "pandas", "jinja2", "yaml", "judgespec.lock", "judgespec.contract._load",
                  "judgespec.contract._template", "judgespec.contract._model"):  # fmt: skip
        assert _under(modules, heavy) == [], heavy
