"""Framework plugins: ``judgespec audit --framework NAME`` run inside Inspect, lm-eval, ...

A framework plugin generates candidates with a policy model in its framework, judges
them under a contract and writes a scorecard. It registers an object satisfying
:class:`FrameworkPlugin` under the ``judgespec.frameworks`` entry-point group; a log
source registers a :class:`SourceReader` under ``judgespec.sources``.

Every framework receives one :class:`AuditOptions`, built by :meth:`AuditOptions.build`
from the caller's options and the contract's ``audit:`` section: an option the caller
leaves out takes the contract's default (``dataset``, ``n``, ``oracle``,
``policy_model``; a relative data set path is relative to the contract), then the
built-in one (``n`` = 4, ``oracle`` = ``match``). The CLI, the Inspect adapter's
:func:`judgespec_inspect.run_inspect_audit` and :func:`audit_in_framework` all build it
here, so each gets the same defaults.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from ._errors import JudgespecError
from ._plugins import load_plugin, plugin_names
from ._sources import (
    SOURCES_GROUP,
    SourceRows,
    SourceTablesReader,
    load_reader,
    load_source_tables,
)
from .contract import LoadedContract, load_contract

if TYPE_CHECKING:
    from .scorecard._model import Scorecard

__all__ = [
    "ENTRY_POINT_GROUP",
    "SOURCES_GROUP",
    "AuditOptions",
    "FrameworkPlugin",
    "SourceReader",
    "SourceRows",
    "SourceTablesReader",
    "audit_in_framework",
    "framework_names",
    "load_framework",
    "load_source",
    "load_source_tables",
    "source_names",
]

ENTRY_POINT_GROUP = "judgespec.frameworks"
"""The entry-point group where framework adapters register a :class:`FrameworkPlugin`."""
DEFAULT_N = 4
DEFAULT_ORACLE = "match"


@dataclass(frozen=True)
class AuditOptions:
    """Everything a framework audit needs, with the contract's ``audit:`` defaults applied."""

    contract_path: Path
    """The judge contract."""
    out_dir: Path
    """Output folder: ``scorecard.json`` and the framework's own logs."""
    data: str | None
    """The framework's data: a JSONL/CSV data set (Inspect) or a task (lm-eval)."""
    model: str | None
    """The policy model that generates the candidates."""
    n: int = DEFAULT_N
    """Candidates per prompt."""
    oracle: str = DEFAULT_ORACLE
    """The oracle scorer (frameworks that score the oracle themselves may ignore it)."""
    temperature: float = 1.0
    """Policy sampling temperature."""
    limit: int | None = None
    """Audit only the first ``limit`` prompts."""
    seed: int = 0
    """Seed of the scorecard's cluster bootstrap."""
    n_bootstrap: int = 2000
    """Bootstrap replicates behind every interval."""
    judge_model: str | None = None
    """Replace the contract's judge with this framework model (where supported)."""
    model_args: str | None = None
    """The policy's model arguments, in the framework's syntax (e.g. ``pretrained=DIR``)."""
    device: str | None = None
    """The policy's device (default: the framework's)."""
    batch_size: str | None = None
    """The policy's batch size as the framework spells it (an integer, ``auto``, ...)."""
    apply_chat_template: bool = False
    """Render the policy's prompts with its chat template."""
    include_path: Path | None = None
    """A folder of the framework's own task definitions."""

    @classmethod
    def build(
        cls,
        contract_path: str | Path,
        *,
        out_dir: str | Path,
        data: str | Path | None = None,
        model: str | None = None,
        n: int | None = None,
        oracle: str | None = None,
        loaded: LoadedContract | None = None,
        **options: Any,
    ) -> AuditOptions:
        """Options for an audit of ``contract_path``: given values, else ``audit:``, else built-ins.

        ``loaded`` is the contract already loaded (it is loaded here otherwise, so a bad
        contract fails before any model loads). ``options`` are the other fields.
        """
        path = Path(contract_path)
        defaults = (loaded or load_contract(path)).contract.audit
        if defaults is not None:
            if data is None and defaults.dataset is not None:
                beside = path.parent / defaults.dataset
                data = str(beside) if beside.exists() else defaults.dataset
            n = n if n is not None else defaults.n
            oracle = oracle if oracle is not None else defaults.oracle
            model = model if model is not None else defaults.policy_model
        return cls(
            contract_path=path,
            out_dir=Path(out_dir),
            data=None if data is None else str(data),
            model=model,
            n=n if n is not None else DEFAULT_N,
            oracle=oracle if oracle is not None else DEFAULT_ORACLE,
            **options,
        )


