"""The render budget: a Jinja2 sandbox whose renders are bounded in time, size and depth.

:class:`RenderBudget` limits one render:

- **wall time** (``seconds``): checked on every line the compiled template executes,
  so loops that produce no output cannot hang (a template of straight-line code, with
  no loop, macro, call block or assignment, runs each expression once and is not
  traced: its expressions are checked where they run);
- **size** (``max_chars``): the output and every printed value, every value the
  template holds in a variable (containers measured with shared parts counted each time
  they would print), every operand product of ``*``, ``**``, ``%`` and ``+``, every
  argument of a call or filter (integers by value, texts and containers by size),
  ``%``/``{}`` format widths, ``replace`` growth, buffered output (macro bodies, ``caller()``,
  ``{% set %}`` blocks) and every call or filter result;
- **depth** (``max_depth``): nested template frames (the template itself, macros,
  ``caller`` and recursive loops).

Sizes are checked before the value is made wherever the size is known in advance
(operators, arguments, widths, joins), so no allocation runs away. Time and depth are
checked by a trace function that sees only the compiled template's own frames. Filters
take the template context, which keeps Jinja from folding constant filter calls while
it compiles (that would run them outside the budget). ``namespace()`` (state across
loop iterations) and ``lipsum()`` (bulk text) are removed.
"""

from __future__ import annotations

import re
import sys
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import FrameType
from typing import Any

import jinja2
from jinja2.sandbox import ImmutableSandboxedEnvironment
from jinja2.utils import _PassArg

__all__ = [
    "DEFAULT_BUDGET",
    "SANDBOX",
    "TEMPLATE_FILENAME",
    "BudgetExceeded",
    "RenderBudget",
    "render_budgeted",
]

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

TEMPLATE_FILENAME = "<template>"
"""The file name Jinja gives compiled templates (how the tracer and tracebacks find them)."""
_POWER_BITS = 100_000


class BudgetExceeded(Exception):
    """Raised inside a render when it leaves its budget."""


class _State(threading.local):
    budget: RenderBudget | None = None
    deadline: float = 0.0
    depth: int = 0


_STATE = _State()


def _over(reason: str) -> BudgetExceeded:
    return BudgetExceeded(reason)


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



SANDBOX = _make_env()
"""The sandboxed environment every contract template compiles and renders in."""


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
    if event != "call" or frame.f_code.co_filename != TEMPLATE_FILENAME:
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


def render_budgeted(
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
