"""Helpers shared by the Inspect adapter's tests (importable thanks to ``conftest.py``)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from inspect_ai.log import list_eval_logs


def card_json(log: Any) -> dict[str, Any]:
    """The scorecard an audit stored inside its log, as the JSON object it was written as."""
    from judgespec_inspect import stored_scorecard

    data: dict[str, Any] = json.loads(stored_scorecard(log.location).to_json())
    return data


def only_logs_in(log_dir: Path) -> list[str]:
    """Every file under ``log_dir``; asserts that Inspect can read each ``.eval``/``.json`` one.

    Inspect lists ``*.eval`` files and timestamped ``*.json`` files as logs; nothing the
    adapter writes may be one of those without being a log.
    """
    files = sorted(str(p.relative_to(log_dir)) for p in log_dir.rglob("*") if p.is_file())
    listed = {Path(info.name.removeprefix("file://")).name for info in list_eval_logs(str(log_dir))}
    for name in files:
        if name.endswith(".eval"):
            assert Path(name).name in listed, name
    return files
