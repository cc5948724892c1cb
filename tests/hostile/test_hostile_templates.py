"""Hostile templates: refused by the trial render at validate time, or naming the candidate at run time."""

from __future__ import annotations

from pathlib import Path

import pytest
from hostile_cli import (
    BUDGET_S,
    REPLAY_CONTRACT,
    VALID,
    candidates,
    refused,
    replace,
    validate_refuses,
    with_template,
)

U = "{{ prompt }}{{ response }}"
DOUBLING = "".join(f"{{% set v{i + 1} = v{i} ~ v{i} %}}" for i in range(40))
NESTED_LISTS = "".join(f"{{% set l{i + 1} = [l{i}, l{i}] %}}" for i in range(40))

BOMBS: list[tuple[str, str, list[str]]] = [
    ("multiply-huge", U + "{{ response * 100000000 }}", ["'*' would exceed the render budget"]),
    ("multiply-list", U + "{{ [response] * 100000000 }}", ["'*' would exceed the render budget"]),
    ("multiply-left", U + "{{ 100000000 * response }}", ["'*' would exceed the render budget"]),
    ("power-huge", U + "{{ 10 ** 100000000 }}", ["'**' would exceed the render budget"]),
    ("power-chain", U + "{{ (10 ** 1000) ** 1000 }}", ["'**' would exceed the render budget"]),
    ("constant-format", U + "{{ '%999999999d' | format(1) }}", ["format width 999999999 exceeds the render budget"]),
    ("constant-center", U + "{{ 'x' | center(999999999) }}", ["argument 999999999 exceeds the render budget"]),
    ("range-huge", U + "{{ range(10 ** 9) | list }}", ["argument 1000000000 exceeds the render budget"]),
    ("range-huge-loop", U + "{% for i in range(10 ** 9) %}{% endfor %}", ["exceeds the render budget"]),
    ("doubling-chain", U + "{% set v0 = response %}" + DOUBLING + "{{ v40 }}", ["a value the template holds exceeds the render budget"]),
    ("nested-list-chain", U + "{% set l0 = response %}" + NESTED_LISTS + "{{ l40 }}", ["a value the template holds exceeds the render budget"]),
    ("percent-width", U + "{{ '%999999999s' % response }}", ["format width 999999999 exceeds the render budget"]),
    ("percent-precision", U + "{{ '%.999999999f' % 1.5 }}", ["format width 999999999 exceeds the render budget"]),
    ("format-width", U + "{{ '{:>999999999}'.format(response) }}", ["format width 999999999 exceeds the render budget"]),
    ("format-map-width", U + "{{ '{x:>99999999999}'.format_map({'x': response}) }}", ["format width 99999999999 exceeds the render budget"]),
    ("format-filter", U + "{{ ('%' ~ '999999999d') | format(1) }}", ["format width 999999999 exceeds the render budget"]),
    ("center-huge", U + "{{ response | center(10 ** 9) }}", ["argument 1000000000 exceeds the render budget"]),
    ("ljust-huge", U + "{{ response.ljust(10 ** 9) }}", ["argument 1000000000 exceeds the render budget"]),
    ("zfill-huge", U + "{{ response.zfill(10 ** 9) }}", ["argument 1000000000 exceeds the render budget"]),
    ("indent-huge", U + "{{ response | indent(10 ** 9) }}", ["argument 1000000000 exceeds the render budget"]),
    ("truncate-huge", U + "{{ response | truncate(10 ** 12) }}", ["exceeds the render budget"]),
    ("replace-empty", U + "{{ response | replace('', response * 40000) }}", ["replace would exceed the render budget"]),
    ("replace-method", U + "{{ response.replace('', response * 40000) }}", ["replace would exceed the render budget"]),
    ("wordwrap-huge", U + "{{ response | wordwrap(10 ** 10) }}", ["exceeds the render budget"]),
    ("wide-list-print", U + "{{ [response * 40000, response * 40000] }}", ["a printed value exceeds the render budget"]),
    ("wide-list-join", U + "{{ [response * 40000, response * 40000] | join }}", ["join: an argument exceeds the render budget"]),
    ("wide-list-string", U + "{{ [response * 40000, response * 40000] | string }}", ["string: an argument exceeds the render budget"]),
    ("set-block-buffer", U + "{% set x %}{% for i in range(1000) %}{{ response * 100 }}{% endfor %}{% endset %}{{ x | length }}", ["exceeds the render budget of 2000000 characters"]),
    ("macro-body-buffer", U + "{% macro m() %}{% for i in range(1000) %}{{ response * 100 }}{% endfor %}{% endmacro %}{{ m() | length }}", ["exceeds the render budget of 2000000 characters"]),
    ("recursive-macro", U + "{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}{{ f(0) }}", ["nest deeper than the render budget of 32"]),
    ("mutual-macros", U + "{% macro a(n) %}{{ b(n) }}{% endmacro %}{% macro b(n) %}{{ a(n) }}{% endmacro %}{{ a(0) }}", ["nest deeper than the render budget"]),
    ("recursive-loop", U + "{% for x in [1] recursive %}{{ loop([x]) }}{% endfor %}", ["nest deeper than the render budget"]),
    ("caller-recursion", U + "{% macro m() %}{{ caller() }}{% endmacro %}{% macro r() %}{% call m() %}{{ r() }}{% endcall %}{% endmacro %}{{ r() }}", ["nest deeper than the render budget"]),
    ("divide-by-zero", U + "{{ 1 / 0 }}", ["ZeroDivisionError"]),
    ("type-error", U + "{{ response + 1 }}", ["TypeError"]),
    ("dunder-class", U + "{{ response.__class__ }}", ["refused by the sandbox", "__class__"]),
    ("dunder-mro", U + "{{ ''.__class__.__mro__ }}", ["refused by the sandbox"]),
    ("globals", U + "{{ self.__init__.__globals__ }}", ["refused by the sandbox"]),
    ("cycler-internals", U + "{{ cycler.__init__.__globals__ }}", ["refused by the sandbox"]),
    ("mutation", U + "{% set l = [1] %}{{ l.append(2) }}", ["refused by the sandbox"]),
    ("dict-mutation", U + "{% set d = {} %}{{ d.update(a=1) }}", ["refused by the sandbox"]),
]


