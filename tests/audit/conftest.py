"""Fixtures of the audit-statistics tests."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest

from judgespec.audit import CandidatesTable

AUDIT_DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"
"""``../shared/data`` beside the repository (real data; absent outside CI)."""

Prompt = Sequence[tuple[str, float | None, float | None]]
"""(candidate_id, oracle, judge_score) per candidate."""


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Numeric warnings (0/0, inf - inf) from the audit code fail its tests."""
    here = Path(__file__).parent
    for item in items:
        if item.path.parent == here:
            item.add_marker(pytest.mark.filterwarnings("error::RuntimeWarning"))


@pytest.fixture(scope="session")
def audit_data() -> Path:
    """The shared real-data directory; tests that need it skip cleanly without it."""
    if not AUDIT_DATA.is_dir():
        pytest.skip(f"real data not available: {AUDIT_DATA} is absent")
    return AUDIT_DATA


def rows_of(prompts: dict[str, Prompt], **extra: Any) -> list[dict[str, Any]]:
    return [
        {"prompt_id": pid, "candidate_id": cid, "oracle": y, "judge_score": s, **extra}
        for pid, candidates in prompts.items()
        for cid, y, s in candidates
    ]


@pytest.fixture
def make_table() -> Callable[..., CandidatesTable]:
    """Build a CandidatesTable from {prompt_id: [(candidate_id, oracle, judge), ...]}."""

    def make(prompts: dict[str, Prompt], **extra: Any) -> CandidatesTable:
        return CandidatesTable.from_rows(rows_of(prompts, **extra))

    return make
