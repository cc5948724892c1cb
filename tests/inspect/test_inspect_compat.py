"""Inspect's private names the adapter uses still exist with the expected shape.

Each name is taken from :mod:`judgespec_inspect._compat`; an Inspect upgrade that moves
one breaks the import of this module, one that changes a signature or behaviour fails a
test below naming the symbol. When one fails, update ``_compat.py`` and the version
bounds of the ``inspect`` extra in ``pyproject.toml``.
"""

from __future__ import annotations

import inspect

import pytest

pytest.importorskip("inspect_ai", reason="the Inspect adapter needs the inspect extra")

from inspect_ai.model import GenerateConfig
from inspect_ai.scorer import match

from judgespec_inspect import _compat


def _parameters(fn: object) -> list[str]:
    assert callable(fn), f"{fn!r} is not callable"
    return list(inspect.signature(fn).parameters)


def test_every_private_name_is_declared_and_importable() -> None:
    assert sorted(_compat.__all__) == sorted(
        [
            "PrerequisiteError",
            "active_generate_config",
            "is_registry_object",
            "registry_name",
            "registry_params",
            "registry_unqualified_name",
        ]
    )
    for name in _compat.__all__:
        assert getattr(_compat, name) is not None, name


def test_prerequisite_error_is_an_exception_with_a_message() -> None:
    assert issubclass(_compat.PrerequisiteError, Exception)
    assert str(_compat.PrerequisiteError("one line")) == "one line"


def test_registry_functions_keep_their_signatures_and_meaning() -> None:
    assert _parameters(_compat.registry_name)[:2] == ["o", "name"]
    assert _parameters(_compat.is_registry_object)[:1] == ["o"]
    assert _parameters(_compat.registry_unqualified_name)[:1] == ["o"]
    assert _parameters(_compat.registry_params)[:1] == ["o"]
    scorer = match()
    assert _compat.is_registry_object(scorer)
    assert not _compat.is_registry_object(object())
    assert _compat.registry_unqualified_name(scorer) == "match"
    assert isinstance(_compat.registry_params(scorer), dict)


def test_active_generate_config_returns_a_generate_config() -> None:
    assert _parameters(_compat.active_generate_config) == []
    assert isinstance(_compat.active_generate_config(), GenerateConfig)


def test_no_adapter_module_imports_inspect_private_modules_directly() -> None:
    from pathlib import Path

    import judgespec_inspect

    package = Path(judgespec_inspect.__file__).parent
    offenders = [
        f"{path.name}:{number}"
        for path in sorted(package.glob("*.py"))
        if path.name != "_compat.py"
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if "inspect_ai._" in line or ("inspect_ai." in line and "._" in line.split("import")[0])
    ]
    assert not offenders, f"private Inspect imports outside _compat.py: {offenders}"
