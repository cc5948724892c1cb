"""``BestOfNTask``: an lm-eval task that audits a judge contract on best-of-n selection.

A compiled task config names it with ``class: !function judgespec_lmeval.BestOfNTask``.
It is the base task's own :class:`~lm_eval.api.task.ConfigurableTask` (same data, prompt,
target, filters and metric) with three hooks:

``apply_filters``
    After the base task's answer-extraction filters (which keep all n candidates), the
    judge step scores every candidate of every document in one engine call.
``process_results``
    Applies the base task's own metric to every candidate (the oracle) and returns the
    document's values of the reported metrics (its record once, under ``recovery``;
    see :mod:`judgespec_lmeval._task_metrics`).
``aggregation``
    The audit metrics aggregate the records with :func:`judgespec.pipeline.score_tables`;
    an undefined value is NaN, never None, so lm-eval groups over compiled tasks work.

With ``--predict_only`` lm-eval asks for no metrics: the task then judges nothing,
reports lm-eval's ``bypass`` metric and keeps each document's record (with its oracles)
under ``bypass`` in the samples, for ``judgespec score --from-lmeval-samples`` to judge
and score later.

The judge sees the document's question, not the policy's prompt scaffolding: when the
base task's ``doc_to_text`` is a template around a single document field (gsm8k's
``"Question: {{question}}\nAnswer:"``) the judge's ``prompt`` is that field; otherwise
it is the rendered ``doc_to_text``.

The contract and its fingerprint are checked, and the audit settings validated, when the
task is built: before the data set is read. A relative contract path is relative to the
compiled YAML's folder.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ._deps import require_lm_eval

require_lm_eval("BestOfNTask")

from lm_eval.api.task import ConfigurableTask  # noqa: E402

from judgespec import ContractError, JudgespecError, load_contract  # noqa: E402
from judgespec.metrics import higher_is_better  # noqa: E402

from ._judge_step import judge_docs  # noqa: E402
from ._records import CandidateAnswers, DocCandidates, make_record  # noqa: E402
from ._settings import (  # noqa: E402
    AuditSettings,
    contract_location,
    settings_from_metadata,
)
from ._task_metrics import (  # noqa: E402
    AuditAggregator,
    OracleAggregator,
    RecordScorer,
    doc_values,
    oracle_value,
    pass_metrics,
    task_metrics,
)

if TYPE_CHECKING:
    from judgespec import LoadedContract
    from judgespec.judge import JudgeBackend

__all__ = ["BestOfNTask", "judge_prompt_field"]

PREDICT_ONLY_METRIC = "bypass"
"""The metric lm-eval's ``--predict_only`` replaces every metric with."""


