"""Log sources read back as tables: the part of a ``judgespec.sources`` plugin below the scorecard.

A log source registers its ``score_from_<kind>`` reader (a
:class:`judgespec.frameworks.SourceReader`, which returns a scorecard) under the
``judgespec.sources`` entry-point group; the reader's module also defines
``tables_from_<kind>`` (a :class:`SourceTablesReader`), which returns the log as
:class:`SourceRows`. ``judgespec contrast`` needs only the tables, so this half stands
below the scorecard package; :mod:`judgespec.frameworks` re-exports it beside the
scoring half.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from ._errors import JudgespecError
from ._plugins import load_plugin

if TYPE_CHECKING:
    from .contract import LoadedContract

__all__ = ["SOURCES_GROUP", "SourceRows", "SourceTablesReader", "load_reader", "load_source_tables"]

SOURCES_GROUP = "judgespec.sources"
"""The entry-point group where adapters register readers of their framework's logs (:class:`judgespec.frameworks.SourceReader`)."""


@dataclass(frozen=True)
class SourceRows:
    """A framework's log read back as tables: one judge's verdicts on its candidates.

    What the ``tables_from_*`` sibling of a ``judgespec.sources`` reader returns (see
    :func:`load_source_tables`), so that ``judgespec contrast`` can put an Inspect log or
    lm-eval samples beside candidates tables and audit folders.
    """

    candidates: list[dict[str, Any]]
    """Candidates-table rows, in the order the reader scores them."""
    comparisons: list[dict[str, Any]] = field(default_factory=list)
    """Comparisons-table rows (empty for pointwise judges)."""
    loaded: LoadedContract | None = None
    """The contract the verdicts were given under, when the log records or names one."""
    source: str = "<rows>"
    """The log the rows came from (named in errors)."""


class SourceTablesReader(Protocol):
    """The ``tables_from_<kind>`` beside a :class:`SourceReader`: the log read back as tables."""

    def __call__(self, path: str | Path, **options: Any) -> SourceRows:
        """The candidates (and comparisons) rows of the framework output at ``path``."""
        ...


def load_reader(name: str, *, purpose: str) -> Any:
    """The ``score_from_<kind>`` callable registered as source ``name``; a missing one names the extra."""
    reader = load_plugin(SOURCES_GROUP, name, purpose=purpose)
    if not callable(reader):
        raise JudgespecError(
            f"the '{name}' entry point of {SOURCES_GROUP} is not a reader (a score_from_<kind> "
            "function); reinstall the package that declares it"
        )
    return reader


def load_source_tables(name: str, *, purpose: str) -> SourceTablesReader:
    """The ``tables_from_<kind>`` sibling of the log source ``name``'s reader.

    A reader registered as ``module:score_from_<kind>`` has its tables function in the
    same module, so no second entry point is needed; a missing adapter names the extra
    to install, a reader without one says so.
    """
    reader = load_reader(name, purpose=purpose)
    module_name = getattr(reader, "__module__", None) or ""
    attribute = str(getattr(reader, "__name__", "")).replace("score_from_", "tables_from_", 1)
    if not attribute.startswith("tables_from_"):
        attribute = "tables_from_<kind>"
    found = getattr(import_module(module_name), attribute, None) if module_name else None
    if found is None:
        where = module_name or repr(reader)
        raise JudgespecError(
            f"the '{name}' source ({where}) offers no {attribute} function; "
            f"{purpose} needs an adapter version that does"
        )
    tables: SourceTablesReader = found
    return tables
