"""The contract's JSON Schema, generated from the pydantic models and shipped in the package."""

from __future__ import annotations

import json
from typing import Any

from ._model import JudgeContract

__all__ = ["contract_json_schema", "shipped_contract_schema"]

SCHEMA_ID = "https://judgespec.dev/schemas/contract-v1.json"


def contract_json_schema() -> dict[str, Any]:
    """Generate the JSON Schema of ``spec_version: 1`` contracts."""
    from .._field_docs import document_fields  # only schema generation needs the docstrings

    document_fields(JudgeContract)
    schema = JudgeContract.model_json_schema(mode="validation")
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": SCHEMA_ID, **schema}


def shipped_contract_schema() -> dict[str, Any]:
    """The schema file shipped in ``judgespec/schemas/contract.schema.json``."""
    from importlib import resources

    text = resources.files("judgespec").joinpath("schemas/contract.schema.json").read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
    return data
