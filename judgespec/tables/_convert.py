"""Converters from two public data formats to candidates and comparisons rows.

- The Arena sample (CJE ``examples/arena_sample``): one row per (prompt, policy) with
  ``judge_score`` and ``oracle_label``.
- JudgeBench (ScalerLab/JudgeBench, arXiv 2410.12784) judged files: one pair of
  responses per line, exactly one of them correct (``label``), judged in both
  presentation orders (``judgments``).

The converters return plain row dicts; build tables with
:meth:`CandidatesTable.from_rows` and :meth:`ComparisonsTable.from_rows`.
"""

from __future__ import annotations

import ast
from collections.abc import Collection, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from .._errors import AuditDataError
from ._jsonl import iter_jsonl as _read_jsonl

__all__ = [
    "JUDGEBENCH_CATEGORIES",
    "arena_to_candidates",
    "judgebench_category",
    "judgebench_reward_to_candidates",
    "judgebench_to_tables",
]

JUDGEBENCH_CATEGORIES = ("knowledge", "reasoning", "math", "coding")
"""The JudgeBench paper's four categories (arXiv 2410.12784, Tables 2 and 3), in its order."""

_DECISION_WINNER: dict[str | None, str | None] = {
    "A>B": "first",
    "B>A": "second",
    "A=B": "tie",
    None: None,
}


def arena_to_candidates(
    path: str | Path, *, policies: Collection[str] | None = None
) -> list[dict[str, Any]]:
    """Candidates rows from an Arena-sample file (``oracle_label`` becomes ``oracle``).

    Keeps ``prompt``, ``response``, ``judge_score`` and any other field as metadata.
    ``policies`` keeps only those candidate ids (for example the three non-adversarial
    policies ``base``, ``clone`` and ``parallel_universe_prompt``); naming a policy that
    does not occur in the file is an error.
    """
    source = str(path)
    wanted = None if policies is None else set(policies)
    seen: set[str] = set()
    rows: list[dict[str, Any]] = []
    for line, rec in _read_jsonl(Path(path)):
        if "oracle_label" not in rec and "oracle" not in rec:
            raise AuditDataError(
                f"{source}:{line}: missing oracle_label: an Arena-sample row needs "
                "oracle_label (a number or null)"
            )
        candidate = rec.get("candidate_id")
        seen.add(str(candidate))
        if wanted is not None and candidate not in wanted:
            continue
        row = {k: v for k, v in rec.items() if k != "oracle_label"}
        row["oracle"] = rec.get("oracle_label", rec.get("oracle"))
        rows.append(row)
    if wanted is not None:
        missing = sorted(wanted - seen)
        if missing:
            raise AuditDataError(
                f"{source}: policies {missing!r} do not occur in the file; it has {sorted(seen)!r}"
            )
    return rows


def judgebench_category(source: str) -> str | None:
    """The JudgeBench paper's category of a pair's ``source`` sub-benchmark, or None.

    ``knowledge``: the ``mmlu-pro-*`` sources; ``reasoning``: ``livebench-reasoning``;
    ``math``: ``livebench-math``; ``coding``: ``livecodebench``.
    """
    if source.startswith("mmlu-pro"):
        return "knowledge"
    return {
        "livebench-reasoning": "reasoning",
        "livebench-math": "math",
        "livecodebench": "coding",
    }.get(source)


def _judgebench_records(path: str | Path) -> Iterator[tuple[str, int, Mapping[str, Any]]]:
    source = str(path)
    for line, rec in _read_jsonl(Path(path)):
        for key in ("pair_id", "label", "judgments"):
            if key not in rec:
                raise AuditDataError(
                    f"{source}:{line}: missing {key}: not a JudgeBench judged file"
                )
        if rec["label"] not in ("A>B", "B>A"):
            raise AuditDataError(
                f"{source}:{line}: label must be 'A>B' or 'B>A', got {rec['label']!r}"
            )
        if "source" in rec and (
            not isinstance(rec["source"], str) or judgebench_category(rec["source"]) is None
        ):
            raise AuditDataError(
                f"{source}:{line}: source {rec['source']!r} is none of JudgeBench's "
                "sub-benchmarks (mmlu-pro-*, livebench-reasoning, livebench-math, livecodebench)"
            )
        yield source, line, rec


def _judgments(source: str, line: int, value: object) -> Sequence[Mapping[str, Any]]:
    """The ``judgments`` list; a string holding a Python literal is parsed safely."""
    if isinstance(value, str):
        try:
            value = ast.literal_eval(value)
        except (ValueError, SyntaxError):
            raise AuditDataError(
                f"{source}:{line}: judgments is a string but not a Python literal list"
            ) from None
    if not isinstance(value, (list, tuple)) or not all(
        item is None or isinstance(item, Mapping) for item in value
    ):
        raise AuditDataError(f"{source}:{line}: judgments must be a list of objects")
    if len(value) not in (1, 2):
        raise AuditDataError(
            f"{source}:{line}: judgments must hold one or two entries (order A,B then B,A), "
            f"got {len(value)}"
        )
    return [item or {} for item in value]


