"""Registry names that are ``judgespec_inspect/<name>`` however the package is installed.

Inspect namespaces a registered object by its package only when it can tell the package
is installed: from site-packages, or editable under a distribution of the same name.
This package ships inside the ``judgespec`` distribution, so an editable install of
``judgespec`` would register bare names (``bon_audit``). :func:`registered` adds the
namespace itself exactly when Inspect would not.
"""

from __future__ import annotations

from functools import lru_cache

__all__ = ["PACKAGE", "registered"]

PACKAGE = "judgespec_inspect"


def _probe() -> None:
    """An object of this package for Inspect's package detection."""


@lru_cache(maxsize=1)
def _inspect_adds_namespace() -> bool:
    from ._compat import registry_name

    return registry_name(_probe, "x") == f"{PACKAGE}/x"


def registered(name: str) -> str:
    """The name to pass to an Inspect decorator so it registers as ``judgespec_inspect/<name>``."""
    return name if _inspect_adds_namespace() else f"{PACKAGE}/{name}"
