"""The scorecard JSON Schema, generated from the pydantic model.

The shipped file ``judgespec/schemas/scorecard.schema.json`` must equal
:func:`scorecard_json_schema_text`; a test checks it. Regenerate it with::

    python -c "from judgespec.scorecard._schema import write_shipped_schema as w; w()"
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from judgespec._field_docs import document_fields
from judgespec.scorecard._model import Scorecard

__all__ = [
    "SCORECARD_SCHEMA_PATH",
    "scorecard_json_schema",
    "scorecard_json_schema_text",
    "write_shipped_schema",
]

SCORECARD_SCHEMA_PATH = Path(__file__).resolve().parent.parent / "schemas" / "scorecard.schema.json"
"""Where the shipped scorecard schema lives inside the package."""

_SCHEMA_ID = "https://judgespec.dev/schemas/scorecard.schema.json"


def scorecard_json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) every scorecard file validates against."""
    document_fields(Scorecard)
    schema = Scorecard.model_json_schema(mode="validation")
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": _SCHEMA_ID,
        **schema,
    }


def scorecard_json_schema_text() -> str:
    """:func:`scorecard_json_schema` as the text of the shipped file (indent 2, newline)."""
    return json.dumps(scorecard_json_schema(), indent=2, ensure_ascii=False) + "\n"


def write_shipped_schema() -> None:
    """Regenerate the shipped schema file (a maintenance step after model changes)."""
    SCORECARD_SCHEMA_PATH.write_text(scorecard_json_schema_text(), encoding="utf-8")
