"""Public names a package imports on first use (PEP 562 module ``__getattr__``).

A package that re-exports names from heavy submodules declares them in a map, name to
module, and takes its ``__getattr__`` and ``__dir__`` from :func:`lazy_exports`:
importing the package (or one light submodule of it) then does not import the rest.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping, Sequence
from importlib import import_module
from typing import Any

__all__ = ["lazy_exports"]


def lazy_exports(
    package: str, names: Mapping[str, str], public: Sequence[str]
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """``(__getattr__, __dir__)`` for ``package``, importing ``names[name]`` on first use.

    ``names`` maps each lazily exported name to its module's absolute name; the value
    found is stored in the package's namespace, so each is imported once. ``public`` is
    the package's ``__all__``, listed by ``dir()`` before any is imported.
    """

    def __getattr__(name: str) -> Any:
        module = names.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(import_module(module), name)
        vars(sys.modules[package])[name] = value
        return value

    def __dir__() -> list[str]:
        return sorted({*vars(sys.modules[package]), *public})

    return __getattr__, __dir__
