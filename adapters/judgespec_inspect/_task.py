"""The ``bon_audit`` task: audit a judge contract on best-of-n selection.

    inspect eval judgespec_inspect/bon_audit -T contract=specs/x.yaml \\
        -T dataset=data.jsonl -T n=4 --model <policy> [--model-role judge=<model>]

Everything is validated when the task is built, before any model is called: every
argument's type and range, the contract (file, line and field), the oracle and the data
set. A bad one raises a one-line error that is both a judgespec error and Inspect's
``PrerequisiteError`` (so ``inspect eval`` prints the message, not a traceback).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from inspect_ai import Task, task
from inspect_ai.dataset import Dataset, MemoryDataset, Sample, csv_dataset, json_dataset
from inspect_ai.model import GenerateConfig

from judgespec import LoadedContract

from ._contracts import canonical_form, contract_ref
from ._errors import AuditArgumentError
from ._names import registered
from ._oracle import resolve_oracle
from ._params import check_int, check_number, check_text
from ._records import with_order
from ._selection_metric import selection_metrics
from ._selection_scorer import judge_selection, prepare_judge
from ._solver import bon_candidates

__all__ = [
    "AUDIT_METADATA_KEY",
    "audit_metadata",
    "bon_audit",
    "check_audit_options",
    "load_audit_dataset",
]

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
        raise AuditArgumentError(
            f"data set '{path}' not found: pass a local .jsonl or .csv file with input and "
            "target fields"
        )
    suffix = p.suffix.lower()
    if suffix not in (".jsonl", ".json", ".csv"):
        raise AuditArgumentError(f"data set '{path}': use a .jsonl, .json or .csv file (got '{suffix}')")
    try:
        if suffix == ".csv":
            return csv_dataset(str(p), sample_fields=_record_to_sample)
        return json_dataset(str(p), sample_fields=_record_to_sample)
    except (ValueError, KeyError, UnicodeDecodeError) as exc:
        raise AuditArgumentError(f"data set '{path}': {exc}") from None


def audit_metadata(
    ref: str,
    loaded: LoadedContract,
    *,
    n: int,
    seed: int,
    n_bootstrap: int,
    dataset: str | None,
    oracle: str,
) -> dict[str, Any]:
    """The task metadata the scorecard hook and post-hoc scoring read back from the log.

    ``contract`` is where the contract came from (informational); ``contract_canonical``
    is the contract itself (its canonical form), so the log scores without the file.
    The policy's temperature is recorded per sample, as it was in force at run time.
    """
    return {
        AUDIT_METADATA_KEY: {
            "contract": ref,
            "fingerprint": loaded.fingerprint,
            "contract_canonical": canonical_form(loaded),
            "n": n,
            "seed": seed,
            "n_bootstrap": n_bootstrap,
            "dataset": dataset,
            "oracle": oracle,
        }
    }


def check_audit_options(where: str, *, n: object, audit_seed: object, n_bootstrap: object) -> int:
    """Validate the options every audit takes; return ``n``."""
    checked = check_int(where, "n", n, minimum=2)
    check_int(where, "audit_seed", audit_seed, example="0")
    check_int(where, "n_bootstrap", n_bootstrap, minimum=0, example="2000")
    assert checked is not None
    return checked


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
    where = "bon_audit"
    check_text(where, "contract", contract, example="specs/judge.yaml")
    check_text(where, "dataset", dataset, example="data.jsonl")
    n = check_audit_options(where, n=n, audit_seed=audit_seed, n_bootstrap=n_bootstrap)
    policy_temperature = check_number(where, "temperature", temperature, minimum=0.0)
    check_text(where, "oracle", oracle, example="match")
    max_tokens = check_int(where, "max_tokens", max_tokens, minimum=1, optional=True, example="256")
    seed = check_int(where, "seed", seed, optional=True, example="0")
    ref, loaded = contract_ref(contract)
    resolve_oracle(oracle)
    samples = ordered_dataset(load_audit_dataset(dataset))
    return Task(
        dataset=samples,
        solver=[prepare_judge(contract=ref), bon_candidates(n=n, seed=seed)],
        scorer=judge_selection(contract=ref, oracle=oracle, n=n),
        metrics=[selection_metrics(contract=ref, n=n, seed=audit_seed, n_bootstrap=n_bootstrap)],
        config=GenerateConfig(temperature=policy_temperature, max_tokens=max_tokens),
        metadata=audit_metadata(
            ref,
            loaded,
            n=n,
            seed=audit_seed,
            n_bootstrap=n_bootstrap,
            dataset=dataset,
            oracle=oracle,
        ),
    )