def judge_prompt_field(template: Any) -> str | None:
    """The document field a ``doc_to_text`` template wraps, if it wraps exactly one.

    ``"Question: {{question}}\nAnswer:"`` gives ``question``; a template with two fields,
    control structures, filters or no field gives None.
    """
    if not isinstance(template, str) or "{{" not in template:
        return None
    from jinja2 import Environment, nodes

    try:
        tree = Environment().parse(template)
    except Exception:  # jinja2 raises its own error hierarchy; lm-eval reports it itself
        return None
    if len(tree.body) != 1 or not isinstance(tree.body[0], nodes.Output):
        return None
    fields = [n for n in tree.body[0].nodes if not isinstance(n, nodes.TemplateData)]
    if len(fields) == 1 and isinstance(fields[0], nodes.Name):
        return str(fields[0].name)
    return None


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
        settings, loaded = check_compiled_config(config)
        self.audit_settings: AuditSettings = settings
        self.contract: LoadedContract = loaded
        self.predict_only = False
        """True once lm-eval's ``--predict_only`` asked for no metrics."""
        super().__init__(data_dir=data_dir, cache_dir=cache_dir, download_mode=download_mode, config=config)
        self._check_oracle(name)
        self._check_reference(name)
        self.metric_names: tuple[str, ...] = task_metrics(settings, loaded)
        """The metrics reported per filter ensemble, in ``process_results`` order."""
        base_higher = bool(self.higher_is_better().get(settings.oracle_metric, True))
        self.scorer = RecordScorer(loaded, settings, name)
        passes = pass_metrics(settings.n)
        aggregations: dict[str, Any] = {}
        higher: dict[str, bool] = {}
        for metric in self.metric_names:
            if metric in passes:
                aggregations[metric] = OracleAggregator(metric)
                higher[metric] = base_higher
            elif metric == settings.oracle_metric:
                aggregations[metric] = AuditAggregator(self.scorer, metric, pick=True)
                higher[metric] = base_higher
            else:
                aggregations[metric] = AuditAggregator(self.scorer, metric)
                higher[metric] = higher_is_better(metric)
        self._aggregation_list = aggregations
        self._higher_is_better = higher
        self._prompt_field = judge_prompt_field(self.config.doc_to_text)

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

    def override_metric(self, metric_name: str) -> None:
        """lm-eval's ``--predict_only``: report ``bypass``, judge nothing, keep the records.

        The base metric stays available: each candidate's oracle is still recorded (it
        costs no model call), so the samples can be judged and scored afterwards.
        """
        if metric_name != PREDICT_ONLY_METRIC:
            raise JudgespecError(
                f"task '{self.task_name}': a best-of-n audit cannot replace its metrics "
                f"with '{metric_name}'"
            )
        from lm_eval.api.registry import get_metric_aggregation, is_higher_better

        self.predict_only = True
        self.metric_names = (PREDICT_ONLY_METRIC,)
        self._aggregation_list = {metric_name: get_metric_aggregation(metric_name)}
        self._higher_is_better = {metric_name: is_higher_better(metric_name)}

    def _reference(self, doc: dict[str, Any]) -> str | None:
        field = self.contract.contract.reference.field
        if field is None:
            return None
        value = doc[field] if field in doc else self.doc_to_target(doc)
        return value if isinstance(value, str) else str(value)

    def judge_prompt(self, doc: dict[str, Any]) -> str:
        """What the judge sees as ``prompt`` (see the module docstring)."""
        field = self._prompt_field
        if field is not None and isinstance(doc.get(field), str):
            return str(doc[field])
        return str(self.doc_to_text(doc))

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
                    prompt=self.judge_prompt(inst.doc),
                    responses=tuple(str(r) for r in inst.resps),
                    reference=self._reference(inst.doc),
                )
            )
        if self.audit_settings.judge == "inline" and not self.predict_only:
            docs = judge_docs(self.contract, docs, backend=self.judge_backend)
        for inst, doc in zip(self.instances, docs, strict=True):
            for key, answers in list(inst.filtered_resps.items()):
                if not isinstance(answers, list) or len(answers) != n:
                    raise JudgespecError(
                        f"task '{self.task_name}': filter '{key}' did not keep all {n} "
                        "candidates; end it with take_first_k (k: n)"
                    )
                inst.filtered_resps[key] = CandidateAnswers(answers, doc)

    def doc_values(self, record: dict[str, Any]) -> dict[str, Any]:
        """A document's values of the reported metrics, given its record."""
        if self.predict_only:
            return {PREDICT_ONLY_METRIC: record}
        return doc_values(record, self.metric_names, self.audit_settings.n)

    def process_results(self, doc: dict[str, Any], results: list[Any]) -> dict[str, Any]:
        """The document's record (oracle per candidate by the base metric) and metric values."""
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
        self.scorer.remember([record])
        return self.doc_values(record)


def check_compiled_config(config: dict[str, Any]) -> tuple[AuditSettings, LoadedContract]:
    """Check a compiled task's config without building the task (no data set is read).

    The audit settings, the contract (and that its fingerprint is the compiled one),
    ``repeats``, sampling and the filters. Raises :class:`~judgespec.JudgespecError`
    (:class:`~judgespec.ContractError` for a changed contract).
    """
    name = str(config.get("task") or "<unnamed>")
    settings = settings_from_metadata(config.get("metadata"), task=name)
    path = contract_location(settings.contract, config.get("metadata"))
    loaded = load_contract(path)
    if loaded.fingerprint != settings.fingerprint:
        raise ContractError(
            f"task '{name}': contract {path} changed since the task was compiled "
            f"(fingerprint {loaded.fingerprint}, compiled against {settings.fingerprint}); "
            "recompile with `judgespec lmeval compile`"
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
    return settings, loaded

