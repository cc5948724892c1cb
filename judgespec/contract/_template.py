"""Sandboxed Jinja2 templates with strict undefined variables and a render budget.

Templates are data: they render in :class:`jinja2.sandbox.ImmutableSandboxedEnvironment`
(no attribute access to internals, no mutation), with :class:`jinja2.StrictUndefined`
so that a missing variable is an error, and the variables a template uses are checked
against the contract's declaration when the contract loads, not at run time.

A template is one self-contained text: ``include``, ``import``, ``from ... import`` and
``extends`` are refused when it is parsed; the ``namespace()`` helper (the only way to
carry state across loop iterations) and ``lipsum()`` (bulk text) are not available.
Every render runs under a :class:`RenderBudget`:

- **wall time** (``seconds``): checked on every line the compiled template executes,
  so loops that produce no output cannot hang (a template of straight-line code, with
  no loop, macro, call block or assignment, runs each expression once and is not
  traced: its expressions are checked where they run);
- **size** (``max_chars``): the output and every printed value, every value the
  template holds in a variable (containers measured with shared parts counted each time
  they would print), every operand product of ``*``, ``**``, ``%`` and ``+``, every
  argument of a call or filter (integers by value, texts and containers by size), and
  every call or filter result;
- **depth** (``max_depth``): nested macro, ``caller`` and recursive-loop frames.

Exceeding any of these, or anything the sandbox refuses, is a one-line
:class:`~judgespec.ContractError`; so is any other exception a render raises (a
``RecursionError``, a ``MemoryError``, a ``TypeError`` from the template's own code).
"""

from __future__ import annotations

import re
import sys
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from types import FrameType
from typing import Any

import jinja2
from jinja2 import meta, nodes
from jinja2.sandbox import ImmutableSandboxedEnvironment
from jinja2.utils import _PassArg

from .._errors import ContractError

__all__ = ["DEFAULT_BUDGET", "RenderBudget", "render_template", "template_variables"]


@dataclass(frozen=True)
class RenderBudget:
    """Limits one template render must stay within (see the module docstring)."""

    seconds: float = 2.0
    """Wall time of one render."""
    max_chars: int = 2_000_000
    """Largest output, held value, operand product, integer argument or call result."""
    max_depth: int = 32
    """Deepest nesting of template frames (macros calling macros, recursive loops)."""


DEFAULT_BUDGET = RenderBudget()
"""The budget of every render: the trial render at validation and each real one."""

_FILENAME = "<template>"
_POWER_BITS = 100_000


class _BudgetExceeded(Exception):
    """Raised inside a render when it leaves its budget."""


class _State(threading.local):
    budget: RenderBudget | None = None
    deadline: float = 0.0
    depth: int = 0


_STATE = _State()


def _over(reason: str) -> _BudgetExceeded:
    return _BudgetExceeded(reason)


def _active() -> RenderBudget | None:
    return _STATE.budget


def _deep_size(value: Any, memo: dict[int, int], limit: int) -> int:
    """Characters ``value`` would print as, counting shared parts once per occurrence."""
    if isinstance(value, str | bytes):
        return len(value)
    if isinstance(value, list | tuple | set | frozenset | dict):
        key = id(value)
        if key in memo:
            return memo[key]
        memo[key] = 0  # a container that holds itself prints once
        items = value.items() if isinstance(value, dict) else value
        total = len(value)
        for item in items:
            if isinstance(item, tuple) and isinstance(value, dict):
                total += _deep_size(item[0], memo, limit) + _deep_size(item[1], memo, limit)
            else:
                total += _deep_size(item, memo, limit)
            if total > limit:
                break
        memo[key] = total
        return total
    return 0


def _check_size(value: Any, what: str) -> None:
    budget = _active()
    if budget is None:
        return
    size = _deep_size(value, {}, budget.max_chars)
    if size > budget.max_chars:
        raise _over(f"{what} exceeds the render budget of {budget.max_chars} characters")


