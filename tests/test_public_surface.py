"""The public surface: every export of every public module resolves and is documented.

One check instead of a hand-copied ``__all__`` list per package: the list of public
modules is ``PUBLIC_MODULES`` in ``docs/generate.py``, and ``docs/api.md`` (generated from
the exports and their docstrings) is the reviewed record of the surface, so adding,
removing or renaming an export shows up as a diff there.
"""

from __future__ import annotations

import ast
import importlib
import importlib.util
import pkgutil
import re
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[1]
DOCS = REPO / "docs"


def _generator() -> Any:
    spec = importlib.util.spec_from_file_location("docs_generate", DOCS / "generate.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


GENERATOR = _generator()
PUBLIC_MODULES: tuple[str, ...] = GENERATOR.PUBLIC_MODULES


def _import(name: str) -> ModuleType:
    if name.startswith("judgespec_inspect"):
        pytest.importorskip("inspect_ai", reason="the Inspect adapter needs the inspect extra")
    if name.startswith("judgespec_lmeval"):
        pytest.importorskip("lm_eval", reason="the lm-eval adapter's lazy names need the lmeval extra")
    return importlib.import_module(name)


def _public_submodules(package: str) -> list[str]:
    """Modules of ``package`` with no leading underscore anywhere in their path."""
    root = importlib.import_module(package)
    found = [package]
    for info in pkgutil.walk_packages(root.__path__, prefix=f"{package}."):
        if not any(part.startswith("_") for part in info.name.split(".")):
            found.append(info.name)
    return found


@pytest.mark.parametrize("package", ["judgespec", "judgespec_inspect", "judgespec_lmeval"])
def test_every_public_module_with_exports_is_listed(package: str) -> None:
    _import(package)
    unlisted = []
    for name in _public_submodules(package):
        try:
            module = importlib.import_module(name)
        except ImportError:
            continue  # optional extras; their packages are covered where installed
        if hasattr(module, "__all__") and name not in PUBLIC_MODULES:
            unlisted.append(name)
    assert not unlisted, f"public modules missing from PUBLIC_MODULES in docs/generate.py: {unlisted}"


@pytest.mark.parametrize("module_name", PUBLIC_MODULES)
def test_every_export_resolves_and_is_documented(module_name: str) -> None:
    module = _import(module_name)
    names = list(module.__all__)
    assert names, f"{module_name}.__all__ is empty"
    assert len(names) == len(set(names)), f"{module_name}.__all__ repeats a name"
    attributes = GENERATOR.attribute_docstrings(module_name)
    undocumented = []
    for name in names:
        assert getattr(module, name, None) is not None, f"{module_name}.{name} does not resolve"
        kind, doc = GENERATOR.export_doc(module_name, name, attributes)
        if not doc.strip():
            undocumented.append(f"{name} ({kind})")
    assert not undocumented, (
        f"{module_name}: exports without documentation (a docstring, or a string literal "
        f"under the assignment): {undocumented}"
    )


def test_api_reference_is_current() -> None:
    pytest.importorskip("inspect_ai", reason="docs/api.md covers the Inspect adapter")
    pytest.importorskip("lm_eval", reason="docs/api.md covers the lm-eval adapter")
    expected = GENERATOR.api_reference()
    actual = (DOCS / "api.md").read_text(encoding="utf-8")
    assert actual == expected, "docs/api.md is stale: run `python docs/generate.py`"


def test_api_reference_names_every_export() -> None:
    """A plain grep of docs/api.md, independent of the generator's own formatting."""
    text = (DOCS / "api.md").read_text(encoding="utf-8")
    sections = {part.split("`", 1)[0]: part for part in text.split("\n## `")[1:]}
    for module_name in PUBLIC_MODULES:
        module = _import(module_name)
        assert module_name in sections, f"docs/api.md has no section for {module_name}"
        missing = [n for n in module.__all__ if f"| `{n}` |" not in sections[module_name]]
        assert not missing, f"docs/api.md does not document {module_name}: {missing}"


_NUMPY_SECTION = re.compile(
    r"^\s*(Parameters|Returns|Yields|Raises|Notes|References|Examples|Attributes)\n\s*-{3,}\s*$",
    re.MULTILINE,
)


def test_one_docstring_style() -> None:
    """Function and class docstrings use Google sections (``Args:``, ``Returns:``, ...),
    the style Inspect reads task arguments from; numpy-style underlined sections are
    not mixed in (module docstrings may still title their prose sections)."""
    offenders = []
    for root in (REPO / "judgespec", REPO / "adapters"):
        for path in sorted(root.rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                    doc = ast.get_docstring(node, clean=True) or ""
                    if _NUMPY_SECTION.search(doc):
                        offenders.append(f"{path.relative_to(REPO)}:{node.lineno} {node.name}")
    assert not offenders, f"numpy-style docstring sections (use Args:/Returns:/Notes:): {offenders}"
