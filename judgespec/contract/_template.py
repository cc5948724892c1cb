"""Sandboxed Jinja2 templates with strict undefined variables, rendered under a budget.

Templates are data: they render in :data:`~judgespec.contract._budget.SANDBOX`, an
:class:`jinja2.sandbox.ImmutableSandboxedEnvironment` (no attribute access to internals,
no mutation) with :class:`jinja2.StrictUndefined`, so that a missing variable is an
error; the variables a template uses are checked against the contract's declaration
when the contract loads, not at run time.

A template is one self-contained text: ``include``, ``import``, ``from ... import`` and
``extends`` are refused when it is parsed. Every render runs under a
:class:`~judgespec.contract.RenderBudget` (wall time, size, depth; see
:mod:`judgespec.contract._budget`). Exceeding it, or anything the sandbox refuses, is a
one-line :class:`~judgespec.ContractError`; so is any other exception a render raises
(a ``RecursionError``, a ``MemoryError``, a ``TypeError`` from the template's own code).
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache

import jinja2
from jinja2 import meta, nodes

from .._errors import ContractError
from ._budget import (
    DEFAULT_BUDGET,
    SANDBOX,
    TEMPLATE_FILENAME,
    BudgetExceeded,
    RenderBudget,
    render_budgeted,
)

__all__ = ["DEFAULT_BUDGET", "RenderBudget", "render_template", "template_variables"]


_REFUSED_NODES: tuple[tuple[type[nodes.Node], str], ...] = (
    (nodes.Include, "include"),
    (nodes.Import, "import"),
    (nodes.FromImport, "from ... import"),
    (nodes.Extends, "extends"),
)


def template_variables(text: str, *, where: str) -> set[str]:
    """The undeclared (free) variables a template refers to.

    Raises :class:`ContractError` naming ``where`` and the template line when the
    template does not parse, nests too deeply, or uses ``include``, ``import`` or
    ``extends`` (a judge template is one self-contained text).
    """
    try:
        ast = SANDBOX.parse(text)
    except jinja2.TemplateSyntaxError as exc:
        raise ContractError(f"{where}: template line {exc.lineno}: {_one_line(exc.message)}") from None
    except RecursionError:
        raise ContractError(f"{where}: the template nests too deeply to parse; simplify it") from None
    except (ValueError, UnicodeError) as exc:
        raise ContractError(f"{where}: the template cannot be parsed ({_one_line(str(exc))})") from None
    for kind, word in _REFUSED_NODES:
        for node in ast.find_all(kind):
            raise ContractError(
                f"{where}: template line {node.lineno}: '{{% {word} %}}' is not allowed; "
                "a judge template is one self-contained text (write the text inline)"
            )
    try:
        return set(meta.find_undeclared_variables(ast))
    except RecursionError:
        raise ContractError(f"{where}: the template nests too deeply to analyse; simplify it") from None


_STRAIGHT_LINE: tuple[type[nodes.Node], ...] = (
    nodes.Template, nodes.Output, nodes.TemplateData, nodes.Name, nodes.Const,
    nodes.Getattr, nodes.Getitem, nodes.Slice, nodes.Filter, nodes.Test, nodes.CondExpr,
    nodes.If, nodes.Compare, nodes.Operand, nodes.And, nodes.Or, nodes.Not, nodes.Neg,
    nodes.Pos, nodes.Concat, nodes.BinExpr, nodes.Call, nodes.Keyword, nodes.List,
    nodes.Tuple, nodes.Dict, nodes.Pair,
)


@lru_cache(maxsize=256)
def _compiled(text: str) -> tuple[jinja2.Template, bool]:
    """The compiled template, and whether its renders need the line tracer.

    A template of straight-line code (no loop, macro, call block, assignment or filter
    block) runs each of its expressions once, and every expression that can grow a
    value is checked where it runs; only templates that can repeat or hold values are
    traced for wall time, depth and held values.
    """
    ast = SANDBOX.parse(text)
    traced = any(not isinstance(node, _STRAIGHT_LINE) for node in ast.find_all(nodes.Node))
    return SANDBOX.from_string(text), traced


def _one_line(text: str | None) -> str:
    return " ".join(str(text or "").split())[:200]


def render_template(
    text: str, variables: Mapping[str, str], *, budget: RenderBudget = DEFAULT_BUDGET
) -> str:
    """Render a template in the sandbox under ``budget``.

    Raises :class:`ContractError` (one line starting ``template:``) when a variable is
    missing, the sandbox refuses an operation, the budget is exceeded, or the render
    raises anything else.
    """
    try:
        template, traced = _compiled(text)
    except jinja2.TemplateSyntaxError as exc:
        raise ContractError(f"template line {exc.lineno}: {_one_line(exc.message)}") from None
    except RecursionError:
        raise ContractError("template: nests too deeply to compile; simplify it") from None
    try:
        return render_budgeted(template, variables, budget, traced=traced)
    except BudgetExceeded as exc:
        raise ContractError(f"template: {exc}") from None
    except jinja2.UndefinedError as exc:
        raise ContractError(f"template: {_one_line(exc.message)}; the data lacks that field") from None
    except jinja2.exceptions.SecurityError as exc:
        raise ContractError(f"template: refused by the sandbox: {_one_line(str(exc))}") from None
    except RecursionError:
        raise ContractError("template: recursion too deep; the template calls itself without end") from None
    except MemoryError:
        raise ContractError("template: ran out of memory; the template builds too large a value") from None
    except OverflowError as exc:
        raise ContractError(f"template: {_one_line(str(exc)) or 'a number is too large'}") from None
    except Exception as exc:  # the template's own code failed (TypeError, ZeroDivisionError, ...)
        detail = _one_line(str(exc))
        line = _template_line(exc)
        at = f" (template line {line})" if line else ""
        raise ContractError(f"template: {type(exc).__name__}: {detail}{at}") from None


def _template_line(exc: BaseException) -> int | None:
    """The template line of a render error (Jinja rewrites tracebacks to template lines)."""
    tb = exc.__traceback__
    line = None
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == TEMPLATE_FILENAME:
            line = tb.tb_lineno
        tb = tb.tb_next
    return line