def _check_args(name: str, args: tuple[Any, ...], kwargs: Mapping[str, Any]) -> None:
    budget = _active()
    if budget is None:
        return
    values = [*args, *kwargs.values()]
    memo: dict[int, int] = {}
    for value in values:
        if isinstance(value, _CONTAINER_TYPES) and _deep_size(value, memo, budget.max_chars) > budget.max_chars:
            raise _over(f"{name}: an argument exceeds the render budget of {budget.max_chars} characters")
        if isinstance(value, int) and not isinstance(value, bool) and abs(value) > budget.max_chars:
            raise _over(
                f"{name}: argument {value if abs(value) < 10**15 else 'of ' + str(value.bit_length()) + ' bits'} "
                f"exceeds the render budget of {budget.max_chars}"
            )
    texts = [v for v in values if isinstance(v, str)]
    if name == "replace" and len(texts) >= 3:
        subject, old, new = texts[:3]
        grows = (len(subject) + 1) if old == "" else len(subject) // max(len(old), 1)
        if len(subject) + grows * len(new) > budget.max_chars:
            raise _over(f"replace would exceed the render budget of {budget.max_chars} characters")
    if name == "format" and texts:
        _check_widths(texts[0], budget)


def _check_widths(text: str, budget: RenderBudget | None) -> None:
    """Refuse ``%``/``{}`` format widths or precisions beyond the budget (they allocate first)."""
    limit = budget.max_chars if budget is not None else sys.maxsize
    for spec in re.findall(r"%[-#0 +]*(?:\d+)?(?:\.\d+)?|\{[^{}]*\}", text):
        for digits in re.findall(r"\d+", spec):
            if len(digits) > 9 or int(digits) > limit:
                raise _over(f"format width {digits} exceeds the render budget")


def _guard(name: str, func: Callable[..., Any]) -> Callable[..., Any]:
    """``func`` with its arguments and result checked against the active budget.

    The wrapper takes the template context, which also keeps Jinja from calling the
    filter while it compiles a template (constant folding would run it unbudgeted).
    """
    pass_arg = _PassArg.from_obj(func)

    def guarded(context: jinja2.runtime.Context, *args: Any, **kwargs: Any) -> Any:
        _check_args(name, args, kwargs)
        if pass_arg is _PassArg.context:
            result = func(context, *args, **kwargs)
        elif pass_arg is _PassArg.eval_context:
            result = func(context.eval_ctx, *args, **kwargs)
        elif pass_arg is _PassArg.environment:
            result = func(context.environment, *args, **kwargs)
        else:
            result = func(*args, **kwargs)
        _check_size(result, f"the result of {name}")
        return result

    guarded.__name__ = getattr(func, "__name__", name)
    guarded.__doc__ = func.__doc__
    return jinja2.pass_context(guarded)


def _binop_size(operator: str, left: Any, right: Any, limit: int) -> float:
    if operator == "*":
        for seq, times in ((left, right), (right, left)):
            if isinstance(seq, str | list | tuple) and isinstance(times, int):
                return float(_deep_size(seq, {}, limit)) * max(times, 0)
    if operator == "+":
        return float(_deep_size(left, {}, limit) + _deep_size(right, {}, limit))
    if operator == "%" and isinstance(left, str):
        return float(len(left) + _deep_size(right, {}, limit))
    if operator == "**" and isinstance(left, int) and isinstance(right, int) and right > 0:
        bits = max(abs(left), 2).bit_length() * right
        return float(bits) * limit / _POWER_BITS
    return 0.0


