"""The hook that writes each audit's scorecard JSON next to its Inspect log.

``inspect eval judgespec_inspect/bon_audit ...`` (and ``eval(audit_task(...))``) end with
``<log dir>/<log name>.scorecard.json`` beside the ``.eval`` log. Inspect runs hooks
inside a try/except and only logs a warning when one fails, so
:func:`judgespec_inspect.run_inspect_audit` checks for the file and writes it itself
(raising the error) when the hook could not.
"""

from __future__ import annotations

import functools
import logging

import anyio.to_thread
from inspect_ai.hooks import Hooks, TaskEnd, hooks

from ._log import is_audit_log, write_log_scorecard
from ._names import registered

__all__ = ["ScorecardHook"]

logger = logging.getLogger(__name__)


@hooks(name=registered("scorecard"), description="Writes a judgespec scorecard JSON next to each bon-audit log.")
class ScorecardHook(Hooks):
    """Writes ``<log>.scorecard.json`` when an audit task ends successfully."""

    async def on_task_end(self, data: TaskEnd) -> None:
        """Score the finished audit log and write its scorecard beside it."""
        log = data.log
        if not is_audit_log(log) or log.status != "success" or not log.location:
            return
        path = await anyio.to_thread.run_sync(functools.partial(write_log_scorecard, log))
        logger.info("judgespec scorecard written to %s", path)
