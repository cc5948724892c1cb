"""The ``bon_audit`` task: audit a judge contract on best-of-n selection.

    inspect eval judgespec_inspect/bon_audit -T contract=specs/x.yaml \\
        -T dataset=data.jsonl -T n=4 --model <policy> [--model-role judge=<model>]

Everything is validated when the task is built, before any model is called: the
contract (a :class:`~judgespec.ContractError` names the file, line and field), n, the
oracle and the data set.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from inspect_ai import Task, task
from inspect_ai.dataset import Dataset, MemoryDataset, Sample, csv_dataset, json_dataset
from inspect_ai.model import GenerateConfig

from judgespec import LoadedContract

from ._contracts import contract_ref
from ._metric import selection_metrics
from ._names import registered
from ._oracle import resolve_oracle
from ._records import with_order
from ._scorer import judge_selection
from ._solver import bon_candidates

__all__ = ["AUDIT_METADATA_KEY", "audit_metadata", "bon_audit", "load_audit_dataset"]

AUDIT_METADATA_KEY = "judgespec"
"""Key of the audit settings in the task's (and so the log's) metadata."""


def _record_to_sample(record: dict[str, Any]) -> Sample:
    if "input" not in record or record["input"] in (None, ""):
        raise ValueError(
            f"a data set record has no 'input' field (keys: {sorted(record)}); "
            "each record needs input (the prompt) and target (the reference answer)"
        )
    extra = {k: v for k, v in record.items() if k not in ("input", "target", "id")}
    for key, value in extra.items():
        if isinstance(value, str) and value.lstrip().startswith("{"):
            try:
                extra[key] = json.loads(value)  # JSON objects in CSV cells
            except json.JSONDecodeError:
                pass
    target = record.get("target")
    return Sample(
        input=str(record["input"]),
        target="" if target is None else str(target),
        id=record.get("id"),
        metadata=extra or None,
    )


def ordered_dataset(dataset: Dataset) -> Dataset:
    """The data set with each sample's position recorded (the audit's prompt order)."""
    return MemoryDataset(
        with_order(dataset),
        name=getattr(dataset, "name", None),
        location=getattr(dataset, "location", None),
        shuffled=bool(getattr(dataset, "shuffled", False)),
    )


def load_audit_dataset(path: str | Path) -> Dataset:
    """A local JSONL (or JSON) or CSV file with ``input``, ``target``, optional ``id``.

    Other fields go to the sample metadata (where ``field:<name>`` oracles and
    ``reference.policy: field`` contracts find them).
    """
    p = Path(path)
    if not p.is_file():
        raise FileNotFoundError(
            f"data set '{path}' not found: pass a local .jsonl or .csv file with input and "
            "target fields"
        )
    suffix = p.suffix.lower()
    if suffix in (".jsonl", ".json"):
        return json_dataset(str(p), sample_fields=_record_to_sample)
    if suffix == ".csv":
        return csv_dataset(str(p), sample_fields=_record_to_sample)
    raise ValueError(f"data set '{path}': use a .jsonl, .json or .csv file (got '{suffix}')")


def audit_metadata(
    ref: str,
    loaded: LoadedContract,
    *,
    n: int,
    seed: int,
    n_bootstrap: int,
    dataset: str | None,
    oracle: str,
    temperature: float | None,
) -> dict[str, Any]:
    """The task metadata the scorecard hook reads back from the log."""
    return {
        AUDIT_METADATA_KEY: {
            "contract": ref,
            "fingerprint": loaded.fingerprint,
            "n": n,
            "seed": seed,
            "n_bootstrap": n_bootstrap,
            "dataset": dataset,
            "oracle": oracle,
            "temperature": temperature,
        }
    }


@task(name=registered("bon_audit"))
def bon_audit(
    contract: str,
    dataset: str,
    n: int = 4,
    temperature: float = 1.0,
    oracle: str = "match",
    max_tokens: int | None = None,
    seed: int | None = None,
    audit_seed: int = 0,
    n_bootstrap: int = 2000,
) -> Task:
    """Audit a judge contract on best-of-n selection over a local data set.

    Args:
        contract: Path of the judge contract (YAML).
        dataset: Local JSONL or CSV file with ``input`` and ``target`` fields.
        n: Candidates per prompt (2 or more).
        temperature: Policy sampling temperature.
        oracle: ``match``, ``includes``, ``exact``, ``model_graded_fact`` or
            ``field:<name>`` (a sample field mapping answers to utilities).
        max_tokens: Policy token limit per candidate (default: the provider's).
        seed: Base seed of the policy's top-up draws (default: the configured seed).
        audit_seed: Seed of the scorecard's cluster bootstrap.
        n_bootstrap: Bootstrap replicates behind every confidence interval.
    """
    ref, loaded = contract_ref(contract)
    if n < 2:
        raise ValueError(f"n must be at least 2 for a best-of-n audit, got {n}")
    resolve_oracle(oracle)
    samples = ordered_dataset(load_audit_dataset(dataset))
    return Task(
        dataset=samples,
        solver=bon_candidates(n=n, seed=seed),
        scorer=judge_selection(contract=ref, oracle=oracle, n=n),
        metrics=[selection_metrics(contract=ref, n=n, seed=audit_seed, n_bootstrap=n_bootstrap)],
        config=GenerateConfig(temperature=temperature, max_tokens=max_tokens),
        metadata=audit_metadata(
            ref,
            loaded,
            n=n,
            seed=audit_seed,
            n_bootstrap=n_bootstrap,
            dataset=dataset,
            oracle=oracle,
            temperature=temperature,
        ),
    )
