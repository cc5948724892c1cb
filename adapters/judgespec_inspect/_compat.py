"""Every name the adapter takes from Inspect's private modules, in one place.

Inspect does not export these; each is pinned here so that an Inspect upgrade that moves
or changes one fails in one import (and in ``tests/inspect/test_inspect_compat.py``,
which checks each name's signature) rather than deep inside an audit. The supported
Inspect versions are declared in the ``inspect`` extra of ``pyproject.toml``.

``PrerequisiteError``
    The error Inspect's CLI prints as its message alone (no traceback): the adapter's
    user errors derive from it (:mod:`judgespec_inspect._errors`).
``registry_name(obj, name)``
    The name Inspect would register ``obj`` under (with or without the package
    namespace; :mod:`judgespec_inspect._names`).
``is_registry_object(obj)``, ``registry_unqualified_name(obj)``, ``registry_params(obj)``
    Whether an object was made by a registered decorator, its name without the package,
    and the arguments it was built with (naming oracles; recognising a plain
    ``generate()`` step in a wrapped task).
``active_generate_config()``
    The generate config in force for the running sample (eval and task config merged):
    the seed the candidate solver hands the policy.
"""

from __future__ import annotations

from inspect_ai._util.error import PrerequisiteError
from inspect_ai._util.registry import (
    is_registry_object,
    registry_name,
    registry_params,
    registry_unqualified_name,
)
from inspect_ai.model._generate_config import active_generate_config

__all__ = [
    "PrerequisiteError",
    "active_generate_config",
    "is_registry_object",
    "registry_name",
    "registry_params",
    "registry_unqualified_name",
]
