"""The one plugin loader: entry points and ``module:attribute`` references.

Every plugin judgespec uses without importing it up front is found here, by one rule: a
missing package becomes a :class:`~judgespec.MissingExtraError` naming the extra to
install. Plugins register under these entry-point groups in their package metadata:

- ``judgespec.backends``: judge backends, each a :class:`judgespec.backends.BackendSpec`
  (the shipped ``transformers``, ``replay``, ``inspect`` and ``lmeval`` backends are
  declared in :mod:`judgespec.backends` itself);
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

__all__ = ["load_plugin", "load_reference", "load_source_tables", "plugin_names"]

_EXTRA = {"inspect": "inspect", "inspect-log": "inspect", "lmeval": "lmeval", "lmeval-samples": "lmeval"}
"""The extra that installs a shipped framework or source plugin's framework."""


def plugin_names(group: str) -> list[str]:
    """Names registered under an entry-point group (nothing is imported)."""
    return sorted({ep.name for ep in entry_points(group=group)})


def load_plugin(group: str, name: str, *, purpose: str, extra: str | None = None) -> Any:
    """Load entry point ``name`` of ``group``; a missing one names the extra to install.

    ``extra`` is the extra that installs what the plugin needs (default: the shipped
    plugin's, else ``name``).
    """
    wanted = extra or _EXTRA.get(name, name)
    for ep in entry_points(group=group):
        if ep.name == name:
            try:
                return ep.load()
            except ImportError as exc:
                missing = getattr(exc, "name", None) or ep.value.split(":")[0]
                raise MissingExtraError(missing, wanted, purpose) from None
    raise MissingExtraError(f"judgespec-{name}", wanted, purpose)


def load_reference(reference: str, *, extra: str, purpose: str) -> Any:
    """The object a ``module:attribute`` reference names, imported now.

    An import that fails for a missing package is a :class:`MissingExtraError` naming
    ``extra``; a reference to nothing is a :class:`JudgespecError`.
    """
    module_name, _, attribute = reference.partition(":")
    try:
        module = import_module(module_name)
    except ImportError as exc:
        raise MissingExtraError(getattr(exc, "name", None) or module_name, extra, purpose) from None
    found = getattr(module, attribute, None) if attribute else module
    if found is None:
        raise JudgespecError(f"{purpose}: {reference} names nothing; reinstall the package that declares it")
    return found


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
