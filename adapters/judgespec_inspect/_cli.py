"""Plain functions behind the ``judgespec`` CLI's Inspect commands.

The CLI parses options, calls one of these, and turns a :class:`~judgespec.JudgespecError`
into ``Error: ...``; Inspect's own failures are re-raised as ``JudgespecError`` with one
line naming the log.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from judgespec import AuditDataError, JudgespecError, LoadedContract
from judgespec.frameworks import AuditOptions
from judgespec.pipeline import SourceRows
from judgespec.scorecard import Scorecard, write_scorecard

from ._log import log_tables, score_log, store_scorecard, stored_scorecard

if TYPE_CHECKING:
    from inspect_ai.log import EvalLog

__all__ = ["FRAMEWORK", "InspectFramework", "run_inspect_audit", "score_from_inspect_log", "tables_from_inspect_log"]


def _read_log(log_path: str | Path) -> EvalLog:
    from inspect_ai.log import read_eval_log

    path = Path(log_path)
    if not path.is_file():
        raise JudgespecError(f"{path}: no such Inspect log")
    try:
        return read_eval_log(str(path))
    except Exception as exc:  # Inspect raises several types for unreadable logs
        raise JudgespecError(f"{path}: cannot read the Inspect log ({exc})") from None


def tables_from_inspect_log(
    log_path: str | Path,
    *,
    contract: str | Path | LoadedContract | None = None,
    oracle: str | None = None,
    judge: str | None = None,
) -> SourceRows:
    """The candidates (and comparisons) rows of an Inspect log, as :func:`score_from_inspect_log` scores them.

    For ``judgespec contrast``: an audit log's candidates with their recorded verdicts,
    or an epoch log's epochs (judged under ``contract`` when ``judge`` names no score),
    and the contract the verdicts were given under. Arguments as for
    :func:`score_from_inspect_log`.
    """
    log = _read_log(log_path)
    rows, loaded = log_tables(log, contract=contract, oracle=oracle, judge=judge)
    return SourceRows(
        candidates=rows.candidates,
        comparisons=rows.comparisons,
        loaded=loaded,
        source=str(Path(log_path)),
    )


def score_from_inspect_log(
    log_path: str | Path,
    *,
    contract: str | Path | LoadedContract | None = None,
    seed: int | None = None,
    n_bootstrap: int | None = None,
    oracle: str | None = None,
    judge: str | None = None,
    by: str | None = None,
) -> Scorecard:
    """The scorecard of an existing Inspect log (an audit log, or a log with epochs).

    Args:
        log_path: An Inspect log file (``.eval`` or ``.json``).
        contract: The contract (default: the one an audit log stores; a contract given
            for an audit log must have the recorded fingerprint). Required to judge an
            epoch log that carries no judge scores.
        seed: Cluster-bootstrap seed (default: the audit's, else 0).
        n_bootstrap: Bootstrap replicates (default: the audit's, else 2000).
        oracle: Epoch logs: the scorer whose value is the oracle utility.
        judge: Epoch logs: ``<scorer>``, ``<scorer>:<metadata key>`` or
            ``metadata:<key>`` holding the judge score.
        by: A sample metadata field (a column of the data set besides ``input``,
            ``target`` and ``id``) whose values each get their own audit: the
            scorecard's ``slices``. A field no sample has, or with one value, is an
            error naming the log.
    """
    return score_log(
        _read_log(log_path), contract=contract, oracle=oracle, judge=judge, seed=seed,
        n_bootstrap=n_bootstrap, by=by,
    )  # fmt: skip


def run_inspect_audit(
    contract_path: str | Path,
    *,
    dataset: str | Path | None = None,
    n: int | None = None,
    model: str | None = None,
    judge_model: str | None = None,
    temperature: float = 1.0,
    oracle: str | None = None,
    out_dir: str | Path = "logs",
    limit: int | None = None,
    display: str = "none",
    seed: int = 0,
    n_bootstrap: int = 2000,
) -> Path:
    """Run ``bon_audit`` with Inspect; return the path of ``<out_dir>/scorecard.json``.

    The Inspect log goes to ``<out_dir>/logs/`` (with the scorecard stored inside it);
    the scorecard JSON is written to ``out_dir`` itself, outside the log directory.
    ``dataset``, ``n``, ``oracle`` and ``model`` left out come from the contract's
    ``audit:`` section (:meth:`judgespec.frameworks.AuditOptions.build`), then 4 and
    ``match``.

    Args:
        contract_path: The judge contract.
        dataset: Local JSONL/CSV with ``input`` and ``target``.
        n: Candidates per prompt.
        model: The policy model (``provider/model``).
        judge_model: Replace the contract's judge (binds the ``judge`` model role).
        temperature: Policy sampling temperature.
        oracle: ``match``, ``includes``, ``exact``, ``model_graded_fact`` or ``field:<name>``.
        out_dir: Output directory (``scorecard.json``; Inspect logs under ``logs/``).
        limit: Audit only the first ``limit`` samples.
        display: Inspect's display (``none``, ``plain``, ``rich``, ``full``).
        seed: Seed of the scorecard's cluster bootstrap.
        n_bootstrap: Bootstrap replicates behind every interval.
    """
    options = AuditOptions.build(
        contract_path, out_dir=out_dir, data=dataset, model=model, n=n, oracle=oracle,
        judge_model=judge_model, temperature=temperature, limit=limit, seed=seed,
        n_bootstrap=n_bootstrap,
    )  # fmt: skip
    return InspectFramework(display=display).run_audit(options)


class InspectFramework:
    """``judgespec audit --framework inspect``: generate with an Inspect policy, judge, score."""

    name = "inspect"
    data_option = "dataset"

    def __init__(self, *, display: str = "none") -> None:
        self.display = display
        """Inspect's display (``none``, ``plain``, ``rich``, ``full``)."""

    def run_audit(self, options: AuditOptions) -> Path:
        """Run ``bon_audit`` under ``options``; the scorecard goes to ``options.out_dir``."""
        from inspect_ai import eval as inspect_eval

        from ._task import bon_audit

        if options.data is None:
            raise JudgespecError("--framework inspect needs --dataset (or the contract's audit.dataset)")
        if options.model is None:
            raise JudgespecError("--framework inspect needs --model (the policy) or the contract's audit.policy_model")
        task = bon_audit(
            contract=str(options.contract_path),
            dataset=options.data,
            n=options.n,
            temperature=options.temperature,
            oracle=options.oracle,
            audit_seed=options.seed,
            n_bootstrap=options.n_bootstrap,
        )
        out = options.out_dir
        logs = inspect_eval(
            task,
            model=options.model,
            model_roles={"judge": options.judge_model} if options.judge_model else None,
            log_dir=str(out / "logs"),
            limit=options.limit,
            display=self.display,  # type: ignore[arg-type]
        )
        log = logs[0]
        if log.status != "success":
            reason = log.error.message if log.error is not None else log.status
            raise JudgespecError(f"{log.location}: the Inspect audit did not finish: {reason}")
        try:
            card = stored_scorecard(log)
        except AuditDataError:  # the hook could not store it: do it here, raising the reason
            card = store_scorecard(log.location)
        return write_scorecard(card, out / "scorecard.json")


FRAMEWORK = InspectFramework()
"""The ``judgespec.frameworks`` entry point ``inspect``."""
