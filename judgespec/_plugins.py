"""Entry-point lookups that let the core use adapters without importing them.

Adapters register under these groups in their package metadata:

- ``judgespec.backends``: judge backends (see :mod:`judgespec.judge`);
- ``judgespec.sources``: readers that turn a framework's logs into candidates rows,
  ``(path, *, loaded) -> SourceRows``;
- ``judgespec.frameworks``: runners for ``judgespec audit --framework NAME``;
- ``judgespec.cli``: extra click command groups (e.g. ``judgespec lmeval``).
"""

from __future__ import annotations

from importlib.metadata import entry_points
from typing import Any

from ._errors import MissingExtraError

__all__ = ["load_plugin", "plugin_names"]

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
