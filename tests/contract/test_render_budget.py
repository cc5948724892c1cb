"""The render budget, unit by unit, with small budgets (numbers worked out by hand)."""

from __future__ import annotations

import sys

import pytest

from judgespec import ContractError
from judgespec.contract import DEFAULT_BUDGET, RenderBudget, render_template

TEN = RenderBudget(seconds=1.0, max_chars=10, max_depth=3)


@pytest.mark.parametrize(
    ("template", "variables", "expected"),
    [
        ("{{ a }}{{ b }}", {"a": "12345", "b": "67890"}, "1234567890"),  # exactly 10
        ("{{ a * 2 }}", {"a": "12345"}, "1234512345"),  # 5 * 2 = 10
        ("{{ a ~ a }}", {"a": "12345"}, "1234512345"),
        ("{% macro m(n) %}{% if n %}{{ m(n - 1) }}{% endif %}x{% endmacro %}{{ m(1) }}", {}, "xx"),  # root, m(1), m(0): depth 3
    ],
)
def test_exactly_at_the_budget_renders(template: str, variables: dict[str, str], expected: str) -> None:
    assert render_template(template, variables, budget=TEN) == expected


@pytest.mark.parametrize(
    ("template", "variables", "fragment"),
    [
        ("{{ a }}{{ b }}", {"a": "12345", "b": "678901"}, "the output exceeds the render budget of 10"),
        ("{{ a * 3 }}", {"a": "1234"}, "'*' would exceed the render budget of 10"),  # 12 > 10
        ("{{ a + a }}", {"a": "123456"}, "'+' would exceed"),
        ("{% set x = a ~ a %}{{ x | length }}", {"a": "123456"}, "a value the template holds exceeds"),
        ("{{ [a, a] }}", {"a": "123456"}, "a printed value exceeds"),
        ("{{ a | center(11) }}", {"a": "x"}, "center: argument 11 exceeds the render budget of 10"),
        ("{% macro m(n) %}{% if n %}{{ m(n - 1) }}{% endif %}x{% endmacro %}{{ m(2) }}", {}, "nest deeper than the render budget of 3"),
        ("{% set x %}{{ a }}{{ a }}{% endset %}{{ x | length }}", {"a": "123456"}, "exceeds the render budget of 10"),
        ("{{ a | replace('', '-') }}", {"a": "123456"}, "replace would exceed"),  # 6 + 7 = 13
    ],
)
def test_one_over_the_budget_fails_in_one_line(template: str, variables: dict[str, str], fragment: str) -> None:
    with pytest.raises(ContractError, match=r"^template: ") as info:
        render_template(template, variables, budget=TEN)
    assert fragment in str(info.value) and "\n" not in str(info.value)


def test_wall_time_stops_a_loop_that_prints_nothing() -> None:
    budget = RenderBudget(seconds=0.05, max_chars=1_000_000, max_depth=4)
    with pytest.raises(ContractError, match=r"took longer than its budget of 0\.05 s"):
        render_template("{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}", {}, budget=budget)


def test_a_render_leaves_the_trace_function_as_it_was() -> None:
    def tracer(frame: object, event: str, arg: object) -> None:
        return None

    previous = sys.gettrace()
    sys.settrace(tracer)
    try:
        render_template("{% for i in range(3) %}{{ i }}{% endfor %}", {})
        with pytest.raises(ContractError):
            render_template("{% for i in range(3) %}{{ 1 / 0 }}{% endfor %}", {})
        assert sys.gettrace() is tracer
    finally:
        sys.settrace(previous)


def test_the_default_budget() -> None:
    assert DEFAULT_BUDGET == RenderBudget(seconds=2.0, max_chars=2_000_000, max_depth=32)