@runtime_checkable
class FrameworkPlugin(Protocol):
    """What ``judgespec.frameworks`` entry points provide."""

    name: str
    """The ``--framework`` name."""
    data_option: str
    """The ``judgespec audit`` option that names this framework's data (``dataset`` or ``task``)."""

    def run_audit(self, options: AuditOptions) -> Path:
        """Run the audit; return the path of the ``scorecard.json`` written under ``options.out_dir``."""
        ...


class SourceReader(Protocol):
    """What ``judgespec.sources`` entry points provide: ``score_from_<kind>``.

    Its module also defines ``tables_from_<kind>`` (same path and contract) returning
    :class:`SourceRows` (:func:`load_source_tables` finds it). Source-specific options (an Inspect log's
    ``oracle`` and ``judge``, lm-eval's ``task`` and ``filter``) are keywords too.
    """

    def __call__(
        self,
        path: str | Path,
        *,
        contract: str | Path | LoadedContract | None = None,
        seed: int | None = None,
        n_bootstrap: int | None = None,
        by: str | None = None,
        **options: Any,
    ) -> Scorecard:
        """The scorecard of the framework output at ``path``."""
        ...


def framework_names() -> list[str]:
    """The installed framework plugins (nothing is imported)."""
    return plugin_names(ENTRY_POINT_GROUP)


def source_names() -> list[str]:
    """The installed log sources (nothing is imported)."""
    return plugin_names(SOURCES_GROUP)


def load_framework(name: str) -> FrameworkPlugin:
    """The framework plugin ``name``; a missing framework names the extra to install."""
    found = load_plugin(ENTRY_POINT_GROUP, name, purpose=f"judgespec audit --framework {name}")
    if not isinstance(found, FrameworkPlugin):
        raise JudgespecError(
            f"the '{name}' entry point of {ENTRY_POINT_GROUP} is not a framework plugin "
            "(it needs name, data_option and run_audit); reinstall the package that declares it"
        )
    return found


def load_source(name: str, *, purpose: str) -> SourceReader:
    """The log source ``name`` (its ``score_from_<kind>`` reader); a missing one names the extra."""
    found: SourceReader = load_reader(name, purpose=purpose)
    return found


def audit_in_framework(
    framework: str,
    contract_path: str | Path,
    *,
    out_dir: str | Path,
    loaded: LoadedContract | None = None,
    **options: Any,
) -> Path:
    """Audit a contract in framework ``framework``; return the written ``scorecard.json``.

    ``options`` are :class:`AuditOptions` fields (``data`` may also be given under the
    framework's own name, e.g. ``dataset`` or ``task``); missing ones come from the
    contract's ``audit:`` section. A missing data set or policy model is a one-line
    error before any model loads.
    """
    plugin = load_framework(framework)
    alias = options.pop(plugin.data_option, None)
    if options.get("data") is None and alias is not None:
        options["data"] = alias
    built = AuditOptions.build(contract_path, out_dir=out_dir, loaded=loaded, **options)
    if built.data is None:
        raise JudgespecError(
            f"--framework {framework} needs --{plugin.data_option} (or the contract's audit.dataset)"
        )
    if built.model is None:
        raise JudgespecError(f"--framework {framework} needs --model (the policy) or the contract's audit.policy_model")
    return plugin.run_audit(built)
