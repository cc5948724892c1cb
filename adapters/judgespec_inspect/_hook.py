"""The hook that stores each audit's scorecard inside its Inspect log.

``inspect eval judgespec_inspect/bon_audit ...`` (and ``eval(audit_task(...))``) end with
the scorecard, confidence intervals and all, in the log's results metadata
(``results.metadata["judgespec_scorecard"]``; see :mod:`judgespec_inspect._log`). Nothing
is written beside the log, so ``inspect eval-set``, ``inspect view`` and
``inspect log list`` see only logs. Inspect runs hooks inside a try/except and only
logs a warning when one fails, so :func:`judgespec_inspect.run_inspect_audit` checks
for the scorecard and stores it itself (raising the error) when the hook could not.
"""

from __future__ import annotations

import functools
import logging

import anyio.to_thread
from inspect_ai.hooks import Hooks, TaskEnd, hooks

from judgespec import JudgespecError

from ._log import is_audit_log, store_scorecard
from ._names import registered

__all__ = ["ScorecardHook"]

logger = logging.getLogger(__name__)


@hooks(name=registered("scorecard"), description="Stores a judgespec scorecard inside each bon-audit log.")
class ScorecardHook(Hooks):
    """Stores the scorecard in the log when an audit task ends successfully."""

    async def on_task_end(self, data: TaskEnd) -> None:
        """Score the finished audit log and store its scorecard in the log's header."""
        log = data.log
        if not is_audit_log(log) or log.status != "success" or not log.location:
            return
        try:
            await anyio.to_thread.run_sync(functools.partial(store_scorecard, log))
        except JudgespecError as exc:
            logger.warning("judgespec: no scorecard for %s: %s", log.location, exc)
            return
        logger.info("judgespec scorecard stored in %s", log.location)
