"""Reading JSON Lines (kept for imports; the reader lives in :mod:`judgespec.tables`)."""

from __future__ import annotations

from .tables._jsonl import iter_jsonl

__all__ = ["iter_jsonl"]
