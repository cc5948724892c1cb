"""The core's layer modules: every public name resolves and says what it is."""

from __future__ import annotations

import importlib
import inspect

import pytest

MODULES = ("judgespec.backends", "judgespec.lock", "judgespec.metrics", "judgespec.frameworks", "judgespec.cli")


@pytest.mark.parametrize("name", MODULES)
def test_every_export_resolves_and_is_documented(name: str) -> None:
    module = importlib.import_module(name)
    assert module.__doc__
    for export in module.__all__:
        value = getattr(module, export)  # AttributeError names a stale __all__ entry
        if inspect.isfunction(value) or inspect.isclass(value):
            assert inspect.getdoc(value), f"{name}.{export} has no docstring"
