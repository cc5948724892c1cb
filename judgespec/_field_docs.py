"""Field docstrings as JSON Schema descriptions, attached when a schema is generated.

The models document each field with a docstring under it (the attribute-docstring
convention). pydantic's ``use_attribute_docstrings`` reads them while each class is
created, with :func:`inspect.getsource` and :mod:`ast` for every class, which costs
``judgespec validate`` tens of milliseconds on every start. Only the JSON Schemas (and
the reference generated from them) need the descriptions, so :func:`document_fields`
attaches them then: each model module's source is parsed once, each field whose
``description`` is unset gets the docstring written under its declaration, and the
models are rebuilt, nested models before the models that contain them, so that their
schemas carry the descriptions exactly as ``use_attribute_docstrings`` would have.

The rule is pydantic's: a docstring is the string literal statement directly after an
annotated assignment ``name: type [= default]`` in the class body, cleaned with
:func:`inspect.cleandoc`; a field takes the docstring from the class that declares it
(an inherited field keeps its parent's), and an explicit ``Field(description=...)`` wins.
"""

from __future__ import annotations

import ast
import inspect
import sys
import threading
import typing
from functools import cache

from pydantic import BaseModel

__all__ = ["document_fields"]

_LOCK = threading.Lock()
_DONE: set[type[BaseModel]] = set()
"""Models whose fields carry their docstrings and whose schema includes them."""
_REBUILT: set[type[BaseModel]] = set()
"""Models rebuilt here: a model containing one was built before and must be rebuilt too."""


@cache
def _module_docstrings(module_name: str) -> dict[str, dict[str, str]]:
    """Class name -> field name -> docstring for the top-level classes of a module."""
    module = sys.modules[module_name]
    try:
        source = inspect.getsource(module)
    except (OSError, TypeError):  # no source (a frozen or compiled-only install)
        return {}
    found: dict[str, dict[str, str]] = {}
    for node in ast.parse(source).body:
        if isinstance(node, ast.ClassDef):
            found[node.name] = _class_docstrings(node)
    return found


def _class_docstrings(node: ast.ClassDef) -> dict[str, str]:
    docs: dict[str, str] = {}
    for stmt, following in zip(node.body, node.body[1:], strict=False):
        if (
            isinstance(stmt, ast.AnnAssign)
            and isinstance(stmt.target, ast.Name)
            and isinstance(following, ast.Expr)
            and isinstance(following.value, ast.Constant)
            and isinstance(following.value.value, str)
        ):
            docs[stmt.target.id] = inspect.cleandoc(following.value.value)
    return docs


def _declaring_class(model: type[BaseModel], field: str) -> type | None:
    for klass in model.__mro__:
        if field in inspect.get_annotations(klass):
            return klass
    return None


def _fill(model: type[BaseModel]) -> bool:
    """Set unset field descriptions of ``model`` from their docstrings; True if any changed."""
    changed = False
    for name, info in model.__pydantic_fields__.items():
        if info.description is not None:
            continue
        owner = _declaring_class(model, name)
        if owner is None:
            continue
        doc = _module_docstrings(owner.__module__).get(owner.__qualname__, {}).get(name)
        if doc is not None:
            info.description = doc
            changed = True
    return changed


def _nested_models(annotation: object) -> list[type[BaseModel]]:
    """The pydantic models an annotation mentions (inside unions, lists, Annotated, ...)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    found: list[type[BaseModel]] = []
    for arg in typing.get_args(annotation):
        found += _nested_models(arg)
    return found


def _post_order(root: type[BaseModel]) -> list[type[BaseModel]]:
    """``root`` and every model its fields reach, each after the models it contains."""
    order: list[type[BaseModel]] = []
    seen: set[type[BaseModel]] = set()

    def visit(model: type[BaseModel]) -> None:
        if model in seen:
            return
        seen.add(model)
        for info in model.__pydantic_fields__.values():
            for nested in _nested_models(info.annotation):
                visit(nested)
        order.append(model)

    visit(root)
    return order


def document_fields(root: type[BaseModel]) -> None:
    """Give ``root`` and the models it contains their field docstrings as descriptions.

    Idempotent; the first call for a model rebuilds its schema (and its containers'),
    later calls do nothing. Validation is unchanged: only descriptions are added.
    """
    with _LOCK:
        if root in _DONE:
            return
        for model in _post_order(root):
            if model in _DONE:
                continue
            changed = _fill(model)
            contains_rebuilt = any(
                nested in _REBUILT
                for info in model.__pydantic_fields__.values()
                for nested in _nested_models(info.annotation)
            )
            if changed or contains_rebuilt:
                model.model_rebuild(force=True)
                _REBUILT.add(model)
            _DONE.add(model)
