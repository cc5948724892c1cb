"""``BestOfNTask``: an lm-eval task that audits a judge contract on best-of-n selection.

A compiled task config names it with ``class: !function judgespec_lmeval.BestOfNTask``.
It is the base task's own :class:`~lm_eval.api.task.ConfigurableTask` (same data, prompt,
target, filters and metric) with three hooks:

``apply_filters``
    After the base task's answer-extraction filters (which keep all n candidates), the
    judge step scores every candidate of every document in one engine call.
``process_results``
    Applies the base task's own metric to every candidate (the oracle) and returns the
    document's record under each audit metric.
``aggregation``
    Each audit metric aggregates the records with :func:`judgespec.pipeline.score_tables`.

The contract and its fingerprint are checked, and the audit settings validated, when the
task is built: before the data set is read.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ._deps import require_lm_eval

require_lm_eval("BestOfNTask")

from lm_eval.api.task import ConfigurableTask  # noqa: E402

from judgespec import ContractError, JudgespecError, load_contract  # noqa: E402

from ._filter import judge_docs  # noqa: E402
from ._metrics import AuditAggregator, RecordScorer, oracle_value  # noqa: E402
from ._records import CandidateAnswers, DocCandidates, make_record  # noqa: E402
from ._settings import (  # noqa: E402
    AUDIT_METRICS,
    HIGHER_IS_BETTER,
    AuditSettings,
    settings_from_metadata,
)

if TYPE_CHECKING:
    from judgespec import LoadedContract
    from judgespec.judge import JudgeBackend

__all__ = ["BestOfNTask"]


def _check_sampling(gen: Any, task: str) -> None:
    gen = gen or {}
    if not gen.get("do_sample") or not float(gen.get("temperature", 0.0)) > 0:
        raise JudgespecError(
            f"task '{task}': generation_kwargs must sample (do_sample: true, temperature > 0; "
            f"got {dict(gen)!r}); greedy decoding gives n identical candidates"
        )


def _check_filters(config: dict[str, Any], settings: AuditSettings, task: str) -> None:
    ensembles = config.get("filter_list")
    if not isinstance(ensembles, list) or not ensembles:
        raise JudgespecError(
            f"task '{task}': a best-of-n audit needs a filter_list that keeps all n "
            "candidates (end each ensemble with take_first_k, k: n)"
        )
    names = []
    for ensemble in ensembles:
        names.append(str(ensemble.get("name")))
        for step in ensemble.get("filter") or []:
            function = step.get("function")
            if function in ("take_first", "majority_vote"):
                raise JudgespecError(
                    f"task '{task}': filter '{ensemble.get('name')}' uses '{function}', which "
                    f"keeps one of the n candidates; use take_first_k with k: {settings.n}"
                )
            if function == "take_first_k" and step.get("k") != settings.n:
                raise JudgespecError(
                    f"task '{task}': filter '{ensemble.get('name')}' keeps k={step.get('k')} "
                    f"candidates; a best-of-{settings.n} audit needs k: {settings.n}"
                )
    if settings.oracle_filter not in names:
        raise JudgespecError(
            f"task '{task}': oracle_filter '{settings.oracle_filter}' is not one of the "
            f"task's filters ({', '.join(names)})"
        )


class BestOfNTask(ConfigurableTask):  # type: ignore[misc]
    """A base ``generate_until`` task, audited as best-of-n under a judge contract."""

    judge_backend: JudgeBackend | None = None
    """Backend that serves the judge instead of the contract's own (set by callers that
    already hold a model; None: the registry's backend for the contract's judge)."""

    def __init__(
        self,
        data_dir: str | None = None,
        cache_dir: str | None = None,
        download_mode: Any = None,
        config: dict[str, Any] | None = None,
    ) -> None:
        config = dict(config or {})
        config.pop("class", None)
        name = str(config.get("task") or "<unnamed>")
        settings = settings_from_metadata(config.get("metadata"), task=name)
        loaded = load_contract(settings.contract)
        if loaded.fingerprint != settings.fingerprint:
            raise ContractError(
                f"task '{name}': contract {settings.contract} changed since the task was "
                f"compiled (fingerprint {loaded.fingerprint}, compiled against "
                f"{settings.fingerprint}); recompile with `judgespec lmeval compile`"
            )
        if config.get("output_type", "generate_until") != "generate_until":
            raise JudgespecError(f"task '{name}': a best-of-n audit needs output_type generate_until")
        if config.get("repeats") != settings.n:
            raise JudgespecError(
                f"task '{name}': repeats is {config.get('repeats')!r} but the audit is "
                f"best-of-{settings.n}; set repeats: {settings.n}"
            )
        _check_sampling(config.get("generation_kwargs"), name)
        _check_filters(config, settings, name)
        self.audit_settings = settings
        self.contract: LoadedContract = loaded
        super().__init__(data_dir=data_dir, cache_dir=cache_dir, download_mode=download_mode, config=config)
        self._check_oracle(name)
        self._check_reference(name)
        self.scorer = RecordScorer(loaded, settings, name)
        self._aggregation_list = {m: AuditAggregator(self.scorer, m) for m in AUDIT_METRICS}
        self._higher_is_better = {m: HIGHER_IS_BETTER[m] for m in AUDIT_METRICS}

    # ------------------------------------------------------------------ checks

    def _check_oracle(self, name: str) -> None:
        metric = self.audit_settings.oracle_metric
        if self.config.process_results is None and metric not in self._metric_fn_list:
            raise JudgespecError(
                f"task '{name}': oracle_metric '{metric}' is not in the base task's "
                f"metric_list ({', '.join(self._metric_fn_list)})"
            )

    def _check_reference(self, name: str) -> None:
        field = self.contract.contract.reference.field
        if field is not None and field != "target" and field not in self.features:
            raise JudgespecError(
                f"task '{name}': the contract's reference field '{field}' is not a field of "
                f"the documents ({', '.join(self.features)}); use one of them, or 'target' "
                "for the base task's doc_to_target"
            )

    # ------------------------------------------------------------------ hooks

    def set_config(self, key: str, value: Any, update: bool = False) -> None:
        """lm-eval's config override (``--gen_kwargs`` lands here); sampling must survive it."""
        super().set_config(key, value, update)
        if key == "generation_kwargs":
            _check_sampling(self.config.generation_kwargs, self.task_name)

    def _reference(self, doc: dict[str, Any]) -> str | None:
        field = self.contract.contract.reference.field
        if field is None:
            return None
        value = doc[field] if field in doc else self.doc_to_target(doc)
        return value if isinstance(value, str) else str(value)

    def apply_filters(self) -> None:
        """Run the base task's filters (all n kept), then judge every candidate at once."""
        super().apply_filters()
        n = self.audit_settings.n
        docs: list[DocCandidates] = []
        for inst in self.instances:
            if len(inst.resps) != n:
                raise JudgespecError(
                    f"task '{self.task_name}': document {inst.doc_id} has {len(inst.resps)} "
                    f"responses, the audit needs {n} (repeats: {n})"
                )
            docs.append(
                DocCandidates(
                    prompt_id=str(inst.doc_id),
                    prompt=str(self.doc_to_text(inst.doc)),
                    responses=tuple(str(r) for r in inst.resps),
                    reference=self._reference(inst.doc),
                )
            )
        if self.audit_settings.judge == "inline":
            docs = judge_docs(self.contract, docs, backend=self.judge_backend)
        for inst, doc in zip(self.instances, docs, strict=True):
            for key, answers in list(inst.filtered_resps.items()):
                if not isinstance(answers, list) or len(answers) != n:
                    raise JudgespecError(
                        f"task '{self.task_name}': filter '{key}' did not keep all {n} "
                        "candidates; end it with take_first_k (k: n)"
                    )
                inst.filtered_resps[key] = CandidateAnswers(answers, doc)

    def process_results(self, doc: dict[str, Any], results: list[Any]) -> dict[str, Any]:
        """The document's record (oracle per candidate by the base metric) per audit metric."""
        (answers,) = results
        if not isinstance(answers, CandidateAnswers):
            raise JudgespecError(
                f"task '{self.task_name}': results reached process_results without the "
                "judge step; BestOfNTask.apply_filters must run first"
            )
        metric = self.audit_settings.oracle_metric
        oracles = [
            oracle_value(
                ConfigurableTask.process_results(self, doc, [answer]), metric, task=self.task_name
            )
            for answer in answers
        ]
        record = make_record(answers.doc, list(answers), oracles)
        return {m: record for m in AUDIT_METRICS}
