"""docs/instrument.md carries the table a fresh run of the suite prints."""

from __future__ import annotations

import importlib.util
from pathlib import Path

DOCS = Path(__file__).resolve().parents[2] / "docs"


def test_instrument_table_is_current() -> None:
    spec = importlib.util.spec_from_file_location("generate_instrument", DOCS / "generate_instrument.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    committed = module.committed_table((DOCS / "instrument.md").read_text(encoding="utf-8"))
    assert committed == module.fresh_table(), "docs/instrument.md is stale: run `python docs/generate_instrument.py`"
