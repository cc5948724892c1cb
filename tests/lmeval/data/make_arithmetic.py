"""Generate ``arithmetic.jsonl``: small arithmetic questions with exact answers.

The operands are the Inspect adapter's test operands, so the scripted policy gives the
same candidates in both frameworks. Run ``python tests/lmeval/data/make_arithmetic.py``
to rewrite the file; a test checks that the committed file equals what this produces.
"""

from __future__ import annotations

import json
from pathlib import Path

OPERANDS = [(17, 25, "+"), (12, 7, "*"), (51, 13, "-"), (33, 57, "+"), (7, 7, "*"), (8, 8, "*")]


def records() -> list[dict[str, str]]:
    """One record per operand triple: id, question and answer (computed exactly)."""
    out = []
    for k, (a, b, op) in enumerate(OPERANDS, start=1):
        value = a + b if op == "+" else a - b if op == "-" else a * b
        out.append({"id": f"q{k}", "question": f"What is {a} {op} {b}?", "answer": str(value)})
    return out


def render() -> str:
    """The JSONL text."""
    return "".join(json.dumps(r) + "\n" for r in records())


if __name__ == "__main__":
    Path(__file__).with_name("arithmetic.jsonl").write_text(render(), encoding="utf-8")