def _pair_candidates(rec: Mapping[str, Any]) -> list[dict[str, Any]]:
    better = "A" if rec["label"] == "A>B" else "B"
    meta = {
        k: rec[k] for k in ("source", "original_id", "response_model", "judge_name") if k in rec
    }
    if "source" in rec:
        meta["category"] = judgebench_category(rec["source"])
    return [
        {
            "prompt_id": str(rec["pair_id"]),
            "candidate_id": letter,
            "prompt": rec.get("question"),
            "response": rec.get(f"response_{letter}"),
            "oracle": 1.0 if letter == better else 0.0,
            "judge_score": None,
            **meta,
        }
        for letter in ("A", "B")
    ]


def judgebench_to_tables(
    judged_path: str | Path,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Candidates and comparisons rows from a JudgeBench judged file.

    Each pair becomes a prompt (``prompt_id`` = ``pair_id``) with candidates ``"A"`` and
    ``"B"``; the oracle is 1 for the correct response (``label``) and 0 for the other;
    judge scores are null (the judge compared, it did not score; the audit derives
    selection scores from the comparisons). Each candidate row carries the pair's
    ``source`` and its paper ``category`` (:func:`judgebench_category`). For a
    reward-model file the comparisons are the recorded per-order decisions, which
    JudgeBench's accuracy is computed from. The first judgment
    (presentation A, B) becomes the comparison (first ``A``, second ``B``), the second
    (presentation B, A, letters referring to the swapped slots) becomes (first ``B``,
    second ``A``). Decisions map by slot: ``A>B`` -> ``first``, ``B>A`` -> ``second``,
    ``A=B`` -> ``tie``, null -> null (a parse failure).
    """
    candidates: list[dict[str, Any]] = []
    comparisons: list[dict[str, Any]] = []
    for source, line, rec in _judgebench_records(judged_path):
        pid = str(rec["pair_id"])
        candidates.extend(_pair_candidates(rec))
        for order, entry in enumerate(_judgments(source, line, rec["judgments"])):
            decision = entry.get("decision")
            if decision not in _DECISION_WINNER:
                raise AuditDataError(
                    f"{source}:{line}: decision must be 'A>B', 'B>A', 'A=B' or null, "
                    f"got {decision!r}"
                )
            first, second = ("A", "B") if order == 0 else ("B", "A")
            comparisons.append(
                {
                    "prompt_id": pid,
                    "first_id": first,
                    "second_id": second,
                    "winner": _DECISION_WINNER[decision],
                }
            )
    return candidates, comparisons


def _score(source: str, line: int, entry: Mapping[str, Any], slot: int) -> float | None:
    judgment = entry.get("judgment")
    scores = judgment.get("scores") if isinstance(judgment, Mapping) else None
    if scores is None:
        return None
    if not isinstance(scores, (list, tuple)) or len(scores) != 2:
        raise AuditDataError(f"{source}:{line}: scores must be a list of two numbers")
    value = scores[slot]
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise AuditDataError(f"{source}:{line}: score must be a number, got {value!r}")
    return float(value)


def judgebench_reward_to_candidates(judged_path: str | Path) -> list[dict[str, Any]]:
    """Candidates rows with pointwise scores from a JudgeBench reward-model judged file.

    Each pair becomes a prompt with candidates ``"A"`` and ``"B"`` (oracle 1 for the
    correct one, 0 for the other). A response's ``judge_score`` is the **mean of its
    scores over the two presentation orders** (order A,B: ``scores[0]`` is A's; order
    B,A: ``scores[1]`` is A's). A pointwise reward model should score a response the
    same in either slot; averaging keeps any slot effect out of the selection audit
    instead of silently picking one order. When only one order carries a score that
    score is used; with none the score is null and the row is a parse failure.
    """
    rows: list[dict[str, Any]] = []
    for source, line, rec in _judgebench_records(judged_path):
        entries = _judgments(source, line, rec["judgments"])
        pair = _pair_candidates(rec)
        for row, letter in zip(pair, ("A", "B"), strict=True):
            # slot of this response in order 0 (A, B) and in order 1 (B, A)
            slots = (0, 1) if letter == "A" else (1, 0)
            found = [
                score
                for entry, slot in zip(entries, slots, strict=False)
                if (score := _score(source, line, entry, slot)) is not None
            ]
            row["judge_score"] = sum(found) / len(found) if found else None
            row["parse_failure"] = not found
            rows.append(row)
    return rows
