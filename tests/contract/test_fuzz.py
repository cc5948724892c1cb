"""Property test: validation raises only ContractError, never another exception."""

from __future__ import annotations

from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from judgespec import ContractError
from judgespec.contract import load_contract_text

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