class _BudgetSandbox(ImmutableSandboxedEnvironment):
    """The sandbox, with operators, calls and filters checked against the active budget."""

    intercepted_binops = frozenset({"*", "**", "%", "+"})

    def call_binop(self, context: jinja2.runtime.Context, operator: str, left: Any, right: Any) -> Any:
        budget = _active()
        if budget is not None and _binop_size(operator, left, right, budget.max_chars) > budget.max_chars:
            raise _over(f"'{operator}' would exceed the render budget of {budget.max_chars} characters")
        if operator == "%" and isinstance(left, str):
            _check_widths(left, budget)
        return super().call_binop(context, operator, left, right)

    def call(__self, __context: jinja2.runtime.Context, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        name = getattr(__obj, "__name__", type(__obj).__name__)
        _check_args(name, args if name != "replace" else (getattr(__obj, "__self__", ""), *args), kwargs)
        result = super().call(__context, __obj, *args, **kwargs)
        _check_size(result, f"the result of {name}()")
        return result

    def wrap_str_format(self, value: Any) -> Callable[..., str] | None:
        text = getattr(value, "__self__", None)
        if isinstance(text, str) and getattr(value, "__name__", None) in ("format", "format_map"):
            _check_widths(text, _active())
        return super().wrap_str_format(value)


def _concat(parts: Any) -> str:
    """Join buffered output (macro bodies, ``caller()``, ``{% set %}`` blocks) once measured."""
    chunks = list(parts)
    budget = _active()
    if budget is not None and sum(len(c) for c in chunks) > budget.max_chars:
        raise _over(f"buffered output exceeds the render budget of {budget.max_chars} characters")
    return "".join(chunks)


def _finalize(value: Any) -> Any:
    """Every ``{{ ... }}`` value is measured before it is turned into text."""
    _check_size(value, "a printed value")
    return value


def _make_env() -> _BudgetSandbox:
    env = _BudgetSandbox(
        undefined=jinja2.StrictUndefined,
        finalize=_finalize,
        autoescape=False,
        keep_trailing_newline=True,
        optimized=False,  # constant folding would call filters at compile time, unbudgeted
    )
    env.filters = {name: _guard(name, f) for name, f in env.filters.items()}
    env.concat = _concat  # type: ignore[method-assign]
    for name in ("namespace", "lipsum"):  # state across loop iterations; bulk text
        env.globals.pop(name, None)
    return env


_ENV = _make_env()

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
        ast = _ENV.parse(text)
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
    ast = _ENV.parse(text)
    traced = any(not isinstance(node, _STRAIGHT_LINE) for node in ast.find_all(nodes.Node))
    return _ENV.from_string(text), traced


def _one_line(text: str | None) -> str:
    return " ".join(str(text or "").split())[:200]


_TEXT_TYPES = (str, bytes)
_CONTAINER_TYPES = (list, tuple, dict, set, frozenset)


def _local_tracer(frame: FrameType, event: str, arg: Any) -> Any:
    if event == "line":
        state = _STATE
        budget = state.budget
        if budget is None:
            return None
        if time.monotonic() > state.deadline:
            raise _over(f"the render took longer than its budget of {budget.seconds:g} s")
        limit = budget.max_chars
        memo: dict[int, int] | None = None
        for value in frame.f_locals.values():
            kind = type(value)
            if kind in _TEXT_TYPES:
                if len(value) <= limit:
                    continue
            elif kind in _CONTAINER_TYPES or isinstance(value, _CONTAINER_TYPES + _TEXT_TYPES):
                if memo is None:
                    memo = {}
                if _deep_size(value, memo, limit) <= limit:
                    continue
            else:
                continue
            raise _over(f"a value the template holds exceeds the render budget of {limit} characters")
    elif event == "return":
        _STATE.depth -= 1
    return _local_tracer


def _tracer(frame: FrameType, event: str, arg: Any) -> Any:
    if event != "call" or frame.f_code.co_filename != _FILENAME:
        return None
    budget = _STATE.budget
    if budget is None:
        return None
    _STATE.depth += 1
    if _STATE.depth > budget.max_depth:
        raise _over(f"template calls nest deeper than the render budget of {budget.max_depth}")
    if time.monotonic() > _STATE.deadline:
        raise _over(f"the render took longer than its budget of {budget.seconds:g} s")
    return _local_tracer


def _run(
    template: jinja2.Template, variables: Mapping[str, str], budget: RenderBudget, *, traced: bool
) -> str:
    parts: list[str] = []
    size = 0
    previous = sys.gettrace()
    _STATE.budget, _STATE.deadline, _STATE.depth = budget, time.monotonic() + budget.seconds, 0
    if traced:
        sys.settrace(_tracer)
    try:
        for chunk in template.generate(**variables):
            size += len(chunk)
            if size > budget.max_chars:
                raise _over(f"the output exceeds the render budget of {budget.max_chars} characters")
            parts.append(chunk)
    finally:
        if traced:
            sys.settrace(previous)
        _STATE.budget = None
    return "".join(parts)


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
        return _run(template, variables, budget, traced=traced)
    except _BudgetExceeded as exc:
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
        if tb.tb_frame.f_code.co_filename == _FILENAME:
            line = tb.tb_lineno
        tb = tb.tb_next
    return line
