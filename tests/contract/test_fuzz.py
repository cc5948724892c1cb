"""Property tests: validation raises only ContractError, never another exception.

Also generated: explicit YAML tags and merge keys (always refused, naming the line) and
template bombs (refused, or rendered within the render budget).
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from judgespec import ContractError
from judgespec.contract import RenderBudget, load_contract_text, render_template

VALID = (Path(__file__).parent / "data" / "valid.yaml").read_text(encoding="utf-8")

BASE = yaml.safe_load(VALID)

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**6), max_value=10**6),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20),
)
values = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4), st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=12,
)


def _paths(data: object, prefix: tuple = ()) -> list[tuple]:
    out = [prefix]
    if isinstance(data, dict):
        for k, v in data.items():
            out += _paths(v, (*prefix, k))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            out += _paths(v, (*prefix, i))
    return out


PATHS = _paths(BASE)[1:]


def _mutate(path: tuple, value: object, delete: bool) -> object:
    import copy

    data = copy.deepcopy(BASE)
    node = data
    for key in path[:-1]:
        node = node[key]
    if delete and isinstance(node, dict):
        node.pop(path[-1], None)
    else:
        node[path[-1]] = value
    return data


def _check(text: str) -> None:
    try:
        load_contract_text(text, name="fuzz.yaml")
    except ContractError as exc:
        assert "\n" not in str(exc)


@settings(max_examples=700, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(PATHS), values, st.booleans())
def test_mutated_documents_raise_only_contract_error(path: tuple, value: object, delete: bool) -> None:
    data = _mutate(path, value, delete)
    _check(yaml.safe_dump(data, allow_unicode=True))


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=200))
def test_arbitrary_text_raises_only_contract_error(text: str) -> None:
    _check(VALID[: len(VALID) // 2] + text)


@settings(max_examples=200, deadline=None)
@given(values)
def test_generated_documents_raise_only_contract_error(value: object) -> None:
    _check(yaml.safe_dump(value, allow_unicode=True))


# ----------------------------------------------------------------- tags and merge keys

TAGS = st.one_of(
    st.sampled_from(
        ["!!str", "!!binary", "!!set", "!!omap", "!!pairs", "!!timestamp", "!!int", "!!float",
         "!!bool", "!!null", "!!map", "!!seq", "!!python/object:os.system", "!!python/name:os.system",
         "!function", "!", "!<tag:yaml.org,2002:str>"]
    ),
    st.from_regex(r"\A![a-z][a-z0-9_/.:-]{0,12}\Z"),
)
LINES = VALID.splitlines()
VALUE_LINES = [i for i, line in enumerate(LINES) if ": " in line and not line.rstrip().endswith(":")]


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(VALUE_LINES), TAGS)
def test_any_tag_on_any_value_is_refused(index: int, tag: str) -> None:
    lines = list(LINES)
    key, value = lines[index].split(": ", 1)
    lines[index] = f"{key}: {tag} {value}"
    with pytest.raises(ContractError, match=r"YAML tag .* is not allowed") as info:
        load_contract_text("\n".join(lines) + "\n", name="fuzz.yaml")
    assert f"fuzz.yaml:{index + 1}:" in str(info.value)


MAPPING_LINES = [i for i, line in enumerate(LINES) if line.rstrip().endswith(":")]


@settings(max_examples=80, deadline=None)
@given(st.sampled_from([-1, *MAPPING_LINES]), st.dictionaries(st.sampled_from(["kind", "seed", "n", "label"]), scalars, min_size=1, max_size=3), st.booleans())
def test_merge_keys_anywhere_are_refused(index: int, merged: dict, flow: bool) -> None:
    lines = list(LINES)
    indent = "" if index < 0 else " " * (len(lines[index]) - len(lines[index].lstrip()) + 2)
    body = yaml.safe_dump(merged, default_flow_style=True).strip() if flow else "[" + yaml.safe_dump(merged, default_flow_style=True).strip() + "]"
    lines.insert(index + 1, f"{indent}<<: {body}")
    with pytest.raises(ContractError, match=r"merge keys \(<<\) are not allowed"):
        load_contract_text("\n".join(lines) + "\n", name="fuzz.yaml")


# ---------------------------------------------------------------------- template bombs

BIG = st.sampled_from([10**3, 10**5, 10**6, 10**9, 10**12])
PIECES = st.one_of(
    st.builds("{{{{ response * {} }}}}".format, BIG),
    st.builds("{{{{ [response] * {} }}}}".format, BIG),
    st.builds("{{{{ {} ** {} }}}}".format, st.integers(2, 99), BIG),
    st.builds("{{{{ range({}) | list | length }}}}".format, BIG),
    st.builds("{{% for i in range({}) %}}{{% for j in range({}) %}}{{% endfor %}}{{% endfor %}}".format, BIG, BIG),
    st.builds("{{{{ '%{}s' % response }}}}".format, BIG),
    st.builds("{{{{ '{{:>{}}}'.format(response) }}}}".format, BIG),
    st.builds("{{{{ response | center({}) }}}}".format, BIG),
    st.builds("{{{{ response | replace('', response * {}) }}}}".format, st.integers(1, 10**5)),
    st.builds(
        lambda n: "{% set v0 = response %}" + "".join(f"{{% set v{i + 1} = v{i} ~ v{i} %}}" for i in range(n)) + f"{{{{ v{n} }}}}",
        st.integers(1, 40),
    ),
    st.builds(
        lambda n: "{% set l0 = [response] %}" + "".join(f"{{% set l{i + 1} = [l{i}, l{i}] %}}" for i in range(n)) + f"{{{{ l{n} }}}}",
        st.integers(1, 40),
    ),
    st.just("{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}{{ f(0) }}"),
    st.just("{% for x in [1] recursive %}{{ loop([x]) }}{% endfor %}"),
    st.sampled_from(["{% include 'x' %}", "{% import 'x' as y %}", "{% extends 'x' %}", "{% from 'x' import y %}"]),
    st.sampled_from(["{{ response.__class__ }}", "{{ 1 / 0 }}", "{{ response + 1 }}", "{{ namespace() }}", "{{ lipsum(10**6) }}"]),
    st.text(alphabet="{}%#()[]'\"|~*+ abcxyz0129", max_size=20),
)
SMALL = RenderBudget(seconds=0.25, max_chars=200_000, max_depth=16)


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(PIECES, min_size=1, max_size=3), st.text(max_size=50))
def test_template_bombs_render_within_the_budget_or_fail_in_one_line(pieces: list[str], response: str) -> None:
    text = "".join(pieces)
    started = time.monotonic()
    try:
        out = render_template(text, {"response": response, "prompt": "q"}, budget=SMALL)
    except ContractError as exc:
        assert "\n" not in str(exc)
    else:
        assert len(out) <= SMALL.max_chars
    assert time.monotonic() - started < SMALL.seconds + 10.0  # generous: a shared, busy machine


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(PIECES.filter(lambda p: "for i in range" not in p), min_size=1, max_size=2))
def test_contracts_with_template_bombs_raise_only_contract_error(pieces: list[str]) -> None:
    body = "{{ prompt }}{{ response }}" + "".join(pieces)
    text = VALID.replace(
        'template: "Q: {{ prompt }}\\nA: {{ response }}\\nScore 1-10. Score:"',
        "template: " + json.dumps(body),
    )
    started = time.monotonic()
    _check(text)
    assert time.monotonic() - started < 20.0  # the 2 s render budget, with room for a busy machine
