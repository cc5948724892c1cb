"""Sandboxed Jinja2 templates with strict undefined variables.

Templates are data: they render in :class:`jinja2.sandbox.ImmutableSandboxedEnvironment`
(no attribute access to internals, no mutation), with :class:`jinja2.StrictUndefined`
so that a missing variable is an error, and the variables a template uses are checked
against the contract's declaration when the contract loads, not at run time.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache

import jinja2
from jinja2 import meta
from jinja2.sandbox import ImmutableSandboxedEnvironment

from .._errors import ContractError

__all__ = ["render_template", "template_variables"]

_ENV = ImmutableSandboxedEnvironment(
    undefined=jinja2.StrictUndefined,
    autoescape=False,
    keep_trailing_newline=True,
)


def template_variables(text: str, *, where: str) -> set[str]:
    """The undeclared (free) variables a template refers to.

    Raises :class:`ContractError` naming ``where`` when the template does not parse.
    """
    try:
        ast = _ENV.parse(text)
    except jinja2.TemplateSyntaxError as exc:
        raise ContractError(f"{where}: template line {exc.lineno}: {exc.message}") from None
    return set(meta.find_undeclared_variables(ast))


@lru_cache(maxsize=256)
def _compiled(text: str) -> jinja2.Template:
    return _ENV.from_string(text)


def render_template(text: str, variables: Mapping[str, str]) -> str:
    """Render a template in the sandbox; a missing variable raises :class:`ContractError`."""
    try:
        return _compiled(text).render(**variables)
    except jinja2.UndefinedError as exc:
        raise ContractError(f"template: {exc.message}; the data lacks that field") from None
    except jinja2.exceptions.SecurityError as exc:
        raise ContractError(f"template: refused by the sandbox: {exc}") from None
