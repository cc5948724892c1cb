"""Entry-point lookups that let the core use adapters without importing them.

Adapters register under these groups in their package metadata:

- ``judgespec.backends``: judge backends (see :mod:`judgespec.judge`);
- ``judgespec.sources``: readers that score a framework's logs,
  ``score_from_<kind>(path, *, contract, seed, n_bootstrap, by, ...) -> Scorecard``. The
  module of each reader also defines ``tables_from_<kind>(path, *, contract, ...)``
  returning :class:`judgespec.pipeline.SourceRows`, the tables the reader scores
  (:func:`load_source_tables` finds it, so no second entry point is needed);
- ``judgespec.frameworks``: runners for ``judgespec audit --framework NAME``;
- ``judgespec.cli``: extra click command groups (e.g. ``judgespec lmeval``).
"""

from __future__ import annotations

from importlib import import_module
from importlib.metadata import entry_points
from typing import Any

from ._errors import JudgespecError, MissingExtraError

__all__ = ["load_plugin", "load_source_tables", "plugin_names"]

_EXTRA = {"inspect": "inspect", "inspect-log": "inspect", "lmeval": "lmeval", "lmeval-samples": "lmeval"}


def plugin_names(group: str) -> list[str]:
    """Names registered under an entry-point group."""
    return sorted(ep.name for ep in entry_points(group=group))


def load_plugin(group: str, name: str, *, purpose: str) -> Any:
    """Load entry point ``name`` of ``group``; a missing one names the extra to install."""
    for ep in entry_points(group=group):
        if ep.name == name:
            try:
                return ep.load()
            except ImportError as exc:
                missing = getattr(exc, "name", None) or ep.value.split(":")[0]
                raise MissingExtraError(missing, _EXTRA.get(name, name), purpose) from None
    raise MissingExtraError(f"judgespec-{name}", _EXTRA.get(name, name), purpose)


def load_source_tables(name: str, *, purpose: str) -> Any:
    """The ``tables_from_<kind>`` sibling of the ``judgespec.sources`` reader ``name``.

    A reader registered as ``module:score_from_<kind>`` has its tables function in the
    same module; a missing adapter names the extra to install, a reader without one
    says so.
    """
    reader = load_plugin("judgespec.sources", name, purpose=purpose)
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
    return found
