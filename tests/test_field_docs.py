"""Field docstrings reach the JSON Schemas only when a schema is generated.

The reference is pydantic's own ``use_attribute_docstrings``: twin models, one with the
flag and one given its descriptions by :func:`judgespec._field_docs.document_fields`,
must produce the same schema, and the shipped schema files must come out byte for byte.
The models themselves are created without reading their source (that is what made
``judgespec validate`` slow), which a fresh interpreter checks.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from judgespec._field_docs import document_fields

REPO = Path(__file__).resolve().parents[1]


class _Flagged(BaseModel):
    model_config = ConfigDict(use_attribute_docstrings=True)


class _Plain(BaseModel):
    pass


class FlagLeaf(_Flagged):
    """A nested model."""

    size: int = Field(default=1, ge=1)
    """How many, at least one.

    A second paragraph, indented like the source.
    """
    note: str = ""
    explicit: str = Field(default="", description="Given explicitly.")
    """Not used: an explicit description wins."""


class PlainLeaf(_Plain):
    """A nested model."""

    size: int = Field(default=1, ge=1)
    """How many, at least one.

    A second paragraph, indented like the source.
    """
    note: str = ""
    explicit: str = Field(default="", description="Given explicitly.")
    """Not used: an explicit description wins."""


class FlagBase(_Flagged):
    """A base with documented fields."""

    kind: Literal["a", "b"] = "a"
    """Which kind."""
    redeclared: int = 0
    """The parent's words, lost when a subclass redeclares the field without any."""


class PlainBase(_Plain):
    """A base with documented fields."""

    kind: Literal["a", "b"] = "a"
    """Which kind."""
    redeclared: int = 0
    """The parent's words, lost when a subclass redeclares the field without any."""


class FlagRoot(FlagBase):
    """The root: inherits, redeclares, nests."""

    redeclared: int = 1
    leaf: FlagLeaf = FlagLeaf()
    """One leaf."""
    leaves: list[FlagLeaf] = Field(default_factory=list)
    """Many leaves."""
    maybe: Annotated[FlagLeaf | None, Field(title="Maybe")] = None
    """A leaf or nothing."""


class PlainRoot(PlainBase):
    """The root: inherits, redeclares, nests."""

    redeclared: int = 1
    leaf: PlainLeaf = PlainLeaf()
    """One leaf."""
    leaves: list[PlainLeaf] = Field(default_factory=list)
    """Many leaves."""
    maybe: Annotated[PlainLeaf | None, Field(title="Maybe")] = None
    """A leaf or nothing."""


def _renamed(schema: dict[str, object]) -> str:
    return json.dumps(schema, indent=2).replace("Flag", "Plain")


def test_descriptions_match_pydantics_attribute_docstrings() -> None:
    document_fields(PlainRoot)
    assert _renamed(FlagRoot.model_json_schema()) == json.dumps(PlainRoot.model_json_schema(), indent=2)
    assert PlainRoot.model_fields["redeclared"].description is None
    assert PlainRoot.model_fields["kind"].description == "Which kind."
    assert PlainLeaf.model_fields["explicit"].description == "Given explicitly."
    document_fields(PlainRoot)  # idempotent
    assert _renamed(FlagRoot.model_json_schema()) == json.dumps(PlainRoot.model_json_schema(), indent=2)


def test_validation_is_unchanged_after_documenting() -> None:
    document_fields(PlainRoot)
    made = PlainRoot.model_validate({"kind": "b", "leaves": [{"size": 3}]})
    assert made.leaves[0].size == 3 and made.leaf == PlainLeaf()
    assert PlainRoot.model_fields["leaf"].default == PlainLeaf()


def test_shipped_schema_files_are_generated_byte_for_byte() -> None:
    from judgespec.contract import contract_json_schema
    from judgespec.scorecard import SCORECARD_SCHEMA_PATH, scorecard_json_schema_text
    from judgespec.scorecard._contrast import CONTRAST_SCHEMA_PATH, contrast_json_schema_text

    schemas = REPO / "judgespec" / "schemas"
    contract_text = json.dumps(contract_json_schema(), indent=2, sort_keys=True) + "\n"  # as `judgespec schema` prints it
    assert (schemas / "contract.schema.json").read_text(encoding="utf-8") == contract_text
    assert SCORECARD_SCHEMA_PATH.read_text(encoding="utf-8") == scorecard_json_schema_text()
    assert CONTRAST_SCHEMA_PATH.read_text(encoding="utf-8") == contrast_json_schema_text()


def test_models_are_created_without_reading_their_source() -> None:
    # A fresh interpreter: no schema generated yet, no model validator built yet.
    probe = (
        "import inspect\n"
        "calls = []\n"
        "real = inspect.getsource, inspect.getsourcelines\n"
        "inspect.getsource = lambda *a, **k: calls.append(a) or real[0](*a, **k)\n"
        "inspect.getsourcelines = lambda *a, **k: calls.append(a) or real[1](*a, **k)\n"
        "from judgespec.contract import JudgeContract, load_contract\n"
        "from judgespec.scorecard import Scorecard\n"
        "assert JudgeContract.model_fields['name'].description is None\n"
        "assert Scorecard.model_fields['contract'].description is None\n"
        "assert not JudgeContract.__pydantic_complete__\n"
        "load_contract('specs/smollm2-pointwise.yaml')\n"
        "assert JudgeContract.__pydantic_complete__\n"
        "assert calls == [], calls\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr


def test_default_instances_are_valid() -> None:
    # Defaults are made with model_construct() (no validator built at import): each must
    # equal the validated default of its model.
    from judgespec.contract import _model

    checked = 0
    for name in dir(_model):
        model = getattr(_model, name)
        if not (isinstance(model, type) and issubclass(model, BaseModel)):
            continue
        for field in model.model_fields.values():
            if isinstance(field.default, BaseModel):
                assert field.default == type(field.default).model_validate({})
                checked += 1
    assert checked >= 7