@pytest.mark.parametrize(("body", "fragments"), [(b, f) for _, b, f in BOMBS], ids=[i for i, _, _ in BOMBS])
def test_template_bombs_fail_the_trial_render(tmp_path: Path, body: str, fragments: list[str]) -> None:
    validate_refuses(tmp_path, with_template(body), "prompt:", *fragments, limit=BUDGET_S)


@pytest.mark.parametrize(
    "body",
    [
        U + "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}",
        U + "{% for i in range(100000) %}{% for j in range(100000) %}{{ '' }}{% endfor %}{% endfor %}",
        U + "{% for c in (response ~ 'x') * 2000 %}{% for d in range(100000) %}{% endfor %}{% endfor %}",
    ],
    ids=["nested-empty-loops", "nested-output-loops", "loops-over-text"],
)
def test_loops_that_hang_are_stopped_by_wall_time(tmp_path: Path, body: str) -> None:
    refusal = validate_refuses(tmp_path, with_template(body), "took longer than its budget of 2 s", limit=BUDGET_S)
    assert refusal.seconds >= 1.9


STATIC: list[tuple[str, str, list[str]]] = [
    ("include", U + "{% include 'other.j2' %}", ["'{% include %}' is not allowed", "template line 1"]),
    ("include-ignore-missing", U + "{% include 'x' ignore missing %}", ["'{% include %}' is not allowed"]),
    ("import", U + "{% import 'macros.j2' as m %}", ["'{% import %}' is not allowed"]),
    ("from-import", U + "{% from 'macros.j2' import m %}", ["'{% from ... import %}' is not allowed"]),
    ("extends", "{% extends 'base.j2' %}" + U, ["'{% extends %}' is not allowed"]),
    ("extends-line-3", U + "\n\n{% extends 'base.j2' %}", ["'{% extends %}' is not allowed", "template line 3"]),
    ("deep-parens", U + "{{ " + "(" * 500 + "1" + ")" * 500 + " }}", ["nests too deeply"]),
    ("deep-lists", U + "{{ " + "[" * 500 + "]" * 500 + " }}", ["nests too deeply"]),
    ("syntax-error", U + "{% for %}", ["template line 1"]),
    ("unclosed-block", U + "{% if x %}", ["template line 1"]),
    ("unknown-tag", U + "{% exec 'x' %}", ["template line 1", "exec"]),
    ("namespace-gone", U + "{% set ns = namespace(a=1) %}", ["undefined variable(s) ['namespace']"]),
    ("lipsum-gone", U + "{{ lipsum(100000) }}", ["undefined variable(s) ['lipsum']"]),
    ("undeclared", U + "{{ reference }}", ["undefined variable(s) ['reference']"]),
]


@pytest.mark.parametrize(("body", "fragments"), [(b, f) for _, b, f in STATIC], ids=[i for i, _, _ in STATIC])
def test_templates_refused_when_parsed(tmp_path: Path, body: str, fragments: list[str]) -> None:
    validate_refuses(tmp_path, with_template(body), "prompt:", *fragments)


