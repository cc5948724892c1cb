"""Every example contract validates with pydantic and with the shipped JSON Schema."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import yaml

from judgespec.contract import contract_json_schema, load_contract, shipped_contract_schema

REPO = Path(__file__).resolve().parents[2]
SPECS = sorted((REPO / "specs").glob("*.yaml"))


def test_shipped_schema_is_current() -> None:
    assert shipped_contract_schema() == contract_json_schema(), (
        "judgespec/schemas/contract.schema.json is stale: run "
        "`judgespec schema > judgespec/schemas/contract.schema.json`"
    )


def test_there_are_examples() -> None:
    kinds = {load_contract(p).contract.protocol.kind for p in SPECS}
    assert {"pointwise", "logprob", "pairwise"} <= kinds
    assert any(load_contract(p).contract.panel is not None for p in SPECS)


@pytest.mark.parametrize("path", SPECS, ids=[p.name for p in SPECS])
def test_example_validates_with_pydantic_and_jsonschema(path: Path) -> None:
    load_contract(path)
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(contract_json_schema()).validate(data)


@pytest.mark.parametrize("path", SPECS, ids=[p.name for p in SPECS])
def test_example_has_editor_schema_line(path: Path) -> None:
    first = path.read_text(encoding="utf-8").splitlines()[0]
    assert first == "# yaml-language-server: $schema=../judgespec/schemas/contract.schema.json"


def test_schema_rejects_unknown_keys() -> None:
    data = yaml.safe_load((REPO / "specs" / "pairwise-both-orders.yaml").read_text())
    data["judge"]["temprature"] = 0
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft202012Validator(contract_json_schema()).validate(data)


def test_field_docstrings_become_descriptions() -> None:
    schema = contract_json_schema()
    judge = schema["$defs"]["JudgeModel"]["properties"]["revision"]
    assert "commit hash" in judge["description"]
    json.dumps(schema)
