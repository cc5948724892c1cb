"""The one plugin loader: entry points and ``module:attribute`` references.

Every plugin judgespec uses without importing it up front is found here, by one rule: a
missing package becomes a :class:`~judgespec.MissingExtraError` naming the extra to
install. Plugins register under these entry-point groups in their package metadata:

- ``judgespec.backends``: judge backends, each a :class:`judgespec.backends.BackendSpec`
  (the shipped ``transformers``, ``replay``, ``inspect`` and ``lmeval`` backends are
  declared in :mod:`judgespec.backends` itself);
- ``judgespec.sources``: readers that score a framework's logs, each a
  :class:`judgespec.frameworks.SourceReader` with its ``tables_from_<kind>`` beside it
  (loaded through :func:`judgespec.frameworks.load_source` and
  :func:`judgespec.frameworks.load_source_tables`);
- ``judgespec.frameworks``: runners for ``judgespec audit --framework NAME``, each a
  :class:`judgespec.frameworks.FrameworkPlugin`;
- ``judgespec.cli``: extra click command groups (e.g. ``judgespec lmeval``).
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from ._errors import JudgespecError, MissingExtraError

if TYPE_CHECKING:
    from importlib.metadata import EntryPoints

__all__ = ["load_plugin", "load_reference", "plugin_names"]

_EXTRA = {"inspect": "inspect", "inspect-log": "inspect", "lmeval": "lmeval", "lmeval-samples": "lmeval"}
"""The extra that installs a shipped framework or source plugin's framework."""


def _entry_points(group: str) -> EntryPoints:
    """The installed entry points of ``group``.

    ``importlib.metadata`` is imported here, not at module level: it costs tens of
    milliseconds (email, zipfile, ...), and what consults no plugin (checking a contract
    whose backends are all shipped ones) should not pay for it.
    """
    from importlib.metadata import entry_points

    return entry_points(group=group)


def plugin_names(group: str) -> list[str]:
    """Names registered under an entry-point group (nothing is imported)."""
    return sorted({ep.name for ep in _entry_points(group)})


def load_plugin(group: str, name: str, *, purpose: str, extra: str | None = None) -> Any:
    """Load entry point ``name`` of ``group``; a missing one names the extra to install.

    ``extra`` is the extra that installs what the plugin needs (default: the shipped
    plugin's, else ``name``).
    """
    wanted = extra or _EXTRA.get(name, name)
    for ep in _entry_points(group):
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