def test_a_template_file_bomb_is_refused_too(tmp_path: Path) -> None:
    (tmp_path / "t.j2").write_text(U + "{{ response * 100000000 }}", encoding="utf-8")
    contract = tmp_path / "contract.yaml"
    contract.write_text(replace('template: "Q: {{ prompt }}\\nA: {{ response }}\\nScore 1-10. Score:"', "template_file: t.j2"))
    refused(["validate", str(contract)], "prompt: trial render failed", "'*' would exceed")


ESCALATION = (
    "tie_policy:\n  kind: pairwise_escalation\n  pairwise:\n"
    "    template: \"A: {{{{ response_a }}}} B: {{{{ response_b }}}}{body}\"\n"
)


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        ("{{ response_a * 100000000 }}", "'*' would exceed the render budget"),
        ("{% include 'x' %}", "'{% include %}' is not allowed"),
        ("{% macro f() %}{{ f() }}{% endmacro %}{{ f() }}", "nest deeper than the render budget"),
        ("{{ response_a.__class__ }}", "refused by the sandbox"),
    ],
    ids=["multiply", "include", "recursion", "sandbox"],
)
def test_escalation_template_bombs(tmp_path: Path, body: str, fragment: str) -> None:
    text = VALID + ESCALATION.format(body=body)
    validate_refuses(tmp_path, text, "tie_policy.pairwise", fragment)


def test_a_long_rubric_cannot_pass_the_budget(tmp_path: Path) -> None:
    (tmp_path / "rubric.md").write_text("r" * 900_000, encoding="utf-8")
    text = replace("variables: [prompt, response]", "variables: [prompt, response, rubric]\n  rubric_file: rubric.md")
    text = with_template(U + "{{ rubric }}{{ rubric }}{{ rubric }}", text)
    validate_refuses(tmp_path, text, "prompt: trial render failed", "exceeds the render budget")


# ------------------------------------------------------------------------ run time


def _runtime(tmp_path: Path, template: str, responses: list[str], *fragments: str) -> None:
    contract = tmp_path / "contract.yaml"
    contract.write_text(REPLAY_CONTRACT.replace("Q: {{ prompt }} A: {{ response }}", template), encoding="utf-8")
    table = candidates(tmp_path / "candidates.jsonl", responses)
    args = ["judge", "--contract", str(contract), "--candidates", str(table), "--out", str(tmp_path / "out"), "--no-cache"]
    refused(args, *fragments, limit=BUDGET_S)
    assert not (tmp_path / "out" / "judgments.jsonl").exists()


def test_run_time_render_over_budget_names_the_candidate(tmp_path: Path, constant_judge: object) -> None:
    # 45-character placeholders pass the trial render (45 * 1000 characters); a
    # 5,000-character response does not (5,000,000 characters).
    _runtime(
        tmp_path,
        "{{ prompt }}{{ response * 1000 }}",
        ["short", "x" * 5000],
        "candidate (prompt_id='p1', candidate_id='c1')",
        "'*' would exceed the render budget",
    )


def test_run_time_render_of_held_values_names_the_candidate(tmp_path: Path, constant_judge: object) -> None:
    body = "{{ prompt }}{% set v0 = response %}" + "".join(
        f"{{% set v{i + 1} = v{i} ~ v{i} %}}" for i in range(12)
    ) + "{{ v12 | length }}"
    _runtime(
        tmp_path,
        body,
        ["ok", "y" * 1000],
        "candidate (prompt_id='p1', candidate_id='c1')",
        "a value the template holds exceeds the render budget",
    )


def test_run_time_render_time_names_the_candidate(tmp_path: Path, constant_judge: object) -> None:
    # The trial render's placeholders are short; the bomb goes off on long responses only.
    body = (
        "{{ prompt }}{{ response }}{% if response | length > 100 %}{% for i in range(100000) %}"
        "{% for j in range(100000) %}{% endfor %}{% endfor %}{% endif %}"
    )
    _runtime(
        tmp_path,
        body,
        ["a", "b" * 200],
        "candidate (prompt_id='p1', candidate_id='c1')",
        "took longer than its budget of 2 s",
    )


def test_run_time_straight_line_template_names_the_candidate(tmp_path: Path, constant_judge: object) -> None:
    wide = "[" + ", ".join(["response"] * 100) + "]"
    _runtime(
        tmp_path,
        "{{ prompt }}{{ " + wide + " | join(' ') }}",
        ["fine", "z" * 50_000],
        "candidate (prompt_id='p1', candidate_id='c1')",
        "join: an argument exceeds the render budget",
    )
